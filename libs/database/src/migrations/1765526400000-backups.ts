import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Backup records. A cluster's list and a store's "still in use" check are keyset reads on
 * their own indexes; an incremental's parent is found by id. No foreign key to clusters: a
 * backup outlives its cluster (that is what it is for).
 */
export class Backups1765526400000 implements MigrationInterface {
  name = 'Backups1765526400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE backups (
        id text PRIMARY KEY,
        cluster_id text NOT NULL,
        cluster_name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('full', 'incremental')),
        parent_id text REFERENCES backups(id),
        chain jsonb NOT NULL,
        store_id text NOT NULL,
        state text NOT NULL CHECK (state IN ('RUNNING', 'COMPLETED', 'FAILED', 'EXPIRED')),
        node text,
        operation_id text NOT NULL,
        desync boolean NOT NULL DEFAULT false,
        object_key text NOT NULL,
        wrapped_key text NOT NULL,
        compression text,
        raw_bytes bigint,
        stored_bytes bigint,
        sha256 text,
        facts jsonb,
        verification jsonb,
        error jsonb,
        schedule_id text,
        requested_by text NOT NULL,
        created_at timestamptz NOT NULL,
        started_at timestamptz,
        finished_at timestamptz,
        expired_at timestamptz,
        CHECK ((kind = 'full') = (parent_id IS NULL))
      )`);
    await q.query(`CREATE INDEX ix_backups_cluster ON backups (cluster_id, id DESC)`);
    await q.query(`CREATE INDEX ix_backups_store_live ON backups (store_id) WHERE state IN ('RUNNING', 'COMPLETED')`);
    await q.query(`CREATE INDEX ix_backups_parent ON backups (parent_id) WHERE parent_id IS NOT NULL`);
    await q.query(`CREATE INDEX ix_backups_operation ON backups (operation_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS backups`);
  }
}
