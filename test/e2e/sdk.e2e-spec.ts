import { createGaleraClient, CreateClusterRequest, GaleraClient, isPlan, Operation, paginate, ProblemError, unwrap, waitForOperation } from '@galera-cp/sdk';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { OpenAPIObject } from '@nestjs/swagger';
import { absolute, OPENAPI_JSON } from '../../scripts/openapi-artifacts';
import { sshClusterBody, testPrivateKey } from '../support/fixtures';
import { startTestApp, TestApp } from '../support/test-app';

const WAIT = { pollIntervalMs: 50, timeoutMs: 30_000 };

/** Rejects unless `promise` rejects with a ProblemError; answers it. */
async function problemOf(promise: Promise<unknown>): Promise<ProblemError> {
  const error = await promise.then(
    (value) => assert.fail(`expected a ProblemError, got ${JSON.stringify(value)}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ProblemError, `expected a ProblemError, got ${String(error)}`);
  return error;
}

describe('the SDK against the running API', () => {
  let app: TestApp;
  let client: GaleraClient;
  let credentialId: string;
  /** URLs the client fetched (through its `fetch` option), to see what pagination asked for. */
  const fetched: string[] = [];

  async function createCluster(name: string): Promise<{ operation: Operation; location: string | null }> {
    const answer = await client.POST('/v1/clusters', { body: sshClusterBody(name, credentialId) as CreateClusterRequest });
    const started = await unwrap(answer);
    assert.ok(!isPlan(started), 'a create without dryRun starts an operation');
    assert.equal(answer.response.status, 202);
    return { operation: started, location: answer.response.headers.get('location') };
  }

  before(async () => {
    app = await startTestApp();
    client = createGaleraClient({
      baseUrl: app.url,
      token: app.adminToken,
      fetch: (request) => {
        fetched.push(`${request.method} ${request.url.slice(app.url.length)}`);
        return fetch(request);
      },
    });
  });
  after(() => app.close());

  test('the running API serves the committed OpenAPI document (generation without a database matches)', async () => {
    const committed = JSON.parse(readFileSync(absolute(OPENAPI_JSON), 'utf8')) as OpenAPIObject;
    const served = (await (await fetch(`${app.url}/openapi.json`)).json()) as OpenAPIObject;
    assert.deepEqual(served, committed);
  });

  test('creates a credential, lists clusters, creates a cluster and waits for its typed result', async () => {
    const credential = await unwrap(client.POST('/v1/credentials', { body: { name: 'sdk-key', kind: 'ssh-private-key', privateKey: testPrivateKey() } }));
    assert.match(credential.id, /^cr_/);
    assert.equal(credential.kind, 'ssh-private-key');
    assert.equal('privateKey' in credential, false, 'the secret is never returned');
    credentialId = credential.id;

    const empty = await unwrap(client.GET('/v1/clusters'));
    assert.deepEqual(empty, { items: [], nextPageToken: null });

    const plan = await unwrap(client.POST('/v1/clusters', { params: { query: { dryRun: true } }, body: sshClusterBody('sdk-alpha', credentialId) as CreateClusterRequest }));
    assert.ok(isPlan(plan));
    assert.equal(plan.operationType, 'cluster.create');

    const { operation, location } = await createCluster('sdk-alpha');
    assert.equal(operation.type, 'cluster.create');
    assert.equal(location, `/v1/operations/${operation.id}`);
    const progress: string[] = [];
    const done = await waitForOperation(client, operation.id, { ...WAIT, onProgress: (op) => progress.push(op.state) });
    assert.equal(done.state, 'SUCCEEDED', JSON.stringify(done.error));
    assert.equal(progress.at(-1), 'SUCCEEDED');
    assert.equal(done.progress, 100);
    if (done.result?.type !== 'cluster.create') return assert.fail(`expected a cluster.create result, got ${JSON.stringify(done.result)}`);
    // Narrowed by the discriminator: these fields exist only on the cluster.create result.
    assert.equal(done.result.bootstrapNode, 'sdk-alpha-0');
    assert.deepEqual(
      done.result.members.map((m) => m.name),
      ['sdk-alpha-0', 'sdk-alpha-1', 'sdk-alpha-2'],
    );

    const cluster = await unwrap(client.GET('/v1/clusters/{id}', { params: { path: { id: done.result.clusterId } } }));
    assert.equal(cluster.name, 'sdk-alpha');
    assert.equal(cluster.status.state, 'READY');
  });

  test('paginates clusters one per page across three pages', async () => {
    for (const name of ['sdk-beta', 'sdk-gamma']) {
      const { operation } = await createCluster(name);
      assert.equal((await waitForOperation(client, operation.id, WAIT)).state, 'SUCCEEDED');
    }
    fetched.length = 0;
    const names: string[] = [];
    for await (const cluster of paginate((pageToken) => unwrap(client.GET('/v1/clusters', { params: { query: { pageSize: 1, pageToken } } })))) {
      names.push(cluster.name);
    }
    assert.deepEqual(names, ['sdk-alpha', 'sdk-beta', 'sdk-gamma']);
    assert.equal(fetched.length, 3, fetched.join('\n'));
    assert.equal(fetched[0], 'GET /v1/clusters?pageSize=1');
    assert.ok(
      fetched.slice(1).every((f) => /^GET \/v1\/clusters\?pageSize=1&pageToken=[\w-]+$/.test(f)),
      fetched.join('\n'),
    );
  });

  test('a second operation on a busy cluster is a ProblemError OPERATION_IN_PROGRESS naming the active one', async () => {
    const clusters = await unwrap(client.GET('/v1/clusters'));
    const cluster = clusters.items.find((c) => c.name === 'sdk-alpha');
    assert.ok(cluster);
    app.infrastructure.script('sdk-alpha', { stepDelayMs: 1500 });
    const restart = await unwrap(client.POST('/v1/clusters/{id}/restart', { params: { path: { id: cluster.id } }, body: {} }));
    assert.ok(!isPlan(restart));

    const conflict = await problemOf(unwrap(client.POST('/v1/clusters/{id}/stop', { params: { path: { id: cluster.id } }, body: {} })));
    assert.equal(conflict.status, 409);
    assert.equal(conflict.code, 'OPERATION_IN_PROGRESS');
    assert.equal(conflict.activeOperationId, restart.id);
    assert.match(conflict.requestId ?? '', /\S/);
    assert.equal(conflict.problem?.instance, `/v1/clusters/${cluster.id}/stop`);

    // Clean up: cancel the slow restart; a CANCELLED operation is returned, not thrown.
    await unwrap(client.POST('/v1/operations/{id}/cancel', { params: { path: { id: restart.id } } }));
    const cancelled = await waitForOperation(client, restart.id, WAIT);
    assert.equal(cancelled.state, 'CANCELLED');
  });

  test('the same Idempotency-Key twice replays the first answer (same operation); another body is 422', async () => {
    const key = `sdk-replay-${Date.now()}`;
    const body = sshClusterBody('sdk-replay', credentialId) as CreateClusterRequest;
    const first = await client.POST('/v1/clusters', { params: { header: { 'Idempotency-Key': key } }, body });
    const second = await client.POST('/v1/clusters', { params: { header: { 'Idempotency-Key': key } }, body });
    const [a, b] = [await unwrap(first), await unwrap(second)];
    assert.ok(!isPlan(a) && !isPlan(b));
    assert.equal(first.response.status, 202);
    assert.equal(second.response.status, 202);
    assert.equal(b.id, a.id, 'the replay names the same operation');
    assert.equal(first.response.headers.get('idempotent-replayed'), null);
    assert.equal(second.response.headers.get('idempotent-replayed'), 'true');
    assert.equal(second.response.headers.get('location'), `/v1/operations/${a.id}`);

    const reused = await problemOf(unwrap(client.POST('/v1/clusters', { params: { header: { 'Idempotency-Key': key } }, body: { ...body, name: 'sdk-other' } })));
    assert.equal(reused.status, 422);
    assert.equal(reused.code, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal((await waitForOperation(client, a.id, WAIT)).state, 'SUCCEEDED');
  });

  test('problems of auth come back as ProblemErrors (401 without a token, 403 for a viewer)', async () => {
    const anonymous = createGaleraClient({ baseUrl: app.url });
    const unauthenticated = await problemOf(unwrap(anonymous.GET('/v1/clusters')));
    assert.equal(unauthenticated.status, 401);
    assert.match(unauthenticated.code, /^[A-Z][A-Z_]+$/);

    const viewer = createGaleraClient({ baseUrl: app.url, token: await app.token('viewer') });
    assert.ok((await unwrap(viewer.GET('/v1/clusters'))).items.length >= 3, 'a viewer may read');
    const forbidden = await problemOf(unwrap(viewer.POST('/v1/credentials', { body: { name: 'nope', kind: 'ssh-password', password: 'x' } })));
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.code, /^[A-Z][A-Z_]+$/);
  });
});
