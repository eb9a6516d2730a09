import { createGaleraClient, ProblemError } from '@galera-cp/sdk';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InterruptedError, StreamLostError } from '../cli-errors';
import { fakeApi, problem } from '../testing/fake-api';
import { followOperationEvents, SseMessage, SseParser } from './operation-event-stream';

/** An SSE block as the API writes it. */
function block(id: string, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A text/event-stream answer that sends `chunks`, then ends, or fails as a dropped connection does. */
function streamAnswer(chunks: string[], end: 'close' | 'drop'): Response {
  const encoder = new TextEncoder();
  const queue = [...chunks];
  // One chunk per read, then the end: erroring a stream at once would discard what it queued.
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = queue.shift();
      if (chunk !== undefined) controller.enqueue(encoder.encode(chunk));
      else if (end === 'close') controller.close();
      else controller.error(new TypeError('terminated'));
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

const log = (id: number, message: string) => ({ id, at: '2025-01-01T12:00:00.000Z', level: 'info', stepIndex: 0, message });

async function drain(iterator: AsyncIterable<SseMessage>): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const message of iterator) out.push(message);
  return out;
}

describe('SseParser', () => {
  test('parses blocks split anywhere across chunks, with CRLF, comments and multi-line data', () => {
    const parser = new SseParser();
    const text = ': keep-alive\r\nid: e1.l0\r\nevent: operation.started\r\ndata: {"a":\r\ndata: 1}\r\n\r\nid: e1.l1\nevent: log\ndata: {"m":"x"}\n\n';
    const messages: SseMessage[] = [];
    for (let i = 0; i < text.length; i += 3) messages.push(...parser.push(text.slice(i, i + 3)));
    assert.deepEqual(messages, [
      { id: 'e1.l0', event: 'operation.started', data: '{"a":\n1}' },
      { id: 'e1.l1', event: 'log', data: '{"m":"x"}' },
    ]);
  });

  test('an unnamed event is a "message"; the last id carries over to blocks without one', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('id: 7\ndata: a\n\ndata: b\n\n'), [
      { id: '7', event: 'message', data: 'a' },
      { id: '7', event: 'message', data: 'b' },
    ]);
  });
});

describe('followOperationEvents', () => {
  test('resumes after a dropped connection with Last-Event-ID, losing and repeating nothing', async () => {
    let connection = 0;
    const api = fakeApi({
      'GET /v1/operations/:id/events': () => {
        connection += 1;
        if (connection === 1) return streamAnswer([block('e1.l0', 'operation.started', {}), block('e1.l1', 'log', log(1, 'one')), 'id: e1.l2\nevent: log\nda'], 'drop');
        if (connection === 2) return streamAnswer([block('e1.l2', 'log', log(2, 'two'))], 'close');
        return streamAnswer([block('e1.l3', 'log', log(3, 'three')), block('e2.l3', 'operation.succeeded', {}), block('e3.l3', 'after.end', {})], 'close');
      },
    });
    const client = createGaleraClient({ baseUrl: 'http://api.test', token: 't', fetch: api.fetch });
    const reconnects: (string | undefined)[] = [];
    const messages = await drain(followOperationEvents(client, 'op_1', { reconnectDelayMs: 1, onReconnect: ({ lastEventId }) => reconnects.push(lastEventId) }));
    assert.deepEqual(
      messages.map((m) => `${m.id} ${m.event}`),
      ['e1.l0 operation.started', 'e1.l1 log', 'e1.l2 log', 'e1.l3 log', 'e2.l3 operation.succeeded'],
      'the half-received block is not delivered; nothing after the terminal event is read',
    );
    assert.deepEqual(
      api.requests.map((r) => r.headers.get('last-event-id')),
      [null, 'e1.l1', 'e1.l2'],
    );
    assert.deepEqual(reconnects, ['e1.l1', 'e1.l2']);
    assert.ok(api.requests.every((r) => r.headers.get('authorization') === 'Bearer t'));
  });

  test('starts after a given id', async () => {
    const api = fakeApi({ 'GET /v1/operations/:id/events': () => streamAnswer([block('e9.l9', 'operation.failed', {})], 'close') });
    const client = createGaleraClient({ baseUrl: 'http://api.test', fetch: api.fetch });
    await drain(followOperationEvents(client, 'op_1', { lastEventId: 'e8.l9' }));
    assert.equal(api.requests[0].headers.get('last-event-id'), 'e8.l9');
  });

  test('a refusal is thrown at once, without reconnecting', async () => {
    const api = fakeApi({ 'GET /v1/operations/:id/events': () => problem(404, 'OPERATION_NOT_FOUND', 'no such operation') });
    const client = createGaleraClient({ baseUrl: 'http://api.test', fetch: api.fetch });
    await assert.rejects(drain(followOperationEvents(client, 'op_x', { reconnectDelayMs: 1 })), (e: unknown) => e instanceof ProblemError && e.status === 404);
    assert.equal(api.requests.length, 1);
  });

  test('gives up with StreamLostError when reconnects bring nothing', async () => {
    const api = fakeApi({ 'GET /v1/operations/:id/events': () => streamAnswer([], 'close') });
    const client = createGaleraClient({ baseUrl: 'http://api.test', fetch: api.fetch });
    await assert.rejects(drain(followOperationEvents(client, 'op_1', { reconnectDelayMs: 1, maxReconnects: 2 })), StreamLostError);
    assert.equal(api.requests.length, 3, 'the first connection and two reconnects');
  });

  test('an interrupt ends a stream that is waiting for more, with an InterruptedError', async () => {
    const controller = new AbortController();
    // An open stream that sends one line and then nothing: only the interrupt can end it.
    const api = fakeApi({
      'GET /v1/operations/:id/events': () => new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode(block('e1.l1', 'log', log(1, 'one')))) }), { status: 200 }),
    });
    const client = createGaleraClient({ baseUrl: 'http://api.test', fetch: api.fetch });
    const seen: string[] = [];
    const following = (async () => {
      for await (const message of followOperationEvents(client, 'op_1', { signal: controller.signal })) {
        seen.push(message.event);
        controller.abort(new Error('interrupted'));
      }
    })();
    await assert.rejects(following, InterruptedError);
    assert.deepEqual(seen, ['log']);
    assert.equal(api.requests.length, 1, 'no reconnect after an interrupt');
  });
});
