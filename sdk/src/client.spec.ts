import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ConnectionError, createGaleraClient, ProblemError, unwrap, unwrapWithHeaders } from './index';
import { sendJson, sendProblem, SpecServer, startSpecServer } from './spec-support';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const FAST = { retries: 3, minDelayMs: 5, maxDelayMs: 2000 };
const PAGE = { items: [], nextPageToken: null };
const CREDENTIAL = { id: 'cr_1', name: 'k', kind: 'ssh-private-key', metadata: {}, createdBy: 'tk_1', createdAt: '2025-01-01T00:00:00.000Z' };

describe('createGaleraClient', () => {
  let server: SpecServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test('sends the bearer token (a string or a function), a User-Agent, and JSON', async () => {
    server = await startSpecServer((_req, res) => sendJson(res, 200, PAGE));
    let calls = 0;
    const fixed = createGaleraClient({ baseUrl: server.url, token: 'gcp_fixed', userAgent: 'ops-bot/2' });
    const rotating = createGaleraClient({ baseUrl: server.url, token: async () => `gcp_rotated_${(calls += 1)}` });
    assert.deepEqual(await unwrap(fixed.GET('/v1/clusters')), PAGE);
    await unwrap(rotating.GET('/v1/clusters', { params: { query: { pageSize: 5, state: 'READY' } } }));
    await unwrap(rotating.GET('/v1/clusters'));
    const [first, second, third] = server.requests;
    assert.equal(first.headers.authorization, 'Bearer gcp_fixed');
    assert.equal(first.headers['user-agent'], 'ops-bot/2');
    assert.equal(first.url, '/v1/clusters');
    assert.equal(second.headers.authorization, 'Bearer gcp_rotated_1');
    assert.equal(second.headers['user-agent'], 'galera-cp-sdk');
    assert.equal(second.url, '/v1/clusters?pageSize=5&state=READY');
    assert.equal(third.headers.authorization, 'Bearer gcp_rotated_2');
  });

  test('retries a GET on 503 and 429, waiting as long as Retry-After asks', async () => {
    server = await startSpecServer((_req, res, i) => {
      if (i === 0) return sendProblem(res, 503, 'SERVICE_UNAVAILABLE', {}, { 'retry-after': '1' });
      if (i === 1) return sendProblem(res, 429, 'RATE_LIMITED');
      sendJson(res, 200, PAGE);
    });
    const client = createGaleraClient({ baseUrl: server.url, token: 't', retry: FAST });
    assert.deepEqual(await unwrap(client.GET('/v1/clusters')), PAGE);
    assert.equal(server.requests.length, 3);
    const gap = server.requests[1].at - server.requests[0].at;
    assert.ok(gap >= 950, `Retry-After: 1 was honoured (waited ${gap} ms)`);
  });

  test('gives up after `retries` retries and answers the last problem', async () => {
    server = await startSpecServer((_req, res) => sendProblem(res, 503, 'DATABASE_UNAVAILABLE'));
    const client = createGaleraClient({ baseUrl: server.url, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 10 } });
    await assert.rejects(unwrap(client.GET('/v1/clusters')), (error: unknown) => error instanceof ProblemError && error.status === 503 && error.code === 'DATABASE_UNAVAILABLE');
    assert.equal(server.requests.length, 3);
  });

  test('does not wait for a Retry-After longer than maxDelayMs: the answer comes back at once', async () => {
    server = await startSpecServer((_req, res) => sendProblem(res, 429, 'RATE_LIMITED', {}, { 'retry-after': '120' }));
    const client = createGaleraClient({ baseUrl: server.url, retry: FAST });
    const answer = await client.GET('/v1/clusters');
    assert.equal(answer.response.status, 429);
    assert.equal(answer.response.headers.get('retry-after'), '120');
    assert.equal(server.requests.length, 1);
  });

  test('every POST carries an Idempotency-Key, and retries resend the same key and body', async () => {
    server = await startSpecServer((_req, res, i) => (i < 2 ? sendProblem(res, 503, 'DATABASE_UNAVAILABLE') : sendJson(res, 201, CREDENTIAL)));
    const client = createGaleraClient({ baseUrl: server.url, token: 't', retry: FAST });
    const body = { name: 'k', kind: 'ssh-private-key' as const, privateKey: 'PEM' };
    assert.deepEqual(await unwrap(client.POST('/v1/credentials', { body })), CREDENTIAL);
    assert.equal(server.requests.length, 3);
    const keys = server.requests.map((r) => r.headers['idempotency-key']);
    assert.match(String(keys[0]), UUID);
    assert.deepEqual(keys, [keys[0], keys[0], keys[0]]);
    assert.deepEqual(
      server.requests.map((r) => JSON.parse(r.body)),
      [body, body, body],
    );
    assert.deepEqual(
      server.requests.map((r) => r.headers['content-type']),
      ['application/json', 'application/json', 'application/json'],
    );

    await unwrap(client.POST('/v1/credentials', { body }));
    assert.notEqual(server.requests[3].headers['idempotency-key'], keys[0], 'each call gets a key of its own');
  });

  test("keeps the caller's Idempotency-Key, and retries 409 IDEMPOTENCY_KEY_IN_FLIGHT for it", async () => {
    server = await startSpecServer((_req, res, i) => (i === 0 ? sendProblem(res, 409, 'IDEMPOTENCY_KEY_IN_FLIGHT', {}, { 'retry-after': '0' }) : sendJson(res, 201, CREDENTIAL)));
    const client = createGaleraClient({ baseUrl: server.url, retry: FAST });
    const created = await unwrap(client.POST('/v1/credentials', { body: { name: 'k', kind: 'kubeconfig', kubeconfig: 'x' }, params: { header: { 'Idempotency-Key': 'mine-1' } } }));
    assert.equal(created.id, 'cr_1');
    assert.deepEqual(
      server.requests.map((r) => r.headers['idempotency-key']),
      ['mine-1', 'mine-1'],
    );
  });

  test('does not retry other conflicts, nor methods that are not repeatable (DELETE, PATCH)', async () => {
    server = await startSpecServer((req, res) =>
      req.method === 'POST' ? sendProblem(res, 409, 'OPERATION_IN_PROGRESS', { activeOperationId: 'op_1' }) : sendProblem(res, 503, 'DATABASE_UNAVAILABLE'),
    );
    const client = createGaleraClient({ baseUrl: server.url, retry: FAST });
    await assert.rejects(unwrap(client.POST('/v1/clusters/{id}/restart', { params: { path: { id: 'cl_1' } }, body: {} })), { code: 'OPERATION_IN_PROGRESS' });
    await assert.rejects(unwrap(client.DELETE('/v1/credentials/{id}', { params: { path: { id: 'cr_1' } } })), { status: 503 });
    await assert.rejects(unwrap(client.PATCH('/v1/clusters/{id}', { params: { path: { id: 'cl_1' } }, body: {} })), { status: 503 });
    assert.deepEqual(
      server.requests.map((r) => r.method),
      ['POST', 'DELETE', 'PATCH'],
    );
  });

  test('retries a network error (the server drops the connection), and only the SDK does', async () => {
    server = await startSpecServer((req, res, i) => {
      if (i === 0 || req.headers['x-case'] === 'no-retry') res.socket?.destroy();
      else sendJson(res, 200, PAGE);
    });
    const client = createGaleraClient({ baseUrl: server.url, retry: FAST });
    assert.deepEqual(await unwrap(client.GET('/v1/clusters')), PAGE);
    assert.equal(server.requests.length, 2);

    const noRetry = createGaleraClient({ baseUrl: server.url, retry: { retries: 0 } });
    await assert.rejects(
      noRetry.GET('/v1/clusters', { headers: { 'x-case': 'no-retry' } }),
      (error: unknown) => error instanceof ConnectionError && error.reason === 'unreachable' && error.cause instanceof TypeError,
    );
    assert.equal(server.requests.length, 3, 'without retries, one attempt and the network error');
  });

  test('a server that is not there is a typed ConnectionError (not a bare TypeError: fetch failed), after the retries', async () => {
    const gone = await startSpecServer((_req, res) => sendJson(res, 200, PAGE));
    const url = gone.url;
    await gone.close();
    const client = createGaleraClient({ baseUrl: url, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 } });
    const error = await client.GET('/v1/clusters').then(
      () => assert.fail('expected a ConnectionError'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConnectionError, `got ${String(error)}`);
    assert.equal(error.reason, 'unreachable');
    assert.equal(error.method, 'GET');
    assert.equal(error.url, `${url}/v1/clusters`);
    assert.match(error.message, /ECONNREFUSED/);
  });

  test('timeoutMs bounds an attempt: a server that never answers gives a ConnectionError with reason timeout, retried when repeatable', async () => {
    server = await startSpecServer((req, res, i) => {
      if (req.method === 'POST' || i === 0) return; // never answers
      sendJson(res, 200, PAGE);
    });
    const client = createGaleraClient({ baseUrl: server.url, timeoutMs: 200, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 } });
    assert.deepEqual(await unwrap(client.GET('/v1/clusters')), PAGE, 'the second attempt answers');
    assert.equal(server.requests.length, 2);
    const unkeyed = createGaleraClient({ baseUrl: server.url, timeoutMs: 200, retry: { retries: 0 } });
    await assert.rejects(
      unkeyed.POST('/v1/credentials', { body: { name: 'k', kind: 'kubeconfig', kubeconfig: 'x' } }),
      (error: unknown) => error instanceof ConnectionError && error.reason === 'timeout' && /within 200 ms/.test(error.message),
    );
  });

  test("a custom fetch gets the attempt's signal in init (aborted at the timeout), and its own errors pass unchanged", async () => {
    class OwnError extends TypeError {
      override readonly name = 'OwnError';
    }
    const seen: AbortSignal[] = [];
    const hanging = createGaleraClient({
      baseUrl: 'http://api.test',
      timeoutMs: 50,
      retry: { retries: 0 },
      fetch: (_request, init) =>
        new Promise<Response>((_resolve, reject) => {
          if (init?.signal) seen.push(init.signal);
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true });
        }),
    });
    await assert.rejects(hanging.GET('/v1/clusters'), (error: unknown) => error instanceof ConnectionError && error.reason === 'timeout');
    assert.equal(seen.length, 1);
    assert.equal(seen[0].aborted, true);
    const failing = createGaleraClient({ baseUrl: 'http://api.test', retry: { retries: 0 }, fetch: () => Promise.reject(new OwnError('mine')) });
    await assert.rejects(failing.GET('/v1/clusters'), (error: unknown) => error instanceof OwnError);
  });

  test('unwrapWithHeaders answers the data with its ETag and request id', async () => {
    server = await startSpecServer((_req, res) => sendJson(res, 200, { id: 'cl_1' }, { etag: '"7"', 'x-request-id': 'req_42', location: '/v1/x' }));
    const client = createGaleraClient({ baseUrl: server.url });
    const { data, etag, requestId, response } = await unwrapWithHeaders(client.GET('/v1/clusters/{id}', { params: { path: { id: 'cl_1' } } }));
    assert.deepEqual(data, { id: 'cl_1' });
    assert.equal(etag, '"7"');
    assert.equal(requestId, 'req_42');
    assert.equal(response.headers.get('location'), '/v1/x');
  });

  test('an abort during the backoff stops retrying at once', async () => {
    server = await startSpecServer((_req, res) => sendProblem(res, 503, 'DATABASE_UNAVAILABLE', {}, { 'retry-after': '2' }));
    const client = createGaleraClient({ baseUrl: server.url, retry: { retries: 5, minDelayMs: 5, maxDelayMs: 5000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user gave up')), 100);
    await assert.rejects(client.GET('/v1/clusters', { signal: controller.signal }), /user gave up/);
    assert.equal(server.requests.length, 1);
  });

  test('ProblemError carries status, code, detail, requestId, field errors, activeOperationId and the raw problem', async () => {
    server = await startSpecServer((req, res) => {
      if (req.url.startsWith('/v1/clusters/cl_bad')) return res.writeHead(502, { 'content-type': 'text/html', 'x-request-id': 'req_proxy' }).end('<h1>Bad gateway</h1>');
      sendProblem(res, 400, 'VALIDATION_FAILED', { detail: 'name must be a DNS label', errors: [{ pointer: '/name', detail: 'must be a DNS label' }], activeOperationId: 'op_9' });
    });
    const client = createGaleraClient({ baseUrl: server.url, retry: FAST });
    const error = await unwrap(client.POST('/v1/clusters', { body: { name: 'Bad Name', backend: 'ssh' } })).then(
      () => assert.fail('expected a ProblemError'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ProblemError);
    assert.equal(error.name, 'ProblemError');
    assert.equal(error.status, 400);
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.equal(error.detail, 'name must be a DNS label');
    assert.equal(error.requestId, 'req_test');
    assert.deepEqual(error.errors, [{ pointer: '/name', detail: 'must be a DNS label' }]);
    assert.equal(error.activeOperationId, 'op_9');
    assert.equal(error.problem?.type, 'urn:galera-cp:problem:validation_failed');
    assert.equal(error.response.status, 400);
    assert.equal(error.message, '400 VALIDATION_FAILED: name must be a DNS label');

    const gateway = await unwrap(client.GET('/v1/clusters/{id}', { params: { path: { id: 'cl_bad' } } })).then(
      () => assert.fail('expected a ProblemError'),
      (e: unknown) => e,
    );
    assert.ok(gateway instanceof ProblemError);
    assert.equal(gateway.code, 'HTTP_502');
    assert.equal(gateway.detail, '<h1>Bad gateway</h1>');
    assert.equal(gateway.requestId, 'req_proxy');
    assert.equal(gateway.problem, undefined);
    assert.deepEqual(gateway.errors, []);
  });
});
