import type { JsonDocument } from '../json-document';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A Galera cluster: `spec` is written by clients, `status` only by the system. Both are JSON
 * documents here; libs/clusters types them (`ClusterEntity<ClusterSpec, ClusterStatus>`) at
 * its repository, the one place that reads and writes this table.
 */
@Entity({ name: 'clusters' })
export class ClusterEntity<Spec extends object = JsonDocument, Status extends object = JsonDocument> {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', name: 'backend_kind' })
  backendKind!: string;

  /** The credential the backend logs in with (null for in-cluster Kubernetes access or after deletion). */
  @Column({ type: 'text', name: 'credential_id', nullable: true })
  credentialId!: string | null;

  @Column({ type: 'jsonb' })
  spec!: Spec;

  @Column({ type: 'jsonb' })
  status!: Status;

  /** Lifecycle state, duplicated out of status for filtering. */
  @Column({ type: 'text' })
  state!: string;

  /** Bumped on every spec change; the ETag. */
  @Column({ type: 'integer' })
  generation!: number;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  labels!: Record<string, string>;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', name: 'deleted_at', nullable: true })
  deletedAt!: Date | null;
}
