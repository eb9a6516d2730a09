import type { JsonDocument, ProblemDocument } from '../json-document';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One planned step of an operation, with its persisted execution state. */
@Entity({ name: 'operation_steps' })
export class OperationStepEntity {
  @PrimaryColumn({ type: 'text', name: 'operation_id' })
  operationId!: string;

  @PrimaryColumn({ type: 'integer' })
  index!: number;

  /** Unique within the operation, e.g. `join:node-2`. */
  @Column({ type: 'text' })
  key!: string;

  /** The backend verb that executes it, e.g. `ssh.join-node`. */
  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', nullable: true })
  node!: string | null;

  @Column({ type: 'jsonb' })
  params!: JsonDocument;

  /** What the step does to its member's server, as its planner declared it (`restart`, ...); the engine only keeps it. */
  @Column({ type: 'text', nullable: true })
  effect!: string | null;

  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'integer', name: 'max_attempts' })
  maxAttempts!: number;

  @Column({ type: 'integer', name: 'timeout_seconds' })
  timeoutSeconds!: number;

  @Column({ type: 'jsonb', nullable: true })
  output!: JsonDocument | null;

  @Column({ type: 'jsonb', nullable: true })
  error!: ProblemDocument | null;

  @Column({ type: 'timestamptz', name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt!: Date | null;
}
