import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pruneExpiredRows } from '@galera-cp/database';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createKeyCredential, sshClusterBody } from '../support/fixtures';
import { eventually, startTestApp, waitForOperation, type TestApp } from '../support/test-app';

/** Rows of each table, counted. */
async function counts(db: Client): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['events', 'webhook_deliveries', 'chat_replies', 'operations', 'operation_logs', 'audit_records']) {
    out[table] = Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  }
  return out;
}

describe('retention: rows past RETENTION_DAYS are deleted, history is kept', () => {
  let database: TestDatabase;
  let app: TestApp;
  let db: Client;
  let operationId: string;

  before(async () => {
    database = await createTestDatabase('retention');
    app = await startTestApp({ database, worker: true });
    const credentialId = await createKeyCredential(app);
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('kept', credentialId) });
    operationId = created.body.id;
    assert.equal((await waitForOperation(app, operationId)).state, 'SUCCEEDED');
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  after(async () => {
    await db?.end();
    await app?.close();
    await database?.drop();
  });

  /** Old and recent rows of every pruned table. */
  async function seed(): Promise<void> {
    // 7 events from 40 days ago, with ids below every event the create wrote (ids grow with time).
    await db.query(`INSERT INTO events (id, at, type, data) SELECT -g, now() - interval '40 days', 'test.old', '{}' FROM generate_series(1, 7) g`);
    await db.query(
      // Disabled: the dispatcher must not add deliveries of its own to the ones seeded here.
      `INSERT INTO webhooks (id, url, event_types, secret_ciphertext, from_event_id, created_by, enabled) VALUES ('wh_retention', 'https://hooks.example.test/x', '{*}', 'x', 0, 'test', false)`,
    );
    await db.query(
      `INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, state, max_attempts, delivered_at, last_attempt_at, created_at) VALUES
       ('dl_old_ok', 'wh_retention', -1, 'test.old', 'SUCCEEDED', 5, now() - interval '40 days', now() - interval '40 days', now() - interval '40 days'),
       ('dl_old_failed', 'wh_retention', -2, 'test.old', 'FAILED', 5, NULL, now() - interval '35 days', now() - interval '40 days'),
       ('dl_old_pending', 'wh_retention', -3, 'test.old', 'PENDING', 5, NULL, NULL, now() - interval '40 days'),
       ('dl_recent', 'wh_retention', -4, 'test.old', 'SUCCEEDED', 5, now() - interval '2 days', now() - interval '2 days', now() - interval '2 days')`,
    );
    await db.query(
      // The waiting reply is due only tomorrow: this app's worker must not send (and so finish)
      // it while the test runs, which made the prune count it on a slow machine.
      `INSERT INTO chat_replies (operation_id, stage, principal_id, command, response_url_ciphertext, state, sent_at, created_at, next_attempt_at) VALUES
       ($1, 'outcome', 'chat:T/U1', '/galera', 'x', 'SENT', now() - interval '40 days', now() - interval '40 days', now()),
       ($1, 'approval', 'chat:T/U1', '/galera', 'x', 'WAITING', NULL, now() - interval '40 days', now() + interval '1 day'),
       ($1, 'outcome', 'chat:T/U2', '/galera', 'x', 'SENT', now() - interval '1 day', now() - interval '1 day', now())`,
      [operationId],
    );
  }

  test('a prune deletes old events, finished deliveries and finished chat replies, in batches; nothing else', async () => {
    await seed();
    const before = await counts(db);
    const dataSource = app.app.get(DataSource);
    assert.deepEqual(await pruneExpiredRows(dataSource, { retentionDays: 0 }), { events: 0, webhookDeliveries: 0, chatReplies: 0 }, '0 keeps everything');
    const pruned = await pruneExpiredRows(dataSource, { retentionDays: 30, batchSize: 2 });
    assert.deepEqual(pruned, { events: 7, webhookDeliveries: 2, chatReplies: 1 });
    const afterPrune = await counts(db);
    assert.deepEqual(afterPrune, { ...before, events: before.events - 7, webhook_deliveries: before.webhook_deliveries - 2, chat_replies: before.chat_replies - 1 });
    assert.ok(afterPrune.events > 0, "the create's recent events are kept");
    const deliveries = (await db.query(`SELECT id FROM webhook_deliveries ORDER BY id`)).rows.map((r) => r.id);
    assert.deepEqual(deliveries, ['dl_old_pending', 'dl_recent'], 'a delivery still due is kept whatever its age');
    const replies = (await db.query(`SELECT state, principal_id FROM chat_replies ORDER BY id`)).rows.map((r) => `${r.state}:${r.principal_id}`);
    assert.deepEqual(replies, ['WAITING:chat:T/U1', 'SENT:chat:T/U2']);
    const listed = await app.call('GET', '/v1/events?type=test.old');
    assert.equal(listed.status, 200);
    assert.equal(listed.body.items.length, 0);
    assert.equal((await app.call('GET', `/v1/operations/${operationId}`)).body.state, 'SUCCEEDED', 'operations are history: kept');
  });

  test("a worker's sweep prunes on its own (first sweep after start)", async () => {
    await db.query(`DELETE FROM webhook_deliveries; DELETE FROM chat_replies; DELETE FROM webhooks`);
    await seed();
    // A worker started now sweeps at once: the rows seeded above go without any call.
    const second = await startTestApp({ database, worker: true, env: { RETENTION_DAYS: '30' } });
    try {
      await eventually(
        async () => {
          const n = Number((await db.query(`SELECT count(*) AS n FROM events WHERE type = 'test.old'`)).rows[0].n);
          return n === 0 ? true : undefined;
        },
        { timeoutMs: 20_000, what: 'old events pruned by the sweep' },
      );
      const deliveries = (await db.query(`SELECT id FROM webhook_deliveries ORDER BY id`)).rows.map((r) => r.id);
      assert.deepEqual(deliveries, ['dl_old_pending', 'dl_recent']);
    } finally {
      await second.close();
    }
  });
});
