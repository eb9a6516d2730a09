import { Column, Entity, PrimaryColumn } from 'typeorm';

const nullableBigint = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** One event (or ping) to deliver to one webhook, with the state of its attempts. */
@Entity({ name: 'webhook_deliveries' })
export class WebhookDeliveryEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text', name: 'webhook_id' })
  webhookId!: string;

  /** Null for a ping. */
  @Column({ type: 'bigint', name: 'event_id', nullable: true, transformer: nullableBigint })
  eventId!: number | null;

  @Column({ type: 'text', name: 'event_type' })
  eventType!: string;

  /** PENDING, SENDING, SUCCEEDED or FAILED. */
  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'integer', name: 'max_attempts' })
  maxAttempts!: number;

  @Column({ type: 'timestamptz', name: 'next_attempt_at', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'locked_until', nullable: true })
  lockedUntil!: Date | null;

  @Column({ type: 'timestamptz', name: 'last_attempt_at', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ type: 'integer', name: 'last_status_code', nullable: true })
  lastStatusCode!: number | null;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError!: string | null;

  @Column({ type: 'integer', name: 'last_duration_ms', nullable: true })
  lastDurationMs!: number | null;

  @Column({ type: 'timestamptz', name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
