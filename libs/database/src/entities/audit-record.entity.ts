import type { JsonDocument } from '../json-document';
import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

/** Who did what to which target, with what outcome. Written for every mutation. */
@Entity({ name: 'audit_records' })
export class AuditRecordEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber })
  id!: number;

  @Column({ type: 'timestamptz' })
  at!: Date;

  /** Token id, `anonymous`, or `chat:<team>/<user>`. */
  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'text', name: 'actor_name', nullable: true })
  actorName!: string | null;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text', name: 'target_type', nullable: true })
  targetType!: string | null;

  @Column({ type: 'text', name: 'target_id', nullable: true })
  targetId!: string | null;

  /** `succeeded`, `failed` or `denied`. */
  @Column({ type: 'text' })
  outcome!: string;

  @Column({ type: 'integer', name: 'status_code', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'text', name: 'request_id', nullable: true })
  requestId!: string | null;

  @Column({ type: 'jsonb' })
  detail!: JsonDocument;
}
