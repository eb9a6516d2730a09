import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BackendError } from '@galera-cp/backends';
import { KubernetesObjectApi, type V1ConfigMap, type V1Secret } from '@kubernetes/client-node';
import { startKubernetesSimulator, type KubernetesSimulator } from '../../../../test/k8s-sim';
import { applyObject, createIfAbsent, deleteIfPresent, mergePatchObject, readObject, withRetries, type CallContext } from './apply';
import { KubeClient, KubeClientCache } from './kube-client';

describe('apply: writes with bounded retries against the simulator', () => {
  let sim: KubernetesSimulator;
  let client: KubeClient;
  const logs: string[] = [];
  const context = (attempts = 6): CallContext => ({ policy: { attempts, initialDelayMs: 5, maxDelayMs: 20 }, signal: AbortSignal.timeout(20_000), log: (m) => logs.push(m) });
  const configMap = (name: string, value: string): V1ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { key: value } });

  before(async () => {
    sim = await startKubernetesSimulator();
    client = new KubeClient(KubernetesObjectApi.makeApiClient(sim.kubeConfig()));
  });
  after(() => sim.close());

  test('a 409 is re-read and re-applied until it lands; the log says so', async () => {
    logs.length = 0;
    const rule = sim.faults.conflictStorm({ fraction: 1, times: 3, names: ['storm'] });
    try {
      const applied = await applyObject(client, configMap('storm', 'v1'), 'galera-cp', context());
      assert.equal(applied.data?.key, 'v1');
    } finally {
      sim.faults.remove(rule);
    }
    const requests = sim.requests.list({ name: 'storm' }).map((r) => `${r.method}:${r.status}`);
    assert.deepEqual(requests, ['PATCH:409', 'GET:404', 'PATCH:409', 'GET:404', 'PATCH:409', 'GET:404', 'PATCH:201']);
    assert.equal(logs.length, 3);
    assert.match(logs[0], /^apply ConfigMap default\/storm: 409 Conflict \(attempt 1\/6\); re-reading and re-applying in \d+ ms$/);
  });

  test('apply is idempotent: the same object again writes nothing', async () => {
    const first = await applyObject(client, configMap('same', 'x'), 'galera-cp', context());
    const second = await applyObject(client, configMap('same', 'x'), 'galera-cp', context());
    assert.equal(second.metadata?.resourceVersion, first.metadata?.resourceVersion);
  });

  test('conflicts that outlast the attempts become a retryable KUBERNETES_CONFLICT for the engine', async () => {
    const rule = sim.faults.conflictStorm({ fraction: 1, names: ['never'] });
    try {
      await assert.rejects(applyObject(client, configMap('never', 'x'), 'galera-cp', context(3)), (e: unknown) => {
        assert.ok(e instanceof BackendError);
        assert.equal(e.code, 'KUBERNETES_CONFLICT');
        assert.equal(e.retryable, true);
        assert.match(e.message, /still 409 Conflict after 3 attempts/);
        return true;
      });
    } finally {
      sim.faults.remove(rule);
    }
    assert.equal(sim.requests.list({ name: 'never', method: 'PATCH' }).length, 3, 'bounded');
  });

  test('429, 500 and 503 are backed off and retried; if they last, a retryable KUBERNETES_UNAVAILABLE', async () => {
    const rules = [sim.faults.add({ status: 500, fraction: 1, times: 1, names: ['flaky'] }), sim.faults.add({ status: 503, fraction: 1, times: 1, names: ['flaky'] })];
    await applyObject(client, configMap('flaky', 'x'), 'galera-cp', context());
    assert.deepEqual(
      sim.requests.list({ name: 'flaky' }).map((r) => r.status),
      [500, 503, 201],
    );
    for (const id of rules) sim.faults.remove(id);

    const down = sim.faults.serverErrors({ fraction: 1, names: ['down'] });
    try {
      await assert.rejects(applyObject(client, configMap('down', 'x'), 'galera-cp', context(2)), (e: unknown) => e instanceof BackendError && e.code === 'KUBERNETES_UNAVAILABLE' && e.retryable);
    } finally {
      sim.faults.remove(down);
    }
  });

  test('an answer no retry can change fails at once with its causes (422)', async () => {
    const invalid = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'invalid', namespace: 'default' }, data: { 'not a key!': 'x' } } as V1ConfigMap;
    await assert.rejects(applyObject(client, invalid, 'galera-cp', context()), (e: unknown) => {
      assert.ok(e instanceof BackendError);
      assert.equal(e.code, 'KUBERNETES_INVALID_OBJECT');
      assert.equal(e.retryable, false);
      assert.equal(e.options.details?.httpStatus, 422);
      return true;
    });
    assert.equal(sim.requests.list({ name: 'invalid' }).length, 1, 'not retried');
  });

  test('create-if-absent creates once and never rewrites; a 409 on the create is settled by reading', async () => {
    const secret = (value: string): V1Secret => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'root', namespace: 'default' }, data: { pw: Buffer.from(value).toString('base64') } });
    const rule = sim.faults.conflictStorm({ fraction: 1, times: 1, names: ['root'], verbs: ['create'] });
    assert.deepEqual(await createIfAbsent(client, secret('first'), 'galera-cp', context()), { created: true });
    sim.faults.remove(rule);
    assert.deepEqual(await createIfAbsent(client, secret('second'), 'galera-cp', context()), { created: false });
    const stored = await readObject<V1Secret>(client, { apiVersion: 'v1', kind: 'Secret', namespace: 'default', name: 'root' }, context());
    assert.equal(Buffer.from(stored?.data?.pw ?? '', 'base64').toString(), 'first');
  });

  test('a merge patch by another field manager survives a later apply that does not mention the field', async () => {
    await applyObject(client, configMap('owned', 'a'), 'galera-cp', context());
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'owned' };
    await mergePatchObject(client, ref, { metadata: { annotations: { note: 'kept' } } }, 'galera-cp-restart', context());
    const reapplied = await applyObject(client, configMap('owned', 'b'), 'galera-cp', context());
    assert.equal(reapplied.metadata?.annotations?.note, 'kept');
    assert.equal(reapplied.data?.key, 'b');
  });

  test('delete is idempotent: absent objects are fine', async () => {
    await applyObject(client, configMap('gone', 'x'), 'galera-cp', context());
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'gone' };
    assert.equal(await deleteIfPresent(client, ref, context()), true);
    assert.equal(await deleteIfPresent(client, ref, context()), false);
  });

  test('a network failure is retried, then reported as retryable KUBERNETES_UNAVAILABLE', async () => {
    const config = sim.kubeConfig();
    const dead = new KubeClient(KubernetesObjectApi.makeApiClient(Object.assign(config, { clusters: config.clusters.map((c) => ({ ...c, server: 'https://127.0.0.1:1' })) })));
    await assert.rejects(
      readObject(dead, { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'x' }, context(2)),
      (e: unknown) => e instanceof BackendError && e.code === 'KUBERNETES_UNAVAILABLE' && e.retryable,
    );
  });

  test('retries stop when the step is cancelled', async () => {
    const controller = new AbortController();
    let calls = 0;
    const failing = withRetries(
      'x',
      async () => {
        calls += 1;
        if (calls === 2) controller.abort(new Error('cancelled'));
        throw Object.assign(new Error('busy'), { code: 503 });
      },
      { policy: { attempts: 10, initialDelayMs: 1, maxDelayMs: 2 }, signal: controller.signal },
    );
    await assert.rejects(failing, /cancelled/);
    assert.equal(calls, 2);
  });

  test('without a credential outside a pod, the in-cluster configuration is refused clearly (not a request to https://undefined)', (t) => {
    if (process.env.KUBERNETES_SERVICE_HOST) return t.skip('this process runs inside a Kubernetes pod: the in-cluster configuration is real here');
    assert.throws(
      () => new KubeClientCache().clientFor(undefined),
      (e: unknown) => e instanceof BackendError && e.code === 'KUBECONFIG_INVALID' && /does not run inside a Kubernetes pod/.test(e.message),
    );
  });

  test('clients are cached per kubeconfig, not per call', () => {
    const cache = new KubeClientCache(() => {
      throw new Error('not in a cluster');
    });
    const a = cache.clientFor({ kind: 'kubeconfig', kubeconfig: sim.kubeconfig });
    assert.equal(cache.clientFor({ kind: 'kubeconfig', kubeconfig: sim.kubeconfig }), a);
    assert.equal(cache.size, 1);
    assert.throws(
      () => cache.clientFor(undefined),
      (e: unknown) => e instanceof BackendError && e.code === 'KUBECONFIG_INVALID' && /in-cluster configuration cannot be loaded: not in a cluster/.test(e.message),
    );
    assert.throws(
      () => cache.clientFor({ kind: 'ssh-password', password: 'x' }),
      (e: unknown) => e instanceof BackendError && e.code === 'CREDENTIAL_KIND_MISMATCH',
    );
  });
});
