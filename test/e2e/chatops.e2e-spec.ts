import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { createKeyCredential, sshClusterBody } from '../support/fixtures';
import { Receiver, startReceiver } from '../support/receiver';
import { ApiAnswer, eventually, startTestApp, TestApp, waitForOperation } from '../support/test-app';

const SIGNING_SECRET = 'test-signing-secret-8f742231b10e8888';
const OPERATOR = 'U0001';
const VIEWER = 'U0002';
const OTHER_OPERATOR = 'U0003';

interface SlackOptions {
  user?: string;
  team?: string;
  /** Unix seconds of X-Slack-Request-Timestamp (default: now). */
  timestamp?: number;
  /** The secret signing the request (default: the configured one). */
  secret?: string;
  /** Path of the response URL on the receiver. */
  reply?: string;
  /** Sign this body but send `body` (tampering). */
  signedBody?: string;
  /** A response URL elsewhere than the receiver. */
  responseUrl?: string;
}

describe('chatops: Slack slash commands', () => {
  let app: TestApp;
  let receiver: Receiver;
  let credentialId: string;

  before(async () => {
    receiver = await startReceiver();
    app = await startTestApp({
      env: {
        CHAT_SIGNING_SECRET: SIGNING_SECRET,
        CHAT_USER_ROLES: `T0001/${OPERATOR}=operator,T0001/${VIEWER}=viewer,T0001/${OTHER_OPERATOR}=operator`,
        CHAT_RESPONSE_URL_HOSTS: 'hooks.slack.com,127.0.0.1',
        OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32',
        WEBHOOK_RETRY_BASE_SECONDS: '1',
      },
    });
    credentialId = await createKeyCredential(app);
  });
  after(async () => {
    await app.close();
    await receiver.close();
  });

  async function readyCluster(name: string, hosts = 3, extra: Record<string, unknown> = {}): Promise<string> {
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody(name, credentialId, hosts, extra) });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    assert.equal((await waitForOperation(app, created.body.id)).state, 'SUCCEEDED');
    return created.body.clusterId;
  }

  /** The form body Slack sends for `/galera <text>`. */
  function form(text: string, options: SlackOptions = {}): string {
    return new URLSearchParams({
      token: 'deprecated-verification-token',
      team_id: options.team ?? 'T0001',
      team_domain: 'acme',
      channel_id: 'C0001',
      channel_name: 'ops',
      user_id: options.user ?? OPERATOR,
      user_name: options.user === VIEWER ? 'victor' : options.user === OTHER_OPERATOR ? 'olga' : 'alice',
      command: '/galera',
      text,
      response_url: options.responseUrl ?? `${receiver.url}${options.reply ?? '/chat/default'}`,
      trigger_id: '123.456.abc',
    }).toString();
  }

  function signed(body: string, options: SlackOptions = {}): Record<string, string> {
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', options.secret ?? SIGNING_SECRET)
      .update(`v0:${timestamp}:${options.signedBody ?? body}`)
      .digest('hex')}`;
    return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature };
  }

  function post(body: string, headers: Record<string, string>): Promise<ApiAnswer> {
    return app.call('POST', '/v1/chat/slack/commands', { token: null, raw: body, headers });
  }

  /** A signed slash command, as Slack sends it. */
  function slack(text: string, options: SlackOptions = {}): Promise<ApiAnswer> {
    const body = form(text, options);
    return post(body, signed(body, options));
  }

  async function operationsOf(clusterId: string): Promise<string[]> {
    return (await app.call('GET', `/v1/clusters/${clusterId}/operations`)).body.items.map((o: { id: string }) => o.id);
  }

  async function audit(query: string): Promise<{ action: string; outcome: string; actor: string; actorName: string | null; targetId: string | null; detail: Record<string, unknown> }[]> {
    const answer = await app.call('GET', `/v1/audit?pageSize=200&${query}`);
    assert.equal(answer.status, 200);
    return answer.body.items;
  }

  /** Messages the receiver got on a response URL path. */
  const posted = (path: string) => receiver.on(path).map((r) => JSON.parse(r.body) as { response_type: string; text: string; blocks?: unknown[] });

  test('a signed chat request scales a cluster: plan first, confirm with a code, the outcome reaches the response URL, audited with the chat identity', async () => {
    const id = await readyCluster('orders', 5, { replicas: 3 });

    const status = await slack('status orders');
    assert.equal(status.status, 200, JSON.stringify(status.body));
    assert.equal(status.body.response_type, 'ephemeral');
    assert.match(status.body.text, /\*orders\* \(`cl_[0-9a-z]{26}`\) is \*READY\* \(\d\/3 members healthy\)/);
    assert.match(JSON.stringify(status.body.blocks), /orders-2/);

    const plan = await slack('scale orders 5', { reply: '/chat/scale-plan' });
    assert.equal(plan.status, 200, JSON.stringify(plan.body));
    assert.equal(plan.body.response_type, 'ephemeral');
    assert.match(plan.body.text, /Plan for cluster\.scale of \*orders\*\. Nothing has changed yet\./);
    const planText = JSON.stringify(plan.body.blocks);
    assert.match(planText, /From 3 to 5 members/);
    const code = /\/galera confirm ([A-Z2-9]{6})/.exec(planText)?.[1];
    assert.ok(code, planText);
    assert.equal((await app.call('GET', `/v1/clusters/${id}`)).body.spec.replicas, 3, 'a plan changes nothing');
    assert.equal((await operationsOf(id)).length, 1);

    const viewerConfirm = await slack(`confirm ${code}`, { user: VIEWER });
    assert.match(viewerConfirm.body.text, /needs the operator role; you have viewer/);
    const otherConfirm = await slack(`confirm ${code}`, { user: OTHER_OPERATOR });
    assert.match(otherConfirm.body.text, /unknown, expired or already used/, 'a code works only for the user who saw the plan');
    assert.equal((await operationsOf(id)).length, 1);

    const confirmed = await slack(`confirm ${code.toLowerCase()}`, { reply: '/chat/scale' });
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal(confirmed.body.response_type, 'in_channel');
    assert.match(confirmed.body.text, /<@U0001> started scaling \*orders\* to 5 members\. Operation `(op_[0-9a-z]{26})`\./);
    const operationId = /`(op_[0-9a-z]{26})`/.exec(confirmed.body.text)![1];
    const operation = await waitForOperation(app, operationId);
    assert.equal(operation.state, 'SUCCEEDED');
    assert.equal(operation.type, 'cluster.scale');
    assert.equal(operation.requestedBy, 'chat:T0001/U0001');
    assert.equal(operation.result.toReplicas, 5);

    const [outcome] = await eventually(async () => (posted('/chat/scale').length > 0 ? posted('/chat/scale') : undefined), { what: 'the outcome on the response URL' });
    assert.equal(outcome.response_type, 'in_channel');
    assert.match(outcome.text, new RegExp(`cluster\\.scale of \\*orders\\* SUCCEEDED \\(\`${operationId}\`\\)\\. 3 → 5 members; added orders-3, orders-4\\.`));
    assert.match(JSON.stringify(outcome.blocks), /\\"toReplicas\\": 5/, 'the result travels with the outcome');
    assert.equal(posted('/chat/scale').length, 1, 'posted once');
    assert.equal((await app.call('GET', `/v1/clusters/${id}`)).body.spec.replicas, 5);

    const again = await slack(`confirm ${code}`, { reply: '/chat/scale' });
    assert.match(again.body.text, /unknown, expired or already used/, 'a code works once');
    assert.equal((await operationsOf(id)).length, 2);

    const records = await audit('actor=chat:T0001/U0001');
    const byAction = (action: string) => records.filter((r) => r.action === action);
    assert.deepEqual(
      byAction('cluster.scale').map((r) => [r.outcome, r.targetId, r.detail.operationId, r.actorName]),
      [['succeeded', id, operationId, 'alice']],
    );
    assert.deepEqual(
      byAction('cluster.scale.dry-run').map((r) => r.outcome),
      ['succeeded'],
    );
    assert.deepEqual(
      byAction('chat.status').map((r) => r.outcome),
      ['succeeded'],
    );
    assert.deepEqual(
      byAction('chat.confirm').map((r) => [r.outcome, r.detail.code]),
      [['failed', 'CHAT_CONFIRMATION_INVALID']],
    );
    assert.equal(byAction('cluster.scale')[0].detail.command, `/galera confirm ${code.toLowerCase()}`);
    assert.deepEqual(
      (await audit('actor=chat:T0001/U0002')).map((r) => [r.action, r.outcome, r.detail.code]),
      [['chat.confirm', 'denied', 'FORBIDDEN']],
    );
    assert.deepEqual(
      (await audit('actor=chat:T0001/U0003')).map((r) => [r.action, r.outcome]),
      [['chat.confirm', 'failed']],
    );
  });

  test('forged, tampered, replayed and unknown-user requests are refused, change nothing, and are audited as denied', async () => {
    const id = await readyCluster('guarded');
    const operationsBefore = await operationsOf(id);
    const text = 'scale guarded 5 force';

    const forged = await slack(text, { secret: 'not-the-signing-secret-at-all' });
    assert.equal(forged.status, 401);
    assert.match(forged.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(forged.body.code, 'CHAT_SIGNATURE_INVALID');

    const body = form(text);
    const tampered = await post(body, signed(body, { signedBody: form('status guarded') }));
    assert.equal(tampered.body.code, 'CHAT_SIGNATURE_INVALID');
    assert.equal((await post(body, { 'content-type': 'application/x-www-form-urlencoded' })).body.code, 'CHAT_SIGNATURE_INVALID');

    const stale = await slack(text, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    assert.equal(stale.status, 401);
    assert.equal(stale.body.code, 'CHAT_REQUEST_EXPIRED');
    assert.match(stale.body.detail, /at most 300 s/);

    const fresh = form('status guarded');
    const headers = signed(fresh);
    assert.equal((await post(fresh, headers)).status, 200);
    const replayed = await post(fresh, headers);
    assert.equal(replayed.status, 401);
    assert.equal(replayed.body.code, 'CHAT_REQUEST_REPLAYED', 'the same signed request is handled once');

    const stranger = await slack(text, { user: 'U9999' });
    assert.equal(stranger.status, 200);
    assert.equal(stranger.body.response_type, 'ephemeral');
    assert.match(stranger.body.text, /not allowed to use this control plane.*T0001\/U9999/);
    const otherTeam = await slack(text, { team: 'T0002' });
    assert.match(otherTeam.body.text, /not allowed/);
    const viewer = await slack(text, { user: VIEWER });
    assert.match(viewer.body.text, /`scale` needs the operator role; you have viewer/);

    const json = await app.call('POST', '/v1/chat/slack/commands', { token: null, body: { text } });
    assert.equal(json.status, 400);
    assert.equal(json.body.code, 'CHAT_FORM_REQUIRED');

    assert.deepEqual(await operationsOf(id), operationsBefore, 'no operation started');
    assert.equal((await app.call('GET', `/v1/clusters/${id}`)).body.spec.replicas, 3);

    const denied = await audit('outcome=denied');
    const codes = denied.map((r) => `${r.actor} ${r.action} ${String(r.detail.code)}`);
    for (const expected of [
      'anonymous POST /v1/chat/slack/commands CHAT_SIGNATURE_INVALID',
      'anonymous POST /v1/chat/slack/commands CHAT_REQUEST_EXPIRED',
      'anonymous POST /v1/chat/slack/commands CHAT_REQUEST_REPLAYED',
      'chat:T0001/U9999 chat.command CHAT_USER_UNKNOWN',
      'chat:T0002/U0001 chat.command CHAT_USER_UNKNOWN',
      'chat:T0001/U0002 chat.scale FORBIDDEN',
    ]) {
      assert.ok(codes.includes(expected), `${expected} in ${codes.join('\n')}`);
    }
    assert.equal(codes.filter((c) => c.includes('CHAT_SIGNATURE_INVALID')).length, 3, 'each refusal is audited once');
  });

  test('recover shows the evidence and plan, waits for approval; approve from the chat; the outcome reaches every response URL', async () => {
    const id = await readyCluster('crashy');
    const started = await slack('recover crashy', { reply: '/chat/recover' });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(started.body.response_type, 'in_channel');
    const operationId = /`(op_[0-9a-z]{26})`/.exec(started.body.text)![1];
    assert.match(JSON.stringify(started.body.blocks), new RegExp(`/galera approve ${operationId}`));

    const [approval] = await eventually(async () => (posted('/chat/recover').length > 0 ? posted('/chat/recover') : undefined), { what: 'the evidence and plan' });
    assert.match(approval.text, new RegExp(`cluster\\.recover of \\*crashy\\* \\(\`${operationId}\`\\) waits for approval`));
    const blocks = JSON.stringify(approval.blocks);
    assert.match(blocks, /\*Evidence\*/);
    assert.match(blocks, /`crashy-0`: seqno 10/);
    assert.match(blocks, /Bootstrap node: `crashy-0`/);
    const waiting = (await app.call('GET', `/v1/operations/${operationId}`)).body;
    assert.equal(waiting.approval.state, 'PENDING');
    assert.equal(waiting.steps[0].state, 'WAITING');

    assert.match((await slack(`approve ${operationId}`, { user: VIEWER })).body.text, /needs the operator role/);
    const approved = await slack(`approve ${operationId}`, { user: OTHER_OPERATOR, reply: '/chat/approver' });
    assert.equal(approved.body.response_type, 'in_channel');
    assert.match(approved.body.text, /<@U0003> approved cluster\.recover; it resumes\./);
    const done = await waitForOperation(app, operationId);
    assert.equal(done.state, 'SUCCEEDED');
    assert.equal(done.approval.approvedBy, 'chat:T0001/U0003');

    for (const path of ['/chat/recover', '/chat/approver']) {
      const outcome = await eventually(async () => posted(path).find((m) => m.text.includes('SUCCEEDED')), { what: `the outcome on ${path}` });
      assert.match(outcome.text, /Bootstrapped from crashy-0\./);
    }
    assert.equal(posted('/chat/recover').length, 2, 'the requester got the plan and the outcome');
    const records = await audit(`targetId=${operationId}`);
    assert.deepEqual(
      records.map((r) => [r.actor, r.action, r.outcome]),
      [['chat:T0001/U0003', 'operation.approve', 'succeeded']],
    );
    assert.deepEqual(
      (await audit(`targetId=${id}&action=cluster.recover`)).map((r) => [r.actor, r.detail.operationId]),
      [['chat:T0001/U0001', operationId]],
    );
  });

  test('the replies to post commit with their operation: at the commit that starts or approves it, they are there', async () => {
    // A deferred trigger runs at the commit of the transaction that inserted (or approved) the
    // operation and counts, within that transaction, the chat replies it will post.
    const db = new Client({ connectionString: app.databaseUrl });
    await db.connect();
    try {
      await db.query(`CREATE TABLE replies_at_commit (operation_id text, what text, replies integer)`);
      await db.query(`CREATE FUNCTION count_replies_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO replies_at_commit SELECT NEW.id, TG_OP, count(*) FROM chat_replies WHERE operation_id = NEW.id;
          RETURN NULL;
        END $$`);
      await db.query(`CREATE CONSTRAINT TRIGGER replies_at_insert AFTER INSERT ON operations DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_replies_at_commit()`);
      await db.query(`CREATE CONSTRAINT TRIGGER replies_at_approval AFTER UPDATE OF approved_at ON operations DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
        WHEN (OLD.approved_at IS NULL AND NEW.approved_at IS NOT NULL) EXECUTE FUNCTION count_replies_at_commit()`);

      await readyCluster('atomic', 5, { replicas: 3 });
      const plan = await slack('scale atomic 5');
      const code = /\/galera confirm ([A-Z2-9]{6})/.exec(JSON.stringify(plan.body.blocks))?.[1];
      assert.ok(code, JSON.stringify(plan.body));
      const scaled = await slack(`confirm ${code}`, { reply: '/chat/atomic-scale' });
      const scaleId = /`(op_[0-9a-z]{26})`/.exec(scaled.body.text)![1];
      await waitForOperation(app, scaleId);
      const recovered = await slack('recover atomic', { reply: '/chat/atomic-recover' });
      const recoverId = /`(op_[0-9a-z]{26})`/.exec(recovered.body.text)![1];
      await eventually(async () => ((await app.call('GET', `/v1/operations/${recoverId}`)).body.approval?.state === 'PENDING' ? true : undefined), { what: 'the recovery waiting for approval' });
      await slack(`approve ${recoverId}`, { user: OTHER_OPERATOR, reply: '/chat/atomic-approver' });
      await waitForOperation(app, recoverId);

      const rows = (await db.query(`SELECT operation_id, what, replies FROM replies_at_commit WHERE operation_id = ANY($1) ORDER BY operation_id, what`, [[scaleId, recoverId]])).rows;
      assert.deepEqual(
        rows.map((r) => [r.operation_id, r.what, r.replies]),
        [
          [scaleId, 'INSERT', 1],
          [recoverId, 'INSERT', 2],
          [recoverId, 'UPDATE', 3],
        ],
        "scale: its outcome; recover: the plan and the outcome; the approval: the approver's outcome too",
      );
    } finally {
      await db.end();
    }
  });

  test('a plan refused for a FAILED cluster is answered in the chat and the process keeps serving', async () => {
    const id = await readyCluster('broken');
    const db = new Client({ connectionString: app.databaseUrl });
    await db.connect();
    try {
      await db.query(`UPDATE clusters SET state = 'FAILED' WHERE id = $1`, [id]);
    } finally {
      await db.end();
    }
    // The response URL's host needs a DNS answer: the plan is refused while the answer is awaited.
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const answer = await slack('scale broken 3', { responseUrl: `https://hooks.slack.com/commands/T0001/${attempt}/x` });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.match(answer.body.text, /is FAILED.*\(CLUSTER_STATE_CONFLICT\)/);
    }
    assert.equal((await app.call('GET', '/healthz', { token: null })).status, 200);
    assert.equal((await audit(`targetId=${id}&action=cluster.scale.dry-run&outcome=failed`)).length, 8);
  });

  test('a NUL character in a signed command is refused with 400, not a 500', async () => {
    for (const text of ['status a\u0000b', 'scale broken\u0000 3']) {
      const answer = await slack(text);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.code, 'CHAT_FORM_INVALID');
    }
  });

  test('a plan slower than Slack waits is answered at once and posted to the response URL; errors and help are answered too', async () => {
    const id = await readyCluster('slowpoke');
    app.infrastructure.script('slowpoke', { planDelayMs: 4_000 });
    const answer = await slack('scale slowpoke 1 force', { reply: '/chat/slow' });
    assert.equal(answer.status, 200);
    assert.match(answer.body.text, /Planning cluster\.scale of \*slowpoke\*… the plan and its confirmation code follow here\./);
    const [plan] = await eventually(async () => (posted('/chat/slow').length > 0 ? posted('/chat/slow') : undefined), { what: 'the late plan', timeoutMs: 15_000 });
    const code = /\/galera confirm ([A-Z2-9]{6})/.exec(JSON.stringify(plan.blocks))?.[1];
    assert.ok(code, JSON.stringify(plan));
    app.infrastructure.script('slowpoke', {});

    // The spec moved since the plan: the code no longer applies.
    assert.equal((await app.call('POST', `/v1/clusters/${id}/scale`, { body: { replicas: 2, force: true } })).status, 202);
    await waitForOperation(app, (await operationsOf(id))[0]);
    const stale = await slack(`confirm ${code}`);
    assert.match(stale.body.text, /The cluster changed since you saw the plan/);
    assert.equal((await audit('action=cluster.scale&outcome=failed')).map((r) => r.detail.code).includes('PRECONDITION_FAILED'), true);

    const missing = await slack('status nowhere');
    assert.match(missing.body.text, /There is no cluster named nowhere \(CLUSTER_NOT_FOUND\)/);
    const noChange = await slack('scale slowpoke 2 force');
    assert.match(noChange.body.text, /already has 2 members \(NO_CHANGE\)/);
    // A response URL off CHAT_RESPONSE_URL_HOSTS (or to a refused address) is never posted to.
    const replan = await slack('scale slowpoke 3 force');
    const code2 = /\/galera confirm ([A-Z2-9]{6})/.exec(JSON.stringify(replan.body.blocks))![1];
    const elsewhere = await slack(`confirm ${code2}`, { responseUrl: 'http://169.254.169.254/latest/meta-data/' });
    assert.equal(elsewhere.body.response_type, 'in_channel');
    assert.match(JSON.stringify(elsewhere.body.blocks), /I cannot post the outcome to this response URL \(host 169\.254\.169\.254 is not in CHAT_RESPONSE_URL_HOSTS\)/);
    await waitForOperation(app, /`(op_[0-9a-z]{26})`/.exec(elsewhere.body.text)![1]);

    const help = await slack('help');
    assert.match(JSON.stringify(help.body.blocks), /scale <cluster> <members>/);
    const nonsense = await slack('drop slowpoke');
    assert.match(nonsense.body.text, /unknown command `drop`/);
  });
});
