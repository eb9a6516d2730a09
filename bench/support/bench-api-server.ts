/**
 * The product's HTTP app for benchmarks, in its own process, with the deterministic test
 * backend (benchmarks measure the API and the engine, not a backend). Prints one JSON line
 * `{ url, token }` when listening. The worker runs in this process unless WORKER_IN_PROCESS=false.
 */
import 'reflect-metadata';
import { ApiTokenService } from '@galera-cp/auth';
import { loadConfig } from '@galera-cp/config';
import { runMigrations } from '@galera-cp/database';
import { JsonLogger } from '@galera-cp/observability';
import { startWorkerRole } from '@galera-cp/platform';
import { createApiApp } from '../../apps/api/src/http-app';
import { DeterministicBackend, DeterministicInfrastructure } from '../../test/support/deterministic-backend';

async function main(): Promise<void> {
  const config = loadConfig();
  const databaseUrl = config.databaseUrl ?? '';
  await runMigrations(databaseUrl);
  const backend = new DeterministicBackend(new DeterministicInfrastructure(process.env.GCP_TEST_INFRA_DIR ?? '/tmp/gcp-bench-infra'));
  const app = await createApiApp({ config, databaseUrl, backends: { ssh: backend, kubernetes: backend }, applicationName: 'galera-cp-bench', logger: new JsonLogger(config.logLevel) });
  const { secret } = await app.get(ApiTokenService).issue('bench', 'admin', 'bench');
  if (config.workerInProcess) await startWorkerRole(app);
  await app.listen(config.port, '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${config.port}`, token: secret })}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
