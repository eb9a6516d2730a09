import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the keyset-paginated lists and their filters, so that a list page reads about
 * pageSize rows however many clusters and operations the database holds (checked with EXPLAIN in
 * test/e2e/read-indexes.e2e-spec.ts):
 * - live clusters in id order, alone or filtered by state or backend (deleted clusters stay in
 *   the table, and the primary key would walk past them);
 * - operations newest first, filtered by state or type (the primary key serves the unfiltered
 *   list, ix_operations_cluster the per-cluster one).
 */
export class ReadPathIndexes1765267200000 implements MigrationInterface {
  name = 'ReadPathIndexes1765267200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_clusters_live ON clusters (id) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX ix_clusters_live_state ON clusters (state, id) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX ix_clusters_live_backend ON clusters (backend_kind, id) WHERE deleted_at IS NULL`);
    await q.query(`CREATE INDEX ix_operations_state ON operations (state, id)`);
    await q.query(`CREATE INDEX ix_operations_type ON operations (type, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['ix_operations_type', 'ix_operations_state', 'ix_clusters_live_backend', 'ix_clusters_live_state', 'ix_clusters_live']) {
      await q.query(`DROP INDEX IF EXISTS ${name}`);
    }
  }
}
