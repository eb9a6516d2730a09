import { MigrationInterface, QueryRunner } from 'typeorm';

/** The first schema: clusters, nodes, operations (+ steps, logs), events, credentials, tokens, audit, idempotency. */
export class InitialSchema1764057600000 implements MigrationInterface {
  name = 'InitialSchema1764057600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE credentials (
        id text PRIMARY KEY,
        name text NOT NULL UNIQUE,
        kind text NOT NULL,
        ciphertext text NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE clusters (
        id text PRIMARY KEY,
        name text NOT NULL,
        backend_kind text NOT NULL,
        -- The credential the backend logs in with; the foreign key makes deleting a credential
        -- that a live cluster uses fail (409 CREDENTIAL_IN_USE). Cleared when the cluster is deleted.
        credential_id text REFERENCES credentials (id) ON DELETE RESTRICT,
        spec jsonb NOT NULL,
        status jsonb NOT NULL,
        state text NOT NULL,
        generation integer NOT NULL,
        labels jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    // A name is unique among live clusters; a deleted cluster frees its name.
    await q.query(`CREATE UNIQUE INDEX ux_clusters_name_live ON clusters (name) WHERE deleted_at IS NULL`);

    await q.query(`
      CREATE TABLE nodes (
        id text PRIMARY KEY,
        cluster_id text NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
        name text NOT NULL,
        ordinal integer NOT NULL,
        address text NOT NULL,
        role text NOT NULL,
        phase text NOT NULL,
        wsrep_state text NOT NULL,
        healthy boolean NOT NULL DEFAULT false,
        seqno bigint,
        observed jsonb NOT NULL DEFAULT '{}'::jsonb,
        last_seen_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (cluster_id, name)
      )`);

    await q.query(`
      CREATE TABLE operations (
        id text PRIMARY KEY,
        cluster_id text REFERENCES clusters (id) ON DELETE SET NULL,
        type text NOT NULL,
        state text NOT NULL CHECK (state IN ('PENDING','RUNNING','SUCCEEDED','FAILED','CANCELLING','CANCELLED')),
        params jsonb NOT NULL,
        plan jsonb,
        result jsonb,
        error jsonb,
        progress integer NOT NULL DEFAULT 0,
        requested_by text NOT NULL,
        request_id text,
        approval_required boolean NOT NULL DEFAULT false,
        approved_by text,
        approved_at timestamptz,
        cancel_requested_by text,
        lease_owner text,
        lease_expires_at timestamptz,
        lease_epoch integer NOT NULL DEFAULT 0,
        runs integer NOT NULL DEFAULT 0,
        job_id text,
        dispatched_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One active mutating operation per cluster, enforced by the database itself so that any
    // number of API processes agree (the use case turns the violation into 409 OPERATION_IN_PROGRESS).
    await q.query(`
      CREATE UNIQUE INDEX ux_operations_one_active_per_cluster ON operations (cluster_id)
      WHERE state IN ('PENDING','RUNNING','CANCELLING') AND cluster_id IS NOT NULL`);
    await q.query(`CREATE INDEX ix_operations_cluster ON operations (cluster_id, id)`);
    await q.query(`CREATE INDEX ix_operations_unfinished ON operations (state, lease_expires_at) WHERE state IN ('PENDING','RUNNING','CANCELLING')`);

    await q.query(`
      CREATE TABLE operation_steps (
        operation_id text NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
        index integer NOT NULL,
        key text NOT NULL,
        action text NOT NULL,
        title text NOT NULL,
        node text,
        params jsonb NOT NULL,
        state text NOT NULL CHECK (state IN ('PENDING','RUNNING','WAITING','SUCCEEDED','FAILED','CANCELLED','SKIPPED')),
        attempts integer NOT NULL DEFAULT 0,
        max_attempts integer NOT NULL,
        timeout_seconds integer NOT NULL,
        output jsonb,
        error jsonb,
        started_at timestamptz,
        finished_at timestamptz,
        PRIMARY KEY (operation_id, index),
        UNIQUE (operation_id, key)
      )`);

    await q.query(`
      CREATE TABLE operation_logs (
        id bigserial PRIMARY KEY,
        operation_id text NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
        step_index integer,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        level text NOT NULL,
        message text NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_operation_logs_operation ON operation_logs (operation_id, id)`);

    await q.query(`
      CREATE TABLE events (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        type text NOT NULL,
        cluster_id text,
        operation_id text,
        data jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX ix_events_cluster ON events (cluster_id, id)`);
    await q.query(`CREATE INDEX ix_events_operation ON events (operation_id, id)`);

    await q.query(`
      CREATE TABLE api_tokens (
        id text PRIMARY KEY,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('viewer','operator','admin')),
        token_hash text NOT NULL UNIQUE,
        prefix text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);

    await q.query(`
      CREATE TABLE audit_records (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor text NOT NULL,
        actor_name text,
        action text NOT NULL,
        target_type text,
        target_id text,
        outcome text NOT NULL,
        status_code integer,
        request_id text,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX ix_audit_target ON audit_records (target_id, id)`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        principal text NOT NULL,
        key text NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        request_hash text NOT NULL,
        state text NOT NULL,
        response_status integer,
        response_headers jsonb,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (principal, key)
      )`);
    await q.query(`CREATE INDEX ix_idempotency_expiry ON idempotency_keys (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['idempotency_keys', 'audit_records', 'api_tokens', 'credentials', 'events', 'operation_logs', 'operation_steps', 'operations', 'nodes', 'clusters']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
