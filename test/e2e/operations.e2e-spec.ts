import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKeyCredential, sshClusterBody } from '../support/fixtures';
import { readSse } from '../support/sse';
import { eventually, startTestApp, TestApp, waitForOperation } from '../support/test-app';

describe('operations: engine behaviour through the API', () => {
  let app: TestApp;
  let credentialId: string;

  before(async () => {
    app = await startTestApp();
    credentialId = await createKeyCredential(app);
  });
  after(() => app.close());

  async function readyCluster(name: string): Promise<string> {
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody(name, credentialId) });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const done = await waitForOperation(app, created.body.id);
    assert.equal(done.state, 'SUCCEEDED');
    return created.body.clusterId;
  }

  test('one active operation per cluster: the second gets 409 OPERATION_IN_PROGRESS naming the first', async () => {
    const id = await readyCluster('busy');
    app.infrastructure.script('busy', { stepDelayMs: 600 });
    const first = await app.call('POST', `/v1/clusters/${id}/restart`, { body: {} });
    assert.equal(first.status, 202);
    const second = await app.call('POST', `/v1/clusters/${id}/scale`, { body: { replicas: 1, force: true } });
    assert.equal(second.status, 409);
    assert.equal(second.body.code, 'OPERATION_IN_PROGRESS');
    assert.equal(second.body.activeOperationId, first.body.id);
    const cluster = await app.call('GET', `/v1/clusters/${id}`);
    assert.equal(cluster.body.spec.replicas, 3, 'the refused scale changed nothing');
    assert.equal(cluster.body.status.activeOperationId, first.body.id);
    await waitForOperation(app, first.body.id);
    const third = await app.call('POST', `/v1/clusters/${id}/restart`, { body: {} });
    assert.equal(third.status, 202);
    await waitForOperation(app, third.body.id);
  });

  test('cancel a running operation: the running step is aborted and the rest never runs', async () => {
    const id = await readyCluster('stoppable');
    app.infrastructure.script('stoppable', { stepDelayMs: 3000 });
    const restart = await app.call('POST', `/v1/clusters/${id}/restart`, { body: {} });
    await eventually(async () => ((await app.call('GET', `/v1/operations/${restart.body.id}`)).body.steps.some((s: { state: string }) => s.state === 'RUNNING') ? true : undefined));
    const cancelled = await app.call('POST', `/v1/operations/${restart.body.id}/cancel`, { body: {} });
    assert.equal(cancelled.status, 200);
    assert.ok(['CANCELLING', 'CANCELLED'].includes(cancelled.body.state));
    const done = await waitForOperation(app, restart.body.id, 5000);
    assert.equal(done.state, 'CANCELLED');
    assert.deepEqual(
      done.steps.map((s: { state: string }) => s.state),
      ['CANCELLED', 'CANCELLED', 'CANCELLED'],
    );
    assert.deepEqual(
      app.infrastructure.effects('stoppable').filter((e) => e.startsWith(restart.body.id)),
      [],
      'no step effect was applied',
    );
    const again = await app.call('POST', `/v1/operations/${restart.body.id}/cancel`, { body: {} });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'OPERATION_FINISHED');
    const cluster = await app.call('GET', `/v1/clusters/${id}`);
    assert.equal(cluster.body.status.activeOperationId, null);
    assert.equal(cluster.body.status.conditions.find((c: { type: string }) => c.type === 'Progressing').reason, 'OperationCancelled');
  });

  test('a retryable step failure is retried; a permanent one fails the operation with its code', async () => {
    const id = await readyCluster('flaky');
    app.infrastructure.script('flaky', { failStep: 'restart:flaky-1', failTimes: 2, retryable: true });
    const retried = await app.call('POST', `/v1/clusters/${id}/restart`, { body: {} });
    const ok = await waitForOperation(app, retried.body.id);
    assert.equal(ok.state, 'SUCCEEDED');
    assert.equal(ok.steps[1].attempts, 3);
    assert.deepEqual(ok.result.restartedNodes, ['flaky-0', 'flaky-1', 'flaky-2']);

    app.infrastructure.script('flaky', { failStep: 'restart:flaky-0', failCode: 'SSH_AUTH_FAILED', retryable: false });
    const failing = await app.call('POST', `/v1/clusters/${id}/restart`, { body: {} });
    const failed = await waitForOperation(app, failing.body.id);
    assert.equal(failed.state, 'FAILED');
    assert.equal(failed.error.code, 'SSH_AUTH_FAILED');
    assert.equal(failed.error.step, 'restart:flaky-0');
    assert.deepEqual(
      failed.steps.map((s: { state: string }) => s.state),
      ['FAILED', 'SKIPPED', 'SKIPPED'],
    );
    assert.equal(failed.steps[0].attempts, 1, 'a permanent failure is not retried');
  });

  test('a failed operation can be retried: a new operation, planned afresh, finishes the change', async () => {
    app.infrastructure.script('retried', { failStep: 'join:retried-2', failCode: 'SSH_AUTH_FAILED', failTimes: 1 });
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('retried', credentialId) });
    const failed = await waitForOperation(app, created.body.id);
    assert.equal(failed.state, 'FAILED');
    assert.equal((await app.call('GET', `/v1/clusters/${created.body.clusterId}`)).body.status.state, 'FAILED');

    const plan = await app.call('POST', `/v1/operations/${created.body.id}/retry?dryRun=true`, { body: {} });
    assert.equal(plan.status, 200);
    assert.equal(plan.body.operationType, 'cluster.create');
    assert.equal((await app.call('GET', `/v1/clusters/${created.body.clusterId}`)).body.status.state, 'FAILED', 'the dry run changed nothing');

    const retry = await app.call('POST', `/v1/operations/${created.body.id}/retry`, { body: {} });
    assert.equal(retry.status, 202, JSON.stringify(retry.body));
    assert.notEqual(retry.body.id, created.body.id);
    assert.equal(retry.body.params.retryOf, created.body.id);
    const done = await waitForOperation(app, retry.body.id);
    assert.equal(done.state, 'SUCCEEDED', JSON.stringify(done.error));
    assert.equal((await app.call('GET', `/v1/clusters/${created.body.clusterId}`)).body.status.state, 'READY');
    // Every step of the create took effect. (This test backend keys its idempotency by operation;
    // that a retry skips what the first attempt finished on real hosts is shown by the lab suite.)
    const effects = new Set(app.infrastructure.effects('retried').map((e) => e.split(':').slice(1).join(':')));
    assert.deepEqual([...effects].sort(), ['bootstrap:retried-0', 'join:retried-1', 'join:retried-2', 'preflight', 'verify']);

    const again = await app.call('POST', `/v1/operations/${retry.body.id}/retry`, { body: {} });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'OPERATION_NOT_RETRYABLE');
    const restart = await app.call('POST', `/v1/clusters/${created.body.clusterId}/restart`, { body: {} });
    await waitForOperation(app, restart.body.id);
    const superseded = await app.call('POST', `/v1/operations/${created.body.id}/retry`, { body: {} });
    assert.equal(superseded.status, 409);
    assert.equal(superseded.body.code, 'OPERATION_SUPERSEDED');
  });

  test('recovery waits for approval; approve resumes it; cancel while waiting ends it', async () => {
    const id = await readyCluster('crashy');
    const recover = await app.call('POST', `/v1/clusters/${id}/recover`, { body: {} });
    assert.equal(recover.status, 202);
    const waiting = await eventually(async () => {
      const op = (await app.call('GET', `/v1/operations/${recover.body.id}`)).body;
      return op.steps[0]?.state === 'WAITING' ? op : undefined;
    });
    assert.equal(waiting.approval.state, 'PENDING');
    assert.equal(waiting.steps[0].key, 'approval');
    assert.equal(waiting.plan.details.bootstrapNode, 'crashy-0');
    assert.equal(waiting.plan.details.evidence.length, 3);
    assert.equal(app.infrastructure.effects('crashy').filter((e) => e.startsWith(recover.body.id)).length, 0, 'nothing ran before approval');

    const viewer = await app.token('viewer');
    assert.equal((await app.call('POST', `/v1/operations/${recover.body.id}/approve`, { token: viewer, body: {} })).status, 403);
    const approved = await app.call('POST', `/v1/operations/${recover.body.id}/approve`, { body: {} });
    assert.equal(approved.status, 200);
    const done = await waitForOperation(app, recover.body.id);
    assert.equal(done.state, 'SUCCEEDED');
    assert.equal(done.approval.state, 'APPROVED');
    assert.equal(done.result.bootstrapNode, 'crashy-0');

    const second = await app.call('POST', `/v1/clusters/${id}/recover`, { body: {} });
    await eventually(async () => ((await app.call('GET', `/v1/operations/${second.body.id}`)).body.steps[0]?.state === 'WAITING' ? true : undefined));
    const cancelled = await app.call('POST', `/v1/operations/${second.body.id}/cancel`, { body: {} });
    assert.equal(cancelled.body.state, 'CANCELLED');
    const preApproved = await app.call('POST', `/v1/clusters/${id}/recover`, { body: { approve: true } });
    const ran = await waitForOperation(app, preApproved.body.id);
    assert.equal(ran.state, 'SUCCEEDED');
    assert.equal(ran.approval.state, 'NOT_REQUIRED');
    const notNeeded = await app.call('POST', `/v1/operations/${preApproved.body.id}/approve`, { body: {} });
    assert.equal(notNeeded.status, 409);
    assert.equal(notNeeded.body.code, 'APPROVAL_NOT_REQUIRED');
  });

  test('logs are paged and SSE streams events and log lines, resuming from Last-Event-ID', async () => {
    const id = await readyCluster('chatty');
    app.infrastructure.script('chatty', { stepDelayMs: 150 });
    const restart = await app.call('POST', `/v1/clusters/${id}/restart`, { body: {} });
    const live = await readSse(`${app.url}/v1/operations/${restart.body.id}/events`, { token: app.adminToken });
    assert.equal(live.status, 200);
    const types = live.events.map((e) => e.event);
    assert.equal(types[0], 'operation.created');
    assert.ok(types.includes('operation.started'));
    assert.equal(types.filter((t) => t === 'operation.step_succeeded').length, 3);
    assert.equal(types[types.length - 1], 'operation.succeeded', 'the stream ends after the terminal event');
    assert.ok(types.includes('log'));
    const ids = live.events.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length);

    const middle = Math.floor(live.events.length / 2);
    const resumed = await readSse(`${app.url}/v1/operations/${restart.body.id}/events`, { token: app.adminToken, lastEventId: live.events[middle].id });
    // Resume delivers exactly what came after, each sequence (events, log lines) in order; how
    // the two interleave depends on when they were committed.
    const after = live.events.slice(middle + 1);
    const byKind = (events: { event?: string; data: string }[]) => ({
      events: events.filter((e) => e.event !== 'log').map((e) => JSON.parse(e.data).id),
      logs: events.filter((e) => e.event === 'log').map((e) => JSON.parse(e.data).id),
    });
    assert.deepEqual(byKind(resumed.events), byKind(after));

    const page1 = await app.call('GET', `/v1/operations/${restart.body.id}/logs?pageSize=2`);
    assert.equal(page1.body.items.length, 2);
    const page2 = await app.call('GET', `/v1/operations/${restart.body.id}/logs?pageSize=200&pageToken=${encodeURIComponent(page1.body.nextPageToken)}`);
    const all = [...page1.body.items, ...page2.body.items];
    assert.equal(all.length, live.events.filter((e) => e.event === 'log').length);
    assert.ok(all.some((l: { message: string }) => l.message.includes('executing restart:chatty-2')));
    const unauthenticated = await readSse(`${app.url}/v1/operations/${restart.body.id}/events`, { token: 'nope' });
    assert.equal(unauthenticated.status, 401);
  });

  test('lists filter by cluster, type and state, newest first', async () => {
    const id = await readyCluster('filtered');
    const restart = await app.call('POST', `/v1/clusters/${id}/restart`, { body: {} });
    await waitForOperation(app, restart.body.id);
    const scoped = await app.call('GET', `/v1/clusters/${id}/operations`);
    assert.deepEqual(
      scoped.body.items.map((o: { type: string }) => o.type),
      ['cluster.restart', 'cluster.create'],
    );
    const byType = await app.call('GET', `/v1/operations?clusterId=${id}&type=cluster.restart&state=SUCCEEDED`);
    assert.deepEqual(
      byType.body.items.map((o: { id: string }) => o.id),
      [restart.body.id],
    );
    const badState = await app.call('GET', '/v1/operations?state=DONE');
    assert.equal(badState.status, 400);
    assert.equal(badState.body.errors[0].pointer, '/state');
    assert.equal((await app.call('GET', '/v1/clusters/cl_00000000000000000000000000/operations')).status, 404);
  });
});
