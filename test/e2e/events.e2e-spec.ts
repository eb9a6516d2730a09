import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKeyCredential, sshClusterBody } from '../support/fixtures';
import { readSse, SseEvent } from '../support/sse';
import { startTestApp, TestApp, waitForOperation } from '../support/test-app';

interface EventBody {
  id: number;
  type: string;
  clusterId: string | null;
  operationId: string | null;
}

describe('events: list, filter, paginate, stream with resume', () => {
  let app: TestApp;
  let credentialId: string;
  let alpha: { id: string; operationId: string };
  let beta: { id: string; operationId: string };

  before(async () => {
    app = await startTestApp({ env: { SSE_HEARTBEAT_SECONDS: '1' } });
    credentialId = await createKeyCredential(app);
    alpha = await readyCluster('alpha');
    beta = await readyCluster('beta');
  });
  after(() => app.close());

  async function readyCluster(name: string): Promise<{ id: string; operationId: string }> {
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody(name, credentialId) });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    assert.equal((await waitForOperation(app, created.body.id)).state, 'SUCCEEDED');
    return { id: created.body.clusterId, operationId: created.body.id };
  }

  /** Every event in the table (read through the list, all pages). */
  async function allEvents(query = ''): Promise<EventBody[]> {
    const out: EventBody[] = [];
    let token: string | null = null;
    do {
      const answer = await app.call('GET', `/v1/events?pageSize=500${query}${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      out.push(...answer.body.items);
      token = answer.body.nextPageToken;
    } while (token);
    return out;
  }

  test('lists events oldest first, filtered by cluster, operation and type (exact or prefix)', async () => {
    const all = await allEvents();
    assert.ok(all.length >= 10);
    assert.deepEqual(
      all.map((e) => e.id),
      [...all.map((e) => e.id)].sort((a, b) => a - b),
      'ascending by id',
    );
    assert.equal(new Set(all.map((e) => e.id)).size, all.length);

    const ofAlpha = await allEvents(`&clusterId=${alpha.id}`);
    assert.ok(ofAlpha.length > 0);
    assert.deepEqual(
      ofAlpha,
      all.filter((e) => e.clusterId === alpha.id),
    );
    const scoped = await app.call('GET', `/v1/clusters/${alpha.id}/events?pageSize=500`);
    assert.deepEqual(scoped.body.items, ofAlpha, 'the cluster-scoped list is the same list');

    const ofOperation = await allEvents(`&operationId=${beta.operationId}`);
    assert.deepEqual(ofOperation.map((e) => e.type).slice(0, 2), ['operation.created', 'operation.started']);
    assert.ok(ofOperation.every((e) => e.operationId === beta.operationId));

    const succeeded = await allEvents('&type=operation.succeeded');
    assert.deepEqual(
      succeeded.map((e) => e.operationId),
      [alpha.operationId, beta.operationId],
    );
    const prefix = await allEvents('&type=operation.');
    assert.deepEqual(
      prefix,
      all.filter((e) => e.type.startsWith('operation.')),
    );
    const steps = await allEvents('&type=operation.step_started');
    assert.ok(steps.length > 0);
    assert.deepEqual(
      steps,
      all.filter((e) => e.type === 'operation.step_started'),
    );
    const union = await allEvents(`&type=operation.created,operation.succeeded&clusterId=${beta.id}`);
    assert.deepEqual(
      union.map((e) => e.type),
      ['operation.created', 'operation.succeeded'],
    );
    assert.deepEqual(await allEvents('&type=cluster'), [], 'without a dot a type is exact');

    const viewer = await app.token('viewer');
    assert.equal((await app.call('GET', '/v1/events', { token: viewer })).status, 200);
  });

  test('pages in id order with opaque tokens bound to their filters; after=<id> reads what came since', async () => {
    const all = await allEvents();
    const pages: EventBody[][] = [];
    let token: string | null = null;
    do {
      const answer = await app.call('GET', `/v1/events?pageSize=4${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
      pages.push(answer.body.items);
      token = answer.body.nextPageToken;
    } while (token);
    assert.ok(pages.length > 2);
    assert.deepEqual(pages.flat(), all);
    assert.ok(pages.slice(0, -1).every((p) => p.length === 4));

    const first = await app.call('GET', '/v1/events?pageSize=2');
    const other = await app.call('GET', `/v1/events?pageSize=2&type=operation.&pageToken=${encodeURIComponent(first.body.nextPageToken)}`);
    assert.equal(other.status, 400);
    assert.equal(other.body.code, 'INVALID_PAGE_TOKEN');

    const middle = all[Math.floor(all.length / 2)].id;
    const since = await allEvents(`&after=${middle}`);
    assert.deepEqual(
      since,
      all.filter((e) => e.id > middle),
    );
  });

  test('refuses bad filters with pointers, unknown clusters with 404, and callers without a token', async () => {
    const bad = await app.call('GET', '/v1/events?type=cluster.*');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'VALIDATION_FAILED');
    assert.equal(bad.body.errors[0].pointer, '/type');
    assert.equal((await app.call('GET', '/v1/events?clusterId=orders')).body.errors[0].pointer, '/clusterId');
    assert.equal((await app.call('GET', '/v1/events?after=-1')).body.errors[0].pointer, '/after');
    assert.equal((await app.call('GET', '/v1/events?colour=red')).status, 400);
    assert.equal((await app.call('GET', '/v1/clusters/cl_00000000000000000000000000/events')).status, 404);
    assert.equal((await app.call('GET', `/v1/clusters/${alpha.id}/events?clusterId=${beta.id}`)).status, 400, 'the path names the cluster');
    assert.equal((await app.call('GET', '/v1/events', { token: null })).status, 401);
    assert.equal((await readSse(`${app.url}/v1/events/stream`, { token: 'nope' })).status, 401);
    assert.equal((await readSse(`${app.url}/v1/events/stream`, { token: app.adminToken, lastEventId: 'e1.l2' })).status, 400);
  });

  test('SSE resumes from a given event id without losing events while they keep coming', async () => {
    // Two writers append events concurrently (cluster.updated on two clusters) while a client
    // reads the stream, drops it, and reconnects with Last-Event-ID.
    let writing = true;
    const writer = async (clusterId: string) => {
      let n = 0;
      while (writing) {
        const answer = await app.call('PATCH', `/v1/clusters/${clusterId}`, { body: { labels: { n: String(n++) } } });
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
      }
      return n;
    };
    const before = (await allEvents()).at(-1)!.id;
    const writers = [writer(alpha.id), writer(beta.id)];

    const firstPart = await readSse(`${app.url}/v1/events/stream?after=${before}`, { token: app.adminToken, timeoutMs: 60_000, ...untilCount(15) });
    assert.equal(firstPart.status, 200);
    assert.ok(firstPart.events.length >= 15);
    await new Promise((r) => setTimeout(r, 300)); // events keep coming while nobody listens

    let sentinel: number | undefined;
    const secondPart = readSse(`${app.url}/v1/events/stream?after=${before}`, {
      token: app.adminToken,
      lastEventId: firstPart.events.at(-1)!.id,
      until: (e) => sentinel !== undefined && Number(e.id) >= sentinel,
      timeoutMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 300));
    writing = false;
    const written = await Promise.all(writers);
    assert.ok(written[0] + written[1] > 20, `writers wrote ${written.join('+')} updates`);
    // One more event after the writers stopped marks the end of what the second reader must get.
    const last = await app.call('PATCH', `/v1/clusters/${alpha.id}`, { body: { labels: { n: 'last' } } });
    assert.equal(last.status, 200);
    sentinel = (await allEvents()).at(-1)!.id;
    // The sentinel may have been read before `sentinel` was set; one more event releases the reader.
    await app.call('PATCH', `/v1/clusters/${beta.id}`, { body: { labels: { n: 'release' } } });
    const resumed = await secondPart;

    const received = [...firstPart.events, ...resumed.events].map((e) => ({ id: Number(e.id), type: e.event, body: JSON.parse(e.data) as EventBody }));
    const upTo = received.filter((e) => e.id <= sentinel!);
    const stored = (await allEvents(`&after=${before}`)).filter((e) => e.id <= sentinel!);
    assert.deepEqual(
      upTo.map((e) => e.id),
      stored.map((e) => e.id),
      'exactly the stored events, in order, none twice, none lost',
    );
    assert.deepEqual(
      upTo.map((e) => e.body),
      stored,
    );
    assert.ok(
      upTo.every((e) => e.type === e.body.type),
      'the SSE event name is the event type',
    );
    assert.ok(stored.filter((e) => e.type === 'cluster.updated').length >= 20);
  });

  test('a filtered stream resumes with after=<id> and only sends what passes the filter; idle streams get heartbeats', async () => {
    const before = (await allEvents()).at(-1)!.id;
    for (const [clusterId, n] of [
      [alpha.id, 'a1'],
      [beta.id, 'b1'],
      [alpha.id, 'a2'],
      [beta.id, 'b2'],
      [alpha.id, 'a3'],
    ]) {
      await app.call('PATCH', `/v1/clusters/${clusterId}`, { body: { labels: { n } } });
    }
    const expected = (await allEvents(`&after=${before}&clusterId=${alpha.id}&type=cluster.`)).map((e) => e.id);
    assert.equal(expected.length, 3);
    const stream = await readSse(`${app.url}/v1/events/stream?clusterId=${alpha.id}&type=cluster.&after=${before}`, { token: await app.token('viewer'), until: (e) => Number(e.id) === expected[2] });
    assert.deepEqual(
      stream.events.map((e) => Number(e.id)),
      expected,
    );
    const resumed = await readSse(`${app.url}/v1/events/stream?clusterId=${alpha.id}&type=cluster.&after=${expected[0]}`, { token: app.adminToken, until: (e) => Number(e.id) === expected[2] });
    assert.deepEqual(
      resumed.events.map((e) => Number(e.id)),
      expected.slice(1),
    );

    // An idle stream (nothing passes this filter) still gets a heartbeat comment every SSE_HEARTBEAT_SECONDS.
    const controller = new AbortController();
    const response = await fetch(`${app.url}/v1/events/stream?type=node.up&after=${before}`, { headers: { authorization: `Bearer ${app.adminToken}` }, signal: controller.signal });
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    const deadline = Date.now() + 5_000;
    while (!text.includes(': heartbeat') && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    assert.match(text, /^: heartbeat$/m);
    assert.doesNotMatch(text, /^data:/m);
  });

  test('from=now skips the stored log: a position message names the newest event, then only newer events come; Last-Event-ID wins over it', async () => {
    const stored = await allEvents();
    const newest = stored.at(-1)!.id;
    assert.ok(stored.length > 10, 'there is a log to skip');
    let patched: Promise<unknown> | undefined;
    const stream = await readSse(`${app.url}/v1/events/stream?from=now`, {
      token: await app.token('viewer'),
      until: (e) => {
        // Change something only once the stream has told where it starts.
        if (e.event === 'position') patched = app.call('PATCH', `/v1/clusters/${alpha.id}`, { body: { labels: { fromNow: 'yes' } } });
        return e.event === 'cluster.updated';
      },
    });
    await patched;
    assert.deepEqual(
      stream.events.map((e) => e.event),
      ['position', 'cluster.updated'],
    );
    assert.equal(stream.events[0].id, String(newest));
    assert.deepEqual(JSON.parse(stream.events[0].data), { after: newest });
    assert.ok(Number(stream.events[1].id) > newest);
    assert.equal(JSON.parse(stream.events[1].data).data.fields[0], 'labels');

    // A reconnecting EventSource keeps its URL (from=now) and sends Last-Event-ID: that wins.
    const resumed = await readSse(`${app.url}/v1/events/stream?from=now`, { token: app.adminToken, lastEventId: String(stored[0].id), until: () => true });
    assert.deepEqual(
      resumed.events.map((e) => Number(e.id)),
      [stored[1].id],
    );
    const bad = await app.call('GET', '/v1/events/stream?from=yesterday');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].pointer, '/from');
  });
});

/** A readSse `until` that stops after `count` events. */
function untilCount(count: number): { until: (e: SseEvent) => boolean } {
  let seen = 0;
  return { until: () => ++seen >= count };
}
