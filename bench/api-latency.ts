/**
 * API latency and memory benchmark, on the product itself (`node dist/apps/api/src/main.js`,
 * worker in the same process, as `npm start` runs it) with PostgreSQL on the same box:
 * one-cluster reads and list reads at a fixed rate with autocannon, then the idle RSS of the
 * api + worker process. Clusters are seeded in SQL (reads need rows, not a backend).
 *
 *   npm run bench:api            (RATE=1000 DURATION=20 CONNECTIONS=20 LOG_LEVEL=info to change)
 *
 * Targets (2 cores): one-cluster read p99 <= 10 ms at 1,000 req/s with no errors;
 * api + worker idle RSS <= 200 MB.
 */
import { newId, runMigrations } from '@galera-cp/database';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { benchEnvironment, freePort } from './support/bench-env';

const RATE = Number(process.env.RATE ?? 1000);
const DURATION = Number(process.env.DURATION ?? 20);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 20);
const ROOT = join(__dirname, '..');

interface Figures {
  label: string;
  cpuMsPerRequest: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  total: number;
}

/** CPU time (user + system) of a process so far, in milliseconds. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function load(label: string, url: string, token: string, pid: number): Promise<Figures> {
  const before = cpuMs(pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, overallRate: RATE, headers: { authorization: `Bearer ${token}` } });
  const cpuMsPerRequest = (cpuMs(pid) - before) / Math.max(1, result.requests.total);
  return { label, cpuMsPerRequest, rps: Math.round(result.requests.average), p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, errors: result.errors + result.timeouts, non2xx: result.non2xx, total: result.requests.total };
}

async function seed(databaseUrl: string, count: number): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  let last = '';
  try {
    for (let i = 0; i < count; i += 1) {
      last = newId('cluster');
      const spec = {
        backend: 'ssh', replicas: 3, engine: { flavor: 'mariadb', version: '10.11' },
        galera: { sstMethod: 'mariabackup', gcacheSize: '512M', bufferPoolSize: '256M', parameters: {} },
        policy: { autoRecovery: false, deletionProtection: false, donorServesTraffic: false },
        ssh: { credentialId: 'cr_seeded', user: 'root', port: 22, trustOnFirstUse: false, hosts: [1, 2, 3].map((h) => ({ address: `10.0.${i}.${h}`, hostKeyFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })) },
      };
      const status = { state: 'READY', conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: '3 of 3 members healthy', lastTransitionTime: new Date().toISOString() }], observedGeneration: 1, size: { desired: 3, observed: 3, healthy: 3 }, activeOperationId: null, lastObservedAt: new Date().toISOString(), message: 'Ready' };
      await client.query(`INSERT INTO clusters (id, name, backend_kind, spec, status, state, generation, labels) VALUES ($1, $2, 'ssh', $3, $4, 'READY', 1, '{}')`, [last, `bench-${i}`, spec, status]);
      for (let n = 0; n < 3; n += 1) {
        await client.query(`INSERT INTO nodes (id, cluster_id, name, ordinal, address, role, phase, wsrep_state, healthy, seqno, observed, last_seen_at) VALUES ($1, $2, $3, $4, $5, 'member', 'Member', 'Synced', true, 42, '{}', now())`, [newId('node'), last, `bench-${i}-${n}`, n, `10.0.${i}.${n + 1}`]);
      }
    }
  } finally {
    await client.end();
  }
  return last;
}

async function main(): Promise<void> {
  const environment = await benchEnvironment();
  const port = await freePort();
  const token = `gcp_bench_${randomBytes(24).toString('base64url')}`;
  await runMigrations(environment.env.DATABASE_URL);
  const clusterId = await seed(environment.env.DATABASE_URL, 25);
  const profile = process.env.CPU_PROFILE_DIR ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.CPU_PROFILE_DIR}`] : [];
  const server = spawn(process.execPath, [...profile, join(ROOT, 'dist/apps/api/src/main.js')], {
    cwd: ROOT,
    env: { ...process.env, ...environment.env, PORT: String(port), HOST: '127.0.0.1', BOOTSTRAP_ADMIN_TOKEN: token, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', MONITOR_INTERVAL_SECONDS: '15' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  server.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the API did not start:\n${output}`)), 60_000);
      const check = () => output.includes('Galera control plane is up') && (clearTimeout(timer), resolve());
      server.stdout?.on('data', check);
      server.on('exit', (code) => reject(new Error(`the API exited (${code}):\n${output}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    await new Promise((r) => setTimeout(r, 10_000));
    const restingRss = rssMiB();
    // Warm up (JIT, connection pool, token cache).
    await autocannon({ url: `${url}/v1/clusters/${clusterId}`, connections: 10, amount: 5000, headers: { authorization: `Bearer ${token}` } });

    const pid = server.pid ?? 0;
    const single = await load('GET /v1/clusters/{id}', `${url}/v1/clusters/${clusterId}`, token, pid);
    const list = await load('GET /v1/clusters?pageSize=20', `${url}/v1/clusters?pageSize=20`, token, pid);
    await new Promise((r) => setTimeout(r, 15_000));
    const rssSoonAfter = rssMiB();
    // V8 gives memory back only when its memory reducer runs, some time after allocation stops.
    await new Promise((r) => setTimeout(r, 45_000));
    const rssSettled = rssMiB();

    const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`\nAPI latency at a fixed ${RATE} req/s for ${DURATION} s each, ${CONNECTIONS} connections; node ${process.version}; the product from dist/ (api + worker in one process), LOG_LEVEL=${process.env.LOG_LEVEL ?? 'warn'}; PostgreSQL on the same box; load average ${loadavg}`);
    console.log('endpoint                          req/s   p50 ms  p90 ms  p99 ms  max ms  errors  non-2xx  requests  server CPU ms/req');
    for (const f of [single, list]) {
      console.log(`${f.label.padEnd(32)} ${String(f.rps).padStart(6)} ${String(f.p50).padStart(8)} ${String(f.p90).padStart(7)} ${String(f.p99).padStart(7)} ${String(f.max).padStart(7)} ${String(f.errors).padStart(7)} ${String(f.non2xx).padStart(8)} ${String(f.total).padStart(9)}  ${f.cpuMsPerRequest.toFixed(3).padStart(8)}`);
    }
    const mb = (mib: number) => `${mib.toFixed(1)} MiB (${(mib * 1.048576).toFixed(1)} MB)`;
    console.log(`\napi + worker process RSS: at rest 10 s after start ${mb(restingRss)}; 15 s after the load ${mb(rssSoonAfter)} (garbage of the load not yet collected); 60 s after the load ${mb(rssSettled)}`);
    const idleRss = Math.max(restingRss, rssSettled);
    console.log(`one-cluster read: p99 ${single.p99} ms at ${single.rps} req/s, ${single.errors + single.non2xx} errors (target p99 <= 10 ms at 1,000 req/s, no errors): ${single.p99 <= 10 && single.errors + single.non2xx === 0 && single.rps >= 990 ? 'met' : 'missed'}`);
    console.log(`idle RSS, the larger of at rest and settled after the load (target <= 200 MB): ${mb(idleRss)}: ${idleRss * 1.048576 <= 200 ? 'met' : 'missed'}`);
  } finally {
    server.kill(profile.length ? 'SIGINT' : 'SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await environment.close();
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
