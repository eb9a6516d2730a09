import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { createKeyCredential, sshClusterBody, testPrivateKey } from '../support/fixtures';
import { eventually, startTestApp, TestApp, waitForOperation } from '../support/test-app';

describe('HTTP contract', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ env: { CORS_ORIGINS: 'https://portal.example', BODY_LIMIT: '64kb' } });
  });
  after(() => app.close());

  test('401 without or with a bad token, with a problem body and WWW-Authenticate', async () => {
    const none = await app
      .request()
      .get('/v1/clusters')
      .expect(401)
      .expect('content-type', 'application/problem+json; charset=utf-8')
      .expect('www-authenticate', /^Bearer/);
    assert.equal(none.body.code, 'UNAUTHENTICATED');
    const bad = await app.request().get('/v1/clusters').auth('gcp_not-a-real-token', { type: 'bearer' }).expect(401);
    assert.equal(bad.body.code, 'INVALID_TOKEN');
  });

  test('roles: viewer reads, operator acts, admin administers (403 otherwise)', async () => {
    const viewer = await app.token('viewer');
    const operator = await app.token('operator');
    assert.equal((await app.call('GET', '/v1/clusters', { token: viewer })).status, 200);
    const denied = await app.call('POST', '/v1/credentials', { token: viewer, body: { name: 'x', kind: 'ssh-password', password: 'p' } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.code, 'FORBIDDEN');
    assert.equal((await app.call('POST', '/v1/credentials', { token: operator, body: { name: 'op-cred', kind: 'ssh-password', password: 'p' } })).status, 201);
    assert.equal((await app.call('GET', '/v1/tokens', { token: operator })).status, 403);
    assert.equal((await app.call('GET', '/v1/audit', { token: operator })).status, 403);
    assert.equal((await app.call('GET', '/v1/audit')).status, 200);
  });

  test('Idempotency-Key: replay, 422 on another body, 409 while the first is in flight', async () => {
    const body = { name: 'idem-key', kind: 'ssh-password', password: 'secret-1' };
    const first = await app.call('POST', '/v1/credentials', { body, headers: { 'idempotency-key': 'k-1' } });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const replay = await app.call('POST', '/v1/credentials', { body, headers: { 'idempotency-key': 'k-1' } });
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.body.id, first.body.id);
    const list = await app.call('GET', '/v1/credentials?pageSize=200');
    assert.equal(list.body.items.filter((c: { name: string }) => c.name === 'idem-key').length, 1, 'the replay created nothing');
    const other = await app.call('POST', '/v1/credentials', { body: { ...body, name: 'idem-other' }, headers: { 'idempotency-key': 'k-1' } });
    assert.equal(other.status, 422);
    assert.equal(other.body.code, 'IDEMPOTENCY_KEY_REUSED');

    const credentialId = await createKeyCredential(app);
    app.infrastructure.script('slowplan', { planDelayMs: 1500 });
    const slowBody = sshClusterBody('slowplan', credentialId);
    const inFlight = app.call('POST', '/v1/clusters?dryRun=true', { body: slowBody, headers: { 'idempotency-key': 'k-slow' } });
    await new Promise((r) => setTimeout(r, 300));
    const duplicate = await app.call('POST', '/v1/clusters?dryRun=true', { body: slowBody, headers: { 'idempotency-key': 'k-slow' } });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.code, 'IDEMPOTENCY_KEY_IN_FLIGHT');
    assert.equal(duplicate.headers.get('retry-after'), '1');
    assert.equal((await inFlight).status, 200);
    const afterwards = await app.call('POST', '/v1/clusters?dryRun=true', { body: slowBody, headers: { 'idempotency-key': 'k-slow' } });
    assert.equal(afterwards.status, 200);
    assert.equal(afterwards.headers.get('idempotent-replayed'), 'true');

    const create = await app.call('POST', '/v1/clusters', { body: sshClusterBody('idem-cluster', credentialId), headers: { 'idempotency-key': 'k-create' } });
    const again = await app.call('POST', '/v1/clusters', { body: sshClusterBody('idem-cluster', credentialId), headers: { 'idempotency-key': 'k-create' } });
    assert.equal(again.status, 202);
    assert.equal(again.body.id, create.body.id, 'the same operation, not a second one');
    assert.equal(again.headers.get('location'), `/v1/operations/${create.body.id}`);
    await waitForOperation(app, create.body.id);
    // A refused request is remembered too: its replay is the same problem.
    const refused = await app.call('POST', '/v1/clusters', { body: sshClusterBody('idem-cluster', credentialId), headers: { 'idempotency-key': 'k-dup' } });
    const refusedAgain = await app.call('POST', '/v1/clusters', { body: sshClusterBody('idem-cluster', credentialId), headers: { 'idempotency-key': 'k-dup' } });
    assert.equal(refused.status, 409);
    assert.equal(refusedAgain.status, 409);
    assert.equal(refusedAgain.body.code, 'CLUSTER_NAME_TAKEN');
    const badKey = await app.call('POST', '/v1/credentials', { body, headers: { 'idempotency-key': 'x'.repeat(300) } });
    assert.equal(badKey.status, 400);

    // A replay shows a secret shown once (a new token) again, and the database never holds it readable.
    const issued = await app.call('POST', '/v1/tokens', { body: { name: 'replayed', role: 'viewer' }, headers: { 'idempotency-key': 'k-token' } });
    const replayedToken = await app.call('POST', '/v1/tokens', { body: { name: 'replayed', role: 'viewer' }, headers: { 'idempotency-key': 'k-token' } });
    assert.equal(replayedToken.headers.get('idempotent-replayed'), 'true');
    assert.equal(replayedToken.body.token, issued.body.token);
    const db = new Client({ connectionString: app.databaseUrl });
    await db.connect();
    const stored = await db.query<{ body: string }>(`SELECT response_body::text AS body FROM idempotency_keys WHERE key = 'k-token'`);
    await db.end();
    assert.ok(!stored.rows[0].body.includes(issued.body.token), 'the remembered answer is sealed at rest');
  });

  test('bodies: 413 over the limit, 400 malformed JSON, 415 not JSON, 400 unknown fields', async () => {
    const admin = () => app.request().post('/v1/credentials').auth(app.adminToken, { type: 'bearer' });
    const big = await admin()
      .type('json')
      .send(JSON.stringify({ name: 'big', kind: 'ssh-password', password: 'x'.repeat(70_000) }))
      .expect(413);
    assert.equal(big.body.code, 'PAYLOAD_TOO_LARGE');
    const malformed = await admin().type('json').send('{"name":').expect(400);
    assert.equal(malformed.body.code, 'MALFORMED_JSON');
    await admin().type('form').send('name=x').expect(415);
    const unknown = await admin().send({ name: 'u', kind: 'ssh-password', password: 'p', admin: true }).expect(400);
    assert.deepEqual(unknown.body.errors, [{ pointer: '/admin', detail: 'admin is not a known field' }]);
    const nested = await app
      .request()
      .post('/v1/clusters')
      .auth(app.adminToken, { type: 'bearer' })
      .send({ name: 'n', backend: 'ssh', ssh: { credentialId: 'cr_00000000000000000000000000', hosts: [{ address: '10.0.0.1', port: 22 }] } })
      .expect(400);
    assert.ok(nested.body.errors.some((e: { pointer: string }) => e.pointer === '/ssh/hosts/0/port'));
  });

  test('request ids: echoed, and in problem bodies; unknown routes are problems too', async () => {
    const answer = await app.request().get('/v1/nowhere').auth(app.adminToken, { type: 'bearer' }).set('x-request-id', 'trace-123').expect(404).expect('x-request-id', 'trace-123');
    assert.equal(answer.body.requestId, 'trace-123');
    assert.equal(answer.body.code, 'ROUTE_NOT_FOUND');
    await app
      .request()
      .get('/v1/clusters')
      .auth(app.adminToken, { type: 'bearer' })
      .expect('x-request-id', /^req_[0-9a-f]{20}$/);
  });

  test('every mutation leaves an audit record: succeeded, failed and denied, with who and the request id', async () => {
    const viewer = await app.token('viewer', 'auditor-viewer');
    await app.call('POST', '/v1/credentials', { token: viewer, body: { name: 'nope', kind: 'ssh-password', password: 'p' }, headers: { 'x-request-id': 'audit-denied' } });
    const created = await app.call('POST', '/v1/credentials', { body: { name: 'audited', kind: 'ssh-password', password: 'top-secret-pw' }, headers: { 'x-request-id': 'audit-ok' } });
    await app.call('POST', '/v1/credentials', { body: { name: 'audited', kind: 'ssh-password', password: 'p' }, headers: { 'x-request-id': 'audit-failed' } });
    const records = (await app.call('GET', '/v1/audit?pageSize=200')).body.items as {
      requestId: string;
      outcome: string;
      action: string;
      actor: string;
      targetId: string;
      statusCode: number;
      detail: object;
    }[];
    const byRequest = (id: string) => records.find((r) => r.requestId === id);
    assert.equal(byRequest('audit-denied')?.outcome, 'denied');
    assert.equal(byRequest('audit-denied')?.statusCode, 403);
    assert.match(byRequest('audit-denied')?.actor ?? '', /^tk_/);
    assert.equal(byRequest('audit-ok')?.outcome, 'succeeded');
    assert.equal(byRequest('audit-ok')?.action, 'credential.create');
    assert.equal(byRequest('audit-ok')?.targetId, created.body.id);
    assert.equal(byRequest('audit-failed')?.outcome, 'failed');
    assert.equal(byRequest('audit-failed')?.statusCode, 409);
    assert.ok(!JSON.stringify(records).includes('top-secret-pw'), 'no secret in the audit trail');
    const filtered = await app.call('GET', `/v1/audit?targetId=${created.body.id}`);
    assert.deepEqual(
      filtered.body.items.map((r: { requestId: string }) => r.requestId),
      ['audit-ok'],
    );
  });

  test('credentials: the secret is never returned, is sealed at rest, and an in-use credential cannot be deleted', async () => {
    const privateKey = testPrivateKey();
    const created = await app.call('POST', '/v1/credentials', { body: { name: 'sealed', kind: 'ssh-private-key', privateKey } });
    assert.equal(created.status, 201);
    assert.match(created.body.metadata.publicKeyFingerprint, /^SHA256:/);
    const keyBody = privateKey.split('\n')[1];
    for (const answer of [created, await app.call('GET', `/v1/credentials/${created.body.id}`), await app.call('GET', '/v1/credentials?pageSize=200')]) {
      assert.ok(!JSON.stringify(answer.body).includes(keyBody), 'secret leaked in an answer');
    }
    const db = new Client({ connectionString: app.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ ciphertext: string }>('SELECT ciphertext FROM credentials WHERE id = $1', [created.body.id]);
    await db.end();
    assert.match(rows[0].ciphertext, /^v1\./);
    assert.ok(!rows[0].ciphertext.includes(keyBody));

    const bad = await app.call('POST', '/v1/credentials', { body: { name: 'notakey', kind: 'ssh-private-key', privateKey: 'x'.repeat(64) } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].pointer, '/privateKey');

    const cluster = await app.call('POST', '/v1/clusters', { body: sshClusterBody('uses-key', created.body.id) });
    await waitForOperation(app, cluster.body.id);
    const inUse = await app.call('DELETE', `/v1/credentials/${created.body.id}`);
    assert.equal(inUse.status, 409);
    assert.equal(inUse.body.code, 'CREDENTIAL_IN_USE');
    const unused = await app.call('POST', '/v1/credentials', { body: { name: 'unused', kind: 'ssh-password', password: 'p' } });
    assert.equal((await app.call('DELETE', `/v1/credentials/${unused.body.id}`)).status, 204);
    assert.equal((await app.call('GET', `/v1/credentials/${unused.body.id}`)).status, 404);
  });

  test('tokens: issued once, listed without secrets, revocation takes effect, a token cannot revoke itself', async () => {
    const issued = await app.call('POST', '/v1/tokens', { body: { name: 'portal', role: 'operator' } });
    assert.equal(issued.status, 201);
    const secret = issued.body.token as string;
    assert.match(secret, /^gcp_/);
    assert.equal((await app.call('GET', '/v1/clusters', { token: secret })).status, 200);
    const list = await app.call('GET', '/v1/tokens');
    assert.ok(!JSON.stringify(list.body).includes(secret));
    assert.equal(list.body.items.find((t: { id: string }) => t.id === issued.body.id).prefix, secret.slice(0, 10));
    const revoked = await app.call('DELETE', `/v1/tokens/${issued.body.id}`);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    await eventually(async () => ((await app.call('GET', '/v1/clusters', { token: secret })).status === 401 ? true : undefined), { timeoutMs: 10_000, what: 'the revoked token to stop working' });
    const self = (await app.call('GET', '/v1/tokens')).body.items.find((t: { name: string }) => t.name === 'test-admin');
    const own = await app.call('DELETE', `/v1/tokens/${self.id}`);
    assert.equal(own.status, 409);
    assert.equal(own.body.code, 'CANNOT_REVOKE_OWN_TOKEN');
    const past = await app.call('POST', '/v1/tokens', { body: { name: 'old', role: 'viewer', expiresAt: '2001-01-01T00:00:00Z' } });
    assert.equal(past.status, 400);
  });

  test('dry runs of the simple mutations answer what would happen and change nothing', async () => {
    const credentials = async () => (await app.call('GET', '/v1/credentials?pageSize=200')).body.items.length;
    const before = await credentials();
    const dryCredential = await app.call('POST', '/v1/credentials?dryRun=true', { body: { name: 'dry-cred', kind: 'ssh-password', password: 'p' } });
    assert.equal(dryCredential.status, 200);
    assert.equal(dryCredential.body.name, 'dry-cred');
    assert.equal(await credentials(), before);
    const badDry = await app.call('POST', '/v1/credentials?dryRun=true', { body: { name: 'dry-key', kind: 'ssh-private-key', privateKey: 'x'.repeat(40) } });
    assert.equal(badDry.status, 400, 'a dry run runs every check');
    assert.equal((await app.call('POST', '/v1/credentials', { body: { name: 'dry-cred', kind: 'ssh-password', password: 'p' } })).status, 201, 'the name stayed free');

    const tokensBefore = (await app.call('GET', '/v1/tokens')).body.items.length;
    const dryToken = await app.call('POST', '/v1/tokens?dryRun=true', { body: { name: 'dry-token', role: 'viewer' } });
    assert.equal(dryToken.status, 200);
    assert.equal(dryToken.body.token, undefined, 'no secret for a token that was not stored');
    assert.equal((await app.call('GET', '/v1/tokens')).body.items.length, tokensBefore);

    const credentialId = await createKeyCredential(app);
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('dry-patch', credentialId) });
    await waitForOperation(app, created.body.id);
    const clusterId = created.body.clusterId;
    const dryPatch = await app.call('PATCH', `/v1/clusters/${clusterId}?dryRun=true`, { body: { labels: { tier: 'gold' }, policy: { autoRecovery: true } } });
    assert.equal(dryPatch.status, 200);
    assert.deepEqual(dryPatch.body.labels, { tier: 'gold' });
    assert.equal(dryPatch.body.generation, 2);
    const unchanged = await app.call('GET', `/v1/clusters/${clusterId}`);
    assert.deepEqual(unchanged.body.labels, {});
    assert.equal(unchanged.body.generation, 1);
    assert.equal(unchanged.body.spec.policy.autoRecovery, false);

    assert.equal((await app.call('DELETE', `/v1/credentials/${credentialId}?dryRun=true`)).status, 409, 'in use');
    const spare = await app.call('POST', '/v1/credentials', { body: { name: 'spare', kind: 'ssh-password', password: 'p' } });
    assert.equal((await app.call('DELETE', `/v1/credentials/${spare.body.id}?dryRun=true`)).status, 204);
    assert.equal((await app.call('GET', `/v1/credentials/${spare.body.id}`)).status, 200, 'still there');

    app.infrastructure.script('dry-patch', { stepDelayMs: 400 });
    const restart = await app.call('POST', `/v1/clusters/${clusterId}/restart`, { body: {} });
    const dryCancel = await app.call('POST', `/v1/operations/${restart.body.id}/cancel?dryRun=true`, { body: {} });
    assert.equal(dryCancel.status, 200);
    assert.ok(['CANCELLING', 'CANCELLED'].includes(dryCancel.body.state));
    const finished = await waitForOperation(app, restart.body.id);
    assert.equal(finished.state, 'SUCCEEDED', 'the dry-run cancel did not cancel');
    const audit = await app.call('GET', `/v1/audit?targetId=${clusterId}&pageSize=50`);
    assert.ok(audit.body.items.some((r: { action: string }) => r.action === 'cluster.update.dry-run'));
  });

  test('CORS answers configured origins only', async () => {
    await app
      .request()
      .options('/v1/clusters')
      .set({ origin: 'https://portal.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' })
      .expect(204)
      .expect('access-control-allow-origin', 'https://portal.example')
      .expect('access-control-allow-headers', /Idempotency-Key/);
    const other = await app.request().options('/v1/clusters').set({ origin: 'https://evil.example', 'access-control-request-method': 'POST' });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  test('health, readiness, metrics and docs need no token', async () => {
    await app.request().get('/healthz').expect(200, { status: 'ok' });
    await app.request().get('/readyz').expect(200, { status: 'ok' });
    const metrics = await app.request().get('/metrics').expect(200);
    assert.match(metrics.text, /galera_cp_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/clusters"/);
    assert.match(metrics.text, /galera_cp_operations\{type="cluster.create",state="SUCCEEDED"\} \d+/);
    assert.match(metrics.text, /galera_cp_queue_depth \d+/);
    assert.match(metrics.text, /galera_cp_galera_cluster_size\{cluster="[^"]+",node="[^"]+"\} 3/);
    await app
      .request()
      .get('/docs')
      .expect(200)
      .expect(/swagger/i);
    const spec = await app.request().get('/openapi.json').expect(200);
    assert.equal(spec.body.info.title, 'Galera control plane API');
  });
});
