import { DataSource, DataSourceOptions, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ApiTokenEntity } from './entities/api-token.entity';
import { AuditRecordEntity } from './entities/audit-record.entity';
import { BackupEntity } from './entities/backup.entity';
import { BackupStoreEntity } from './entities/backup-store.entity';
import { ChatConfirmationEntity } from './entities/chat-confirmation.entity';
import { ChatReplyEntity } from './entities/chat-reply.entity';
import { ClusterEntity } from './entities/cluster.entity';
import { CredentialEntity } from './entities/credential.entity';
import { EventEntity } from './entities/event.entity';
import { IdempotencyKeyEntity } from './entities/idempotency-key.entity';
import { NodeEntity } from './entities/node.entity';
import { OperationLogEntity } from './entities/operation-log.entity';
import { OperationStepEntity } from './entities/operation-step.entity';
import { OperationEntity } from './entities/operation.entity';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity';
import { WebhookEntity } from './entities/webhook.entity';
import { InitialSchema1764057600000 } from './migrations/1764057600000-initial-schema';
import { WebhooksChatops1764662400000 } from './migrations/1764662400000-webhooks-chatops';
import { ReadPathIndexes1765267200000 } from './migrations/1765267200000-read-path-indexes';
import { StepEffect1765353600000 } from './migrations/1765353600000-step-effect';
import { Backups1765526400000 } from './migrations/1765526400000-backups';
import { BackupStores1765612800000 } from './migrations/1765612800000-backup-stores';

/** Every entity of the control plane. */
export const ENTITIES = [
  ClusterEntity,
  NodeEntity,
  OperationEntity,
  OperationStepEntity,
  OperationLogEntity,
  EventEntity,
  CredentialEntity,
  ApiTokenEntity,
  AuditRecordEntity,
  IdempotencyKeyEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
  ChatConfirmationEntity,
  ChatReplyEntity,
  BackupEntity,
  BackupStoreEntity,
];

/** Every migration, in order. Schema changes go through here; `synchronize` is never used. */
export const MIGRATIONS = [InitialSchema1764057600000, WebhooksChatops1764662400000, ReadPathIndexes1765267200000, StepEffect1765353600000, Backups1765526400000, BackupStores1765612800000];

/** TypeORM options for a PostgreSQL URL. */
export function dataSourceOptions(url: string, options: { poolSize?: number; applicationName?: string } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
    extra: { max: options.poolSize ?? 10, application_name: options.applicationName ?? 'galera-cp' },
  };
}

/**
 * Runs pending migrations. Concurrent starts of several processes are serialised by an
 * advisory lock, so only one of them migrates.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(url, { poolSize: 2, applicationName: 'galera-cp-migrate' }));
  await dataSource.initialize();
  try {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock(7301001)');
      const done = await dataSource.runMigrations({ transaction: 'each' });
      return done.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(7301001)').catch(() => undefined);
      await runner.release();
    }
  } finally {
    await dataSource.destroy();
  }
}

/**
 * An entity as an insert/update row. TypeORM's deep-partial typing cannot follow `jsonb`
 * columns typed as open records, so inserts of whole entities go through this one cast.
 */
export function asRow<T>(entity: T): QueryDeepPartialEntity<T> {
  return entity as QueryDeepPartialEntity<T>;
}

/**
 * Runs SQL and returns its rows, whatever the command (TypeORM answers UPDATE/DELETE with
 * `[rows, count]` and other commands with rows; this hides the difference). With a transactional
 * EntityManager it runs in that transaction.
 */
export async function queryRows<T = Record<string, unknown>>(on: DataSource | EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  const owned = on instanceof DataSource ? on.createQueryRunner() : undefined;
  const runner = owned ?? (on as EntityManager).queryRunner;
  if (!runner) return (await (on as EntityManager).query(text, params)) as T[];
  try {
    return (await runner.query(text, params, true)).records as T[];
  } finally {
    if (owned) await owned.release();
  }
}

/**
 * Rows of a plain SQL query as entities, mapped by TypeORM's own column metadata (database
 * names, types, transformers). For hot read paths where the query builder's per-call cost
 * (~0.1 ms of CPU here) matters more than its convenience.
 */
export function hydrate<T extends object>(dataSource: DataSource, entity: new () => T, rows: Record<string, unknown>[]): T[] {
  const metadata = dataSource.getMetadata(entity);
  return rows.map((row) => {
    const instance = new entity();
    for (const column of metadata.columns) {
      let value = row[column.databaseName];
      if (value === undefined) continue;
      const transformer = column.transformer;
      if (transformer && !Array.isArray(transformer)) value = transformer.from(value);
      (instance as Record<string, unknown>)[column.propertyName] = value;
    }
    return instance;
  });
}

/**
 * Runs `work` in a transaction; with `dryRun`, rolls it back at the end and still returns what
 * `work` computed. Every check, constraint and trigger of the real change runs, so a dry run
 * answers exactly what the change would do (or the same error) and leaves nothing behind, not
 * even a NOTIFY (delivered only on commit).
 */
export async function transactionOrDryRun<T>(dataSource: DataSource, dryRun: boolean, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (!dryRun) return dataSource.transaction(work);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    return await work(runner.manager);
  } finally {
    await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  }
}
