import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../cli';
import { clusterFixture, fakeApi, memoryIo, operationFixture } from '../testing/fake-api';

const ORDERS = clusterFixture({ id: 'cl_02orders', name: 'orders', labels: { team: 'payments', tier: 'gold' } });

async function run(argv: string[], options: Parameters<typeof memoryIo>[0] = {}) {
  const { io, stdout, stderr } = memoryIo(options);
  const code = await runCli(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('clusters update and reconfigure', () => {
  const api = () =>
    fakeApi({
      'GET /v1/clusters': () => ({ status: 200, body: { items: [ORDERS], nextPageToken: null } }),
      'GET /v1/clusters/:id': () => ({ status: 200, body: ORDERS, headers: { etag: '"7"' } }),
      'PATCH /v1/clusters/:id': (r) => ({ status: 200, body: { ...ORDERS, ...(r.body as object) } }),
      'POST /v1/clusters/:id/reconfigure': () => ({ status: 202, body: operationFixture({ id: 'op_01conf', type: 'cluster.reconfigure' }) }),
    });

  test('update merges label changes into the labels the cluster has, and sends the ETag it read', async () => {
    const fake = api();
    const result = await run(['clusters', 'update', 'orders', '--label', 'tier=silver', '--label', 'region=eu', '--remove-label', 'team', '--no-deletion-protection', '--auto-recovery'], {
      fetch: fake.fetch,
    });
    assert.equal(result.code, 0, result.stderr);
    const patch = fake.requests.find((r) => r.method === 'PATCH');
    assert.deepEqual(patch?.body, { labels: { tier: 'silver', region: 'eu' }, policy: { deletionProtection: false, autoRecovery: true } });
    assert.equal(patch?.headers.get('if-match'), '"7"', 'a concurrent change is refused (412), not overwritten');
    assert.match(result.stdout, /^Updated cluster orders \(cl_02orders\)\./);
  });

  test('update with only policy flags leaves the labels out; with nothing to change it is a usage error', async () => {
    const fake = api();
    assert.equal((await run(['clusters', 'update', 'orders', '--deletion-protection'], { fetch: fake.fetch })).code, 0);
    assert.deepEqual(fake.requests.find((r) => r.method === 'PATCH')?.body, { policy: { deletionProtection: true } });
    const nothing = await run(['clusters', 'update', 'orders'], { fetch: api().fetch });
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /nothing to change/);
  });

  test('reconfigure sends numbers and booleans as JSON values, text as text; a file and --set combine', async () => {
    const fake = api();
    const result = await run(['clusters', 'reconfigure', 'orders', '-f', '-', '--set', 'max_connections=800', '--set', 'innodb_buffer_pool_size=2G', '--set', 'wsrep_slave_threads=4'], {
      fetch: fake.fetch,
      stdin: 'wsrep_slave_threads: 2\nlog_warnings: true\n',
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(fake.requests.find((r) => r.method === 'POST')?.body, { parameters: { wsrep_slave_threads: 4, log_warnings: true, max_connections: 800, innodb_buffer_pool_size: '2G' } });
    assert.match(result.stdout, /Started cluster\.reconfigure op_01conf/);
    const none = await run(['clusters', 'reconfigure', 'orders'], { fetch: api().fetch });
    assert.equal(none.code, 2);
  });
});

describe('events stream', () => {
  test('prints events as JSON Lines and resumes after a dropped connection with Last-Event-ID, repeating nothing', async () => {
    const controller = new AbortController();
    const event = (id: number, type: string) => ({ id, at: '2025-01-01T11:00:00.000Z', type, clusterId: 'cl_02orders', operationId: null, data: {} });
    const seen: (string | null)[] = [];
    const fake = fakeApi({
      'GET /v1/clusters': () => ({ status: 200, body: { items: [ORDERS], nextPageToken: null } }),
      'GET /v1/events/stream': (r) => {
        seen.push(r.headers.get('last-event-id'));
        const events = seen.length === 1 ? [event(1, 'cluster.degraded'), event(2, 'cluster.ready')] : [event(3, 'operation.succeeded')];
        // The second connection is the last one the test reads: stop after it.
        if (seen.length === 2) setTimeout(() => controller.abort(new Error('interrupted')), 50);
        const body = events.map((e) => `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
        return new Response(seen.length === 1 ? body : new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode(body)) }), {
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
        });
      },
    });
    const result = await run(['events', 'stream', '--cluster', 'orders', '--type', 'cluster.,operation.', '--json'], { fetch: fake.fetch, signal: controller.signal });
    assert.equal(result.code, 130, 'stopped by the user (Ctrl-C)');
    assert.deepEqual(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: number }).id),
      [1, 2, 3],
    );
    assert.deepEqual(seen, [null, '2']);
    const query = fake.requests.find((r) => r.path === '/v1/events/stream')?.query;
    assert.deepEqual([query?.get('clusterId'), query?.get('type')], ['cl_02orders', 'cluster.,operation.']);
    assert.match(result.stderr, /the event stream dropped; resuming after 2/);
  });
});
