import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks (subscriptions, their delivery log, the dispatcher's cursor over `events`) and chatops
 * (confirmation codes, replies to post when an operation ends, seen request signatures).
 */
export class WebhooksChatops1764662400000 implements MigrationInterface {
  name = 'WebhooksChatops1764662400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhooks (
        id text PRIMARY KEY,
        url text NOT NULL,
        -- Exact event types, prefixes ending in a dot (\`cluster.\`), or * for every event.
        event_types text[] NOT NULL,
        cluster_id text REFERENCES clusters (id) ON DELETE CASCADE,
        description text,
        enabled boolean NOT NULL DEFAULT true,
        -- AES-256-GCM envelope of the signing secret, bound to the webhook id.
        secret_ciphertext text NOT NULL,
        -- Events up to this id happened before the subscription and are never delivered to it.
        from_event_id bigint NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE webhook_deliveries (
        id text PRIMARY KEY,
        webhook_id text NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        -- NULL for a ping (POST /v1/webhooks/{id}/test).
        event_id bigint,
        event_type text NOT NULL,
        state text NOT NULL CHECK (state IN ('PENDING','SENDING','SUCCEEDED','FAILED')),
        attempts integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL,
        next_attempt_at timestamptz,
        -- A worker holds a claimed delivery until then; after it (the worker died) another retries it.
        locked_until timestamptz,
        last_attempt_at timestamptz,
        last_status_code integer,
        last_error text,
        last_duration_ms integer,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Exactly one delivery per subscription and event, however many dispatchers race.
        UNIQUE (webhook_id, event_id)
      )`);
    await q.query(`CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state IN ('PENDING','SENDING')`);
    await q.query(`CREATE INDEX ix_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id)`);

    // Where the dispatcher is in the events table: one row, locked by the dispatching worker.
    await q.query(`CREATE TABLE webhook_dispatch_cursor (id integer PRIMARY KEY CHECK (id = 1), last_event_id bigint NOT NULL)`);
    await q.query(`INSERT INTO webhook_dispatch_cursor (id, last_event_id) SELECT 1, coalesce(max(id), 0) FROM events`);

    await q.query(`
      CREATE TABLE chat_confirmations (
        code text PRIMARY KEY,
        principal_id text NOT NULL,
        cluster_id text NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
        -- The exact change the plan was made for, and the cluster generation it was made on.
        change jsonb NOT NULL,
        generation integer NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE chat_replies (
        id bigserial PRIMARY KEY,
        operation_id text NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
        -- approval: the plan once the operation waits for approval; outcome: when it ends.
        stage text NOT NULL CHECK (stage IN ('approval','outcome')),
        principal_id text NOT NULL,
        -- The slash command the user typed (e.g. /galera), to name follow-up commands.
        command text NOT NULL,
        response_url_ciphertext text NOT NULL,
        state text NOT NULL CHECK (state IN ('WAITING','SENT','FAILED','SKIPPED')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz,
        last_error text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (operation_id, stage, principal_id)
      )`);
    await q.query(`CREATE INDEX ix_chat_replies_waiting ON chat_replies (operation_id) WHERE state = 'WAITING'`);

    // Signatures of chat requests already handled, kept past the five-minute replay window.
    await q.query(`CREATE TABLE chat_request_signatures (signature text PRIMARY KEY, expires_at timestamptz NOT NULL)`);
    await q.query(`CREATE INDEX ix_chat_request_signatures_expiry ON chat_request_signatures (expires_at)`);

    // Event lists filter by type (exact or prefix) and read in id order.
    await q.query(`CREATE INDEX ix_events_type ON events (type text_pattern_ops, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ix_events_type`);
    for (const table of ['chat_request_signatures', 'chat_replies', 'chat_confirmations', 'webhook_dispatch_cursor', 'webhook_deliveries', 'webhooks']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
