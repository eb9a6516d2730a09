import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, makeInformer, PatchStrategy, setHeaderOptions, Watch, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { startKubernetesSimulator, type KubernetesSimulator } from './index';
import { uniqueName } from './spec-support';

interface Seen {
  type: string;
  name?: string;
  resourceVersion?: string;
  object: { metadata?: { name?: string; resourceVersion?: string }; data?: Record<string, string>; code?: number; reason?: string };
}

/** Starts a client-node watch and collects its events until stopped. */
async function watchEvents(kc: KubeConfig, path: string, query: Record<string, string>): Promise<{ events: Seen[]; done: Promise<unknown>; stop(): void }> {
  const events: Seen[] = [];
  let finish: (error: unknown) => void = () => {};
  const done = new Promise<unknown>((resolve) => (finish = resolve));
  const controller = await new Watch(kc).watch(
    path,
    query,
    (type, object: Seen['object']) => events.push({ type, name: object.metadata?.name, resourceVersion: object.metadata?.resourceVersion, object }),
    (error) => finish(error),
  );
  return { events, done, stop: () => controller.abort() };
}

describe('k8s-sim: watch', () => {
  let sim: KubernetesSimulator;
  let kc: KubeConfig;
  let core: CoreV1Api;

  before(async () => {
    sim = await startKubernetesSimulator();
    kc = sim.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
  });
  after(() => sim.close());

  test('streams ADDED, MODIFIED and DELETED as JSON lines', async () => {
    const namespace = uniqueName('watch');
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const list = await core.listNamespacedConfigMap({ namespace });
    const watch = await watchEvents(kc, `/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: list.metadata!.resourceVersion! });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cm' }, data: { a: '1' } } });
    await core.patchNamespacedConfigMap({ name: 'cm', namespace, body: { data: { a: '2' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ name: 'cm', namespace });
    await sim.waitFor(() => watch.events.length >= 3);
    watch.stop();
    assert.deepEqual(
      watch.events.map((e) => [e.type, e.name]),
      [
        ['ADDED', 'cm'],
        ['MODIFIED', 'cm'],
        ['DELETED', 'cm'],
      ],
    );
    assert.equal(watch.events[1]!.object.data?.a, '2');
    const versions = watch.events.map((e) => Number(e.resourceVersion));
    assert.deepEqual(
      [...versions].sort((a, b) => a - b),
      versions,
      'resourceVersions increase',
    );
  });

  test('resumes from a resourceVersion and replays only what came after it', async () => {
    const namespace = uniqueName('watch');
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const first = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'one' } } });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'two' } } });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'three' } } });
    const watch = await watchEvents(kc, `/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: first.metadata!.resourceVersion! });
    await sim.waitFor(() => watch.events.length >= 2);
    watch.stop();
    assert.deepEqual(
      watch.events.map((e) => [e.type, e.name]),
      [
        ['ADDED', 'two'],
        ['ADDED', 'three'],
      ],
    );
  });

  test('without a resourceVersion, starts with the current objects as ADDED', async () => {
    const namespace = uniqueName('watch');
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'existing' } } });
    const watch = await watchEvents(kc, `/api/v1/namespaces/${namespace}/configmaps`, {});
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'later' } } });
    await sim.waitFor(() => watch.events.length >= 2);
    watch.stop();
    assert.deepEqual(
      watch.events.map((e) => [e.type, e.name]),
      [
        ['ADDED', 'existing'],
        ['ADDED', 'later'],
      ],
    );
  });

  test('a label selector turns objects leaving or entering it into DELETED and ADDED', async () => {
    const namespace = uniqueName('watch');
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const start = await core.listNamespacedConfigMap({ namespace });
    const watch = await watchEvents(kc, `/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: start.metadata!.resourceVersion!, labelSelector: 'role=primary' });
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'n0', labels: { role: 'replica' } } } });
    await core.patchNamespacedConfigMap({ name: 'n0', namespace, body: { metadata: { labels: { role: 'primary' } } } }, merge);
    await core.patchNamespacedConfigMap({ name: 'n0', namespace, body: { metadata: { labels: { role: 'replica' } } } }, merge);
    await sim.waitFor(() => watch.events.length >= 2);
    watch.stop();
    assert.deepEqual(
      watch.events.map((e) => e.type),
      ['ADDED', 'DELETED'],
    );
  });

  test('a resourceVersion older than the kept history answers an ERROR event with 410 Gone', async () => {
    const namespace = uniqueName('watch');
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const old = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cm' } } });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cm2' } } });
    sim.compactWatchHistory();
    const watch = await watchEvents(kc, `/api/v1/namespaces/${namespace}/configmaps`, { resourceVersion: old.metadata!.resourceVersion! });
    await watch.done;
    assert.equal(watch.events.length, 1);
    assert.equal(watch.events[0]!.type, 'ERROR');
    assert.equal(watch.events[0]!.object.code, 410);
    assert.equal(watch.events[0]!.object.reason, 'Expired');
  });

  test('client-node informers list, then watch from the list resourceVersion', async () => {
    const namespace = uniqueName('watch');
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'before', labels: { app: 'db' } } } });
    const informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${namespace}/configmaps`, () => core.listNamespacedConfigMap({ namespace, labelSelector: 'app=db' }), 'app=db');
    const seen: string[] = [];
    informer.on('add', (cm) => seen.push(`add ${cm.metadata?.name}`));
    informer.on('update', (cm) => seen.push(`update ${cm.metadata?.name}`));
    informer.on('delete', (cm) => seen.push(`delete ${cm.metadata?.name}`));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'after', labels: { app: 'db' } } } });
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'other', labels: { app: 'proxy' } } } });
      await core.patchNamespacedConfigMap({ name: 'before', namespace, body: { data: { a: '1' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      await core.deleteNamespacedConfigMap({ name: 'after', namespace });
      await sim.waitFor(() => seen.length >= 4);
    } finally {
      await informer.stop();
    }
    assert.deepEqual(seen, ['add before', 'add after', 'update before', 'delete after']);
    const watchRequest = sim.requests.list({ verb: 'watch', namespace })[0];
    assert.equal(watchRequest?.query.labelSelector, 'app=db');
    assert.ok(Number(watchRequest?.query.resourceVersion) > 0);
  });

  test('timeoutSeconds ends the stream; close() ends open streams', async () => {
    const watch = await watchEvents(kc, '/api/v1/namespaces', { timeoutSeconds: '1' });
    assert.equal(await watch.done, null);
    const other = await startKubernetesSimulator();
    const open = await watchEvents(other.kubeConfig(), '/api/v1/namespaces', {});
    await other.waitFor(() => open.events.length === 4);
    await other.close();
    assert.equal(await open.done, null, 'the stream ended cleanly');
  });
});
