import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubeConfig, type V1PodDisruptionBudget } from '@kubernetes/client-node';
import { startKubernetesSimulator, type KubernetesSimulator } from './index';
import { apiFailure, galeraStatefulSet, uniqueName } from './spec-support';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

describe('k8s-sim: patch types, server-side apply and subresources', () => {
  let sim: KubernetesSimulator;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  before(async () => {
    // No pods needed here: freeze the controllers so StatefulSets stay as written.
    sim = await startKubernetesSimulator();
    sim.controller.pause();
    kc = sim.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });
  after(() => sim.close());

  async function freshNamespace(): Promise<string> {
    const name = uniqueName('patch');
    await core.createNamespace({ body: { metadata: { name } } });
    return name;
  }

  test('JSON merge patch adds, replaces and (with null) removes fields', async () => {
    const namespace = await freshNamespace();
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cm', labels: { a: '1', b: '2' } }, data: { x: '1', y: '2' } } });
    const patched = await core.patchNamespacedConfigMap({ name: 'cm', namespace, body: { metadata: { labels: { b: null, c: '3' } }, data: { y: '20' } } }, merge);
    assert.deepEqual(patched.metadata?.labels, { a: '1', c: '3' });
    assert.deepEqual(patched.data, { x: '1', y: '20' });
    assert.equal(sim.requests.list({ verb: 'patch', name: 'cm' }).at(-1)?.contentType, 'application/merge-patch+json');
  });

  test('strategic merge patch merges containers and env by name and honours $patch: delete', async () => {
    const namespace = await freshNamespace();
    await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 3) });
    const patched = await apps.patchNamespacedStatefulSet(
      {
        name: 'db',
        namespace,
        body: {
          spec: {
            template: {
              metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } },
              spec: {
                containers: [
                  {
                    name: 'mariadb',
                    image: 'mariadb:11.5',
                    env: [
                      { name: 'MARIADB_GALERA_CLUSTER_NAME', $patch: 'delete' },
                      { name: 'WSREP_SST_METHOD', value: 'mariabackup' },
                    ],
                  },
                ],
              },
            },
          },
        },
      },
      strategic,
    );
    const container = patched.spec?.template.spec?.containers[0];
    assert.equal(patched.spec?.template.spec?.containers.length, 1);
    assert.equal(container?.image, 'mariadb:11.5');
    assert.deepEqual(
      container?.ports?.map((p) => p.containerPort),
      [3306, 4567],
      'ports kept',
    );
    assert.deepEqual(
      container?.env?.map((e) => e.name),
      ['WSREP_SST_METHOD'],
    );
    assert.equal(patched.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], '2026-01-01T00:00:00Z');
    assert.equal(patched.metadata?.generation, 2, 'a template change bumps generation');
  });

  test('JSON patch (RFC 6902), 422 when a test fails, 400 when the body is not a patch list', async () => {
    const namespace = await freshNamespace();
    await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 1) });
    // client-node 1.x sends application/json-patch+json by default for typed patch calls.
    const patched = await apps.patchNamespacedStatefulSet({
      name: 'db',
      namespace,
      body: [
        { op: 'test', path: '/spec/replicas', value: 1 },
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'add', path: '/metadata/labels/app.kubernetes.io~1component', value: 'database' },
      ],
    });
    assert.equal(patched.spec?.replicas, 3);
    assert.equal(patched.metadata?.labels?.['app.kubernetes.io/component'], 'database');
    const failedTest = await apiFailure(apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: [{ op: 'test', path: '/spec/replicas', value: 1 }] }));
    assert.equal(failedTest.code, 422);
    // The classic mistake: an object sent without choosing a patch content type.
    const notAList = await apiFailure(apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: { spec: { replicas: 5 } } }));
    assert.equal(notAList.code, 400);
    assert.match(notAList.message ?? '', /cannot unmarshal object into Go value of type jsonpatch.Patch/);
  });

  test('server-side apply creates, then updates; a field dropped from the applied config is removed', async () => {
    const namespace = await freshNamespace();
    const config = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'galera', namespace, labels: { app: 'galera' } }, data });
    const created = await core.patchNamespacedConfigMap({ name: 'galera', namespace, body: config({ a: '1', b: '2' }), fieldManager: 'galera-cp' }, apply);
    assert.deepEqual(created.data, { a: '1', b: '2' });
    assert.equal(sim.requests.list({ verb: 'patch', name: 'galera' }).at(-1)?.status, 201);
    const entry = created.metadata?.managedFields?.[0];
    assert.equal(entry?.manager, 'galera-cp');
    assert.equal(entry?.operation, 'Apply');
    assert.deepEqual(entry?.fieldsV1, { 'f:data': { 'f:a': {}, 'f:b': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } });

    const updated = await core.patchNamespacedConfigMap({ name: 'galera', namespace, body: config({ a: '10' }), fieldManager: 'galera-cp' }, apply);
    assert.deepEqual(updated.data, { a: '10' });
    assert.equal(updated.metadata?.uid, created.metadata?.uid);
    assert.equal(sim.requests.list({ verb: 'patch', name: 'galera' }).at(-1)?.status, 200);

    const again = await core.patchNamespacedConfigMap({ name: 'galera', namespace, body: config({ a: '10' }), fieldManager: 'galera-cp' }, apply);
    assert.equal(again.metadata?.resourceVersion, updated.metadata?.resourceVersion, 'an unchanged apply writes nothing');
  });

  test('server-side apply of a StatefulSet is idempotent and drops list items the manager stops applying', async () => {
    const namespace = await freshNamespace();
    const body = { ...galeraStatefulSet('db', 3), metadata: { name: 'db', namespace, labels: { app: 'db' } } };
    body.spec!.template.spec!.containers.push({ name: 'exporter', image: 'exporter:1' });
    body.spec!.template.spec!.containers[0]!.env!.push({ name: 'EXTRA', value: '1' });
    const first = await apps.patchNamespacedStatefulSet({ name: 'db', namespace, body, fieldManager: 'galera-cp' }, apply);
    const second = await apps.patchNamespacedStatefulSet({ name: 'db', namespace, body, fieldManager: 'galera-cp' }, apply);
    assert.equal(second.metadata?.resourceVersion, first.metadata?.resourceVersion, 're-applying the same config writes nothing');
    assert.equal(second.spec?.template.spec?.containers[0]?.terminationMessagePath, '/dev/termination-log', 'defaults are kept');

    const trimmed = { ...galeraStatefulSet('db', 3), metadata: { name: 'db', namespace, labels: { app: 'db' } } };
    const third = await apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: trimmed, fieldManager: 'galera-cp' }, apply);
    assert.deepEqual(
      third.spec?.template.spec?.containers.map((c) => [c.name, c.env?.map((e) => e.name)]),
      [['mariadb', ['MARIADB_GALERA_CLUSTER_NAME']]],
    );
    assert.equal(third.metadata?.generation, 2);
  });

  test('server-side apply: conflicts with another manager are 409 unless forced; a stale resourceVersion is 409', async () => {
    const namespace = await freshNamespace();
    const desired = (replicas: number) => ({ ...galeraStatefulSet('db', replicas), metadata: { name: 'db', namespace, labels: { app: 'db' } } });
    await apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: desired(3), fieldManager: 'galera-cp' }, apply);
    // Someone else scales by hand (an Update by another manager takes the field over).
    await apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: { spec: { replicas: 5 } }, fieldManager: 'kubectl-edit' }, merge);

    const refused = await apiFailure(apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: desired(3), fieldManager: 'galera-cp' }, apply));
    assert.equal(refused.code, 409);
    assert.equal(refused.reason, 'Conflict');
    assert.deepEqual(refused.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using apps/v1', field: '.spec.replicas' }]);

    const forced = await apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: desired(3), fieldManager: 'galera-cp', force: true }, apply);
    assert.equal(forced.spec?.replicas, 3);
    assert.ok(!forced.metadata?.managedFields?.some((m) => m.manager === 'kubectl-edit'), 'the forced field changed hands');

    const stale = await apiFailure(
      apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: { ...desired(4), metadata: { ...desired(4).metadata, resourceVersion: '1' } }, fieldManager: 'galera-cp', force: true }, apply),
    );
    assert.equal(stale.code, 409);
    assert.match(stale.message ?? '', /the object has been modified/);
  });

  test('apply needs a fieldManager; unknown patch content types are 415; merge patch with a stale resourceVersion is 409', async () => {
    const namespace = await freshNamespace();
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cm' } } });
    const noManager = await apiFailure(core.patchNamespacedConfigMap({ name: 'cm', namespace, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } } }, apply));
    assert.equal(noManager.code, 422);
    assert.match(noManager.message ?? '', /fieldManager: Required value/);
    const unknownType = await apiFailure(core.patchNamespacedConfigMap({ name: 'cm', namespace, body: {} }, setHeaderOptions('Content-Type', 'application/x-thing')));
    assert.equal(unknownType.code, 415);
    const stale = await apiFailure(core.patchNamespacedConfigMap({ name: 'cm', namespace, body: { metadata: { resourceVersion: '2' }, data: { a: 'b' } } }, merge));
    assert.equal(stale.code, 409);
  });

  test('KubernetesObjectApi.patch applies any kind by apiVersion/kind', async () => {
    const namespace = await freshNamespace();
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const pdb: V1PodDisruptionBudget = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'db', namespace },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'db' } } },
    };
    await objects.patch(pdb, undefined, undefined, 'galera-cp', true, PatchStrategy.ServerSideApply);
    const changed = await objects.patch({ ...pdb, spec: { ...pdb.spec, maxUnavailable: 2 } }, undefined, undefined, 'galera-cp', true, PatchStrategy.ServerSideApply);
    assert.equal(changed.spec?.maxUnavailable, 2);
    assert.equal(changed.metadata?.generation, 2);
  });

  test('the scale subresource reads and writes spec.replicas', async () => {
    const namespace = await freshNamespace();
    await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 1) });
    const scale = await apps.readNamespacedStatefulSetScale({ name: 'db', namespace });
    assert.equal(scale.kind, 'Scale');
    assert.equal(scale.spec?.replicas, 1);
    assert.equal(scale.status?.selector, 'app=db');
    await apps.replaceNamespacedStatefulSetScale({ name: 'db', namespace, body: { ...scale, spec: { replicas: 3 } } });
    assert.equal((await apps.readNamespacedStatefulSet({ name: 'db', namespace })).spec?.replicas, 3);
    const patched = await apps.patchNamespacedStatefulSetScale({ name: 'db', namespace, body: { spec: { replicas: 5 } } }, merge);
    assert.equal(patched.spec?.replicas, 5);
    const stale = await apiFailure(apps.replaceNamespacedStatefulSetScale({ name: 'db', namespace, body: { ...scale, spec: { replicas: 2 } } }));
    assert.equal(stale.code, 409, 'the old Scale carries a stale resourceVersion');
    const negative = await apiFailure(apps.patchNamespacedStatefulSetScale({ name: 'db', namespace, body: { spec: { replicas: -1 } } }, merge));
    assert.equal(negative.code, 422);
  });

  test('status is written only through /status, spec only through the main resource', async () => {
    const namespace = await freshNamespace();
    const created = await apps.createNamespacedStatefulSet({ namespace, body: { ...galeraStatefulSet('db', 1), status: { replicas: 7 } } });
    assert.equal(created.status?.replicas, 0, 'status sent on create is dropped');
    const viaMain = await apps.replaceNamespacedStatefulSet({ name: 'db', namespace, body: { ...created, status: { replicas: 9 } } });
    assert.equal(viaMain.status?.replicas, 0);
    const viaStatus = await apps.replaceNamespacedStatefulSetStatus({ name: 'db', namespace, body: { ...viaMain, spec: { ...viaMain.spec!, replicas: 4 }, status: { replicas: 1 } } });
    assert.equal(viaStatus.status?.replicas, 1);
    assert.equal(viaStatus.spec?.replicas, 1, 'spec sent to /status is ignored');
    assert.equal(viaStatus.metadata?.generation, 1);
  });

  test('dryRun=All validates and answers without storing', async () => {
    const namespace = await freshNamespace();
    const answer = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'dry' } }, dryRun: 'All' });
    assert.equal(answer.metadata?.name, 'dry');
    assert.equal((await apiFailure(core.readNamespacedConfigMap({ name: 'dry', namespace }))).code, 404);
  });
});
