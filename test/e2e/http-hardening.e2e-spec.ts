import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { createKeyCredential, sshClusterBody } from '../support/fixtures';
import { ApiAnswer, startTestApp, TestApp, waitForOperation } from '../support/test-app';

const METRICS_TOKEN = 'metrics-token-5b2f9c1e7a';

function assertProblem(answer: ApiAnswer, status: number, code: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(answer.body.code, code, JSON.stringify(answer.body));
}

/** `{"a":{"a":…}}` nested `depth` times. */
function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A page token as the lists make them, around any key (tokens are opaque, not signed). */
function forgedToken(scopeOf: string, key: unknown): string {
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const s = createHash('sha256').update(scopeOf).digest('base64url').slice(0, 12);
  return Buffer.from(JSON.stringify({ v: 1, s, k: key })).toString('base64url');
}

describe('HTTP hardening: bad input answers 4xx problems, refusals are audited, abuse is bounded', () => {
  let app: TestApp;
  let clusterId: string;
  let operator: string;

  before(async () => {
    app = await startTestApp({ env: { METRICS_TOKEN, AUTH_FAILURE_LIMIT: '5', AUTH_FAILURE_WINDOW_SECONDS: '600' } });
    operator = await app.token('operator', 'hardening-operator');
    const credentialId = await createKeyCredential(app);
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('hardened', credentialId) });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    assert.equal((await waitForOperation(app, created.body.id)).state, 'SUCCEEDED');
    clusterId = created.body.clusterId;
  });
  after(async () => {
    await app.close();
  });

  test('deeply nested JSON is refused with 400 BODY_TOO_DEEP on every body-taking route, never a 500', async () => {
    const deep = nested(2_400);
    for (const [method, path] of [
      ['POST', '/v1/clusters'],
      ['POST', '/v1/webhooks'],
      ['PATCH', `/v1/clusters/${clusterId}`],
      ['POST', `/v1/clusters/${clusterId}/reconfigure`],
      ['POST', '/v1/credentials'],
    ]) {
      assertProblem(await app.call(method, path, { raw: deep, headers: { 'content-type': 'application/json' } }), 400, 'BODY_TOO_DEEP');
      // with an Idempotency-Key too: the key's request hash must not recurse through it
      assertProblem(await app.call(method, path, { raw: nested(4_000), headers: { 'content-type': 'application/json', 'idempotency-key': `deep-${method}-${path}` } }), 400, 'BODY_TOO_DEEP');
    }
    // an ordinary body still passes the depth check (and meets the validation it deserves)
    assertProblem(await app.call('POST', '/v1/webhooks', { body: { url: 'https://hooks.example.com/x', events: ['cluster.'], extra: { a: { b: 1 } } } }), 400, 'VALIDATION_FAILED');
  });

  test('a NUL character in a path id, a list filter or a stored string answers 400, dry run and real call alike', async () => {
    assertProblem(await app.call('GET', '/v1/clusters/cl_%00'), 400, 'VALIDATION_FAILED');
    assertProblem(await app.call('GET', '/v1/operations/op_%00x'), 400, 'VALIDATION_FAILED');
    assertProblem(await app.call('DELETE', '/v1/webhooks/wh_%00'), 400, 'VALIDATION_FAILED');
    assertProblem(await app.call('GET', '/v1/operations/op_%00/events'), 404, 'OPERATION_NOT_FOUND');
    assertProblem(await app.call('GET', '/v1/audit?actor=%00'), 400, 'VALIDATION_FAILED');
    assertProblem(await app.call('GET', '/v1/audit?action=a%00b'), 400, 'VALIDATION_FAILED');
    for (const dryRun of ['?dryRun=true', '']) {
      const webhook = await app.call('POST', `/v1/webhooks${dryRun}`, { body: { url: 'https://hooks.example.com/x', events: ['cluster.'], description: 'nul \u0000 here' } });
      assertProblem(webhook, 400, 'VALIDATION_FAILED');
      assert.deepEqual(
        webhook.body.errors.map((e: { pointer: string }) => e.pointer),
        ['/description'],
      );
      const labels = await app.call('PATCH', `/v1/clusters/${clusterId}${dryRun}`, { body: { labels: { team: 'a\u0000b' } } });
      assertProblem(labels, 400, 'VALIDATION_FAILED');
      assert.deepEqual(
        labels.body.errors.map((e: { pointer: string }) => e.pointer),
        ['/labels/team'],
      );
    }
  });

  test('tampered page tokens answer 400 INVALID_PAGE_TOKEN on the lists', async () => {
    const auditScope = 'audit||||';
    for (const key of ['abc', '99999999999999999999999', '1\u0000', 12, '-1']) {
      assertProblem(await app.call('GET', `/v1/audit?pageToken=${forgedToken(auditScope, key)}`), 400, 'INVALID_PAGE_TOKEN');
    }
    for (const key of ['cl_\u0000', 'x'.repeat(150), "cl_' OR 1=1"]) {
      assertProblem(await app.call('GET', `/v1/clusters?pageToken=${forgedToken('clusters|||', key)}`), 400, 'INVALID_PAGE_TOKEN');
    }
    assertProblem(await app.call('GET', `/v1/events?pageToken=${forgedToken('events|||', 'zz')}`), 400, 'INVALID_PAGE_TOKEN');
    // a real token still works
    const first = await app.call('GET', '/v1/audit?pageSize=1');
    assert.equal(first.status, 200);
    assert.equal((await app.call('GET', `/v1/audit?pageSize=1&pageToken=${first.body.nextPageToken}`)).status, 200);
  });

  test('the event stream of an unknown operation is a 404 problem, not a 200 stream', async () => {
    const answer = await app.call('GET', '/v1/operations/op_01jd000000000000000000000z/events');
    assertProblem(answer, 404, 'OPERATION_NOT_FOUND');
  });

  test('/metrics needs METRICS_TOKEN when set, and an undecodable or unknown path adds no series', async () => {
    assertProblem(await app.call('GET', '/metrics', { token: null }), 401, 'UNAUTHENTICATED');
    assertProblem(await app.call('GET', '/metrics', { token: 'not-the-metrics-token' }), 401, 'UNAUTHENTICATED');
    for (let i = 0; i < 30; i += 1) {
      await app.call('GET', `/v1/clusters/%FF${i}`, { token: null });
      await app.call('GET', `/nowhere/${i}`, { token: null });
    }
    const metrics = await app.call('GET', '/metrics', { token: METRICS_TOKEN });
    assert.equal(metrics.status, 200);
    const routes = new Set([...String(metrics.body).matchAll(/galera_cp_http_request_duration_seconds_count\{[^}]*route="([^"]*)"/g)].map((m) => m[1]));
    assert.ok(routes.has('unmatched'), [...routes].join(' '));
    assert.ok(![...routes].some((r) => r.includes('%') || r.includes('nowhere')), [...routes].join(' '));
  });

  test('413, 415, a compressed body and malformed JSON are refused as problems and audited with the caller', async () => {
    const refusals: [string, Record<string, string>, number, string][] = [
      ['x'.repeat(1_100_000), { 'content-type': 'application/json' }, 413, 'PAYLOAD_TOO_LARGE'],
      ['name=x', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['{"name":', { 'content-type': 'application/json' }, 400, 'MALFORMED_JSON'],
      ['\u001f\u008b', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 415, 'UNSUPPORTED_CONTENT_ENCODING'],
    ];
    for (const [raw, headers, status, code] of refusals) {
      const answer = await app.call('POST', '/v1/webhooks', { token: operator, raw, headers: { ...headers, 'x-request-id': `refused-${code}` } });
      assertProblem(answer, status, code);
      const records = await app.call('GET', `/v1/audit?outcome=denied&pageSize=200`);
      const record = records.body.items.find((r: { requestId: string }) => r.requestId === `refused-${code}`);
      assert.ok(record, `an audit record for ${code}`);
      assert.equal(record.statusCode, status);
      assert.equal(record.actorName, 'hardening-operator');
      assert.equal(record.detail.code, code);
    }
  });

  test('a Content-Encoding header is refused even without a body (the parser would inflate an empty one)', async () => {
    const operation = (await app.call('GET', `/v1/clusters/${clusterId}/operations`)).body.items[0].id;
    for (const encoding of ['deflate', 'gzip']) {
      assertProblem(
        await app.call('POST', `/v1/operations/${operation}/approve?dryRun=true`, { raw: '', headers: { 'content-type': 'application/json', 'content-encoding': encoding } }),
        415,
        'UNSUPPORTED_CONTENT_ENCODING',
      );
    }
  });

  test('reconfigure: error pointers name the request field; wsrep_sst_donor is bounded', async () => {
    const unknown = await app.call('POST', `/v1/clusters/${clusterId}/reconfigure`, { body: { parameters: { no_such_parameter: 1 } } });
    assertProblem(unknown, 400, 'VALIDATION_FAILED');
    assert.deepEqual(
      unknown.body.errors.map((e: { pointer: string }) => e.pointer),
      ['/parameters/no_such_parameter'],
    );
    const donor = await app.call('POST', `/v1/clusters/${clusterId}/reconfigure?dryRun=true`, { body: { parameters: { wsrep_sst_donor: `${'a'.repeat(5_000)},b` } } });
    assertProblem(donor, 400, 'VALIDATION_FAILED');
    assert.deepEqual(
      donor.body.errors.map((e: { pointer: string }) => e.pointer),
      ['/parameters/wsrep_sst_donor'],
    );
    const many = await app.call('POST', `/v1/clusters/${clusterId}/reconfigure?dryRun=true`, { body: { parameters: { wsrep_sst_donor: Array.from({ length: 40 }, (_, i) => `db-${i}`).join(',') } } });
    assertProblem(many, 400, 'VALIDATION_FAILED');
  });

  test('an answer remembered for an Idempotency-Key is bounded, whatever the request echoes', async () => {
    const huge = 'k'.repeat(1_000_000);
    const answer = await app.call('POST', '/v1/webhooks', {
      raw: `{"url":"https://hooks.example.com/x","events":["cluster."],"${huge}":1}`,
      headers: { 'content-type': 'application/json', 'idempotency-key': 'huge-echo-1' },
    });
    assertProblem(answer, 400, 'VALIDATION_FAILED');
    assert.ok(JSON.stringify(answer.body).length < 10_000, `answer of ${JSON.stringify(answer.body).length} characters`);
    const db = new Client({ connectionString: app.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT octet_length(response_body::text) AS size FROM idempotency_keys WHERE key = 'huge-echo-1'`);
      assert.equal(rows.length, 1);
      assert.ok(Number(rows[0].size) < 20_000, `stored ${rows[0].size} bytes`);
    } finally {
      await db.end();
    }
  });

  test('an oversized header answers 431 problem+json', async () => {
    const url = new URL(app.url);
    const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const request = httpRequest(
        { host: url.hostname, port: url.port, path: '/v1/clusters', method: 'POST', headers: { 'idempotency-key': 'i'.repeat(20_000), 'content-type': 'application/json' } },
        (response) => {
          let body = '';
          response.on('data', (chunk) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }));
        },
      );
      request.on('error', reject);
      request.end('{}');
    });
    assert.equal(answer.status, 431);
    assert.match(answer.type, /^application\/problem\+json/);
    assert.equal(JSON.parse(answer.body).code, 'HEADERS_TOO_LARGE');
  });

  test("an idle keep-alive connection outlives the clients' own idle time: the server announces 65 s, not Node's 5 s", async () => {
    const url = new URL(app.url);
    const agent = new Agent({ keepAlive: true });
    try {
      const keepAlive = await new Promise<string | undefined>((resolve, reject) => {
        const request = httpRequest({ host: url.hostname, port: url.port, path: '/healthz', agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(String(response.headers['keep-alive'])));
        });
        request.on('error', reject);
        request.end();
      });
      assert.equal(keepAlive, 'timeout=65');
    } finally {
      agent.destroy();
    }
  });

  // Last: it locks this client address out of the API.
  test('failed authentications are limited per client address: 429 with Retry-After, good tokens included, audited for writes', async () => {
    assert.equal((await app.call('GET', '/v1/clusters', { token: operator })).status, 200);
    // Earlier tests answered a few 401s to this address too: at most 5 in all before the 429s.
    let unauthorized = 0;
    let limited: ApiAnswer | undefined;
    for (let i = 0; i < 10 && !limited; i += 1) {
      const answer = await app.call('GET', '/v1/clusters', { token: `gcp_wrong_${i}` });
      if (answer.status === 429) {
        limited = answer;
      } else {
        assertProblem(answer, 401, 'INVALID_TOKEN');
        unauthorized += 1;
      }
    }
    assert.ok(limited, 'a 429 after the failed authentications');
    assert.ok(unauthorized >= 1 && unauthorized <= 5, `${unauthorized} answers 401 before the limit`);
    assertProblem(limited, 429, 'TOO_MANY_FAILED_AUTHENTICATIONS');
    assertProblem(await app.call('GET', '/v1/clusters', { token: 'gcp_wrong_again' }), 429, 'TOO_MANY_FAILED_AUTHENTICATIONS');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assertProblem(await app.call('GET', '/v1/clusters', { token: operator }), 429, 'TOO_MANY_FAILED_AUTHENTICATIONS');
    assertProblem(await app.call('POST', '/v1/webhooks', { token: operator, body: {}, headers: { 'x-request-id': 'limited-write' } }), 429, 'TOO_MANY_FAILED_AUTHENTICATIONS');
    // health stays reachable; the audit trail has the refused write
    assert.equal((await app.call('GET', '/healthz', { token: null })).status, 200);
    const db = new Client({ connectionString: app.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT outcome, status_code FROM audit_records WHERE request_id = 'limited-write'`);
      assert.deepEqual(rows, [{ outcome: 'denied', status_code: 429 }]);
    } finally {
      await db.end();
    }
  });
});
