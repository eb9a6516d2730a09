import type { JsonDocument } from '../json-document';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One Galera member (a host or a pod) of a cluster, as last observed. */
@Entity({ name: 'nodes' })
export class NodeEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text', name: 'cluster_id' })
  clusterId!: string;

  /** Stable name within the cluster (host name or pod name). */
  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'integer' })
  ordinal!: number;

  /** Address the control plane and the other members reach it at. */
  @Column({ type: 'text' })
  address!: string;

  @Column({ type: 'text' })
  role!: string;

  /** Lifecycle of the member as the control plane manages it (Pending, Joining, Member, Removing, ...). */
  @Column({ type: 'text' })
  phase!: string;

  /** Last observed wsrep state comment (Synced, Donor/Desynced, Joining, ...) or Unreachable/Unknown. */
  @Column({ type: 'text', name: 'wsrep_state' })
  wsrepState!: string;

  @Column({ type: 'boolean' })
  healthy!: boolean;

  @Column({ type: 'bigint', nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  seqno!: number | null;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  observed!: JsonDocument;

  @Column({ type: 'timestamptz', name: 'last_seen_at', nullable: true })
  lastSeenAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
