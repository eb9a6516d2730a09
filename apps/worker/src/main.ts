import 'reflect-metadata';
import { loadConfig } from '@galera-cp/config';
import { runMigrations, startEmbeddedDatabase } from '@galera-cp/database';
import { installProcessSafetyNet, JsonLogger } from '@galera-cp/observability';
import { PlatformModule, productBackends, startWorkerRole } from '@galera-cp/platform';
import { NestFactory } from '@nestjs/core';

/**
 * The worker process (production: run several beside `npm run start:api`). Without DATABASE_URL
 * it joins the embedded PostgreSQL an API process started in the same DATA_DIR.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger(config.logLevel);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir, (message) => logger.log({ msg: message, context: 'database' }));
  const databaseUrl = config.databaseUrl ?? embedded?.url ?? '';
  await runMigrations(databaseUrl);
  const app = await NestFactory.createApplicationContext(PlatformModule.forRoot({ config, databaseUrl, backends: productBackends(), applicationName: 'galera-cp-worker' }), { logger });
  await startWorkerRole(app);
  logger.log({ msg: 'worker ready', concurrency: config.workerConcurrency });

  let stopping = false;
  const stop = async (exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(exitCode || 1), 30_000);
    force.unref();
    await app.close().catch(() => undefined);
    // The last process out stops the embedded PostgreSQL, whichever started it.
    if (embedded) await embedded.stop().catch(() => undefined);
    logger.flush();
    process.exit(exitCode);
  };
  installProcessSafetyNet(logger, (_reason, exitCode) => void stop(exitCode));
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
