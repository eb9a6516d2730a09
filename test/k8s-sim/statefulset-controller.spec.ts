import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, Watch, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { startKubernetesSimulator, type KubernetesSimulator } from './index';
import { apiFailure, galeraStatefulSet, uniqueName } from './spec-support';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

interface PodEvent {
  type: string;
  name: string;
  ready: boolean;
  revision?: string;
  uid?: string;
}

function isReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

describe('k8s-sim: StatefulSet controller', () => {
  let sim: KubernetesSimulator;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  before(async () => {
    sim = await startKubernetesSimulator({ readyDelayMs: 20 });
    kc = sim.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });
  after(() => sim.close());

  async function freshNamespace(): Promise<string> {
    const name = uniqueName('sts');
    await core.createNamespace({ body: { metadata: { name } } });
    return name;
  }

  /** Watches the namespace's pods from now on, in the order the API server emits events. */
  async function watchPods(namespace: string): Promise<{ events: PodEvent[]; stop(): void }> {
    const list = await core.listNamespacedPod({ namespace });
    const events: PodEvent[] = [];
    const controller = await new Watch(kc).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { resourceVersion: list.metadata!.resourceVersion! },
      (type, pod: V1Pod) => events.push({ type, name: pod.metadata!.name!, ready: isReady(pod), revision: pod.metadata?.labels?.['controller-revision-hash'], uid: pod.metadata?.uid }),
      () => {},
    );
    return { events, stop: () => controller.abort() };
  }

  async function readyReplicas(namespace: string, name: string, replicas: number): Promise<void> {
    await sim.waitFor(
      async () => {
        const sts = await apps.readNamespacedStatefulSet({ name, namespace });
        const s = sts.status;
        return (
          s?.replicas === replicas &&
          (s.readyReplicas ?? 0) === replicas &&
          s.updatedReplicas === (replicas || undefined) &&
          s.currentRevision === s.updateRevision &&
          s.observedGeneration === sts.metadata?.generation
        );
      },
      { message: `${namespace}/${name} with ${replicas} ready replicas` },
    );
  }

  const firstIndex = (events: PodEvent[], predicate: (e: PodEvent) => boolean): number => events.findIndex(predicate);

  test('scale 0→3 creates db-0, db-1, db-2 in order, each only after its predecessor is Ready', async () => {
    const namespace = await freshNamespace();
    await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 0) });
    const watch = await watchPods(namespace);
    await apps.patchNamespacedStatefulSetScale({ name: 'db', namespace, body: { spec: { replicas: 3 } } }, merge);
    await readyReplicas(namespace, 'db', 3);
    await sim.waitFor(() => watch.events.filter((e) => e.ready).length >= 3);
    watch.stop();

    const added = watch.events.filter((e) => e.type === 'ADDED').map((e) => e.name);
    assert.deepEqual(added, ['db-0', 'db-1', 'db-2']);
    for (const [previous, next] of [
      ['db-0', 'db-1'],
      ['db-1', 'db-2'],
    ] as const) {
      const previousReady = firstIndex(watch.events, (e) => e.name === previous && e.ready);
      const nextAdded = firstIndex(watch.events, (e) => e.name === next && e.type === 'ADDED');
      assert.ok(previousReady >= 0 && previousReady < nextAdded, `${next} is created only after ${previous} is Ready`);
    }

    const pods = (await core.listNamespacedPod({ namespace, labelSelector: 'app=db' })).items;
    for (const pod of pods) {
      const name = pod.metadata!.name!;
      assert.equal(pod.metadata?.labels?.['statefulset.kubernetes.io/pod-name'], name);
      assert.match(pod.metadata?.labels?.['controller-revision-hash'] ?? '', /^db-[a-z0-9]{10}$/);
      assert.equal(pod.metadata?.ownerReferences?.[0]?.kind, 'StatefulSet');
      assert.equal(pod.spec?.hostname, name);
      assert.equal(pod.spec?.subdomain, 'db');
      assert.equal(pod.status?.phase, 'Running');
      assert.match(pod.status?.podIP ?? '', /^10\.244\.\d+\.\d+$/);
      assert.match(pod.status?.hostIP ?? '', /^172\.18\.0\.\d+$/);
      assert.ok(pod.status?.startTime);
      assert.deepEqual(pod.status?.conditions?.map((c) => `${c.type}=${c.status}`).sort(), [
        'ContainersReady=True',
        'Initialized=True',
        'PodReadyToStartContainers=True',
        'PodScheduled=True',
        'Ready=True',
      ]);
      const container = pod.status?.containerStatuses?.[0];
      assert.equal(container?.ready, true);
      assert.equal(container?.restartCount, 0);
      assert.ok(container?.state?.running);
      const claim = pod.spec?.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName;
      assert.equal(claim, `data-${name}`);
    }
    const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace })).items;
    assert.deepEqual(
      claims.map((c) => [c.metadata?.name, c.status?.phase, c.status?.capacity?.storage]),
      [
        ['data-db-0', 'Bound', '1Gi'],
        ['data-db-1', 'Bound', '1Gi'],
        ['data-db-2', 'Bound', '1Gi'],
      ],
    );
  });

  test('3→5→3 removes the highest ordinals first, one at a time, and keeps their claims', async () => {
    const namespace = await freshNamespace();
    await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 3) });
    await readyReplicas(namespace, 'db', 3);
    await apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: { spec: { replicas: 5 } } }, merge);
    await readyReplicas(namespace, 'db', 5);
    const claimsAtFive = (await core.listNamespacedPersistentVolumeClaim({ namespace })).items;
    assert.equal(claimsAtFive.length, 5);

    const watch = await watchPods(namespace);
    await apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: { spec: { replicas: 3 } } }, merge);
    await readyReplicas(namespace, 'db', 3);
    watch.stop();
    assert.deepEqual(
      watch.events.filter((e) => e.type === 'DELETED').map((e) => e.name),
      ['db-4', 'db-3'],
    );
    const pods = (await core.listNamespacedPod({ namespace })).items.map((p) => p.metadata?.name);
    assert.deepEqual(pods, ['db-0', 'db-1', 'db-2']);
    const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace })).items;
    assert.deepEqual(
      claims.map((c) => c.metadata?.uid),
      claimsAtFive.map((c) => c.metadata?.uid),
      'claims outlive scale-in',
    );

    await apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: { spec: { replicas: 5 } } }, merge);
    await readyReplicas(namespace, 'db', 5);
    const again = (await core.listNamespacedPersistentVolumeClaim({ namespace })).items;
    assert.deepEqual(
      again.map((c) => c.metadata?.uid),
      claimsAtFive.map((c) => c.metadata?.uid),
      'scale-out reuses the kept claims',
    );
  });

  test('a template annotation change rolls the pods from the highest ordinal down, one Ready pod at a time', async () => {
    const namespace = await freshNamespace();
    await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 3) });
    await readyReplicas(namespace, 'db', 3);
    const before = await apps.readNamespacedStatefulSet({ name: 'db', namespace });
    const watch = await watchPods(namespace);
    await apps.patchNamespacedStatefulSet(
      { name: 'db', namespace, body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } } },
      strategic,
    );
    await sim.waitFor(async () => {
      const s = (await apps.readNamespacedStatefulSet({ name: 'db', namespace })).status;
      return s?.updateRevision !== before.status?.updateRevision && s?.currentRevision === s?.updateRevision && s?.readyReplicas === 3 && s?.updatedReplicas === 3;
    });
    watch.stop();
    const after = await apps.readNamespacedStatefulSet({ name: 'db', namespace });
    const newRevision = after.status!.updateRevision!;
    assert.notEqual(newRevision, before.status?.currentRevision);

    const deletions = watch.events.filter((e) => e.type === 'DELETED');
    assert.deepEqual(
      deletions.map((e) => e.name),
      ['db-2', 'db-1', 'db-0'],
    );
    assert.ok(deletions.every((e) => e.revision === before.status?.currentRevision));
    // Each pod is replaced only after the previous replacement is Ready.
    for (const [replaced, next] of [
      ['db-2', 'db-1'],
      ['db-1', 'db-0'],
    ] as const) {
      const replacementReady = firstIndex(watch.events, (e) => e.name === replaced && e.revision === newRevision && e.ready);
      const nextDeleted = firstIndex(watch.events, (e) => e.name === next && e.type === 'DELETED');
      assert.ok(replacementReady >= 0 && replacementReady < nextDeleted, `${next} goes only after the new ${replaced} is Ready`);
    }
    const pods = (await core.listNamespacedPod({ namespace })).items;
    assert.ok(pods.every((p) => p.metadata?.labels?.['controller-revision-hash'] === newRevision));
    assert.ok(pods.every((p) => p.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']));
    assert.equal(after.status?.observedGeneration, 2);
  });

  test('a rolling update stops at the partition', async () => {
    const namespace = await freshNamespace();
    const body = galeraStatefulSet('db', 3);
    body.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 2 } };
    await apps.createNamespacedStatefulSet({ namespace, body });
    await readyReplicas(namespace, 'db', 3);
    const oldRevision = (await apps.readNamespacedStatefulSet({ name: 'db', namespace })).status!.currentRevision!;
    await apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: { spec: { template: { spec: { containers: [{ name: 'mariadb', image: 'mariadb:11.5' }] } } } } }, strategic);
    await sim.waitFor(async () => (await apps.readNamespacedStatefulSet({ name: 'db', namespace })).status?.updatedReplicas === 1);
    await sim.waitFor(async () => (await core.readNamespacedPod({ name: 'db-2', namespace })).status?.containerStatuses?.[0]?.ready === true);
    const images = Object.fromEntries((await core.listNamespacedPod({ namespace })).items.map((p) => [p.metadata?.name, p.spec?.containers[0]?.image]));
    assert.deepEqual(images, { 'db-0': 'mariadb:11.4', 'db-1': 'mariadb:11.4', 'db-2': 'mariadb:11.5' });
    const status = (await apps.readNamespacedStatefulSet({ name: 'db', namespace })).status;
    assert.equal(status?.currentRevision, oldRevision);
    assert.equal(status?.currentReplicas, 2);
  });

  test('OnDelete replaces only the pods a client deletes', async () => {
    const namespace = await freshNamespace();
    const body = galeraStatefulSet('db', 3);
    body.spec!.updateStrategy = { type: 'OnDelete' };
    await apps.createNamespacedStatefulSet({ namespace, body });
    await readyReplicas(namespace, 'db', 3);
    const oldRevision = (await apps.readNamespacedStatefulSet({ name: 'db', namespace })).status!.currentRevision!;
    await apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: { spec: { template: { spec: { containers: [{ name: 'mariadb', image: 'mariadb:11.5' }] } } } } }, strategic);
    await core.deleteNamespacedPod({ name: 'db-1', namespace });
    await sim.waitFor(async () => (await apps.readNamespacedStatefulSet({ name: 'db', namespace })).status?.updatedReplicas === 1);
    await sim.waitFor(async () => isReady(await core.readNamespacedPod({ name: 'db-1', namespace })));
    const revisions = Object.fromEntries((await core.listNamespacedPod({ namespace })).items.map((p) => [p.metadata?.name, p.metadata?.labels?.['controller-revision-hash'] === oldRevision]));
    assert.deepEqual(revisions, { 'db-0': true, 'db-1': false, 'db-2': true });
    assert.equal((await apps.readNamespacedStatefulSet({ name: 'db', namespace })).status?.currentRevision, oldRevision);
  });

  test('deleting a StatefulSet deletes its pods and keeps its claims; Orphan keeps the pods', async () => {
    const namespace = await freshNamespace();
    await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 2) });
    await readyReplicas(namespace, 'db', 2);
    const deleted = await apps.deleteNamespacedStatefulSet({ name: 'db', namespace, propagationPolicy: 'Background' });
    assert.equal(deleted.status, 'Success');
    await sim.waitFor(async () => (await core.listNamespacedPod({ namespace })).items.length === 0);
    assert.deepEqual(
      (await core.listNamespacedPersistentVolumeClaim({ namespace })).items.map((c) => c.metadata?.name),
      ['data-db-0', 'data-db-1'],
    );

    await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('keep', 1) });
    await readyReplicas(namespace, 'keep', 1);
    await apps.deleteNamespacedStatefulSet({ name: 'keep', namespace, propagationPolicy: 'Orphan' });
    const orphan = await core.readNamespacedPod({ name: 'keep-0', namespace });
    assert.equal(orphan.metadata?.ownerReferences, undefined);
    // A new StatefulSet of the same name adopts the orphan instead of replacing it.
    const again = await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('keep', 1) });
    await readyReplicas(namespace, 'keep', 1);
    const adopted = await core.readNamespacedPod({ name: 'keep-0', namespace });
    assert.equal(adopted.metadata?.uid, orphan.metadata?.uid);
    assert.equal(adopted.metadata?.ownerReferences?.[0]?.uid, again.metadata?.uid);
  });

  test('claims are expanded one by one (the claim templates are immutable); shrinking is refused', async () => {
    const namespace = await freshNamespace();
    await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 1) });
    await readyReplicas(namespace, 'db', 1);
    await core.patchNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace, body: { spec: { resources: { requests: { storage: '5Gi' } } } } }, merge);
    await sim.waitFor(async () => (await core.readNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace })).status?.capacity?.storage === '5Gi');
    const shrink = await apiFailure(core.patchNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace, body: { spec: { resources: { requests: { storage: '1Gi' } } } } }, merge));
    assert.equal(shrink.code, 422);
    assert.equal(shrink.details?.causes?.[0]?.field, 'spec.resources.requests.storage');
    const otherChange = await apiFailure(core.patchNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace, body: { spec: { accessModes: ['ReadWriteMany'] } } }, merge));
    assert.equal(otherChange.code, 422);
  });

  test('a deleted claim still used by a pod stays Terminating until the pod is gone', async () => {
    const namespace = await freshNamespace();
    await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 1) });
    await readyReplicas(namespace, 'db', 1);
    const answer = await core.deleteNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace });
    assert.ok(answer.metadata?.deletionTimestamp);
    assert.deepEqual(answer.metadata?.finalizers, ['kubernetes.io/pvc-protection']);
    assert.ok(await core.readNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace }));
    await apps.patchNamespacedStatefulSet({ name: 'db', namespace, body: { spec: { replicas: 0 } } }, merge);
    await sim.waitFor(async () => (await apiFailure(core.readNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace }))).code === 404);
  });

  test('a pod deleted by a client comes back with the same name and claim', async () => {
    const namespace = await freshNamespace();
    await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 2) });
    await readyReplicas(namespace, 'db', 2);
    const before = await core.readNamespacedPod({ name: 'db-1', namespace });
    const answer = await core.deleteNamespacedPod({ name: 'db-1', namespace });
    assert.equal(answer.metadata?.name, 'db-1', 'pod deletion answers the pod');
    await sim.waitFor(async () => {
      const pod = await core.readNamespacedPod({ name: 'db-1', namespace }).catch(() => undefined);
      return pod && pod.metadata?.uid !== before.metadata?.uid && isReady(pod);
    });
    const after = await core.readNamespacedPod({ name: 'db-1', namespace });
    assert.equal(after.spec?.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName, 'data-db-1');
  });

  test('Parallel pod management creates every pod at once', async () => {
    const namespace = await freshNamespace();
    const body = galeraStatefulSet('db', 3);
    body.spec!.podManagementPolicy = 'Parallel';
    sim.pods.neverReady(namespace, 'db-0');
    await apps.createNamespacedStatefulSet({ namespace, body });
    await sim.waitFor(async () => (await apps.readNamespacedStatefulSet({ name: 'db', namespace })).status?.readyReplicas === 2);
    const pods = (await core.listNamespacedPod({ namespace })).items.map((p) => [p.metadata?.name, isReady(p)]);
    assert.deepEqual(pods, [
      ['db-0', false],
      ['db-1', true],
      ['db-2', true],
    ]);
  });

  test('OrderedReady waits behind a pod that never gets ready', async () => {
    const namespace = await freshNamespace();
    sim.pods.neverReady(namespace, 'db-1');
    await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 3) });
    await sim.waitFor(async () => (await core.readNamespacedPod({ name: 'db-1', namespace }).catch(() => undefined))?.status?.phase === 'Running');
    // Give the controller every chance to (wrongly) go on; db-1 must stay unready and db-2 uncreated.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const db1 = await core.readNamespacedPod({ name: 'db-1', namespace });
    assert.equal(isReady(db1), false);
    assert.equal(db1.status?.containerStatuses?.[0]?.ready, false);
    assert.ok(db1.status?.containerStatuses?.[0]?.state?.running, 'running, just not ready');
    assert.deepEqual(
      (await core.listNamespacedPod({ namespace })).items.map((p) => p.metadata?.name),
      ['db-0', 'db-1'],
    );
    const status = (await apps.readNamespacedStatefulSet({ name: 'db', namespace })).status;
    assert.equal(status?.replicas, 2);
    assert.equal(status?.readyReplicas, 1);

    sim.pods.heal(namespace, 'db-1');
    await readyReplicas(namespace, 'db', 3);
  });
});
