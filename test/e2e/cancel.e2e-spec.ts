import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKeyCredential, sshClusterBody } from '../support/fixtures';
import { eventually, startTestApp, TestApp, waitForOperation } from '../support/test-app';
import { startWorkerProcess } from '../support/worker-processes';

/**
 * What cancel means, on the engine's side (the deterministic backend, an SSH-kind cluster): a
 * cancelled membership change stops at a safe point, the cluster is what was reached (the spec's
 * replicas follow the members there are), the result says so, and a later change to the size
 * first asked for plans real work.
 */
describe('cancel: a cancelled scale leaves no hidden convergence', () => {
  let app: TestApp;
  let credentialId: string;

  before(async () => {
    app = await startTestApp();
    credentialId = await createKeyCredential(app);
  });
  after(() => app.close());

  const stepState = (operation: { steps: { key: string; state: string }[] }, key: string) => operation.steps.find((s) => s.key === key)?.state;

  test('scale 3 -> 5 cancelled after one join: 4 of 5 members, spec 4, status says so; scale 5 then adds the fifth', async () => {
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('grow', credentialId, 5, { replicas: 3 }) });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    assert.equal((await waitForOperation(app, created.body.id)).state, 'SUCCEEDED');
    const clusterId = created.body.clusterId;

    app.infrastructure.script('grow', { stepDelayMs: 1500 });
    const scale = await app.call('POST', `/v1/clusters/${clusterId}/scale`, { body: { replicas: 5 } });
    assert.equal(scale.status, 202, JSON.stringify(scale.body));
    await eventually(
      async () => {
        const op = (await app.call('GET', `/v1/operations/${scale.body.id}`)).body;
        return stepState(op, 'join:grow-3') === 'SUCCEEDED' && stepState(op, 'join:grow-4') === 'RUNNING' ? true : undefined;
      },
      { what: 'the second join to run' },
    );
    assert.equal((await app.call('POST', `/v1/operations/${scale.body.id}/cancel`, { body: {} })).status, 200);
    const done = await waitForOperation(app, scale.body.id);
    assert.equal(done.state, 'CANCELLED');
    assert.equal(done.result.summary, '4 of 5 members; cancelled');
    assert.deepEqual(
      [done.result.type, done.result.cancelled, done.result.fromReplicas, done.result.toReplicas, done.result.requestedReplicas, done.result.addedNodes],
      ['cluster.scale', true, 3, 4, 5, ['grow-3']],
    );
    assert.deepEqual(
      done.result.members.map((m: { name: string }) => m.name),
      ['grow-0', 'grow-1', 'grow-2', 'grow-3'],
      'the typed result lists the members reached',
    );

    const cluster = (await app.call('GET', `/v1/clusters/${clusterId}`)).body;
    assert.equal(cluster.spec.replicas, 4, 'the spec is what was reached');
    assert.equal(cluster.status.size.desired, 4, 'the status claims no size nobody asked for any more');
    assert.equal(cluster.status.observedGeneration, cluster.generation);
    const progressing = cluster.status.conditions.find((c: { type: string }) => c.type === 'Progressing');
    assert.equal(progressing.reason, 'OperationCancelled');
    assert.match(progressing.message, /4 of 5 members; cancelled/);
    assert.deepEqual(
      (await app.call('GET', `/v1/clusters/${clusterId}/nodes`)).body.items.map((n: { name: string }) => n.name),
      ['grow-0', 'grow-1', 'grow-2', 'grow-3'],
    );

    app.infrastructure.script('grow', {});
    const plan = await app.call('POST', `/v1/clusters/${clusterId}/scale?dryRun=true`, { body: { replicas: 5 } });
    assert.equal(plan.status, 200, `scale 5 is real work again: ${JSON.stringify(plan.body)}`);
    assert.deepEqual(
      plan.body.steps.map((s: { key: string }) => s.key),
      ['join:grow-4'],
    );
    assert.equal(plan.body.details.quorum.before, 4);
    const again = await app.call('POST', `/v1/clusters/${clusterId}/scale`, { body: { replicas: 5 } });
    assert.equal(again.status, 202, JSON.stringify(again.body));
    const grown = await waitForOperation(app, again.body.id);
    assert.equal(grown.state, 'SUCCEEDED');
    assert.equal((await app.call('GET', `/v1/clusters/${clusterId}/nodes`)).body.items.length, 5);
  });

  test('members a cancelled scale only registered (Pending) are dropped unless a step of theirs began', async () => {
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('enrol', credentialId, 5, { replicas: 3 }) });
    assert.equal((await waitForOperation(app, created.body.id)).state, 'SUCCEEDED');
    const clusterId = created.body.clusterId;
    app.infrastructure.script('enrol', { stepDelayMs: 1500, registerPending: true });
    const scale = await app.call('POST', `/v1/clusters/${clusterId}/scale`, { body: { replicas: 5 } });
    assert.equal(scale.status, 202, JSON.stringify(scale.body));
    await eventually(async () => (stepState((await app.call('GET', `/v1/operations/${scale.body.id}`)).body, 'join:enrol-3') === 'RUNNING' ? true : undefined), { what: 'the first join' });
    const registered = (await app.call('GET', `/v1/clusters/${clusterId}/nodes`)).body.items.map((n: { name: string; phase: string }) => `${n.name}:${n.phase}`);
    assert.deepEqual(registered.slice(3), ['enrol-3:Pending', 'enrol-4:Pending']);
    await app.call('POST', `/v1/operations/${scale.body.id}/cancel`, { body: {} });
    const done = await waitForOperation(app, scale.body.id);
    assert.equal(done.state, 'CANCELLED');
    // enrol-3's join was aborted: it may have started and be joining, so it stays; enrol-4 never began.
    assert.equal(done.result.summary, '4 of 5 members; cancelled');
    assert.deepEqual(
      (await app.call('GET', `/v1/clusters/${clusterId}/nodes`)).body.items.map((n: { name: string }) => n.name),
      ['enrol-0', 'enrol-1', 'enrol-2', 'enrol-3'],
    );
    assert.equal((await app.call('GET', `/v1/clusters/${clusterId}`)).body.spec.replicas, 4);
  });

  test('a cancelled restart keeps its spec and says which steps ran', async () => {
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('roll', credentialId) });
    assert.equal((await waitForOperation(app, created.body.id)).state, 'SUCCEEDED');
    const clusterId = created.body.clusterId;
    const generation = (await app.call('GET', `/v1/clusters/${clusterId}`)).body.generation;
    app.infrastructure.script('roll', { stepDelayMs: 1500 });
    const restart = await app.call('POST', `/v1/clusters/${clusterId}/restart`, { body: {} });
    await eventually(async () => (stepState((await app.call('GET', `/v1/operations/${restart.body.id}`)).body, 'restart:roll-1') === 'RUNNING' ? true : undefined), { what: 'the second restart' });
    await app.call('POST', `/v1/operations/${restart.body.id}/cancel`, { body: {} });
    const done = await waitForOperation(app, restart.body.id);
    assert.equal(done.state, 'CANCELLED');
    assert.deepEqual(done.result.completedSteps, ['restart:roll-0']);
    assert.deepEqual([done.result.type, done.result.cancelled, done.result.restartedNodes], ['cluster.restart', true, ['roll-0']], 'the typed result so far');
    assert.match(done.result.summary, /Cancelled after 1 of 3 steps; the spec is kept/);
    const cluster = (await app.call('GET', `/v1/clusters/${clusterId}`)).body;
    assert.equal(cluster.generation, generation);
    assert.equal(cluster.spec.replicas, 3);
  });
});

describe('cancel before it ran: the spec goes back to the members there are', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ worker: false });
  });
  after(() => app.close());

  test('a scale cancelled while pending leaves the spec at the members there are, not at the size asked for', async () => {
    const credentialId = await createKeyCredential(app);
    const worker = await startWorkerProcess(app.env);
    let clusterId: string;
    try {
      const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('parked', credentialId, 5, { replicas: 3 }) });
      assert.equal((await waitForOperation(app, created.body.id)).state, 'SUCCEEDED');
      clusterId = created.body.clusterId;
    } finally {
      await worker.stop();
    }
    const scale = await app.call('POST', `/v1/clusters/${clusterId}/scale`, { body: { replicas: 5 } });
    assert.equal(scale.status, 202, JSON.stringify(scale.body));
    assert.equal((await app.call('GET', `/v1/clusters/${clusterId}`)).body.spec.replicas, 5, 'the request set the desired size');
    const cancelled = await app.call('POST', `/v1/operations/${scale.body.id}/cancel`, { body: {} });
    assert.equal(cancelled.body.state, 'CANCELLED', 'no worker ran it: cancelled at once');
    const cluster = (await app.call('GET', `/v1/clusters/${clusterId}`)).body;
    assert.equal(cluster.spec.replicas, 3, 'nothing joined: the spec is the three members there are');
    assert.equal(cluster.status.size.desired, 3);
    assert.match(cluster.status.conditions.find((c: { type: string }) => c.type === 'Progressing').message, /cancelled before it ran/);
    const plan = await app.call('POST', `/v1/clusters/${clusterId}/scale?dryRun=true`, { body: { replicas: 5 } });
    assert.equal(plan.status, 200, 'scale 5 is real work');
    assert.deepEqual(
      plan.body.steps.map((s: { key: string }) => s.key),
      ['join:parked-3', 'join:parked-4'],
    );
  });
});
