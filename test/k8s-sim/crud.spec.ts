import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, PolicyV1Api, type KubeConfig, type KubernetesObject, type V1Namespace, type V1PodDisruptionBudget } from '@kubernetes/client-node';
import { startKubernetesSimulator, type KubernetesSimulator } from './index';
import { apiFailure, galeraStatefulSet, uniqueName } from './spec-support';

describe('k8s-sim: objects over real HTTPS with client-node', () => {
  let sim: KubernetesSimulator;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  before(async () => {
    sim = await startKubernetesSimulator();
    kc = sim.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });
  after(() => sim.close());

  async function freshNamespace(): Promise<string> {
    const name = uniqueName('crud');
    await core.createNamespace({ body: { metadata: { name } } });
    return name;
  }

  test('serves HTTPS with a CA the kubeconfig trusts and refuses requests without the token', async () => {
    assert.match(sim.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(sim.kubeconfig, /certificate-authority-data: /);
    const response = await fetch(`${sim.url}/api/v1/namespaces`).catch((error: Error) => error);
    // Node's fetch does not trust the throwaway CA; client-node does, through the kubeconfig.
    assert.ok(response instanceof Error);
    const names = (await core.listNamespace()).items.map((n) => n.metadata?.name);
    assert.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  test('tls: false serves plain HTTP with a kubeconfig that client-node accepts', async () => {
    const plain = await startKubernetesSimulator({ tls: false, contextNamespace: 'galera', namespaces: ['galera'] });
    try {
      assert.match(plain.url, /^http:\/\//);
      assert.match(plain.kubeconfig, /insecure-skip-tls-verify: true/);
      const client = plain.kubeConfig().makeApiClient(CoreV1Api);
      assert.ok((await client.listNamespace()).items.some((n) => n.metadata?.name === 'galera'));
      const objects = KubernetesObjectApi.makeApiClient(plain.kubeConfig());
      const created = await objects.create<KubernetesObject>({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } });
      assert.equal(created.metadata?.namespace, 'galera', 'the context namespace is the default');
    } finally {
      await plain.close();
    }
  });

  test('generateName makes a unique name', async () => {
    const namespace = await freshNamespace();
    const first = await core.createNamespacedConfigMap({ namespace, body: { metadata: { generateName: 'backup-' } } });
    const second = await core.createNamespacedConfigMap({ namespace, body: { metadata: { generateName: 'backup-' } } });
    assert.match(first.metadata?.name ?? '', /^backup-[a-z0-9]{5}$/);
    assert.notEqual(first.metadata?.name, second.metadata?.name);
  });

  test('create, get, list, replace and delete a ConfigMap', async () => {
    const namespace = await freshNamespace();
    const created = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'galera-config' }, data: { 'my.cnf': '[galera]\n' } } });
    assert.equal(created.metadata?.namespace, namespace);
    assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(Number(created.metadata?.resourceVersion) > 0);
    assert.ok(created.metadata?.creationTimestamp instanceof Date);

    const read = await core.readNamespacedConfigMap({ name: 'galera-config', namespace });
    assert.equal(read.data?.['my.cnf'], '[galera]\n');

    read.data = { 'my.cnf': '[galera]\nwsrep_on=ON\n' };
    const replaced = await core.replaceNamespacedConfigMap({ name: 'galera-config', namespace, body: read });
    assert.ok(Number(replaced.metadata?.resourceVersion) > Number(created.metadata?.resourceVersion));
    assert.equal(replaced.metadata?.uid, created.metadata?.uid);

    const list = await core.listNamespacedConfigMap({ namespace });
    assert.deepEqual(
      list.items.map((i) => i.metadata?.name),
      ['galera-config'],
    );
    const everywhere = await core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.namespace=${namespace}` });
    assert.deepEqual(
      everywhere.items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`),
      [`${namespace}/galera-config`],
    );
    assert.ok(Number(list.metadata?.resourceVersion) >= Number(replaced.metadata?.resourceVersion));

    const status = await core.deleteNamespacedConfigMap({ name: 'galera-config', namespace });
    assert.equal(status.status, 'Success');
    const gone = await apiFailure(core.readNamespacedConfigMap({ name: 'galera-config', namespace }));
    assert.equal(gone.code, 404);
    assert.equal(gone.reason, 'NotFound');
    assert.equal(gone.message, 'configmaps "galera-config" not found');
    assert.deepEqual(gone.details, { name: 'galera-config', kind: 'configmaps' });
  });

  test('404 for a group resource names the group; 404 for an unknown namespace on create', async () => {
    const missing = await apiFailure(apps.readNamespacedStatefulSet({ name: 'nope', namespace: 'default' }));
    assert.equal(missing.code, 404);
    assert.equal(missing.message, 'statefulsets.apps "nope" not found');
    const noNamespace = await apiFailure(core.createNamespacedSecret({ namespace: 'does-not-exist', body: { metadata: { name: 's' } } }));
    assert.equal(noNamespace.code, 404);
    assert.equal(noNamespace.message, 'namespaces "does-not-exist" not found');
  });

  test('409 AlreadyExists on a second create', async () => {
    const namespace = await freshNamespace();
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'root' }, stringData: { password: 'secret' } } });
    const again = await apiFailure(core.createNamespacedSecret({ namespace, body: { metadata: { name: 'root' }, stringData: { password: 'other' } } }));
    assert.equal(again.code, 409);
    assert.equal(again.reason, 'AlreadyExists');
    assert.equal(again.message, 'secrets "root" already exists');
    const secret = await core.readNamespacedSecret({ name: 'root', namespace });
    assert.equal(secret.type, 'Opaque');
    assert.equal(Buffer.from(secret.data?.password ?? '', 'base64').toString(), 'secret');
    assert.equal((secret as { stringData?: unknown }).stringData, undefined);
  });

  test('409 Conflict on a replace with a stale resourceVersion', async () => {
    const namespace = await freshNamespace();
    const first = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cm' }, data: { a: '1' } } });
    await core.replaceNamespacedConfigMap({ name: 'cm', namespace, body: { ...first, data: { a: '2' } } });
    const stale = await apiFailure(core.replaceNamespacedConfigMap({ name: 'cm', namespace, body: { ...first, data: { a: '3' } } }));
    assert.equal(stale.code, 409);
    assert.equal(stale.reason, 'Conflict');
    assert.match(stale.message ?? '', /^Operation cannot be fulfilled on configmaps "cm": the object has been modified/);
    assert.equal((await core.readNamespacedConfigMap({ name: 'cm', namespace })).data?.a, '2');
  });

  test('422 Invalid with causes naming the fields, from the real schema and the kind rules', async () => {
    const namespace = await freshNamespace();
    const body = galeraStatefulSet('db', 1);
    (body.spec!.template.spec!.containers[0] as { image?: string }).image = undefined;
    body.spec!.template.metadata!.labels = { app: 'other' };
    const refused = await apiFailure(apps.createNamespacedStatefulSet({ namespace, body }));
    assert.equal(refused.code, 422);
    assert.equal(refused.reason, 'Invalid');
    assert.equal(refused.details?.kind, 'StatefulSet');
    const fields = refused.details?.causes?.map((c) => `${c.reason} ${c.field}`).sort();
    assert.deepEqual(fields, ['FieldValueInvalid spec.template.metadata.labels', 'FieldValueRequired spec.template.spec.containers[0].image']);
    assert.match(refused.message ?? '', /^StatefulSet\.apps "db" is invalid: \[/);

    // A type error found by the kubernetes-models schema (through the untyped object API, as client-node
    // would drop a badly typed field).
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const wrongType = await apiFailure(objects.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace }, spec: { ports: [{ port: 'mysql' }] } } as KubernetesObject));
    assert.equal(wrongType.code, 422);
    assert.deepEqual(
      wrongType.details?.causes?.map((c) => [c.reason, c.field]),
      [['FieldValueTypeInvalid', 'spec.ports[0].port']],
    );
  });

  test('422 for names that are not DNS-1123 and for invalid labels', async () => {
    const badName = await apiFailure(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'Galera_Config' } } }));
    assert.equal(badName.code, 422);
    assert.equal(badName.details?.causes?.[0]?.field, 'metadata.name');
    assert.match(badName.details?.causes?.[0]?.message ?? '', /RFC 1123 subdomain/);
    const badService = await apiFailure(core.createNamespacedService({ namespace: 'default', body: { metadata: { name: '1db' }, spec: { ports: [{ port: 3306 }] } } }));
    assert.match(badService.details?.causes?.[0]?.message ?? '', /DNS-1035 label/);
    const badLabel = await apiFailure(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'x', labels: { app: 'has space' } } } }));
    assert.equal(badLabel.details?.causes?.[0]?.field, 'metadata.labels');
  });

  test('StatefulSet selector, claim templates and serviceName are immutable (422)', async () => {
    const namespace = await freshNamespace();
    sim.controller.pause();
    try {
      const created = await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 0) });
      for (const change of [
        (s: typeof created) => (s.spec!.serviceName = 'other'),
        (s: typeof created) => (s.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests = { storage: '2Gi' }),
        (s: typeof created) => (s.spec!.selector.matchLabels = { app: 'db', tier: 'x' }),
      ]) {
        const edited = await apps.readNamespacedStatefulSet({ name: 'db', namespace });
        change(edited);
        const refused = await apiFailure(apps.replaceNamespacedStatefulSet({ name: 'db', namespace, body: edited }));
        assert.equal(refused.code, 422);
        const forbidden = refused.details?.causes?.find((c) => c.field === 'spec');
        assert.equal(forbidden?.reason, 'FieldValueForbidden');
        assert.match(forbidden?.message ?? '', /updates to statefulset spec for fields other than 'replicas'/);
      }
      const edited = await apps.readNamespacedStatefulSet({ name: 'db', namespace });
      edited.spec!.replicas = 2;
      const updated = await apps.replaceNamespacedStatefulSet({ name: 'db', namespace, body: edited });
      assert.equal(updated.metadata?.generation, 2);
      assert.equal(updated.spec?.podManagementPolicy, 'OrderedReady');
      assert.equal(updated.spec?.updateStrategy?.type, 'RollingUpdate');
      assert.equal(updated.spec?.updateStrategy?.rollingUpdate?.partition, 0);
    } finally {
      sim.controller.resume();
    }
  });

  test('label selectors (equality and set-based) and field selectors on lists', async () => {
    const namespace = await freshNamespace();
    const labelsByName: Record<string, Record<string, string>> = {
      a: { app: 'galera', role: 'primary' },
      b: { app: 'galera', role: 'replica' },
      c: { app: 'proxy' },
      d: { app: 'galera', role: 'arbitrator', tier: 'x' },
    };
    for (const [name, labels] of Object.entries(labelsByName)) {
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name, labels } } });
    }
    const names = async (labelSelector?: string, fieldSelector?: string) => (await core.listNamespacedConfigMap({ namespace, labelSelector, fieldSelector })).items.map((i) => i.metadata?.name);
    assert.deepEqual(await names('app=galera'), ['a', 'b', 'd']);
    assert.deepEqual(await names('app==galera,role!=replica'), ['a', 'd']);
    assert.deepEqual(await names('role in (primary, arbitrator)'), ['a', 'd']);
    assert.deepEqual(await names('app,role notin (primary)'), ['b', 'c', 'd']);
    assert.deepEqual(await names('!role'), ['c']);
    assert.deepEqual(await names('tier'), ['d']);
    assert.deepEqual(await names(undefined, 'metadata.name=b'), ['b']);
    assert.deepEqual(await names('app=galera', 'metadata.name!=a'), ['b', 'd']);
    const bad = await apiFailure(core.listNamespacedConfigMap({ namespace, fieldSelector: 'data.x=1' }));
    assert.equal(bad.code, 400);
    assert.equal(bad.message, 'field label not supported: data.x');
  });

  test('list pages with limit and continue', async () => {
    const namespace = await freshNamespace();
    for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) await core.createNamespacedConfigMap({ namespace, body: { metadata: { name } } });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listNamespacedConfigMap({ namespace, limit: 2, _continue: token });
      seen.push(...page.items.map((i) => i.metadata!.name!));
      token = page.metadata?._continue;
      pages += 1;
    } while (token);
    assert.deepEqual(seen, ['p1', 'p2', 'p3', 'p4', 'p5']);
    assert.equal(pages, 3);
  });

  test('KubernetesObjectApi discovers the served kinds and does CRUD on them', async () => {
    const namespace = await freshNamespace();
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const body: V1PodDisruptionBudget = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'db', namespace },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'db' } } },
    };
    const pdb = await objects.create(body);
    assert.equal(pdb.metadata?.generation, 1);
    const read = await objects.read({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace } });
    assert.equal(read.metadata?.uid, pdb.metadata?.uid);
    const list = await objects.list('v1', 'Namespace');
    assert.ok(list.items.some((n) => n.metadata?.name === namespace));
    await objects.delete({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace } });
    const policy = kc.makeApiClient(PolicyV1Api);
    assert.equal((await policy.listNamespacedPodDisruptionBudget({ namespace })).items.length, 0);
    const both = await apiFailure(policy.createNamespacedPodDisruptionBudget({ namespace, body: { metadata: { name: 'x' }, spec: { minAvailable: 1, maxUnavailable: 1 } } }));
    assert.equal(both.code, 422);
    assert.match(both.details?.causes?.[0]?.message ?? '', /minAvailable and maxUnavailable cannot be both set/);
  });

  test('services get a cluster IP (kept on replace); headless services keep None', async () => {
    const namespace = await freshNamespace();
    const svc = await core.createNamespacedService({ namespace, body: { metadata: { name: 'db' }, spec: { selector: { app: 'db' }, ports: [{ name: 'mysql', port: 3306 }] } } });
    assert.match(svc.spec?.clusterIP ?? '', /^10\.96\.\d+\.\d+$/);
    assert.equal(svc.spec?.ports?.[0]?.targetPort, 3306);
    const headless = await core.createNamespacedService({ namespace, body: { metadata: { name: 'db-hl' }, spec: { clusterIP: 'None', selector: { app: 'db' } } } });
    assert.equal(headless.spec?.clusterIP, 'None');
    const changed = await apiFailure(core.replaceNamespacedService({ name: 'db', namespace, body: { ...svc, spec: { ...svc.spec, clusterIP: '10.96.200.200' } } }));
    assert.equal(changed.code, 422);
    assert.equal(changed.details?.causes?.[0]?.field, 'spec.clusterIP');
  });

  test('deleting a namespace empties it (Terminating first, refusing new content)', async () => {
    const namespace = await freshNamespace();
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cm' } } });
    sim.controller.pause();
    try {
      // The API server answers a namespace deletion with the Namespace itself (client-node types it V1Status).
      const terminating = (await core.deleteNamespace({ name: namespace })) as unknown as V1Namespace;
      assert.equal(terminating.status?.phase, 'Terminating');
      const refused = await apiFailure(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'late' } } }));
      assert.equal(refused.code, 403);
      assert.match(refused.message ?? '', /because it is being terminated/);
    } finally {
      sim.controller.resume();
    }
    await sim.waitFor(async () => (await apiFailure(core.readNamespace({ name: namespace }))).code === 404);
    assert.equal(sim.objects.list('ConfigMap', namespace).length, 0);
  });
});
