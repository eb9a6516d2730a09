import type { JsonDocument } from '../json-document';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A short-lived code that starts one planned change, for the chat user who asked for the plan. */
@Entity({ name: 'chat_confirmations' })
export class ChatConfirmationEntity {
  @PrimaryColumn({ type: 'text' })
  code!: string;

  /** `chat:<team>/<user>`: only this user can confirm. */
  @Column({ type: 'text', name: 'principal_id' })
  principalId!: string;

  @Column({ type: 'text', name: 'cluster_id' })
  clusterId!: string;

  /** The exact change that was planned. */
  @Column({ type: 'jsonb' })
  change!: JsonDocument;

  /** The cluster generation the plan was made on: a confirm after the spec moved is refused. */
  @Column({ type: 'integer' })
  generation!: number;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', name: 'used_at', nullable: true })
  usedAt!: Date | null;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
