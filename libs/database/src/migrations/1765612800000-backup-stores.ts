import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Backup stores. A store's credential cannot be deleted while the store exists (the credentials
 * service answers CREDENTIAL_IN_USE on this foreign key). Backups name their store by id without
 * a foreign key: a store is refused deletion while it holds live backups (checked under the
 * store's row lock), and expired or failed records keep the id of a store deleted since.
 */
export class BackupStores1765612800000 implements MigrationInterface {
  name = 'BackupStores1765612800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE backup_stores (
        id text PRIMARY KEY,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('s3', 'ssh')),
        settings jsonb NOT NULL,
        credential_id text NOT NULL CONSTRAINT backup_stores_credential_id_fkey REFERENCES credentials(id) ON DELETE RESTRICT,
        description text,
        last_check jsonb,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX ux_backup_stores_name ON backup_stores (name)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS backup_stores`);
  }
}
