/**
 * The read path against a floor, in one run: the product (`node dist/apps/api/src/main.js`,
 * worker in the same process, as `npm start` runs it) beside a minimal Fastify + pg server
 * (bench/support/floor-server.ts) reading the same rows from the same PostgreSQL. Each figure is
 * measured on the floor, then on the product, and the product is printed as a ratio of the floor:
 * both share the noise of the machine at that moment. Then the idle RSS of the api + worker process.
 *
 *   npm run bench:api     (DURATION=10 RATE=1000 CONNECTIONS=20 BIG_SEED=1 LOG_LEVEL=warn to change)
 *
 * Figures, each on the floor and the product:
 *   - max throughput of GET /v1/clusters/{id} (as fast as CONNECTIONS connections go);
 *   - GET /v1/clusters/{id} and GET /v1/clusters?pageSize=20 at a fixed RATE (25 clusters);
 *   - with BIG_SEED (the default), after seeding 10,000 clusters and 1,000,000 operations with SQL
 *     generate_series: the first list page, and (product only) a deep keyset page and the
 *     operations list, at RATE.
 *
 * Targets (2 cores): max throughput >= 0.6x the floor; one-cluster read p99 <= 10 ms at
 * 1,000 req/s with no errors; list pageSize 20 p99 <= 20 ms at 1,000 req/s, with and without
 * the big seed; api + worker idle RSS <= 200 MB.
 */
import { newId, runMigrations } from '@galera-cp/database';
import { encodePageToken } from '@galera-cp/http';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { benchEnvironment, freePort, startBenchProcess } from './support/bench-env';

const RATE = Number(process.env.RATE ?? 1000);
const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 20);
const BIG_SEED = (process.env.BIG_SEED ?? '1') !== '0';
const BIG_CLUSTERS = 10_000;
const BIG_OPERATIONS = 1_000_000;
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

/** One autocannon run; `rate` undefined means as fast as the connections go. */
async function load(label: string, url: string, token: string, pid: number, rate: number | undefined): Promise<Figures> {
  const before = cpuMs(pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, ...(rate ? { overallRate: rate } : {}), headers: { authorization: `Bearer ${token}` } });
  const cpuMsPerRequest = (cpuMs(pid) - before) / Math.max(1, result.requests.total);
  return {
    label,
    cpuMsPerRequest,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

const SPEC = {
  backend: 'ssh',
  replicas: 3,
  engine: { flavor: 'mariadb', version: '10.11' },
  galera: { sstMethod: 'mariabackup', gcacheSize: '512M', bufferPoolSize: '256M', parameters: {} },
  policy: { autoRecovery: false, deletionProtection: false, donorServesTraffic: false },
  ssh: {
    credentialId: 'cr_seeded',
    user: 'root',
    port: 22,
    trustOnFirstUse: false,
    hosts: [1, 2, 3].map((h) => ({ address: `10.0.0.${h}`, hostKeyFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })),
  },
};
const STATUS = {
  state: 'READY',
  conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: '3 of 3 members healthy', lastTransitionTime: '2026-01-01T00:00:00.000Z' }],
  observedGeneration: 1,
  size: { desired: 3, observed: 3, healthy: 3 },
  activeOperationId: null,
  lastObservedAt: '2026-01-01T00:00:00.000Z',
  message: 'Ready',
};

async function withClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `count` clusters of three nodes each, row by row; answers the last cluster's id. */
async function seed(databaseUrl: string, count: number): Promise<string> {
  return withClient(databaseUrl, async (client) => {
    let last = '';
    for (let i = 0; i < count; i += 1) {
      last = newId('cluster');
      await client.query(`INSERT INTO clusters (id, name, backend_kind, spec, status, state, generation, labels) VALUES ($1, $2, 'ssh', $3, $4, 'READY', 1, '{}')`, [last, `bench-${i}`, SPEC, STATUS]);
      for (let n = 0; n < 3; n += 1) {
        await client.query(
          `INSERT INTO nodes (id, cluster_id, name, ordinal, address, role, phase, wsrep_state, healthy, seqno, observed, last_seen_at) VALUES ($1, $2, $3, $4, $5, 'member', 'Member', 'Synced', true, 42, '{}', now())`,
          [newId('node'), last, `bench-${i}-${n}`, n, `10.0.${i}.${n + 1}`],
        );
      }
    }
    return last;
  });
}

/**
 * 10,000 clusters (three nodes each) and 1,000,000 finished operations, in SQL. The clusters are
 * STOPPED, which the monitor does not watch: it would otherwise try to reach 30,000 made-up hosts
 * every 15 s, and the figures would measure that instead of the reads. Their ids are
 * shaped like real ones (`cl_` + 26 base-32 characters) and sort before the live ones, so the
 * first page of the cluster list is made of seeded rows. Answers the id in the middle of the
 * seeded clusters (a deep keyset page starts there).
 */
async function seedBig(databaseUrl: string): Promise<{ middleClusterId: string; seconds: number }> {
  const started = Date.now();
  return withClient(databaseUrl, async (client) => {
    const id = (prefix: string, expr: string) => `'${prefix}_00' || lpad((${expr})::text, 24, '0')`;
    await client.query(
      `INSERT INTO clusters (id, name, backend_kind, spec, status, state, generation, labels, created_at, updated_at)
      SELECT ${id('cl', 'g')}, 'big-' || g, 'ssh', $1, $2, 'STOPPED', 1, '{}', now(), now() FROM generate_series(1, ${BIG_CLUSTERS}) g`,
      [SPEC, { ...STATUS, state: 'STOPPED', message: 'Stopped' }],
    );
    await client.query(`INSERT INTO nodes (id, cluster_id, name, ordinal, address, role, phase, wsrep_state, healthy, seqno, observed, last_seen_at)
      SELECT ${id('nd', 'g * 3 + n')}, ${id('cl', 'g')}, 'big-' || g || '-' || n, n, '10.1.' || g || '.' || n, 'member', 'Member', 'Synced', true, 42, '{}', now()
      FROM generate_series(1, ${BIG_CLUSTERS}) g, generate_series(0, 2) n`);
    await client.query(`INSERT INTO operations (id, cluster_id, type, state, params, progress, requested_by, created_at, started_at, finished_at, updated_at)
      SELECT ${id('op', 'g')}, ${id('cl', `1 + g % ${BIG_CLUSTERS}`)}, 'cluster.scale', 'SUCCEEDED', '{"replicas":3}', 100, 'tk_bench', now(), now(), now(), now()
      FROM generate_series(1, ${BIG_OPERATIONS}) g`);
    await client.query('ANALYZE');
    const { rows } = await client.query<{ id: string }>(`SELECT ${id('cl', String(BIG_CLUSTERS / 2))} AS id`);
    return { middleClusterId: rows[0].id, seconds: (Date.now() - started) / 1000 };
  });
}

async function startProduct(env: Record<string, string>, port: number, token: string) {
  const profile = process.env.CPU_PROFILE_DIR ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.CPU_PROFILE_DIR}`] : [];
  const server = spawn(process.execPath, [...profile, join(ROOT, 'dist/apps/api/src/main.js')], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', BOOTSTRAP_ADMIN_TOKEN: token, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', MONITOR_INTERVAL_SECONDS: '15' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  server.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API did not start:\n${output}`)), 60_000);
    const check = () => output.includes('Galera control plane is up') && (clearTimeout(timer), resolve());
    server.stdout?.on('data', check);
    server.on('exit', (code) => reject(new Error(`the API exited (${code}):\n${output}`)));
  });
  return {
    server,
    stop: async () => {
      server.kill(profile.length ? 'SIGINT' : 'SIGTERM');
      await new Promise((r) => server.once('exit', r));
    },
  };
}

function row(f: Figures): string {
  return `${f.label.padEnd(46)} ${String(f.rps).padStart(6)} ${String(f.p50).padStart(7)} ${String(f.p90).padStart(7)} ${String(f.p99).padStart(7)} ${String(f.max).padStart(7)} ${String(f.errors).padStart(7)} ${String(f.non2xx).padStart(8)} ${String(f.total).padStart(9)}  ${f.cpuMsPerRequest.toFixed(3).padStart(8)}`;
}

const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');
const verdict = (ok: boolean) => (ok ? 'met' : 'missed');

async function main(): Promise<void> {
  const environment = await benchEnvironment();
  const databaseUrl = environment.env.DATABASE_URL;
  const token = `gcp_bench_${randomBytes(24).toString('base64url')}`;
  await runMigrations(databaseUrl);
  const clusterId = await seed(databaseUrl, 25);
  const floor = await startBenchProcess('bench/support/floor-server.ts', { DATABASE_URL: databaseUrl, PORT: String(await freePort()) });
  const floorUrl = (JSON.parse(floor.firstLine) as { url: string }).url;
  const port = await freePort();
  const product = await startProduct(environment.env, port, token);
  const server = product.server;
  const figures: Array<{ floor?: Figures; product: Figures }> = [];
  try {
    const url = `http://127.0.0.1:${port}`;
    const rssMiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    await new Promise((r) => setTimeout(r, 10_000));
    const restingRss = rssMiB();
    // Warm up both (JIT, connection pools, the product's token cache).
    for (const base of [floorUrl, url]) {
      await autocannon({ url: `${base}/v1/clusters/${clusterId}`, connections: 10, amount: 5000, headers: { authorization: `Bearer ${token}` } });
      await autocannon({ url: `${base}/v1/clusters?pageSize=20`, connections: 10, amount: 2000, headers: { authorization: `Bearer ${token}` } });
    }
    const floorPid = floor.child.pid ?? 0;
    const pid = server.pid ?? 0;
    const pair = async (label: string, path: string, rate: number | undefined) => {
      const f = await load(label, `${floorUrl}${path}`, token, floorPid, rate);
      const p = await load(label, `${url}${path}`, token, pid, rate);
      figures.push({ floor: f, product: p });
      return { floor: f, product: p };
    };
    const max = await pair('GET /v1/clusters/{id}, max', `/v1/clusters/${clusterId}`, undefined);
    const single = await pair(`GET /v1/clusters/{id} at ${RATE}/s`, `/v1/clusters/${clusterId}`, RATE);
    const list = await pair(`GET /v1/clusters?pageSize=20 at ${RATE}/s`, '/v1/clusters?pageSize=20', RATE);
    let big: { floor?: Figures; product: Figures } | undefined;
    let seeded = '';
    if (BIG_SEED) {
      const { middleClusterId, seconds } = await seedBig(databaseUrl);
      seeded = `seeded ${BIG_CLUSTERS} clusters, ${BIG_CLUSTERS * 3} nodes and ${BIG_OPERATIONS} operations in ${seconds.toFixed(1)} s`;
      big = await pair(`same list, 10k clusters + 1M ops`, '/v1/clusters?pageSize=20', RATE);
      const deep = encodePageToken(middleClusterId, 'clusters|||');
      figures.push({ product: await load(`  deep page (keyset, 5,000 rows in)`, `${url}/v1/clusters?pageSize=20&pageToken=${deep}`, token, pid, RATE) });
      figures.push({ product: await load(`GET /v1/operations?pageSize=20 (1M ops)`, `${url}/v1/operations?pageSize=20`, token, pid, RATE) });
    }
    await new Promise((r) => setTimeout(r, 15_000));
    const rssSoonAfter = rssMiB();
    // V8 gives memory back only when its memory reducer runs, some time after allocation stops.
    await new Promise((r) => setTimeout(r, 45_000));
    const rssSettled = rssMiB();

    const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(
      `\nRead path, ${DURATION} s per figure, ${CONNECTIONS} connections; node ${process.version}; the product from dist/ (api + worker in one process, LOG_LEVEL=${process.env.LOG_LEVEL ?? 'warn'}) beside the floor (Fastify + pg, same SQL, no auth or validation); PostgreSQL on the same box; load average ${loadavg}`,
    );
    if (seeded) console.log(seeded);
    console.log(`${'figure'.padEnd(46)}  req/s  p50 ms  p90 ms  p99 ms  max ms  errors  non-2xx  requests  server CPU ms/req`);
    for (const { floor: f, product: p } of figures) {
      if (f) console.log(row({ ...f, label: `floor   ${f.label}` }));
      console.log(row({ ...p, label: `product ${p.label}` }));
    }
    console.log('\nproduct / floor:');
    console.log(
      `  max throughput of GET /v1/clusters/{id}: ${max.product.rps} / ${max.floor?.rps} req/s = ${ratio(max.product.rps, max.floor?.rps ?? 0)} (target >= 0.6x): ${verdict(max.product.rps >= 0.6 * (max.floor?.rps ?? Infinity))}`,
    );
    console.log(
      `  CPU per request at max: ${ratio(max.product.cpuMsPerRequest, max.floor?.cpuMsPerRequest ?? 0)} (${max.product.cpuMsPerRequest.toFixed(3)} vs ${max.floor?.cpuMsPerRequest.toFixed(3)} ms)`,
    );
    console.log(
      `  GET /v1/clusters/{id} at ${RATE}/s: p50 ${single.product.p50} vs ${single.floor?.p50} ms = ${ratio(single.product.p50, single.floor?.p50 ?? 0)}; p99 ${single.product.p99} vs ${single.floor?.p99} ms = ${ratio(single.product.p99, single.floor?.p99 ?? 0)}`,
    );
    console.log(`  list pageSize 20 at ${RATE}/s: p99 ${list.product.p99} vs ${list.floor?.p99} ms = ${ratio(list.product.p99, list.floor?.p99 ?? 0)}`);
    if (big) console.log(`  list with 10k clusters + 1M operations at ${RATE}/s: p99 ${big.product.p99} vs ${big.floor?.p99} ms = ${ratio(big.product.p99, big.floor?.p99 ?? 0)}`);
    const clean = (f: Figures) => f.errors + f.non2xx === 0 && f.rps >= RATE * 0.99;
    console.log('\ntargets:');
    console.log(
      `  one-cluster read p99 <= 10 ms at ${RATE} req/s, no errors: p99 ${single.product.p99} ms at ${single.product.rps} req/s, ${single.product.errors + single.product.non2xx} errors: ${verdict(single.product.p99 <= 10 && clean(single.product))}`,
    );
    console.log(`  list pageSize 20 p99 <= 20 ms at ${RATE} req/s: p99 ${list.product.p99} ms at ${list.product.rps} req/s: ${verdict(list.product.p99 <= 20 && clean(list.product))}`);
    if (big) console.log(`  same with 10k clusters + 1M operations p99 <= 20 ms: p99 ${big.product.p99} ms at ${big.product.rps} req/s: ${verdict(big.product.p99 <= 20 && clean(big.product))}`);
    else console.log('  10k clusters + 1M operations: not measured (BIG_SEED=0)');
    const mb = (mib: number) => `${mib.toFixed(1)} MiB (${(mib * 1.048576).toFixed(1)} MB)`;
    const idleRss = Math.max(restingRss, rssSettled);
    console.log(`  idle RSS of api + worker <= 200 MB (the larger of at rest, 10 s after start, and settled, 60 s after the load): ${mb(idleRss)}: ${verdict(idleRss * 1.048576 <= 200)}`);
    console.log(`  (RSS 15 s after the load, its garbage not yet collected: ${mb(rssSoonAfter)})`);
  } finally {
    await product.stop();
    await floor.stop();
    await environment.close();
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
