import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fetchWithTimeout } from './cli-context';
import { RequestTimeoutError } from './cli-errors';
import { runCli } from './cli';
import { fakeApi, memoryIo, operationFixture } from './testing/fake-api';

/** A fetch that never answers until it is aborted. */
const silentFetch = (_request: Request, init?: { signal?: AbortSignal }) =>
  new Promise<Response>((_resolve, reject) => {
    init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
  });

describe('request timeout', () => {
  test('a server that does not answer ends the request with a RequestTimeoutError', async () => {
    await assert.rejects(
      fetchWithTimeout(silentFetch, 50)(new Request('http://api.test/v1/clusters')),
      (e: unknown) => e instanceof RequestTimeoutError && /No answer from http:\/\/api\.test within 0\.05s \(GET \/v1\/clusters\)/.test(e.message),
    );
  });

  test('the caller aborting is not a timeout', async () => {
    const controller = new AbortController();
    const pending = fetchWithTimeout(silentFetch, 10_000)(new Request('http://api.test/x', { signal: controller.signal }));
    controller.abort(new Error('stop'));
    await assert.rejects(pending, (e: unknown) => !(e instanceof RequestTimeoutError));
  });

  test('an answer in time is passed through, and its body is not bounded', async () => {
    const answer = await fetchWithTimeout(async () => new Response('ok'), 50)(new Request('http://api.test/x'));
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(await answer.text(), 'ok');
  });

  test('--request-timeout ends a command with exit 6 and names the bound', async () => {
    const { io, stderr } = memoryIo({ fetch: silentFetch });
    // The SDK retries a timed-out GET (it is safe to); keep the test short with a small bound.
    const code = await runCli(['clusters', 'list', '--request-timeout', '20ms'], io);
    assert.equal(code, 6);
    assert.match(stderr.text, /REQUEST_TIMEOUT: No answer from http:\/\/api\.test within 0\.02s/);
  });
});

describe('interrupting a wait', () => {
  test('Ctrl-C stops waiting with exit 130 and says the operation goes on', async () => {
    const controller = new AbortController();
    const fake = fakeApi({ 'GET /v1/operations/:id': () => ({ status: 200, body: operationFixture({ id: 'op_01slow' }) }) });
    const { io, stderr, stdout } = memoryIo({ fetch: fake.fetch, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('interrupted')), 100);
    const code = await runCli(['operations', 'wait', 'op_01slow'], io);
    assert.equal(code, 130);
    assert.match(stdout.text, /cluster\.scale op_01slow: RUNNING/);
    assert.match(stderr.text, /INTERRUPTED: Stopped waiting for operation op_01slow \(it was RUNNING, 0%\); it goes on \(galeractl operations wait op_01slow\)/);
  });
});
