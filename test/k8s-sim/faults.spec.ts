import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { AppsV1Api, CoreV1Api, PatchStrategy, PolicyV1Api, setHeaderOptions, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { startKubernetesSimulator, type KubernetesSimulator } from './index';
import { apiFailure, galeraStatefulSet, uniqueName } from './spec-support';

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function isReady(pod: V1Pod | undefined): boolean {
  return (pod?.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** A raw HTTPS call to the simulator (trusting its CA), for the control endpoints and auth checks. */
function raw(sim: KubernetesSimulator, method: string, path: string, body?: unknown, token: string | null = sim.bearerToken): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, sim.url);
    const req = request(url, { method, ca: sim.caCert, headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('k8s-sim: fault injection and test controls', () => {
  let sim: KubernetesSimulator;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  before(async () => {
    sim = await startKubernetesSimulator({ readyDelayMs: 20, crashIntervalMs: 20, seed: 7 });
    kc = sim.kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });
  after(() => sim.close());

  async function freshNamespace(): Promise<string> {
    const name = uniqueName('faults');
    await core.createNamespace({ body: { metadata: { name } } });
    return name;
  }

  test('a 30% conflict storm on writes yields 409s that a read-modify-write retry loop overcomes', async () => {
    const namespace = await freshNamespace();
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'counter' }, data: { n: '0' } } });
    const rule = sim.faults.conflictStorm({ fraction: 0.3, resources: ['configmaps'], namespaces: [namespace] });
    let conflicts = 0;
    try {
      for (let i = 1; i <= 30; i += 1) {
        for (let attempt = 1; ; attempt += 1) {
          const current = await core.readNamespacedConfigMap({ name: 'counter', namespace });
          try {
            await core.replaceNamespacedConfigMap({ name: 'counter', namespace, body: { ...current, data: { n: String(i) } } });
            break;
          } catch (error) {
            if ((error as { code?: number }).code !== 409 || attempt >= 20) throw error;
            conflicts += 1;
          }
        }
      }
    } finally {
      sim.faults.remove(rule);
    }
    assert.equal((await core.readNamespacedConfigMap({ name: 'counter', namespace })).data?.n, '30');
    const injected = sim.requests.list({ verb: 'update', namespace }).filter((e) => e.injected);
    assert.equal(injected.length, conflicts);
    assert.ok(conflicts >= 3 && conflicts <= 30, `about 30% of ~43 writes conflict, saw ${conflicts}`);
    assert.ok(injected.every((e) => e.status === 409));
    // Reads were never hit: the storm names no verbs, so only writes.
    assert.ok(sim.requests.list({ verb: 'get', namespace }).every((e) => !e.injected));
  });

  test('fractions are deterministic for a seed', async () => {
    const pattern = async (seed: number): Promise<boolean[]> => {
      const other = await startKubernetesSimulator({ seed });
      try {
        const client = other.kubeConfig().makeApiClient(CoreV1Api);
        other.faults.add({ status: 500, fraction: 0.5, verbs: ['create'] });
        const outcomes: boolean[] = [];
        for (let i = 0; i < 12; i += 1) {
          outcomes.push(
            await client.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `c${i}` } } }).then(
              () => true,
              () => false,
            ),
          );
        }
        return outcomes;
      } finally {
        await other.close();
      }
    };
    const first = await pattern(42);
    assert.deepEqual(await pattern(42), first);
    assert.ok(first.includes(true) && first.includes(false));
  });

  test('500s can be limited to a number of requests and to one resource', async () => {
    const namespace = await freshNamespace();
    sim.faults.serverErrors({ fraction: 1, resources: ['StatefulSet'], verbs: ['create'], times: 2 });
    const first = await apiFailure(apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 0) }));
    assert.equal(first.code, 500);
    assert.equal(first.reason, 'InternalError');
    assert.equal((await apiFailure(apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 0) }))).code, 500);
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'unaffected' } } });
    const created = await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 0) });
    assert.equal(created.metadata?.name, 'db');
    assert.equal(sim.faults.list().find((r) => r.status === 500)?.failed, 2);
    sim.faults.clear();
  });

  test('a crashing pod shows CrashLoopBackOff and a climbing restartCount; healing makes it Ready again', async () => {
    const namespace = await freshNamespace();
    await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 2) });
    await sim.waitFor(async () => (await apps.readNamespacedStatefulSet({ name: 'db', namespace })).status?.readyReplicas === 2);
    sim.pods.crash(namespace, 'db-0');
    const crashing = await sim.waitFor(async () => {
      const pod = await core.readNamespacedPod({ name: 'db-0', namespace });
      return (pod.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 3 ? pod : undefined;
    });
    const container = crashing.status!.containerStatuses![0]!;
    assert.equal(isReady(crashing), false);
    assert.equal(container.ready, false);
    assert.equal(container.state?.waiting?.reason, 'CrashLoopBackOff');
    assert.equal(container.lastState?.terminated?.exitCode, 1);
    assert.equal(crashing.status?.phase, 'Running');
    await sim.waitFor(async () => (await apps.readNamespacedStatefulSet({ name: 'db', namespace })).status?.readyReplicas === 1);

    sim.pods.heal(namespace, 'db-0');
    const healed = await sim.waitFor(async () => {
      const pod = await core.readNamespacedPod({ name: 'db-0', namespace });
      return isReady(pod) ? pod : undefined;
    });
    assert.ok((healed.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 3, 'restarts are remembered');
  });

  test('a never-ready pod stays Running and not Ready; a per-pod ready delay holds just that pod', async () => {
    const namespace = await freshNamespace();
    sim.pods.neverReady(namespace, 'lonely');
    sim.pods.setReadyDelay(60_000, { namespace, pod: 'slow' });
    for (const name of ['lonely', 'slow', 'quick']) {
      await core.createNamespacedPod({ namespace, body: { metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } });
    }
    await sim.waitFor(async () => isReady(await core.readNamespacedPod({ name: 'quick', namespace })));
    for (const name of ['lonely', 'slow']) {
      const pod = await core.readNamespacedPod({ name, namespace });
      assert.equal(pod.status?.phase, 'Running');
      assert.equal(isReady(pod), false, `${name} is not Ready`);
      assert.equal(pod.spec?.nodeName?.startsWith('sim-node-'), true);
    }
  });

  test('pause freezes the controllers; resume lets them catch up', async () => {
    const namespace = await freshNamespace();
    sim.controller.pause();
    try {
      assert.equal(sim.controller.paused, true);
      await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 2) });
      const listed = await core.listNamespacedPod({ namespace });
      assert.equal(listed.items.length, 0);
      assert.equal(sim.controller.actions().filter((a) => a.namespace === namespace).length, 0);
    } finally {
      sim.controller.resume();
    }
    await sim.waitFor(async () => (await apps.readNamespacedStatefulSet({ name: 'db', namespace })).status?.readyReplicas === 2);
    assert.deepEqual(
      sim.controller
        .actions()
        .filter((a) => a.namespace === namespace)
        .map((a) => `${a.action} ${a.name}`),
      ['create-claim data-db-0', 'create-pod db-0', 'create-claim data-db-1', 'create-pod db-1'],
    );
    assert.deepEqual(sim.controller.errors(), []);
  });

  test('the request log records method, path, content type, status and body of what a client wrote', async () => {
    const namespace = await freshNamespace();
    sim.requests.clear();
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cm' }, data: { a: '1' } } });
    await core.patchNamespacedConfigMap({ name: 'cm', namespace, body: { data: { a: '2' } }, fieldManager: 'galera-cp' }, merge);
    await apiFailure(core.readNamespacedConfigMap({ name: 'missing', namespace }));
    const log = sim.requests.list({ namespace }).map((e) => ({ method: e.method, path: e.path, contentType: e.contentType, status: e.status, verb: e.verb, fieldManager: e.fieldManager }));
    assert.deepEqual(log, [
      { method: 'POST', path: `/api/v1/namespaces/${namespace}/configmaps`, contentType: 'application/json', status: 201, verb: 'create', fieldManager: undefined },
      { method: 'PATCH', path: `/api/v1/namespaces/${namespace}/configmaps/cm`, contentType: 'application/merge-patch+json', status: 200, verb: 'patch', fieldManager: 'galera-cp' },
      { method: 'GET', path: `/api/v1/namespaces/${namespace}/configmaps/missing`, contentType: undefined, status: 404, verb: 'get', fieldManager: undefined },
    ]);
    assert.deepEqual(sim.requests.list({ verb: 'patch', namespace })[0]?.body, { data: { a: '2' } });
  });

  test('eviction honours a PodDisruptionBudget (429 when no disruption is allowed)', async () => {
    const namespace = await freshNamespace();
    const policy = kc.makeApiClient(PolicyV1Api);
    await policy.createNamespacedPodDisruptionBudget({ namespace, body: { metadata: { name: 'db' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'db' } } } } });
    await apps.createNamespacedStatefulSet({ namespace, body: galeraStatefulSet('db', 3) });
    await sim.waitFor(async () => (await policy.readNamespacedPodDisruptionBudget({ name: 'db', namespace })).status?.disruptionsAllowed === 1);
    const budget = await policy.readNamespacedPodDisruptionBudget({ name: 'db', namespace });
    assert.deepEqual([budget.status?.expectedPods, budget.status?.currentHealthy, budget.status?.desiredHealthy], [3, 3, 2]);

    sim.pods.neverReady(namespace, 'db-2');
    await core.createNamespacedPodEviction({ name: 'db-2', namespace, body: { metadata: { name: 'db-2', namespace } } });
    await sim.waitFor(async () => (await policy.readNamespacedPodDisruptionBudget({ name: 'db', namespace })).status?.currentHealthy === 2);
    const refused = await apiFailure(core.createNamespacedPodEviction({ name: 'db-0', namespace, body: { metadata: { name: 'db-0', namespace } } }));
    assert.equal(refused.code, 429);
    assert.equal(refused.reason, 'TooManyRequests');
    assert.match(refused.details?.causes?.[0]?.message ?? '', /needs 2 healthy pods and has 2 currently/);
    sim.pods.heal(namespace, 'db-2');
  });

  test('HTTP controls under /_sim/ and authentication', async () => {
    const unauthenticated = await raw(sim, 'GET', '/api/v1/namespaces', undefined, null);
    assert.equal(unauthenticated.status, 401);
    assert.equal(unauthenticated.body.reason, 'Unauthorized');
    assert.equal((await raw(sim, 'GET', '/version', undefined, null)).body.gitVersion, 'v1.31.0-k8s-sim');

    const added = await raw(sim, 'POST', '/_sim/faults', { status: 409, fraction: 1, verbs: ['create'], resources: ['secrets'], times: 1 });
    assert.equal(added.status, 200);
    assert.equal((await apiFailure(core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 's' } } }))).code, 409);
    await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 's' } } });
    const requests = await raw(sim, 'GET', '/_sim/requests');
    assert.ok(requests.body.items.some((e: { injected?: boolean; resource?: string }) => e.injected && e.resource === 'secrets'));
    assert.equal((await raw(sim, 'DELETE', `/_sim/faults/${added.body.id}`)).status, 200);
    assert.equal((await raw(sim, 'POST', '/_sim/controller/pause')).body.paused, true);
    assert.equal((await raw(sim, 'POST', '/_sim/controller/resume')).body.paused, false);
    assert.equal((await raw(sim, 'GET', '/_sim/nothing')).status, 404);
  });
});
