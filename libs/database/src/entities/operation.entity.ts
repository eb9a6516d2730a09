import type { JsonDocument, OperationPlanDocument, ProblemDocument } from '../json-document';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A durable, observable, cancellable job (see libs/operations). */
@Entity({ name: 'operations' })
export class OperationEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text', name: 'cluster_id', nullable: true })
  clusterId!: string | null;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'jsonb' })
  params!: JsonDocument;

  /** The plan's summary and details (bootstrap node, donors, quorum, evidence), set when planned. */
  @Column({ type: 'jsonb', nullable: true })
  plan!: OperationPlanDocument | null;

  @Column({ type: 'jsonb', nullable: true })
  result!: JsonDocument | null;

  @Column({ type: 'jsonb', nullable: true })
  error!: ProblemDocument | null;

  @Column({ type: 'integer' })
  progress!: number;

  @Column({ type: 'text', name: 'requested_by' })
  requestedBy!: string;

  @Column({ type: 'text', name: 'request_id', nullable: true })
  requestId!: string | null;

  @Column({ type: 'boolean', name: 'approval_required' })
  approvalRequired!: boolean;

  @Column({ type: 'text', name: 'approved_by', nullable: true })
  approvedBy!: string | null;

  @Column({ type: 'timestamptz', name: 'approved_at', nullable: true })
  approvedAt!: Date | null;

  @Column({ type: 'text', name: 'cancel_requested_by', nullable: true })
  cancelRequestedBy!: string | null;

  @Column({ type: 'text', name: 'lease_owner', nullable: true })
  leaseOwner!: string | null;

  @Column({ type: 'timestamptz', name: 'lease_expires_at', nullable: true })
  leaseExpiresAt!: Date | null;

  /** Fencing token: bumped on every claim; writes of a worker that lost its lease are refused. */
  @Column({ type: 'integer', name: 'lease_epoch' })
  leaseEpoch!: number;

  /** Times a worker claimed this operation (1 on a run without interruption). */
  @Column({ type: 'integer' })
  runs!: number;

  @Column({ type: 'text', name: 'job_id', nullable: true })
  jobId!: string | null;

  /** When a job for it was last put on the queue (the sweeper re-dispatches only stale ones). */
  @Column({ type: 'timestamptz', name: 'dispatched_at', nullable: true })
  dispatchedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
