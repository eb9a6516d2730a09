import { DomainError, Principal } from '@galera-cp/core';
import { asRow, CredentialEntity, newId, transactionOrDryRun } from '@galera-cp/database';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { CredentialSecret, inspectSecret } from './credential-kinds';
import { SecretBox } from './secret-box';

export const SECRET_BOX = Symbol('SECRET_BOX');

/**
 * Credentials: secrets are write-only, sealed with the master key and bound to their id; only
 * metadata leaves through the API; only backends get the plaintext, through {@link resolve}.
 */
@Injectable()
export class CredentialsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {}

  private get repository() {
    return this.dataSource.getRepository(CredentialEntity);
  }

  /** Stores a credential; with `dryRun`, checks everything (the secret, the name) and stores nothing. */
  async create(name: string, secret: CredentialSecret, by: Principal, options: { dryRun?: boolean } = {}): Promise<CredentialEntity> {
    const { metadata, errors } = inspectSecret(secret);
    if (errors.length > 0) throw new DomainError('invalid', 'INVALID_CREDENTIAL', errors.map((e) => e.detail).join('; '), { errors });
    const id = newId('credential');
    const entity = this.repository.create({
      id,
      name,
      kind: secret.kind,
      ciphertext: this.box.seal(JSON.stringify(secret), `credential:${id}`),
      metadata,
      createdBy: by.id,
      createdAt: new Date(),
    });
    try {
      await transactionOrDryRun(this.dataSource, options.dryRun ?? false, (manager) => manager.getRepository(CredentialEntity).insert(asRow(entity)));
    } catch (error) {
      if (error instanceof QueryFailedError && (error as unknown as { code?: string }).code === '23505') {
        throw new DomainError('conflict', 'CREDENTIAL_NAME_TAKEN', `A credential named ${name} already exists`);
      }
      throw error;
    }
    return entity;
  }

  async get(id: string): Promise<CredentialEntity> {
    const entity = await this.repository.findOneBy({ id });
    if (!entity) throw new DomainError('not_found', 'CREDENTIAL_NOT_FOUND', `Credential ${id} does not exist`);
    return entity;
  }

  query() {
    return this.repository.createQueryBuilder('c');
  }

  /** Deletes a credential; with `dryRun`, answers whether it could (in use or not) and keeps it. */
  async delete(id: string, options: { dryRun?: boolean } = {}): Promise<void> {
    await this.get(id);
    try {
      await transactionOrDryRun(this.dataSource, options.dryRun ?? false, (manager) => manager.getRepository(CredentialEntity).delete({ id }));
    } catch (error) {
      // ON DELETE RESTRICT on clusters.credential_id (SQLSTATE 23001) or a plain FK violation.
      const constraint = error instanceof QueryFailedError ? (error as unknown as { constraint?: string }).constraint : undefined;
      if (constraint === 'clusters_credential_id_fkey') {
        throw new DomainError('conflict', 'CREDENTIAL_IN_USE', `Credential ${id} is used by a cluster; delete or re-point the cluster first`);
      }
      if (constraint === 'backup_stores_credential_id_fkey') {
        throw new DomainError('conflict', 'CREDENTIAL_IN_USE', `Credential ${id} is used by a backup store; delete the store first`);
      }
      throw error;
    }
  }

  /** The decrypted secret, for a backend. Never returned over the API. */
  async resolve(id: string): Promise<CredentialSecret> {
    const entity = await this.get(id);
    try {
      return JSON.parse(this.box.open(entity.ciphertext, `credential:${id}`)) as CredentialSecret;
    } catch (error) {
      throw new DomainError('internal', 'CREDENTIAL_UNREADABLE', `Credential ${id} cannot be decrypted: ${(error as Error).message}`);
    }
  }
}
