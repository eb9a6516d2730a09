/**
 * Job pickup latency: from an operation's commit (its row and queue job are written in one
 * transaction by the API process) to the start of its first step in a separate worker process,
 * over 1,000 operations. The API and the worker run as two processes on one PostgreSQL, so the
 * wake-up path measured is the cross-process one (NOTIFY at commit, pg-boss fetch, lease claim).
 *
 *   npm run bench:pickup          (OPERATIONS=1000 CLUSTERS=4 WORKER_CONCURRENCY=8 to change)
 *
 * Operations are one-step stop/start operations of the deterministic test backend (the backend
 * is not what is measured), issued by 4 concurrent clients (one per cluster, each waiting for
 * its operation to end before the next) against a worker with 8 slots: a slot stays busy until
 * its run has fully ended (status observation included) while the client already sees the
 * result, so with as many clients as slots, waiting for a free slot would be counted as pickup.
 * Target: p99 <= 250 ms.
 */
import { utils } from 'ssh2';
import { Client } from 'pg';
import { benchEnvironment, call, freePort, percentile, startBenchProcess } from './support/bench-env';

const OPERATIONS = Number(process.env.OPERATIONS ?? 1000);
const CLUSTERS = Number(process.env.CLUSTERS ?? 4);

async function waitTerminal(url: string, token: string, id: string): Promise<string> {
  for (;;) {
    const op = await call(url, token, 'GET', `/v1/operations/${id}`);
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(op.body.state)) return op.body.state;
    await new Promise((r) => setTimeout(r, 15));
  }
}

async function main(): Promise<void> {
  const environment = await benchEnvironment();
  const port = await freePort();
  const api = await startBenchProcess('bench/support/bench-api-server.ts', { ...environment.env, PORT: String(port), WORKER_IN_PROCESS: 'false' });
  const worker = await startBenchProcess('test/support/worker-process.ts', { ...environment.env, WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? '8' }, /worker ready/);
  try {
    const { url, token } = JSON.parse(api.firstLine) as { url: string; token: string };
    const credential = await call(url, token, 'POST', '/v1/credentials', { name: 'bench-key', kind: 'ssh-private-key', privateKey: utils.generateKeyPairSync('ed25519').private });
    const clusterIds: string[] = [];
    for (let i = 0; i < CLUSTERS; i += 1) {
      const created = await call(url, token, 'POST', '/v1/clusters', {
        name: `pickup-${i}`,
        backend: 'ssh',
        ssh: { credentialId: credential.body.id, hosts: [1, 2, 3].map((h) => ({ address: `10.1.${i}.${h}`, hostKeyFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })) },
      });
      if (created.status !== 202) throw new Error(JSON.stringify(created.body));
      await waitTerminal(url, token, created.body.id);
      clusterIds.push(created.body.clusterId);
    }
    const started = Date.now();
    let issued = 0;
    const operationIds: string[] = [];
    await Promise.all(
      clusterIds.map(async (clusterId) => {
        let stopped = false;
        while (issued < OPERATIONS) {
          issued += 1;
          const answer = await call(url, token, 'POST', `/v1/clusters/${clusterId}/${stopped ? 'start' : 'stop'}`, {});
          if (answer.status !== 202) throw new Error(`${answer.status} ${JSON.stringify(answer.body)}`);
          operationIds.push(answer.body.id);
          const state = await waitTerminal(url, token, answer.body.id);
          if (state !== 'SUCCEEDED') throw new Error(`operation ${answer.body.id} ${state}`);
          stopped = !stopped;
        }
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    const db = new Client({ connectionString: environment.env.DATABASE_URL });
    await db.connect();
    const { rows } = await db.query<{ ms: number }>(
      `SELECT extract(epoch FROM (s.started_at - o.created_at)) * 1000 AS ms
       FROM operations o JOIN operation_steps s ON s.operation_id = o.id AND s.index = 0
       WHERE o.id = ANY($1)`,
      [operationIds],
    );
    await db.end();
    const latencies = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
    console.log(
      `\nJob pickup latency over ${latencies.length} operations (commit in the API process -> first step starts in a separate worker process), ${CLUSTERS} concurrent clients, ${elapsed.toFixed(1)} s in all`,
    );
    console.log(
      `p50 ${percentile(latencies, 50).toFixed(1)} ms   p90 ${percentile(latencies, 90).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms   max ${latencies[latencies.length - 1].toFixed(1)} ms`,
    );
    console.log(`target p99 <= 250 ms: ${percentile(latencies, 99) <= 250 ? 'met' : 'missed'}`);
  } finally {
    await worker.stop();
    await api.stop();
    await environment.close();
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
