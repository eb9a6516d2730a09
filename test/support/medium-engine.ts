import type { ClusterBackends } from '@galera-cp/backends';
import { AppConfig, loadConfig } from '@galera-cp/config';
import type { Principal } from '@galera-cp/core';
import { runMigrations } from '@galera-cp/database';
import { OperationHandlerRegistry, OperationLease, OperationRunner, OperationsService } from '@galera-cp/operations';
import { PlatformModule } from '@galera-cp/platform';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from './database';
import { DeterministicBackend, DeterministicInfrastructure } from './deterministic-backend';

/** The principal medium tests act as. */
export const TEST_OPERATOR: Principal = { id: 'tk_medium', name: 'medium-test', role: 'admin', kind: 'token' };

/**
 * One "process" of the product for the medium tier: the composition root the apps use
 * (PlatformModule), no HTTP and no worker loop, on a real PostgreSQL. Tests drive the engine
 * (OperationRunner.run) and the use cases directly. Two of these on one database are two
 * processes (a crashed worker and the one that resumes).
 */
export interface MediumProcess {
  app: INestApplicationContext;
  config: AppConfig;
  dataSource: DataSource;
  runner: OperationRunner;
  lease: OperationLease;
  operations: OperationsService;
  handlers: OperationHandlerRegistry;
  infrastructure: DeterministicInfrastructure;
  close(): Promise<void>;
}

/** A database of its own (migrated) and the settings every process on it shares. */
export interface MediumWorld {
  database: TestDatabase;
  env: Record<string, string>;
  /** Starts one more process on this database. */
  process(options?: { backends?: ClusterBackends }): Promise<MediumProcess>;
  close(): Promise<void>;
}

/** Settings of the medium tier: short leases, no monitor, 3 attempts a step. */
export const MEDIUM_ENV = {
  OPERATION_LEASE_SECONDS: '3',
  OPERATION_SWEEP_SECONDS: '1',
  MONITOR_INTERVAL_SECONDS: '0',
  STEP_MAX_ATTEMPTS: '3',
  STEP_TIMEOUT_SECONDS: '77',
  LOG_LEVEL: 'error',
};

export async function startMediumWorld(label: string, env: Record<string, string> = {}): Promise<MediumWorld> {
  const database = await createTestDatabase(label);
  const dataDir = mkdtempSync(join(tmpdir(), 'gcp-medium-'));
  const worldEnv: Record<string, string> = {
    ...MEDIUM_ENV,
    DATA_DIR: dataDir,
    MASTER_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: database.url,
    ...env,
  };
  await runMigrations(database.url);
  const processes: MediumProcess[] = [];
  return {
    database,
    env: worldEnv,
    async process(options = {}) {
      const config = loadConfig(worldEnv);
      const infrastructure = new DeterministicInfrastructure(join(dataDir, 'infrastructure'));
      const backend = new DeterministicBackend(infrastructure);
      const app = await NestFactory.createApplicationContext(
        PlatformModule.forRoot({ config, databaseUrl: database.url, backends: options.backends ?? { ssh: backend, kubernetes: backend }, applicationName: 'galera-cp-medium' }),
        { logger: false },
      );
      await app.init();
      const proc: MediumProcess = {
        app,
        config,
        dataSource: app.get<DataSource>(getDataSourceToken()),
        runner: app.get(OperationRunner, { strict: false }),
        lease: app.get(OperationLease, { strict: false }),
        operations: app.get(OperationsService, { strict: false }),
        handlers: app.get(OperationHandlerRegistry, { strict: false }),
        infrastructure,
        close: () => app.close(),
      };
      processes.push(proc);
      return proc;
    },
    async close() {
      for (const proc of processes) await proc.close().catch(() => undefined);
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
