import type { JsonDocument } from '@galera-cp/database';
import { asRow, BackupStoreEntity, newId, queryRows, transactionOrDryRun } from '@galera-cp/database';
import { DomainError, type FieldError, type Principal } from '@galera-cp/core';
import { CredentialsService, type CredentialSecret } from '@galera-cp/secrets';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { BACKUP_STORE_DRIVERS, type BackupStoreDriver, type BackupStoreDrivers, type BackupStoreKind, type BackupStoreTarget, type S3StoreSettings, type SshStoreSettings } from '../store-driver';
import { BackupStoreError } from './store.errors';

/** A new store, as the API takes it. */
export type NewBackupStore = { name: string; description?: string | null; credentialId: string } & ({ kind: 's3'; s3: S3StoreSettings } | { kind: 'ssh'; ssh: SshStoreSettings });

/** The outcome of a probe, as a store records it. */
export interface StoreCheck {
  at: string;
  ok: boolean;
  latencyMs?: number;
  code?: string;
  detail?: string;
}

/** Which credential kinds each store kind logs in with. */
const CREDENTIAL_KINDS_OF: Record<BackupStoreKind, readonly CredentialSecret['kind'][]> = {
  s3: ['s3-access-key'],
  ssh: ['ssh-private-key', 'ssh-password'],
};

/** Longest a probe may take before the store counts as unreachable. */
const PROBE_TIMEOUT_MS = 30_000;

/**
 * Backup stores: each checks itself (a probe object written, read back and deleted) before it is
 * kept, so a store that exists works or says why; its secret is a credential, opened only to
 * hand a driver its secret. An SSH store's host key is pinned at creation (the one its first
 * probe saw, unless the caller gave it).
 */
@Injectable()
export class BackupStoresService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly credentials: CredentialsService,
    @Inject(BACKUP_STORE_DRIVERS) private readonly drivers: BackupStoreDrivers,
  ) {}

  /** Checks and keeps a store; with `dryRun`, checks the same (the probe included) and keeps nothing. */
  async create(input: NewBackupStore, principal: Principal, options: { dryRun?: boolean } = {}): Promise<{ store: BackupStoreEntity; check: StoreCheck }> {
    const secret = await this.secretFor(input.kind, input.credentialId);
    const id = newId('backupStore');
    const settings: S3StoreSettings | SshStoreSettings = input.kind === 's3' ? { ...input.s3, prefix: input.s3.prefix.replace(/^\/+|\/+$/g, '') } : { ...input.ssh };
    // only the store's public facts are kept (a request's trust-on-first-use flag is not one)
    delete (settings as { trustOnFirstUse?: unknown }).trustOnFirstUse;
    const target = { id, kind: input.kind, settings, secret } as BackupStoreTarget;
    const check = await this.probe(target, { throwOnFailure: true });
    if (input.kind === 'ssh' && !(settings as SshStoreSettings).hostKeyFingerprint && check.hostKeyFingerprint) {
      (settings as SshStoreSettings).hostKeyFingerprint = check.hostKeyFingerprint;
    }
    const now = new Date();
    const store = this.dataSource.getRepository(BackupStoreEntity).create({
      id,
      name: input.name,
      kind: input.kind,
      settings: settings as unknown as JsonDocument,
      credentialId: input.credentialId,
      description: input.description ?? null,
      lastCheck: check.record as unknown as JsonDocument,
      createdBy: principal.id,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await transactionOrDryRun(this.dataSource, options.dryRun ?? false, async (manager) => {
        const taken = await queryRows(manager, 'SELECT 1 FROM backup_stores WHERE name = $1', [input.name]);
        if (taken.length > 0) throw nameTaken(input.name);
        await manager.getRepository(BackupStoreEntity).insert(asRow(store));
      });
    } catch (error) {
      if (error instanceof QueryFailedError && (error as unknown as { code?: string }).code === '23505') throw nameTaken(input.name);
      throw error;
    }
    return { store, check: check.record };
  }

  /** The store; with `lock`, its row is locked in `manager`'s transaction (a backup being recorded holds it shared, a delete exclusive). */
  async get(id: string, manager: EntityManager = this.dataSource.manager, lock?: 'share' | 'update'): Promise<BackupStoreEntity> {
    const q = manager.getRepository(BackupStoreEntity).createQueryBuilder('s').where('s.id = :id', { id });
    if (lock) q.setLock(lock === 'share' ? 'pessimistic_read' : 'pessimistic_write');
    const store = await q.getOne();
    if (!store) throw new DomainError('not_found', 'BACKUP_STORE_NOT_FOUND', `Backup store ${id} does not exist`);
    return store;
  }

  query() {
    return this.dataSource.getRepository(BackupStoreEntity).createQueryBuilder('s');
  }

  /** Probes the store again and records the outcome; answers it (a failing store is an answer here, not an error). */
  async check(id: string, options: { dryRun?: boolean } = {}): Promise<{ store: BackupStoreEntity; check: StoreCheck }> {
    const store = await this.get(id);
    const check = await this.probe(await this.targetOf(store), { throwOnFailure: false });
    if (!options.dryRun) {
      await this.dataSource.getRepository(BackupStoreEntity).update({ id }, { lastCheck: check.record as unknown as JsonDocument, updatedAt: new Date() });
      store.lastCheck = check.record as unknown as JsonDocument;
    }
    return { store, check: check.record };
  }

  /** Deletes a store that holds no live backup (RUNNING or COMPLETED); its objects are not touched. With `dryRun`, only checks. */
  async delete(id: string, options: { dryRun?: boolean } = {}): Promise<void> {
    await transactionOrDryRun(this.dataSource, options.dryRun ?? false, async (manager) => {
      await this.get(id, manager, 'update');
      const [{ live }] = await queryRows<{ live: number }>(manager, `SELECT count(*)::int AS live FROM backups WHERE store_id = $1 AND state IN ('RUNNING', 'COMPLETED')`, [id]);
      if (live > 0) throw new DomainError('conflict', 'BACKUP_STORE_IN_USE', `Backup store ${id} holds ${live} live backup(s); delete or expire them first`, { extensions: { liveBackups: live } });
      await manager.getRepository(BackupStoreEntity).delete({ id });
    });
  }

  /** A driver for the store, with its secret (the caller closes it). */
  async open(storeId: string): Promise<BackupStoreDriver> {
    return this.drivers.open(await this.targetOf(await this.get(storeId)));
  }

  private async targetOf(store: BackupStoreEntity): Promise<BackupStoreTarget> {
    const secret = await this.secretFor(store.kind as BackupStoreKind, store.credentialId, '/credentialId');
    return { id: store.id, kind: store.kind, settings: store.settings, secret } as unknown as BackupStoreTarget;
  }

  private async secretFor(kind: BackupStoreKind, credentialId: string, pointer = '/credentialId'): Promise<BackupStoreTarget['secret']> {
    const credential = await this.credentials.get(credentialId).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'CREDENTIAL_NOT_FOUND') throw invalid([{ pointer, detail: `credential ${credentialId} does not exist` }]);
      throw error;
    });
    const kinds = CREDENTIAL_KINDS_OF[kind];
    if (!kinds.includes(credential.kind as CredentialSecret['kind'])) {
      throw invalid([{ pointer, detail: `a ${kind} store logs in with a credential of kind ${kinds.join(' or ')}, not ${credential.kind}` }]);
    }
    return (await this.credentials.resolve(credentialId)) as BackupStoreTarget['secret'];
  }

  private async probe(target: BackupStoreTarget, { throwOnFailure }: { throwOnFailure: boolean }): Promise<{ record: StoreCheck; hostKeyFingerprint?: string }> {
    const driver = this.drivers.open(target);
    const at = new Date().toISOString();
    try {
      const answer = await driver.probe({ signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      return { record: { at, ok: true, latencyMs: answer.latencyMs }, hostKeyFingerprint: answer.hostKeyFingerprint };
    } catch (error) {
      if (throwOnFailure || !(error instanceof BackupStoreError)) throw error;
      return { record: { at, ok: false, code: error.code, detail: error.detail } };
    } finally {
      await driver.close().catch(() => undefined);
    }
  }
}

function invalid(errors: FieldError[]): DomainError {
  return new DomainError('invalid', 'VALIDATION_FAILED', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors });
}

function nameTaken(name: string): DomainError {
  return new DomainError('conflict', 'BACKUP_STORE_NAME_TAKEN', `A backup store named ${name} already exists`);
}
