import type { JsonDocument } from '../json-document';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A secret (SSH key, password, kubeconfig), encrypted at rest; only metadata ever leaves. */
@Entity({ name: 'credentials' })
export class CredentialEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: string;

  /** AES-256-GCM envelope: version, nonce, tag and ciphertext, bound to the id. */
  @Column({ type: 'text' })
  ciphertext!: string;

  /** Public facts about the secret (e.g. an SSH public key fingerprint); never the secret. */
  @Column({ type: 'jsonb' })
  metadata!: JsonDocument;

  @Column({ type: 'text', name: 'created_by' })
  createdBy!: string;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
