import type { JsonDocument } from '../json-document';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Where backups go: an S3-compatible bucket (and prefix) or a directory on an SSH backup host.
 * The secret is a credential (`credentialId`), sealed like every other; `settings` hold only
 * public facts (endpoint, bucket, address, directory, pinned host key).
 */
@Entity({ name: 'backup_stores' })
export class BackupStoreEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** s3 | ssh. */
  @Column({ type: 'text' })
  kind!: string;

  /** `S3StoreSettings` or `SshStoreSettings` of libs/backups. */
  @Column({ type: 'jsonb' })
  settings!: JsonDocument;

  @Column({ type: 'text', name: 'credential_id' })
  credentialId!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** The last probe: `{ at, ok, latencyMs?, code?, detail? }`. */
  @Column({ type: 'jsonb', name: 'last_check', nullable: true })
  lastCheck!: JsonDocument | null;

  @Column({ type: 'text', name: 'created_by' })
  createdBy!: string;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
