/**
 * galeractl end to end: the real CLI as users run it, built by `npm run build` and started by
 * `npx galeractl` from the repository root (or its bin, apps/cli/bin/galeractl.js, which is what
 * npx starts), in a child process against the product's HTTP app on a real PostgreSQL. Every
 * spawn is bounded in time.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
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
      const child = options.npx
        ? spawn('npx', ['--no-install', 'galeractl', ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] })
        : spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
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
    // Webhooks may target the test's receiver on loopback.
    app = await startTestApp({ env: { OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32' } });
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
    assert.deepEqual(
      nodes.map((n) => n.name),
      ['cli-orders-0', 'cli-orders-1', 'cli-orders-2', 'cli-orders-3', 'cli-orders-4'],
    );
    const listed = await json<{ id: string }[]>(['operations', 'list', '--cluster', 'cli-orders', '--type', 'cluster.scale'], 0, npx);
    assert.deepEqual(
      listed.map((o) => o.id),
      [scaled.id],
    );

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
    assert.deepEqual(
      printed.map((line) => line.replace(/^\S+\s+\S+\s+(\[step \d+\] )?/, '')),
      paged.map((l) => l.message),
    );
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

      const streamed = followed.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: number });
      const paged = await json<{ id: number }[]>(['operations', 'logs', operationId]);
      assert.deepEqual(
        streamed.map((l) => l.id),
        paged.map((l) => l.id),
        'each stored line exactly once, in order',
      );
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

    for (const args of [
      ['clusters', 'scale', 'cli-errors', 'five'],
      ['clusters', 'list', '--bogus'],
      ['clusters', 'frobnicate'],
      ['clusters', 'create'],
      ['clusters', 'create', '-f', join(dir, 'missing.yaml')],
    ]) {
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

  test('the commands the API has beyond the basics: update, reconfigure, nodes, retry, events, webhooks, audit', async () => {
    // A spec file may name its credential; galeractl resolves it before the create.
    const body = sshClusterBody('cli-more', credentialId, 5);
    const spec = specFile('more.yaml', { ...body, replicas: 3, ssh: { credential: 'cli-e2e-key', hosts: body.ssh.hosts } });
    const created = await json(['clusters', 'create', '-f', spec, '--wait', '--timeout', '60s']);
    assert.equal(created.state, 'SUCCEEDED');
    const cluster = await json(['clusters', 'get', 'cli-more']);
    assert.equal(cluster.spec.ssh.credentialId, credentialId);
    const unknownCredential = await galeractl(['clusters', 'create', '-f', specFile('nocred.yaml', { ...sshClusterBody('cli-nocred', 'no-such-key', 3) })]);
    assert.equal(unknownCredential.code, 4);
    assert.match(unknownCredential.stderr, /CREDENTIAL_NOT_FOUND: .*"no-such-key"/);

    // PATCH: labels merge into the current ones; deletion protection refuses a delete, and the hint says how to lift it.
    const updated = await json(['clusters', 'update', 'cli-more', '--label', 'team=payments', '--label', 'tier=gold', '--deletion-protection']);
    assert.deepEqual(updated.labels, { team: 'payments', tier: 'gold' });
    assert.equal(updated.spec.policy.deletionProtection, true);
    assert.deepEqual((await json(['clusters', 'update', 'cli-more', '--remove-label', 'tier'])).labels, { team: 'payments' });
    const protectedDelete = await galeractl(['clusters', 'delete', 'cli-more']);
    assert.equal(protectedDelete.code, 3, protectedDelete.stderr);
    assert.match(protectedDelete.stderr, /DELETION_PROTECTED[^]*hint: turn deletion protection off first: galeractl clusters update <cluster> --no-deletion-protection/);
    assert.equal((await json(['clusters', 'update', 'cli-more', '--no-deletion-protection'])).spec.policy.deletionProtection, false);

    // An even size needs force: the refusal says so once, and the hint names --force.
    const even = await galeractl(['clusters', 'scale', 'cli-more', '4']);
    assert.equal(even.code, 3);
    assert.match(even.stderr, /^galeractl: error: 400 CLUSTER_SIZE_UNSAFE:\n {2}\/replicas: 4 data nodes is unsafe[^\n]+\n {2}hint: add --force /);
    assert.equal(even.stderr.split('is unsafe').length - 1, 1, `the detail once:\n${even.stderr}`);

    // Reconfigure: the plan of a dry run numbers its steps as the text does.
    const plan = await json(['clusters', 'reconfigure', 'cli-more', '--set', 'max_connections=800', '--dry-run']);
    assert.equal(plan.dryRun, true);
    assert.equal(plan.operationType, 'cluster.reconfigure');
    assert.deepEqual(
      plan.steps.map((step: { number: number }) => step.number),
      plan.steps.map((_: unknown, i: number) => i + 1),
    );
    const planText = await galeractl(['clusters', 'reconfigure', 'cli-more', '--set', 'max_connections=800', '--dry-run']);
    assert.match(planText.stdout, /Dry run of cluster\.reconfigure/);

    // Nodes by name: list, get, add and remove (a dry run, then for real).
    const members = await json<{ name: string; id: string }[]>(['nodes', 'list', 'cli-more']);
    assert.deepEqual(
      members.map((n) => n.name),
      ['cli-more-0', 'cli-more-1', 'cli-more-2'],
    );
    assert.equal((await json(['nodes', 'get', 'cli-more', 'cli-more-1'])).id, members[1].id);
    const added = await json(['nodes', 'add', 'cli-more', '--force', '--wait', '--timeout', '60s']);
    assert.deepEqual([added.type, added.state], ['node.add', 'SUCCEEDED']);
    const removalPlan = await json(['nodes', 'remove', 'cli-more', 'cli-more-3', '--dry-run']);
    assert.equal(removalPlan.operationType, 'node.remove');
    const removed = await json(['nodes', 'remove', 'cli-more', 'cli-more-3', '--wait', '--timeout', '60s']);
    assert.deepEqual([removed.type, removed.state], ['node.remove', 'SUCCEEDED']);

    // Retry a failed operation: a new one with the same change.
    app.infrastructure.script('cli-more', { failStep: 'restart:cli-more-1', failCode: 'TEST_FAILURE' });
    const failed = await json(['clusters', 'restart', 'cli-more', '--wait', '--timeout', '60s'], 1);
    assert.equal(failed.error.step, 'restart:cli-more-1');
    const failedStep = failed.steps.find((step: { key: string }) => step.key === failed.error.step);
    const failedText = await galeractl(['operations', 'get', failed.id]);
    assert.match(failedText.stdout, new RegExp(`TEST_FAILURE: .*\\(step ${failedStep.number} \\(restart:cli-more-1\\)\\)`), 'the failed step has the same number in the text as in the JSON');
    app.infrastructure.script('cli-more', {});
    assert.equal((await json(['operations', 'retry', failed.id, '--dry-run'])).dryRun, true);
    const retried = await json(['operations', 'retry', failed.id, '--wait', '--timeout', '60s']);
    assert.notEqual(retried.id, failed.id);
    assert.deepEqual([retried.type, retried.state], ['cluster.restart', 'SUCCEEDED']);

    // Operation tables name the cluster.
    const table = await galeractl(['operations', 'list', '--cluster', 'cli-more']);
    assert.match(table.stdout, new RegExp(`${retried.id} +cluster\\.restart +SUCCEEDED +100% +cli-more `));

    // Events and the audit trail.
    const events = await json<{ type: string; clusterId: string }[]>(['events', 'list', '--cluster', 'cli-more', '--limit', '0']);
    assert.ok(events.length > 0 && events.every((e) => e.clusterId === cluster.id));
    assert.ok(events.some((e) => e.type === 'operation.failed'));
    const audit = await json<{ action: string; targetId: string; detail: { operationId?: string } }[]>(['audit', 'list', '--action', 'operation.retry']);
    assert.ok(
      audit.some((record) => record.targetId === cluster.id && record.detail.operationId === retried.id),
      JSON.stringify(audit),
    );
    assert.match((await galeractl(['audit', 'list', '--action', 'operation.retry'])).stdout, /operation\.retry +cli-more +succeeded +202 /, 'the audit table names the cluster');

    // Webhooks against a receiver on loopback: a dry run creates nothing; create, list, change, test, delete.
    const receiver = createHttpServer((request, response) => request.resume().on('end', () => response.writeHead(204).end()));
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const endpoint = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks/galera`;
    try {
      assert.equal((await json(['webhooks', 'create', '--endpoint', endpoint, '--events', 'operation.', '--dry-run'])).url, endpoint);
      assert.deepEqual(await json(['webhooks', 'list']), [], 'a dry run creates nothing');
      const webhook = await json(['webhooks', 'create', '--endpoint', endpoint, '--events', 'operation.,cluster.ready', '--cluster', 'cli-more']);
      assert.match(webhook.id, /^wh_/);
      assert.equal(typeof webhook.secret, 'string', 'the signing secret is shown once');
      assert.deepEqual([webhook.clusterId, webhook.enabled, webhook.events], [cluster.id, true, ['operation.', 'cluster.ready']]);
      assert.match((await galeractl(['webhooks', 'list'])).stdout, new RegExp(`${webhook.id} +${endpoint.replace(/[.]/g, '\\.')} +operation\\.,cluster\\.ready +cli-more +yes`));
      assert.deepEqual((await json(['webhooks', 'update', webhook.id, '--events', 'cluster.', '--description', 'portal'])).events, ['cluster.']);
      assert.equal((await json(['webhooks', 'get', webhook.id])).description, 'portal');
      const delivery = await json(['webhooks', 'test', webhook.id]);
      assert.equal(delivery.eventType, 'webhook.ping');
      assert.ok((await json<{ id: string }[]>(['webhooks', 'deliveries', webhook.id])).some((d) => d.id === delivery.id));
      assert.equal((await galeractl(['webhooks', 'delete', webhook.id, '--dry-run'])).code, 0);
      assert.equal((await json(['webhooks', 'get', webhook.id])).id, webhook.id, 'a dry run deletes nothing');
      assert.equal((await galeractl(['webhooks', 'delete', webhook.id])).code, 0);
      assert.equal((await galeractl(['webhooks', 'get', webhook.id])).code, 4);
    } finally {
      await new Promise<void>((r) => receiver.close(() => r()));
    }
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
    assert.ok(
      listed.some((t) => t.id === issued.id && t.token === undefined),
      'lists never show a secret',
    );
    assert.equal((await galeractl(['clusters', 'list'], { env: { GALERA_TOKEN: issued.token } })).code, 0);
    assert.equal((await galeractl(['tokens', 'list'], { env: { GALERA_TOKEN: issued.token } })).code, 5, 'a viewer is no admin');
    assert.equal((await json(['tokens', 'revoke', issued.id])).id, issued.id);
    assert.equal((await galeractl(['clusters', 'list'], { env: { GALERA_TOKEN: issued.token } })).code, 5, 'a revoked token stops working');
  });
});
