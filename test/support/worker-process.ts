/**
 * A worker process with the deterministic backend, for tests that kill and restart workers.
 * Configuration comes from the environment, as in production.
 */
import 'reflect-metadata';
import { loadConfig } from '@galera-cp/config';
import { PlatformModule, startWorkerRole } from '@galera-cp/platform';
import { NestFactory } from '@nestjs/core';
import { DeterministicBackend, DeterministicInfrastructure } from './deterministic-backend';

async function main(): Promise<void> {
  const config = loadConfig();
  const infrastructure = new DeterministicInfrastructure(process.env.GCP_TEST_INFRA_DIR ?? '');
  const backend = new DeterministicBackend(infrastructure);
  const app = await NestFactory.createApplicationContext(
    PlatformModule.forRoot({ config, databaseUrl: config.databaseUrl ?? '', backends: { ssh: backend, kubernetes: backend }, applicationName: 'galera-cp-test-worker' }),
    { logger: false },
  );
  await startWorkerRole(app);
  process.stdout.write('worker ready\n');
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
