import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, test } from 'node:test';
import { createGaleraClient, type Event, ProblemError, streamEvents } from './index';
import { sendProblem, SpecServer, startSpecServer } from './spec-support';

const FAST = { minDelayMs: 1, maxDelayMs: 5 };

function event(id: number, type: Event['type'], data: Record<string, unknown>): Event {
  return { id, at: '2025-01-01T00:00:00.000Z', type, clusterId: 'cl_1', operationId: null, data } as Event;
}

function openStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

function send(res: ServerResponse, e: Event): void {
  res.write(`event: ${e.type}\nid: ${e.id}\ndata: ${JSON.stringify(e)}\n\n`);
}

describe('streamEvents', () => {
  let server: SpecServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test('yields typed events in order, and after a dropped connection resumes after the last one (Last-Event-ID)', async () => {
    const first = event(1, 'cluster.degraded', { from: 'READY', to: 'DEGRADED', reason: 'a-2 down', healthy: 2, desired: 3 });
    const second = event(2, 'node.down', { node: 'a-2', wsrepState: 'Unreachable', reason: 'timeout' });
    const third = event(3, 'cluster.ready', { from: 'DEGRADED', to: 'READY', reason: null, healthy: 3, desired: 3 });
    server = await startSpecServer((_req, res, i) => {
      openStream(res);
      if (i === 0) {
        res.write(': heartbeat\n\n');
        send(res, first);
        send(res, second);
        res.end(); // the connection drops
        return;
      }
      send(res, third);
    });
    const client = createGaleraClient({ baseUrl: server.url, token: 'gcp_t' });
    const reconnects: (number | undefined)[] = [];
    const seen: Event[] = [];
    for await (const e of streamEvents(client, { filter: { clusterId: 'cl_1', types: ['cluster.', 'node.down'] }, backoff: FAST, onReconnect: (info) => reconnects.push(info.after) })) {
      seen.push(e);
      if (e.type === 'cluster.degraded') assert.equal(e.data.healthy, 2, 'data is typed by type');
      if (seen.length === 3) break;
    }
    assert.deepEqual(
      seen.map((e) => e.id),
      [1, 2, 3],
    );
    assert.deepEqual(reconnects, [2]);
    const [a, b] = server.requests;
    assert.equal(a.url, '/v1/events/stream?clusterId=cl_1&type=cluster.%2Cnode.down');
    assert.equal(a.headers['last-event-id'], undefined);
    assert.equal(a.headers.authorization, 'Bearer gcp_t');
    assert.equal(b.url, '/v1/events/stream?clusterId=cl_1&type=cluster.%2Cnode.down&after=2');
    assert.equal(b.headers['last-event-id'], '2');
  });

  test('fromNow asks for from=now, and a reconnect resumes at the position the stream announced', async () => {
    server = await startSpecServer((_req, res, i) => {
      openStream(res);
      if (i === 0) {
        res.write('event: position\nid: 41\ndata: {"after":41}\n\n');
        res.end();
        return;
      }
      send(res, event(42, 'operation.started', { type: 'cluster.scale' }));
    });
    const client = createGaleraClient({ baseUrl: server.url });
    for await (const e of streamEvents(client, { fromNow: true, backoff: FAST })) {
      assert.equal(e.id, 42, 'the position message is not an event');
      break;
    }
    assert.deepEqual(
      server.requests.map((r) => r.url),
      ['/v1/events/stream?from=now', '/v1/events/stream?after=41'],
    );
  });

  test('retries 503 with backoff, rejects other problems with a ProblemError', async () => {
    server = await startSpecServer((req, res, i) => {
      if (req.headers.authorization === 'Bearer bad') return sendProblem(res, 401, 'INVALID_TOKEN');
      if (i < 5) return sendProblem(res, 503, 'DATABASE_UNAVAILABLE');
      openStream(res);
      send(res, event(7, 'cluster.deleted', { purged: false }));
    });
    const client = createGaleraClient({ baseUrl: server.url, retry: { retries: 0 } });
    const attempts: number[] = [];
    for await (const e of streamEvents(client, { after: 6, backoff: FAST, onReconnect: (info) => attempts.push(info.attempt) })) {
      assert.equal(e.id, 7);
      break;
    }
    assert.deepEqual(attempts, [1, 2, 3, 4, 5]);
    const denied = createGaleraClient({ baseUrl: server.url, token: 'bad' });
    await assert.rejects(streamEvents(denied).next(), (error: unknown) => error instanceof ProblemError && error.code === 'INVALID_TOKEN');
  });

  test('aborting the signal ends the iteration without an error', async () => {
    server = await startSpecServer((_req, res) => openStream(res));
    const client = createGaleraClient({ baseUrl: server.url });
    const controller = new AbortController();
    const iteration = streamEvents(client, { signal: controller.signal }).next();
    setTimeout(() => controller.abort(), 50);
    assert.deepEqual(await iteration, { done: true, value: undefined });
  });
});
