import type { JsonDocument } from '../json-document';
import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

/** Something that happened to a cluster or an operation; the source of SSE streams and webhooks. */
@Entity({ name: 'events' })
export class EventEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber })
  id!: number;

  @Column({ type: 'timestamptz' })
  at!: Date;

  /** Dotted name, e.g. `operation.succeeded`, `cluster.degraded`, `node.down`. */
  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text', name: 'cluster_id', nullable: true })
  clusterId!: string | null;

  @Column({ type: 'text', name: 'operation_id', nullable: true })
  operationId!: string | null;

  @Column({ type: 'jsonb' })
  data!: JsonDocument;
}
