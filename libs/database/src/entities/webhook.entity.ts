import { Column, Entity, PrimaryColumn } from 'typeorm';

const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

/** A webhook subscription: where to POST which events, signed with its secret. */
@Entity({ name: 'webhooks' })
export class WebhookEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  url!: string;

  /** Exact event types, prefixes ending in a dot, or `*`. */
  @Column({ type: 'text', array: true, name: 'event_types' })
  eventTypes!: string[];

  @Column({ type: 'text', name: 'cluster_id', nullable: true })
  clusterId!: string | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  /** The signing secret, sealed with the master key and bound to the id; never returned. */
  @Column({ type: 'text', name: 'secret_ciphertext' })
  secretCiphertext!: string;

  /** Events up to this id predate the subscription. */
  @Column({ type: 'bigint', name: 'from_event_id', transformer: bigintAsNumber })
  fromEventId!: number;

  @Column({ type: 'text', name: 'created_by' })
  createdBy!: string;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
