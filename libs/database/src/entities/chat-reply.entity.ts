import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

/** A message to post to a chat response URL when an operation reaches a stage. */
@Entity({ name: 'chat_replies' })
export class ChatReplyEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber })
  id!: number;

  @Column({ type: 'text', name: 'operation_id' })
  operationId!: string;

  /** `approval` (the plan, once it waits for approval) or `outcome` (when it ends). */
  @Column({ type: 'text' })
  stage!: string;

  @Column({ type: 'text', name: 'principal_id' })
  principalId!: string;

  /** The slash command the user typed (e.g. `/galera`). */
  @Column({ type: 'text' })
  command!: string;

  /** The response URL, sealed with the master key (it lets anyone post into the channel). */
  @Column({ type: 'text', name: 'response_url_ciphertext' })
  responseUrlCiphertext!: string;

  /** WAITING, SENT, FAILED or SKIPPED. */
  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'timestamptz', name: 'next_attempt_at' })
  nextAttemptAt!: Date;

  @Column({ type: 'timestamptz', name: 'locked_until', nullable: true })
  lockedUntil!: Date | null;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError!: string | null;

  @Column({ type: 'timestamptz', name: 'sent_at', nullable: true })
  sentAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
