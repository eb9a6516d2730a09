/**
 * galeractl end to end: the real CLI as users run it, built by `npm run build` and started by
 * `npx galeractl` from the repository root (or its bin, apps/cli/bin/galeractl.js, which is what
 * npx starts), in a child process against the product's HTTP app on a real PostgreSQL. Every
 * spawn is bounded in time.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { createKeyCredential, sshClusterBody, testPrivateKey } from '../support/fixtures';
import { startTestApp, TestApp, waitForOperation } from '../support/test-app';

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'apps', 'cli', 'bin', 'galeractl.js');
/** What `npm run build` emits for the CLI, which the bin runs when it is not older than the sources. */
const COMPILED = join(ROOT, 'apps', 'cli', 'dist', 'apps', 'cli', 'src', 'main.js');
const SPAWN_TIMEOUT_MS = 60_000;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface CliOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  timeoutMs?: number;
  /** Called with each chunk of stdout as it arrives. */
  onStdout?: (chunk: string) => void;
  /** Start it as `npx galeractl …` from the repository root (default: `node apps/cli/bin/galeractl.js …`, what npx starts). */
  npx?: boolean;
}

describe('galeractl against the running API', () => {
  let app: TestApp;
  let dir: string;
  let credentialId: string;
  let baseEnv: Record<string, string | undefined>;

  /** Runs galeractl with the test's URL and admin token (overridable), killed after SPAWN_TIMEOUT_MS. */
  function galeractl(args: string[], options: CliOptions = {}): Promise<CliResult> {
    return new Promise((resolvePromise, reject) => {
      const env: Record<string, string> = {};
      for (const [key, value] of Object.entries({ ...baseEnv, ...options.env })) if (value !== undefined) env[key] = value;
      const child = options.npx ? spawn('npx', ['--no-install', 'galeractl', ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] }) : spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`galeractl ${args.join(' ')} did not end within ${options.timeoutMs ?? SPAWN_TIMEOUT_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, options.timeoutMs ?? SPAWN_TIMEOUT_MS);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        options.onStdout?.(chunk);
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolvePromise({ code, stdout, stderr });
      });
      child.stdin.end(options.stdin ?? '');
    });
  }

  /** Runs galeractl with --json and answers the one JSON document it printed (asserting the exit code). */
  async function json<T = any>(args: string[], expectedCode = 0, options: CliOptions = {}): Promise<T> {
    const result = await galeractl([...args, '--json'], options);
    assert.equal(result.code, expectedCode, `galeractl ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }

  function specFile(name: string, body: unknown): string {
    const path = join(dir, name);
    writeFileSync(path, stringify(body));
    return path;
  }

  async function createCluster(name: string): Promise<string> {
    const started = await app.call('POST', '/v1/clusters', { body: sshClusterBody(name, credentialId, 3) });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal((await waitForOperation(app, started.body.id)).state, 'SUCCEEDED');
    return started.body.clusterId;
  }

  before(async () => {
    // The build users run: the bin then starts the compiled CLI (no GALERACTL_FROM_SOURCE below).
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: SPAWN_TIMEOUT_MS });
    assert.equal(build.status, 0, `npm run build failed\n${build.stdout}\n${build.stderr}`);
    assert.ok(existsSync(COMPILED), `npm run build emits the CLI at ${COMPILED}`);
    app = await startTestApp();
    dir = mkdtempSync(join(tmpdir(), 'galeractl-e2e-'));
    credentialId = await createKeyCredential(app, 'cli-e2e-key');
    baseEnv = {
      PATH: process.env.PATH,
      HOME: dir,
      GALERA_URL: app.url,
      GALERA_TOKEN: app.adminToken,
      GALERACTL_CONFIG: join(dir, 'no-config.yaml'),
      NO_COLOR: '1',
      // npx: no update check against the registry, no notice on stderr.
      npm_config_update_notifier: 'false',
    };
  });

  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('creates a cluster from a YAML spec, scales it and waits, all parsed from --json', async () => {
    // As users run it: `npx galeractl` from the repository root, on the build.
    const npx: CliOptions = { npx: true };
    const spec = specFile('orders.yaml', { ...sshClusterBody('cli-orders', credentialId, 5), replicas: 3, labels: { team: 'payments' } });

    const plan = await json(['clusters', 'create', '-f', spec, '--dry-run'], 0, npx);
    assert.equal(plan.dryRun, true);
    assert.equal(plan.operationType, 'cluster.create');
    assert.equal(plan.details.bootstrapNode, 'cli-orders-0');
    assert.deepEqual(await json(['clusters', 'list'], 0, npx), [], 'a dry run creates nothing');

    const started = await json(['clusters', 'create', '-f', spec], 0, npx);
    assert.match(started.id, /^op_/);
    assert.equal(started.type, 'cluster.create');
    assert.ok(['PENDING', 'RUNNING'].includes(started.state));

    const created = await json(['operations', 'wait', started.id, '--timeout', '60s'], 0, npx);
    assert.equal(created.state, 'SUCCEEDED');
    assert.equal(created.result.type, 'cluster.create');
    assert.equal(created.result.bootstrapNode, 'cli-orders-0');
    assert.equal(created.result.members.length, 3);

    const scaled = await json(['clusters', 'scale', 'cli-orders', '5', '--wait', '--timeout', '60s'], 0, npx);
    assert.equal(scaled.type, 'cluster.scale');
    assert.equal(scaled.state, 'SUCCEEDED');
    assert.deepEqual([scaled.result.fromReplicas, scaled.result.toReplicas], [3, 5]);
    assert.deepEqual(scaled.result.addedNodes, ['cli-orders-3', 'cli-orders-4']);
    assert.equal((await app.call('GET', `/v1/operations/${scaled.id}`)).body.state, 'SUCCEEDED', 'the API agrees');

    const cluster = await json(['clusters', 'get', 'cli-orders'], 0, npx);
    assert.equal(cluster.spec.replicas, 5);
    assert.equal(cluster.status.state, 'READY');
    assert.deepEqual(cluster.labels, { team: 'payments' });
    assert.equal((await json(['clusters', 'get', cluster.id], 0, npx)).name, 'cli-orders', 'an id works as well as a name');
    const nodes = await json<{ name: string; healthy: boolean }[]>(['clusters', 'nodes', 'cli-orders'], 0, npx);
    assert.deepEqual(nodes.map((n) => n.name), ['cli-orders-0', 'cli-orders-1', 'cli-orders-2', 'cli-orders-3', 'cli-orders-4']);
    const listed = await json<{ id: string }[]>(['operations', 'list', '--cluster', 'cli-orders', '--type', 'cluster.scale'], 0, npx);
    assert.deepEqual(listed.map((o) => o.id), [scaled.id]);

    // The same, for people: a table, and plain progress lines when stdout is not a terminal.
    const table = await galeractl(['clusters', 'list'], npx);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^NAME +ID +BACKEND +STATE +HEALTHY/);
    assert.match(table.stdout, new RegExp(`cli-orders +${cluster.id} +ssh +READY +5/5`));
    const scaledDown = await galeractl(['clusters', 'scale', 'cli-orders', '3', '--wait'], npx);
    assert.equal(scaledDown.code, 0, scaledDown.stderr);
    assert.match(scaledDown.stdout, /\[1\/2\] SUCCEEDED Remove cli-orders-4\n/);
    assert.match(scaledDown.stdout, /✓ cluster\.scale op_\w+ SUCCEEDED in [\d.]+m?s: 5 -> 3 members, removed cli-orders-3, cli-orders-4\n$/);
    assert.ok(!scaledDown.stdout.includes('\x1b'), 'no control codes when stdout is not a terminal');
  });

  test('operations logs --follow prints the log lines of a running operation until it ends', async () => {
    await createCluster('cli-logs');
    // Slow enough that the operation is still running once the CLI has started (about a second).
    app.infrastructure.script('cli-logs', { stepDelayMs: 1500 });
    const started = await app.call('POST', `/v1/clusters/${(await json(['clusters', 'get', 'cli-logs'])).id}/restart`, { body: {} });
    assert.equal(started.status, 202);
    const operationId: string = started.body.id;

    // What the API says about the operation when the first line reaches the terminal.
    let stateAtFirstLine: Promise<string> | undefined;
    const followed = await galeractl(['operations', 'logs', operationId, '--follow'], {
      onStdout: () => {
        stateAtFirstLine ??= app.call('GET', `/v1/operations/${operationId}`).then((answer) => answer.body.state as string);
      },
    });
    assert.equal(followed.code, 0, followed.stderr);
    assert.equal(await stateAtFirstLine, 'RUNNING', 'lines arrive while the operation runs');
    for (const member of ['cli-logs-0', 'cli-logs-1', 'cli-logs-2']) assert.match(followed.stdout, new RegExp(`executing restart:${member} \\(attempt 1\\)`));
    assert.match(followed.stdout, /✓ cluster\.restart op_\w+ SUCCEEDED/);

    // Every stored line, once, in order: the paged endpoint and the followed stream agree.
    const paged = await json<{ id: number; message: string }[]>(['operations', 'logs', operationId]);
    const printed = followed.stdout.split('\n').filter((line) => /^\d{4}-\d\d-\d\dT/.test(line));
    assert.deepEqual(printed.map((line) => line.replace(/^\S+\s+\S+\s+(\[step \d+\] )?/, '')), paged.map((l) => l.message));
  });

  test('logs --follow resumes with Last-Event-ID after the connection drops, losing and repeating nothing', async () => {
    await createCluster('cli-resume');
    app.infrastructure.script('cli-resume', { stepDelayMs: 1500 });
    const appPort = Number(new URL(app.url).port);

    // A TCP proxy that cuts the first event stream as soon as it has carried a log line.
    const eventRequests: string[] = [];
    let cut = false;
    const sockets = new Set<Socket>();
    const proxy: Server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(appPort, '127.0.0.1');
      sockets.add(client).add(upstream);
      let request = '';
      let isEventStream = false;
      let dropping = false;
      client.on('data', (chunk) => {
        request += chunk.toString('latin1');
        const match = /^GET \/v1\/operations\/\S+\/events HTTP[^]*?\r\n\r\n/m.exec(request);
        if (match && !isEventStream) {
          isEventStream = true;
          eventRequests.push(match[0]);
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (dropping) return;
        if (isEventStream && !cut && chunk.toString('utf8').includes('event: log')) {
          // Deliver this chunk, then drop the connection (destroying at once could lose the chunk).
          cut = true;
          dropping = true;
          client.write(chunk, () => {
            client.destroy();
            upstream.destroy();
          });
          return;
        }
        client.write(chunk);
      });
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    try {
      const clusterId = (await json(['clusters', 'get', 'cli-resume'])).id;
      const started = await app.call('POST', `/v1/clusters/${clusterId}/restart`, { body: {} });
      const operationId: string = started.body.id;
      const followed = await galeractl(['operations', 'logs', operationId, '--follow', '--json', '--url', proxyUrl]);
      assert.equal(followed.code, 0, followed.stderr);
      assert.ok(cut, 'the proxy cut the stream');
      assert.match(followed.stderr, /the event stream dropped; resuming after e\d+\.l\d+/);
      assert.ok(eventRequests.length >= 2, 'it reconnected');
      assert.doesNotMatch(eventRequests[0], /last-event-id/i);
      const resumedFrom = /last-event-id: (e\d+\.l\d+)/i.exec(eventRequests[1])?.[1];
      assert.ok(resumedFrom, `the reconnect sends Last-Event-ID:\n${eventRequests[1]}`);

      const streamed = followed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: number });
      const paged = await json<{ id: number }[]>(['operations', 'logs', operationId]);
      assert.deepEqual(streamed.map((l) => l.id), paged.map((l) => l.id), 'each stored line exactly once, in order');
      assert.ok(paged.length >= 6);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  test('a FAILED operation exits 1 with its error; a wait that times out exits 6; cancel --wait exits 1', async () => {
    await createCluster('cli-fail');
    app.infrastructure.script('cli-fail', { failStep: 'restart:cli-fail-0', failCode: 'TEST_FAILURE' });
    const failed = await json(['clusters', 'restart', 'cli-fail', '--wait', '--timeout', '60s'], 1);
    assert.equal(failed.state, 'FAILED');
    assert.equal(failed.error.code, 'TEST_FAILURE');
    const text = await galeractl(['operations', 'wait', failed.id]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /✗ cluster\.restart op_\w+ FAILED after [\d.]+m?s: TEST_FAILURE: scripted failure of restart:cli-fail-0/);

    app.infrastructure.script('cli-fail', { stepDelayMs: 3000 });
    const slow = await json(['clusters', 'restart', 'cli-fail']);
    const timedOut = await galeractl(['operations', 'wait', slow.id, '--timeout', '1s', '--json']);
    assert.equal(timedOut.code, 6);
    assert.equal(timedOut.stdout, '');
    const report = JSON.parse(timedOut.stderr);
    assert.equal(report.code, 'WAIT_TIMEOUT');
    assert.equal(report.operationId, slow.id);

    const cancelled = await json(['operations', 'cancel', slow.id, '--wait', '--timeout', '60s'], 1);
    assert.equal(cancelled.state, 'CANCELLED');
  });

  test('errors give the documented exit codes, with problem details on stderr', async () => {
    await createCluster('cli-errors');

    const badToken = await galeractl(['clusters', 'list', '--json'], { env: { GALERA_TOKEN: 'gcp_not_a_real_token_at_all' } });
    assert.equal(badToken.code, 5);
    assert.equal(badToken.stdout, '');
    assert.equal(JSON.parse(badToken.stderr).status, 401);
    assert.ok(!badToken.stderr.includes('gcp_not_a_real_token_at_all'), 'the token is never printed');

    const viewer = await galeractl(['clusters', 'restart', 'cli-errors'], { env: { GALERA_TOKEN: await app.token('viewer') } });
    assert.equal(viewer.code, 5, viewer.stderr);
    assert.match(viewer.stderr, /^galeractl: error: 403 /);

    const unknownName = await galeractl(['clusters', 'scale', 'no-such-cluster', '5']);
    assert.equal(unknownName.code, 4);
    assert.match(unknownName.stderr, /CLUSTER_NOT_FOUND/);
    const unknownId = await galeractl(['clusters', 'get', 'cl_00000000000000000000000000']);
    assert.equal(unknownId.code, 4);
    assert.match(unknownId.stderr, /404 CLUSTER_NOT_FOUND: .*\n {2}request id: req_/);
    assert.equal((await galeractl(['operations', 'get', 'op_00000000000000000000000000'])).code, 4);

    const invalid = specFile('invalid.yaml', { name: 'Not_A_DNS_Label', backend: 'ssh', bogus: true });
    const refused = await galeractl(['clusters', 'create', '-f', invalid, '--json']);
    assert.equal(refused.code, 3);
    assert.equal(refused.stdout, '');
    const problem = JSON.parse(refused.stderr);
    assert.equal(problem.code, 'VALIDATION_FAILED');
    assert.match(problem.requestId, /^req_/);
    assert.deepEqual(problem.errors.map((e: { pointer: string }) => e.pointer).sort(), ['/bogus', '/name']);
    const refusedText = await galeractl(['clusters', 'create', '-f', invalid]);
    assert.equal(refusedText.code, 3);
    // Each field error once: the API's detail (the fields joined) is not printed beside them.
    assert.match(refusedText.stderr, /^galeractl: error: 400 VALIDATION_FAILED:\n {2}\/bogus: bogus is not a known field\n {2}\/name: name must be a DNS label[^\n]*\n {2}request id: req_\w+\n$/);

    app.infrastructure.script('cli-errors', { stepDelayMs: 3000 });
    const running = await json(['clusters', 'restart', 'cli-errors']);
    const conflict = await galeractl(['clusters', 'stop', 'cli-errors', '--json']);
    assert.equal(conflict.code, 3);
    assert.equal(JSON.parse(conflict.stderr).code, 'OPERATION_IN_PROGRESS');
    assert.equal(JSON.parse(conflict.stderr).activeOperationId, running.id);
    assert.equal((await json(['operations', 'cancel', running.id, '--wait', '--timeout', '60s'], 1)).state, 'CANCELLED');

    for (const args of [['clusters', 'scale', 'cli-errors', 'five'], ['clusters', 'list', '--bogus'], ['clusters', 'frobnicate'], ['clusters', 'create'], ['clusters', 'create', '-f', join(dir, 'missing.yaml')]]) {
      const usage = await galeractl(args);
      assert.equal(usage.code, 2, `${args.join(' ')}: ${usage.stderr}`);
      assert.equal(usage.stdout, '');
      assert.notEqual(usage.stderr, '');
    }

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const unreachable = await galeractl(['clusters', 'list', '--url', `http://127.0.0.1:${port}`]);
    assert.equal(unreachable.code, 6);
    assert.match(unreachable.stderr, /UNREACHABLE: Cannot reach the API at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  test('a profile file written by config set-profile (mode 0600) is used when no flag or environment says otherwise', async () => {
    const config = join(dir, 'profiles', 'config.yaml');
    const env = { GALERACTL_CONFIG: config, GALERA_URL: undefined, GALERA_TOKEN: undefined };
    const saved = await galeractl(['config', 'set-profile', 'e2e', '--url', app.url, '--token-stdin'], { env, stdin: `${app.adminToken}\n` });
    assert.equal(saved.code, 0, saved.stderr);
    assert.equal(statSync(config).mode & 0o777, 0o600);
    assert.match(readFileSync(config, 'utf8'), /currentProfile: e2e/);

    const listed = await galeractl(['clusters', 'list', '--json'], { env });
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(Array.isArray(JSON.parse(listed.stdout)));
    const viewed = await json(['config', 'view'], 0, { env });
    assert.deepEqual(viewed.effective, { url: app.url, profile: 'e2e', tokenSet: true, sources: { url: 'profile', token: 'profile', profile: 'profile' } });

    // The environment beats the file: a wrong token from the environment is used, and refused.
    assert.equal((await galeractl(['clusters', 'list'], { env: { ...env, GALERA_TOKEN: 'gcp_wrong_token_from_env' } })).code, 5);
    for (const output of [saved, listed]) assert.ok(!`${output.stdout}${output.stderr}`.includes(app.adminToken), 'the token is never printed');
  });

  test('credentials: create from a key file, list, get and delete by name', async () => {
    const keyFile = join(dir, 'id_ed25519');
    writeFileSync(keyFile, testPrivateKey(), { mode: 0o600 });
    const created = await json(['credentials', 'create', '--name', 'cli-ops-key', '--kind', 'ssh-private-key', '--private-key-file', keyFile]);
    assert.match(created.id, /^cr_/);
    assert.equal(created.kind, 'ssh-private-key');
    assert.equal('privateKey' in created, false);
    assert.ok((await json<{ name: string }[]>(['credentials', 'list'])).some((c) => c.name === 'cli-ops-key'));
    assert.equal((await json(['credentials', 'get', 'cli-ops-key'])).id, created.id);
    const password = await json(['credentials', 'create', '--name', 'cli-pw', '--kind', 'ssh-password', '--password-stdin'], 0, { stdin: 'hunter2\n' });
    assert.equal(password.kind, 'ssh-password');
    assert.equal((await galeractl(['credentials', 'delete', 'cli-ops-key'])).code, 0);
    assert.equal((await galeractl(['credentials', 'get', 'cli-ops-key'])).code, 4);
  });

  test('tokens (admin): issue one whose secret is shown once, use it, revoke it', async () => {
    const issued = await json(['tokens', 'create', '--name', 'cli-ci', '--role', 'viewer']);
    assert.match(issued.id, /^tk_/);
    assert.equal(issued.role, 'viewer');
    assert.equal(typeof issued.token, 'string');
    const listed = await json<{ id: string; token?: string }[]>(['tokens', 'list']);
    assert.ok(listed.some((t) => t.id === issued.id && t.token === undefined), 'lists never show a secret');
    assert.equal((await galeractl(['clusters', 'list'], { env: { GALERA_TOKEN: issued.token } })).code, 0);
    assert.equal((await galeractl(['tokens', 'list'], { env: { GALERA_TOKEN: issued.token } })).code, 5, 'a viewer is no admin');
    assert.equal((await json(['tokens', 'revoke', issued.id])).id, issued.id);
    assert.equal((await galeractl(['clusters', 'list'], { env: { GALERA_TOKEN: issued.token } })).code, 5, 'a revoked token stops working');
  });
});
