import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import {
  createGaleraClient,
  getCluster,
  isPlan,
  Operation,
  OperationFailedError,
  OperationState,
  OperationWaitError,
  paginate,
  Plan,
  ProblemError,
  UnexpectedAnswerError,
  unwrap,
  unwrapOperation,
  unwrapPlan,
  waitForOperation,
} from './index';
import { sendJson, sendProblem, SpecServer, startSpecServer } from './spec-support';

function operation(state: OperationState, progress: number, extra: Partial<Operation> = {}): Operation {
  return {
    id: 'op_1',
    type: 'cluster.create',
    state,
    clusterId: 'cl_1',
    params: {},
    progress,
    steps: [],
    plan: null,
    approval: { state: 'NOT_REQUIRED', approvedBy: null, approvedAt: null },
    result: null,
    error: null,
    requestedBy: 'tk_1',
    requestId: null,
    cancelRequestedBy: null,
    runs: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...extra,
  };
}

describe('SDK helpers', () => {
  let server: SpecServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test('paginate walks every page, passing each nextPageToken, and stops after the last', async () => {
    const pages: Record<string, { items: { id: string; name: string }[]; nextPageToken: string | null }> = {
      '': {
        items: [
          { id: 'cl_1', name: 'a' },
          { id: 'cl_2', name: 'b' },
        ],
        nextPageToken: 't2',
      },
      t2: { items: [{ id: 'cl_3', name: 'c' }], nextPageToken: 't3' },
      t3: { items: [{ id: 'cl_4', name: 'd' }], nextPageToken: null },
    };
    server = await startSpecServer((req, res) => sendJson(res, 200, pages[new URL(req.url, 'http://x').searchParams.get('pageToken') ?? '']));
    const client = createGaleraClient({ baseUrl: server.url, token: 't' });
    const names: string[] = [];
    for await (const cluster of paginate((pageToken) => unwrap(client.GET('/v1/clusters', { params: { query: { pageSize: 2, pageToken } } })))) names.push(cluster.name);
    assert.deepEqual(names, ['a', 'b', 'c', 'd']);
    assert.deepEqual(
      server.requests.map((r) => r.url),
      ['/v1/clusters?pageSize=2', '/v1/clusters?pageSize=2&pageToken=t2', '/v1/clusters?pageSize=2&pageToken=t3'],
    );
  });

  test('paginate fetches lazily: breaking out early asks for no further page', async () => {
    server = await startSpecServer((_req, res) => sendJson(res, 200, { items: [{ id: 'cr_1' }], nextPageToken: 'more' }));
    const client = createGaleraClient({ baseUrl: server.url });
    for await (const credential of paginate((pageToken) => unwrap(client.GET('/v1/credentials', { params: { query: { pageToken } } })))) {
      assert.equal(credential.id, 'cr_1');
      break;
    }
    assert.equal(server.requests.length, 1);
  });

  test('waitForOperation polls until the operation ends, reporting each poll', async () => {
    const states: [OperationState, number][] = [
      ['PENDING', 0],
      ['RUNNING', 40],
      ['RUNNING', 80],
      ['SUCCEEDED', 100],
    ];
    server = await startSpecServer((req, res, i) => sendJson(res, 200, operation(...states[Math.min(i, 3)], { id: req.url.split('/').pop() })));
    const client = createGaleraClient({ baseUrl: server.url, token: 't' });
    const seen: string[] = [];
    const done = await waitForOperation(client, 'op_42', { pollIntervalMs: 5, onProgress: (op) => seen.push(`${op.state}:${op.progress}`) });
    assert.equal(done.id, 'op_42');
    assert.equal(done.state, 'SUCCEEDED');
    assert.deepEqual(seen, ['PENDING:0', 'RUNNING:40', 'RUNNING:80', 'SUCCEEDED:100']);
    assert.equal(server.requests.length, 4);
    assert.ok(server.requests.every((r) => r.url === '/v1/operations/op_42' && r.headers.authorization === 'Bearer t'));
  });

  test('waitForOperation resolves with a FAILED operation, or rejects with OperationFailedError when asked', async () => {
    const failed = operation('FAILED', 60, { error: { code: 'HOST_KEY_MISMATCH', detail: 'host key changed' } });
    server = await startSpecServer((_req, res) => sendJson(res, 200, failed));
    const client = createGaleraClient({ baseUrl: server.url });
    const done = await waitForOperation(client, 'op_1', { pollIntervalMs: 5 });
    assert.equal(done.state, 'FAILED');
    assert.equal(done.error?.code, 'HOST_KEY_MISMATCH');
    await assert.rejects(waitForOperation(client, 'op_1', { throwOnFailure: true }), (error: unknown) => {
      assert.ok(error instanceof OperationFailedError);
      assert.equal(error.operation.state, 'FAILED');
      assert.match(error.message, /HOST_KEY_MISMATCH: host key changed/);
      return true;
    });
  });

  test('waitForOperation rejects with OperationWaitError (timeout) carrying the last state seen', async () => {
    server = await startSpecServer((_req, res) => sendJson(res, 200, operation('RUNNING', 10)));
    const client = createGaleraClient({ baseUrl: server.url });
    await assert.rejects(waitForOperation(client, 'op_1', { timeoutMs: 300, pollIntervalMs: 20 }), (error: unknown) => {
      assert.ok(error instanceof OperationWaitError);
      assert.equal(error.reason, 'timeout');
      assert.equal(error.operationId, 'op_1');
      assert.equal(error.lastSeen?.state, 'RUNNING');
      return true;
    });
    assert.ok(server.requests.length >= 2, 'it polled more than once before giving up');
  });

  test('waitForOperation times out even when the server never answers', async () => {
    server = await startSpecServer(() => undefined);
    const client = createGaleraClient({ baseUrl: server.url });
    await assert.rejects(waitForOperation(client, 'op_1', { timeoutMs: 200 }), (error: unknown) => error instanceof OperationWaitError && error.reason === 'timeout' && error.lastSeen === undefined);
  });

  test('waitForOperation rejects with OperationWaitError (aborted) as soon as its signal aborts', async () => {
    server = await startSpecServer((_req, res) => sendJson(res, 200, operation('RUNNING', 10)));
    const client = createGaleraClient({ baseUrl: server.url });
    const started = Date.now();
    // Aborted while it sits out a long poll interval...
    const duringPause = new AbortController();
    const waiting = waitForOperation(client, 'op_1', { pollIntervalMs: 60_000, signal: duringPause.signal, onProgress: () => setTimeout(() => duringPause.abort(new Error('shutting down')), 50) });
    await assert.rejects(waiting, (error: unknown) => {
      assert.ok(error instanceof OperationWaitError);
      assert.equal(error.reason, 'aborted');
      assert.equal(error.lastSeen?.state, 'RUNNING');
      assert.match(String((error.cause as Error).message), /shutting down/);
      return true;
    });
    // ...or by its own progress callback.
    const fromCallback = new AbortController();
    await assert.rejects(waitForOperation(client, 'op_1', { pollIntervalMs: 60_000, signal: fromCallback.signal, onProgress: () => fromCallback.abort() }), {
      name: 'OperationWaitError',
      reason: 'aborted',
    });
    assert.equal(server.requests.length, 2, 'one poll each');
    assert.ok(Date.now() - started < 30_000, 'neither sat out the 60 s poll interval');
  });

  test('waitForOperation passes problems on (404 OPERATION_NOT_FOUND)', async () => {
    server = await startSpecServer((_req, res) => sendProblem(res, 404, 'OPERATION_NOT_FOUND'));
    const client = createGaleraClient({ baseUrl: server.url });
    await assert.rejects(waitForOperation(client, 'op_missing'), (error: unknown) => error instanceof ProblemError && error.code === 'OPERATION_NOT_FOUND');
  });

  test('isPlan tells a dry-run plan from an operation', () => {
    const plan: Plan = { dryRun: true, operationType: 'cluster.scale', summary: 's', steps: [], details: { warnings: [] }, requiresApproval: false };
    assert.equal(isPlan(plan), true);
    assert.equal(isPlan(operation('PENDING', 0)), false);
  });

  test('unwrapOperation and unwrapPlan answer distinct types, and refuse the other kind of answer', async () => {
    const plan: Plan = {
      dryRun: true,
      operationType: 'cluster.scale',
      summary: 'From 3 to 5 members',
      steps: [{ key: 'join:a-3', action: 'ssh.join-node', title: 'Join a-3', node: 'a-3' }],
      details: { warnings: [], quorum: { before: 3, after: 5, quorumBefore: 2, quorumAfter: 3 } },
      requiresApproval: false,
    };
    server = await startSpecServer((req, res) => (req.url.includes('dryRun=true') ? sendJson(res, 200, plan) : sendJson(res, 202, operation('PENDING', 0, { type: 'cluster.scale' }))));
    const client = createGaleraClient({ baseUrl: server.url });
    const scale = (dryRun: boolean) => client.POST('/v1/clusters/{id}/scale', { params: { path: { id: 'cl_1' }, query: { dryRun } }, body: { replicas: 5 } });
    const planned = await unwrapPlan(scale(true));
    assert.equal(planned.steps[0].key, 'join:a-3');
    assert.equal(planned.details.quorum?.after, 5);
    const started = await unwrapOperation(scale(false));
    assert.equal(started.id, 'op_1');
    await assert.rejects(unwrapOperation(scale(true)), (error: unknown) => error instanceof UnexpectedAnswerError && error.expected === 'operation' && error.response.status === 200);
    await assert.rejects(unwrapPlan(scale(false)), (error: unknown) => error instanceof UnexpectedAnswerError && error.expected === 'plan' && error.response.status === 202);
  });

  test('getCluster takes an id or a name, and an unknown name is CLUSTER_NOT_FOUND', async () => {
    const cluster = { id: 'cl_01jd2x0000000000000000000a', name: 'orders' };
    server = await startSpecServer((req, res) => {
      if (req.url === `/v1/clusters/${cluster.id}`) return sendJson(res, 200, cluster);
      if (req.url === '/v1/clusters?name=orders&pageSize=1') return sendJson(res, 200, { items: [cluster], nextPageToken: null });
      if (req.url.startsWith('/v1/clusters?name=')) return sendJson(res, 200, { items: [], nextPageToken: null }, { 'x-request-id': 'req_7' });
      sendProblem(res, 404, 'ROUTE_NOT_FOUND');
    });
    const client = createGaleraClient({ baseUrl: server.url });
    assert.deepEqual(await getCluster(client, cluster.id), cluster);
    assert.deepEqual(await getCluster(client, 'orders'), cluster);
    await assert.rejects(
      getCluster(client, 'billing'),
      (error: unknown) => error instanceof ProblemError && error.status === 404 && error.code === 'CLUSTER_NOT_FOUND' && error.requestId === 'req_7' && /billing/.test(error.detail),
    );
    assert.deepEqual(
      server.requests.map((r) => r.url),
      [`/v1/clusters/${cluster.id}`, '/v1/clusters?name=orders&pageSize=1', '/v1/clusters?name=billing&pageSize=1'],
    );
  });
});
