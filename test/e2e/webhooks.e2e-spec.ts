import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createKeyCredential, sshClusterBody } from '../support/fixtures';
import { Receiver, ReceivedRequest, startReceiver } from '../support/receiver';
import { eventually, startTestApp, TestApp, waitForOperation } from '../support/test-app';
import { startWorkerProcess } from '../support/worker-processes';

/** What a receiver does with the secret it was shown once: recompute the HMAC of "<t>.<raw body>". */
function verifyAsReceiver(request: ReceivedRequest, secret: string): { timestamp: number } {
  const header = String(request.headers['galera-signature'] ?? '');
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  assert.ok(match, `signature header ${header}`);
  const expected = createHmac('sha256', secret).update(`${match[1]}.${request.body}`).digest();
  assert.ok(timingSafeEqual(Buffer.from(match[2], 'hex'), expected), 'the signature verifies with the secret');
  const timestamp = Number(match[1]);
  assert.ok(Math.abs(Date.now() / 1000 - timestamp) < 300, 'the timestamp is within the tolerance window');
  return { timestamp };
}

describe('webhooks: subscriptions, signed deliveries, retries, address checks', () => {
  let app: TestApp;
  let receiver: Receiver;
  let operator: string;
  let alpha: string;
  let beta: string;

  before(async () => {
    receiver = await startReceiver();
    app = await startTestApp({
      env: { OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32', WEBHOOK_RETRY_BASE_SECONDS: '1', WEBHOOK_TIMEOUT_SECONDS: '3', WEBHOOK_MAX_ATTEMPTS: '3' },
    });
    operator = await app.token('operator');
    const credentialId = await createKeyCredential(app);
    alpha = await readyCluster(sshClusterBody('alpha', credentialId));
    beta = await readyCluster(sshClusterBody('beta', credentialId));
  });
  after(async () => {
    await app.close();
    await receiver.close();
  });

  async function readyCluster(body: unknown): Promise<string> {
    const created = await app.call('POST', '/v1/clusters', { body });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    assert.equal((await waitForOperation(app, created.body.id)).state, 'SUCCEEDED');
    return created.body.clusterId;
  }

  async function subscribe(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
    const created = await app.call('POST', '/v1/webhooks', { token: operator, body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  }

  async function deliveries(id: string): Promise<
    {
      id: string;
      eventId: number | null;
      eventType: string;
      state: string;
      attempts: number;
      lastStatusCode: number | null;
      lastError: string | null;
      deliveredAt: string | null;
      durationMs: number | null;
      nextAttemptAt: string | null;
    }[]
  > {
    const answer = await app.call('GET', `/v1/webhooks/${id}/deliveries?pageSize=200`, { token: operator });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.items;
  }

  async function lastEventId(): Promise<number> {
    let token: string | null = null;
    let last = 0;
    do {
      const page = await app.call('GET', `/v1/events?pageSize=500${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
      last = page.body.items.at(-1)?.id ?? last;
      token = page.body.nextPageToken;
    } while (token);
    return last;
  }

  const touch = (clusterId: string, n: string) => app.call('PATCH', `/v1/clusters/${clusterId}`, { body: { labels: { n } } });

  test('managing subscriptions needs the operator role; bodies are validated; refused targets get a pointer and nothing is stored', async () => {
    const viewer = await app.token('viewer');
    const body = { url: `${receiver.url}/hooks/x`, events: ['cluster.'] };
    assert.equal((await app.call('POST', '/v1/webhooks', { token: null, body })).status, 401);
    assert.equal((await app.call('POST', '/v1/webhooks', { token: viewer, body })).status, 403);
    assert.equal((await app.call('GET', '/v1/webhooks', { token: viewer })).status, 403);

    const badEvents = await app.call('POST', '/v1/webhooks', { token: operator, body: { ...body, events: ['cluster.*'] } });
    assert.equal(badEvents.status, 400);
    assert.equal(badEvents.body.errors[0].pointer, '/events');
    assert.equal((await app.call('POST', '/v1/webhooks', { token: operator, body: { ...body, events: [] } })).body.errors[0].pointer, '/events');
    assert.equal((await app.call('POST', '/v1/webhooks', { token: operator, body: { ...body, colour: 'red' } })).status, 400);
    assert.equal((await app.call('POST', '/v1/webhooks', { token: operator, body: { ...body, secret: 'short' } })).body.errors[0].pointer, '/secret');
    const unknownCluster = await app.call('POST', '/v1/webhooks', { token: operator, body: { ...body, clusterId: 'cl_00000000000000000000000000' } });
    assert.equal(unknownCluster.status, 400);
    assert.equal(unknownCluster.body.errors[0].pointer, '/clusterId');

    for (const [url, reason] of [
      ['http://169.254.169.254/latest/meta-data/iam/', /cloud metadata address/],
      ['http://[fd00:ec2::254]/', /cloud metadata address/],
      ['http://[::ffff:169.254.169.254]/', /cloud metadata address/],
      ['http://169.254.10.20:8080/hook', /link-local/],
      ['http://[fe80::1]/hook', /link-local/],
      ['http://127.0.0.2:9/hook', /loopback/],
      ['ftp://example.com/hook', /scheme ftp/],
      ['http://user:pw@127.0.0.1/hook', /credentials/],
    ] as const) {
      const refused = await app.call('POST', '/v1/webhooks', { token: operator, body: { ...body, url } });
      assert.equal(refused.status, 400, url);
      assert.equal(refused.body.code, 'WEBHOOK_TARGET_REFUSED', url);
      assert.deepEqual(
        refused.body.errors.map((e: { pointer: string }) => e.pointer),
        ['/url'],
      );
      assert.match(refused.body.detail, reason, url);
    }
    const dry = await app.call('POST', '/v1/webhooks?dryRun=true', { token: operator, body });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body.secret, undefined, 'a dry run gives no secret');
    assert.deepEqual(dry.body.events, ['cluster.']);
    const list = await app.call('GET', '/v1/webhooks', { token: operator });
    assert.deepEqual(list.body.items, [], 'nothing refused (or dry-run) was stored');
    const audit = await app.call('GET', '/v1/audit?action=webhook.create&outcome=failed');
    assert.ok(audit.body.items.length >= 8, 'refused creates are audited');
  });

  test('deliveries arrive signed (verified with the secret shown once) and are retried after a receiver failure', async () => {
    const hook = await subscribe({ url: `${receiver.url}/hooks/signed`, events: ['cluster.updated'], clusterId: alpha, description: 'portal' });
    assert.match(hook.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    const read = await app.call('GET', `/v1/webhooks/${hook.id}`, { token: operator });
    assert.equal(read.status, 200);
    assert.equal(read.body.secret, undefined, 'the secret is never shown again');
    assert.deepEqual(read.body.events, ['cluster.updated']);
    assert.ok((await app.call('GET', '/v1/webhooks', { token: operator })).body.items.every((w: Record<string, unknown>) => !('secret' in w)));

    receiver.answer('/hooks/signed', 500);
    assert.equal((await touch(alpha, 'signed')).status, 200);
    const [failed, delivered] = await eventually(async () => (receiver.on('/hooks/signed').length >= 2 ? receiver.on('/hooks/signed') : undefined), { what: 'a failed attempt and its retry' });
    for (const request of [failed, delivered]) verifyAsReceiver(request, hook.secret);
    const body = JSON.parse(delivered.body);
    assert.equal(failed.body, delivered.body, 'a retry sends the same body');
    assert.equal(body.webhookId, hook.id);
    assert.equal(body.event.type, 'cluster.updated');
    assert.equal(body.event.clusterId, alpha);
    assert.equal(delivered.headers['galera-event'], 'cluster.updated');
    assert.equal(delivered.headers['galera-delivery'], body.deliveryId);
    assert.equal(failed.headers['galera-delivery'], body.deliveryId, 'the same delivery id on each attempt (receivers deduplicate by it)');
    const stored = await app.call('GET', `/v1/events?clusterId=${alpha}&type=cluster.updated`);
    assert.deepEqual(body.event, stored.body.items.at(-1), 'the delivered event is the stored one');

    const log = await eventually(async () => {
      const items = await deliveries(hook.id);
      return items[0]?.state === 'SUCCEEDED' ? items : undefined;
    });
    assert.equal(log.length, 1);
    assert.equal(log[0].id, body.deliveryId);
    assert.equal(log[0].eventId, body.event.id);
    assert.equal(log[0].attempts, 2);
    assert.equal(log[0].lastStatusCode, 200);
    assert.equal(log[0].lastError, null);
    assert.ok(log[0].deliveredAt);
    assert.ok(typeof log[0].durationMs === 'number');
    assert.equal(log[0].nextAttemptAt, null);
    // A forged copy (body changed) does not verify with the secret.
    const forged = { ...delivered, body: delivered.body.replace('cluster.updated', 'cluster.deleted') };
    assert.throws(() => verifyAsReceiver(forged, hook.secret));
  });

  test('the event filter: exact types, prefixes, *, the cluster, and nothing from before the subscription', async () => {
    const onlyBetaSuccess = await subscribe({ url: `${receiver.url}/hooks/beta-success`, events: ['operation.succeeded'], clusterId: beta });
    const nodes = await subscribe({ url: `${receiver.url}/hooks/nodes`, events: ['node.', 'cluster.deleted'] });
    const since = await lastEventId();
    const everything = await subscribe({ url: `${receiver.url}/hooks/all`, events: ['*'] });
    const operationPrefix = await subscribe({ url: `${receiver.url}/hooks/operations`, events: ['operation.'] });

    const restartBeta = await app.call('POST', `/v1/clusters/${beta}/restart`, { body: {} });
    const restartAlpha = await app.call('POST', `/v1/clusters/${alpha}/restart`, { body: {} });
    await waitForOperation(app, restartBeta.body.id);
    await waitForOperation(app, restartAlpha.body.id);
    await touch(alpha, 'filter');
    const last = await lastEventId();
    const expectedAll = (await app.call('GET', `/v1/events?after=${since}&pageSize=500`)).body.items.map((e: { id: number }) => e.id);
    assert.equal(expectedAll.at(-1), last);

    const all = await eventually(
      async () => {
        const items = (await deliveries(everything.id)).filter((d) => d.state === 'SUCCEEDED');
        return items.length === expectedAll.length ? items : undefined;
      },
      { what: 'every event delivered to the * subscription' },
    );
    assert.deepEqual(
      all.map((d) => d.eventId).sort((a, b) => a! - b!),
      expectedAll,
      '* gets every event after its creation, none before',
    );

    const betaSuccess = await deliveries(onlyBetaSuccess.id);
    assert.deepEqual(
      betaSuccess.map((d) => d.eventType),
      ['operation.succeeded'],
    );
    assert.equal(JSON.parse(receiver.on('/hooks/beta-success')[0].body).event.operationId, restartBeta.body.id);
    const operations = await deliveries(operationPrefix.id);
    assert.ok(operations.length > 4 && operations.every((d) => d.eventType.startsWith('operation.')));
    assert.ok(operations.some((d) => d.eventType === 'operation.step_succeeded'));
    assert.deepEqual(await deliveries(nodes.id), [], 'no node.* or cluster.deleted event happened');
  });

  test('attempts are bounded: a receiver that keeps failing gets WEBHOOK_MAX_ATTEMPTS, then the delivery is failed; ping, disable, delete', async () => {
    const hook = await subscribe({ url: `${receiver.url}/hooks/down`, events: ['cluster.updated'], clusterId: beta, secret: 'my-own-secret-of-20-chars' });
    receiver.answer('/hooks/down', 500, 503, 502);
    await touch(beta, 'down');
    const failed = await eventually(
      async () => {
        const [delivery] = await deliveries(hook.id);
        return delivery?.state === 'FAILED' ? delivery : undefined;
      },
      { what: 'the delivery to give up' },
    );
    assert.equal(failed.attempts, 3);
    assert.equal(failed.lastStatusCode, 502);
    assert.match(failed.lastError ?? '', /^HTTP 502: receiver says no \(gave up after 3 attempts\)$/);
    assert.equal(receiver.on('/hooks/down').length, 3);
    assert.equal(hook.secret, 'my-own-secret-of-20-chars', 'a given secret is answered back once');

    const ping = await app.call('POST', `/v1/webhooks/${hook.id}/test`, { token: operator, body: {} });
    assert.equal(ping.status, 200, JSON.stringify(ping.body));
    assert.equal(ping.body.eventType, 'webhook.ping');
    assert.equal(ping.body.state, 'SUCCEEDED');
    assert.equal(ping.body.eventId, null);
    const pinged = receiver.on('/hooks/down').at(-1)!;
    verifyAsReceiver(pinged, 'my-own-secret-of-20-chars');
    assert.equal(JSON.parse(pinged.body).event.type, 'webhook.ping');
    assert.equal((await deliveries(hook.id)).length, 2);

    const disabled = await app.call('PATCH', `/v1/webhooks/${hook.id}`, { token: operator, body: { enabled: false, description: 'paused' } });
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.enabled, false);
    const refused = await app.call('PATCH', `/v1/webhooks/${hook.id}`, { token: operator, body: { url: 'http://169.254.169.254/' } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'WEBHOOK_TARGET_REFUSED');
    const witness = await subscribe({ url: `${receiver.url}/hooks/witness`, events: ['cluster.updated'], clusterId: beta });
    await touch(beta, 'while-disabled');
    await eventually(async () => ((await deliveries(witness.id))[0]?.state === 'SUCCEEDED' ? true : undefined));
    assert.equal((await deliveries(hook.id)).length, 2, 'a disabled subscription gets no delivery');

    const dryPatch = await app.call('PATCH', `/v1/webhooks/${hook.id}?dryRun=true`, { token: operator, body: { events: ['node.'] } });
    assert.deepEqual(dryPatch.body.events, ['node.']);
    assert.deepEqual((await app.call('GET', `/v1/webhooks/${hook.id}`, { token: operator })).body.events, ['cluster.updated'], 'a dry-run change keeps nothing');
    const requestsBefore = receiver.on('/hooks/down').length;
    const dryPing = await app.call('POST', `/v1/webhooks/${hook.id}/test?dryRun=true`, { token: operator, body: {} });
    assert.equal(dryPing.body.state, 'PENDING');
    assert.equal(receiver.on('/hooks/down').length, requestsBefore, 'a dry-run ping sends nothing');
    assert.equal((await app.call('DELETE', `/v1/webhooks/${hook.id}?dryRun=true`, { token: operator })).status, 204);
    assert.equal((await app.call('GET', `/v1/webhooks/${hook.id}`, { token: operator })).status, 200, 'a dry-run delete deletes nothing');
    assert.equal((await app.call('DELETE', `/v1/webhooks/${hook.id}`, { token: operator })).status, 204);
    assert.equal((await app.call('GET', `/v1/webhooks/${hook.id}`, { token: operator })).status, 404);
    assert.equal((await app.call('GET', `/v1/webhooks/${hook.id}/deliveries`, { token: operator })).status, 404);
    assert.equal((await app.call('DELETE', `/v1/webhooks/${hook.id}`, { token: operator })).body.code, 'WEBHOOK_NOT_FOUND');
    const audit = await app.call('GET', `/v1/audit?targetId=${hook.id}`);
    assert.deepEqual(audit.body.items.map((r: { action: string; outcome: string }) => `${r.action}:${r.outcome}`).sort(), [
      'webhook.create:succeeded',
      'webhook.delete.dry-run:succeeded',
      'webhook.delete:failed',
      'webhook.delete:succeeded',
      'webhook.test.dry-run:succeeded',
      'webhook.test:succeeded',
      'webhook.update.dry-run:succeeded',
      'webhook.update:failed',
      'webhook.update:succeeded',
    ]);
  });

  test('exactly one delivery per subscription and event while two worker processes dispatch and send', async () => {
    const worker = await startWorkerProcess(app.env);
    try {
      const hook = await subscribe({ url: `${receiver.url}/hooks/twice`, events: ['cluster.updated'] });
      const writes = 30;
      for (let i = 0; i < writes; i += 1) await touch(i % 2 ? alpha : beta, `twice-${i}`);
      const log = await eventually(
        async () => {
          const items = await deliveries(hook.id);
          return items.length === writes && items.every((d) => d.state === 'SUCCEEDED') ? items : undefined;
        },
        { what: `${writes} deliveries`, timeoutMs: 30_000 },
      );
      assert.equal(new Set(log.map((d) => d.eventId)).size, writes, 'one delivery row per event');
      const requests = receiver.on('/hooks/twice');
      assert.equal(requests.length, writes, 'each delivered once');
      assert.equal(new Set(requests.map((r) => JSON.parse(r.body).event.id)).size, writes);
    } finally {
      await worker.stop();
    }
  });
});
