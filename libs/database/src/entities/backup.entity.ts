import type { JsonDocument } from '../json-document';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One physical backup of a cluster: full, or incremental on a parent. Its bytes live in a backup
 * store (`objectKey`), encrypted with a data key of its own that only `wrappedKey` keeps here,
 * sealed by the master key. Never COMPLETED unless every byte is stored and its checksum known.
 */
@Entity({ name: 'backups' })
export class BackupEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text', name: 'cluster_id' })
  clusterId!: string;

  /** The cluster's name when the backup was taken (the cluster record may be deleted since). */
  @Column({ type: 'text', name: 'cluster_name' })
  clusterName!: string;

  /** full | incremental. */
  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text', name: 'parent_id', nullable: true })
  parentId!: string | null;

  /** Ids from the full to this backup, in restore order. */
  @Column({ type: 'jsonb' })
  chain!: string[];

  @Column({ type: 'text', name: 'store_id' })
  storeId!: string;

  /** RUNNING | COMPLETED | FAILED | EXPIRED. */
  @Column({ type: 'text' })
  state!: string;

  /** The member it was taken from, once chosen. */
  @Column({ type: 'text', nullable: true })
  node!: string | null;

  @Column({ type: 'text', name: 'operation_id' })
  operationId!: string;

  @Column({ type: 'boolean' })
  desync!: boolean;

  @Column({ type: 'text', name: 'object_key' })
  objectKey!: string;

  /** The data key, sealed by the master key and bound to the backup's id. */
  @Column({ type: 'text', name: 'wrapped_key' })
  wrappedKey!: string;

  @Column({ type: 'text', nullable: true })
  compression!: string | null;

  /** Bytes as they came off the member (compressed, before encryption). */
  @Column({ type: 'bigint', name: 'raw_bytes', nullable: true })
  rawBytes!: string | null;

  /** Bytes stored (the encrypted envelope). */
  @Column({ type: 'bigint', name: 'stored_bytes', nullable: true })
  storedBytes!: string | null;

  /** SHA-256 (hex) of the stored bytes. */
  @Column({ type: 'text', nullable: true })
  sha256!: string | null;

  /** Facts of the backup tool: Galera position, GTID, LSN range, binlog coordinates, tool. */
  @Column({ type: 'jsonb', nullable: true })
  facts!: JsonDocument | null;

  /** The last verification by restore: null until one ran. */
  @Column({ type: 'jsonb', nullable: true })
  verification!: JsonDocument | null;

  /** Why it failed, as a problem object. */
  @Column({ type: 'jsonb', nullable: true })
  error!: JsonDocument | null;

  /** The schedule that took it, when one did. */
  @Column({ type: 'text', name: 'schedule_id', nullable: true })
  scheduleId!: string | null;

  @Column({ type: 'text', name: 'requested_by' })
  requestedBy!: string;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'expired_at', nullable: true })
  expiredAt!: Date | null;
}
