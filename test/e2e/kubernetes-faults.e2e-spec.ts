import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KubernetesBackend } from '@galera-cp/backend-kubernetes';
import { startKubernetesSimulator, type KubernetesSimulator } from '../k8s-sim';
import { startTestApp, TestApp, waitForOperation } from '../support/test-app';

/**
 * The Kubernetes backend under faults, through the product's HTTP API against the simulator: a
 * storm of 409 Conflicts on 30% of writes (every operation still converges), server errors, and a
 * pod that never gets ready (the operation fails with the pod's state after its timeout).
 */
describe('kubernetes backend: conflict storms, server errors and pods that never get ready', () => {
  let sim: KubernetesSimulator;
  let app: TestApp;
  let credentialId: string;
  const ns = 'default';
  const POD_READY_SECONDS = 2;

  before(async () => {
    sim = await startKubernetesSimulator({ readyDelayMs: 20, seed: 7 });
    app = await startTestApp({ backends: { kubernetes: new KubernetesBackend({ podReadyTimeoutSeconds: POD_READY_SECONDS, pollIntervalMs: 25, retry: { initialDelayMs: 20, maxDelayMs: 200 } }) } });
    const credential = await app.call('POST', '/v1/credentials', { body: { name: 'sim', kind: 'kubeconfig', kubeconfig: sim.kubeconfig } });
    assert.equal(credential.status, 201, JSON.stringify(credential.body));
    credentialId = credential.body.id;
  });
  after(async () => {
    await app?.close();
    await sim?.close();
  });

  const body = (name: string) => ({ name, backend: 'kubernetes', replicas: 3, kubernetes: { credentialId, namespace: ns, storageSize: '1Gi' } });

  async function operate(method: string, path: string, requestBody?: unknown) {
    const started = await app.call(method, path, requestBody === undefined ? {} : { body: requestBody });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    return waitForOperation(app, started.body.id, 90_000);
  }

  async function logText(operationId: string): Promise<string> {
    const logs = await app.call('GET', `/v1/operations/${operationId}/logs?pageSize=500`);
    return logs.body.items.map((l: { message: string }) => l.message).join('\n');
  }

  test('with 30% of writes answered 409 Conflict, create, scale 3 -> 5 -> 3, restart, reconfigure and delete all converge', async (t) => {
    const rule = sim.faults.conflictStorm({ fraction: 0.3 });
    try {
      const created = await operate('POST', '/v1/clusters', body('storm'));
      assert.equal(created.state, 'SUCCEEDED', JSON.stringify(created.error));
      const id = created.clusterId;
      const out = await operate('POST', `/v1/clusters/${id}/scale`, { replicas: 5 });
      assert.equal(out.state, 'SUCCEEDED', JSON.stringify(out.error));
      assert.equal(sim.objects.get('StatefulSet', ns, 'storm')?.spec.replicas, 5);
      const back = await operate('POST', `/v1/clusters/${id}/scale`, { replicas: 3 });
      assert.equal(back.state, 'SUCCEEDED', JSON.stringify(back.error));
      const restarted = await operate('POST', `/v1/clusters/${id}/restart`, {});
      assert.equal(restarted.state, 'SUCCEEDED', JSON.stringify(restarted.error));
      const reconfigured = await operate('POST', `/v1/clusters/${id}/reconfigure`, { parameters: { max_connections: 800 } });
      assert.equal(reconfigured.state, 'SUCCEEDED', JSON.stringify(reconfigured.error));
      assert.match(sim.objects.get('ConfigMap', ns, 'storm-config')?.data?.['galera.cnf'] ?? '', /^max_connections = 800$/m);

      // The end state is what was asked for, whatever the storm did.
      const sts = sim.objects.get('StatefulSet', ns, 'storm');
      assert.equal(sts?.spec.replicas, 3);
      assert.equal(sts?.status.readyReplicas, 3);
      const nodes = await app.call('GET', `/v1/clusters/${id}/nodes`);
      assert.deepEqual(
        nodes.body.items.map((n: { name: string; healthy: boolean }) => [n.name, n.healthy]),
        [
          ['storm-0', true],
          ['storm-1', true],
          ['storm-2', true],
        ],
      );

      const deleted = await operate('DELETE', `/v1/clusters/${id}?purge=true`);
      assert.equal(deleted.state, 'SUCCEEDED', JSON.stringify(deleted.error));
      assert.equal(sim.objects.get('StatefulSet', ns, 'storm'), undefined);
      assert.deepEqual(
        sim.objects.list('PersistentVolumeClaim', ns).filter((c) => c.metadata.name?.includes('storm')),
        [],
      );

      // The storm did hit the backend's writes, and the backend re-read and re-applied.
      const injected = sim.requests.list().filter((r) => r.injected && r.status === 409);
      assert.ok(injected.length >= 5, `only ${injected.length} conflicts were injected`);
      assert.ok(new Set(injected.map((r) => r.method)).size >= 2, 'conflicts hit several kinds of writes');
      const logs = (await Promise.all([created, out, back, restarted, reconfigured, deleted].map((o) => logText(o.id)))).join('\n');
      assert.match(logs, /409 Conflict \(attempt 1\/8\); re-reading and re-applying/);
      const operations = [created, out, back, restarted, reconfigured, deleted];
      const reattempted = operations.flatMap((o) => o.steps).filter((s: { attempts: number }) => s.attempts > 1).length;
      const backendRetries = (logs.match(/re-reading and re-applying/g) ?? []).length;
      t.diagnostic(
        `conflict storm: ${sim.requests.list().filter((r) => !r.injected && r.method !== 'GET').length} writes served, ${injected.length} answered 409; ${backendRetries} re-read-and-re-apply retries in the backend; ${reattempted} step(s) re-run by the engine`,
      );
      assert.deepEqual(sim.controller.errors(), []);
    } finally {
      sim.faults.remove(rule);
    }
  });

  test('with 500s, 503s and 429s on a share of writes, create still converges', async () => {
    const rules = [sim.faults.serverErrors({ fraction: 0.15 }), sim.faults.add({ status: 503, fraction: 0.1 }), sim.faults.add({ status: 429, fraction: 0.05, times: 2 })];
    try {
      const created = await operate('POST', '/v1/clusters', body('flaky'));
      assert.equal(created.state, 'SUCCEEDED', JSON.stringify(created.error));
      assert.equal(sim.objects.get('StatefulSet', ns, 'flaky')?.status.readyReplicas, 3);
      const failures = sim.requests.list({ name: undefined }).filter((r) => r.injected && [500, 503, 429].includes(r.status));
      assert.ok(failures.length > 0, 'server errors were injected');
    } finally {
      for (const id of rules) sim.faults.remove(id);
    }
  });

  test('a pod that never gets ready fails the create with its state after the timeout, and no later pod is started', async () => {
    sim.pods.neverReady(ns, 'stuck-1');
    const started = Date.now();
    const failed = await operate('POST', '/v1/clusters', body('stuck'));
    const elapsed = (Date.now() - started) / 1000;
    assert.equal(failed.state, 'FAILED');
    assert.equal(failed.error.code, 'POD_NOT_READY');
    assert.equal(failed.error.node, 'stuck-1');
    assert.equal(failed.error.step, 'ready:stuck-1');
    assert.match(
      failed.error.detail,
      new RegExp(
        `^stuck-1 did not become Ready within ${POD_READY_SECONDS} s: phase Running; .*Ready=False \\(ContainersNotReady: containers with unready status: \\[mariadb\\]\\).*container mariadb running, not ready.*readiness is the Galera health rule`,
      ),
    );
    assert.ok(elapsed >= POD_READY_SECONDS, `failed after ${elapsed} s, before the pod's budget`);
    assert.ok(elapsed < POD_READY_SECONDS + 20, `failed after ${elapsed} s`);
    assert.deepEqual(failed.steps.map((s: { key: string; state: string }) => `${s.key}:${s.state}`).slice(5, 8), ['ready:stuck-0:SUCCEEDED', 'ready:stuck-1:FAILED', 'ready:stuck-2:SKIPPED']);
    assert.equal(sim.objects.get('Pod', ns, 'stuck-2'), undefined, 'OrderedReady: no pod after the one that is not ready');
    const cluster = await app.call('GET', `/v1/clusters/${failed.clusterId}`);
    assert.equal(cluster.body.status.state, 'FAILED');
    const nodes = await app.call('GET', `/v1/clusters/${failed.clusterId}/nodes`);
    assert.deepEqual(
      nodes.body.items.map((n: { name: string; phase: string }) => `${n.name}:${n.phase}`),
      ['stuck-0:Member', 'stuck-1:Joining', 'stuck-2:Joining'],
    );
    sim.pods.heal(ns, 'stuck-1');
  });

  test('a replacement that does not get ready in time fails a rolling restart with its state; the roll stops there', async () => {
    const created = await operate('POST', '/v1/clusters', body('roll'));
    assert.equal(created.state, 'SUCCEEDED', JSON.stringify(created.error));
    // roll-2 is replaced first and comes back; roll-1's replacement stays unready far beyond the pod budget.
    sim.pods.setReadyDelay(600_000, { namespace: ns, pod: 'roll-1' });
    const t0 = Date.now();
    const failed = await operate('POST', `/v1/clusters/${created.clusterId}/restart`, {});
    assert.equal(failed.state, 'FAILED');
    assert.equal(failed.error.code, 'POD_NOT_READY');
    assert.equal(failed.error.step, 'restarted:roll-1');
    assert.match(failed.error.detail, new RegExp(`^roll-1 did not become Ready within ${POD_READY_SECONDS} s: phase Running; .*Ready=False`));
    assert.deepEqual(
      failed.steps.map((s: { key: string; state: string }) => `${s.key}:${s.state}`),
      ['restart:SUCCEEDED', 'restarted:roll-2:SUCCEEDED', 'restarted:roll-1:FAILED', 'restarted:roll-0:SKIPPED', 'verify:SKIPPED'],
    );
    const trace = sim.controller
      .actions()
      .filter((a) => a.statefulSet === 'roll' && a.time >= t0)
      .map((a) => `${a.action}:${a.ordinal}`);
    assert.deepEqual(trace, ['delete-pod:2', 'create-pod:2', 'delete-pod:1', 'create-pod:1'], 'roll-0 is left alone while roll-1 is not ready');
  });

  test('a member that is already not ready blocks the roll: the restart fails naming it and the revision it still runs', async () => {
    const created = await operate('POST', '/v1/clusters', body('blocked'));
    assert.equal(created.state, 'SUCCEEDED', JSON.stringify(created.error));
    sim.pods.neverReady(ns, 'blocked-2');
    try {
      const t0 = Date.now();
      const failed = await operate('POST', `/v1/clusters/${created.clusterId}/restart`, {});
      assert.equal(failed.state, 'FAILED');
      assert.equal(failed.error.code, 'POD_NOT_READY');
      assert.equal(failed.error.step, 'restarted:blocked-2');
      assert.match(
        failed.error.detail,
        /^blocked-2 did not become Ready within 2 s: .*Ready=False.*; runs revision blocked-\w+, not the update revision blocked-\w+; readiness is the Galera health rule/,
      );
      assert.deepEqual(
        sim.controller.actions().filter((a) => a.statefulSet === 'blocked' && a.time >= t0),
        [],
        'the StatefulSet does not roll past a pod that is not Ready',
      );
    } finally {
      sim.pods.heal(ns, 'blocked-2');
    }
  });
});
