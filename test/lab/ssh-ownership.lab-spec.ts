// Hosts that change hands, and hosts that reboot under an operation, on the host lab through the
// API: a stale cluster record whose hosts were rebuilt for another cluster never reports that
// cluster's members as its own and never stops or purges them; a host that reboots during its
// state transfer is waited for; a retry after a join left a member not running joins it again.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../support/test-app';
import type { LabHost } from './host-lab';
import type { PlainGaleraNode } from './plain-galera';
import { healthOf, labClusterBody, operationLog, plainNodes, shellOn, sqlOn, startSshLab, waitForOperationEnd, type OperationBody, type SshLab } from '../support/ssh-lab';

const LAB = 'own';
const CONFIG = '/etc/mysql/mariadb.conf.d/60-galera.cnf';

let ctx: SshLab;
let hosts: LabHost[];
let nodes: PlainGaleraNode[];
let stale: string;
let fresh: string;

before(async () => {
  // Long enough for a lab reboot; the suites that test a host that stays down set 0.
  ctx = await startSshLab(LAB, 4, { env: { SSH_HOST_WAIT_SECONDS: '60' } });
  hosts = await ctx.lab.hosts();
  nodes = plainNodes(hosts, ctx.credentials);
});

after(async () => {
  // The stale record cannot be deleted (its hosts are another cluster's); the API stops first,
  // so nothing observes the lab while it goes down.
  if (fresh) await run('DELETE', `/v1/clusters/${fresh}?purge=true`).catch(() => undefined);
  await ctx?.close();
  await ctx?.lab.down({ purge: true });
});

async function start(method: string, path: string, payload?: unknown): Promise<OperationBody> {
  const started = await ctx.app.call(method, path, payload === undefined ? {} : { body: payload });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return started.body;
}

async function run(method: string, path: string, payload?: unknown): Promise<OperationBody> {
  return waitForOperationEnd(ctx.app, (await start(method, path, payload)).id, 300_000);
}

async function succeeded(op: OperationBody): Promise<OperationBody> {
  if (op.state !== 'SUCCEEDED') assert.fail(`${op.type} ${op.state}: ${JSON.stringify(op.error)}\n${await operationLog(ctx.app, op.id)}`);
  return op;
}

/** Waits until a step of a running operation runs (bounded). */
async function stepRunning(id: string, key: string): Promise<void> {
  await eventually(
    async () => {
      const op = (await ctx.app.call('GET', `/v1/operations/${id}`)).body;
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(op.state)) throw new Error(`operation ended before ${key} ran: ${op.state} ${JSON.stringify(op.error)}`);
      return op.steps.find((s: { key: string; state: string }) => s.key === key && s.state === 'RUNNING') ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 100, what: `${key} to run` },
  );
}

/** Every log line of an operation, all pages. */
async function allLogs(id: string): Promise<string> {
  const lines: string[] = [];
  let token: string | undefined;
  do {
    const page = (await ctx.app.call('GET', `/v1/operations/${id}/logs?pageSize=1000${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`)).body;
    lines.push(...(page.items as { level: string; message: string }[]).map((l) => `${l.level} ${l.message}`));
    token = page.nextPageToken ?? undefined;
  } while (token);
  return lines.join('\n');
}

async function sizes(of: readonly PlainGaleraNode[]): Promise<(number | undefined)[]> {
  return Promise.all(of.map(async (n) => (await healthOf(n))?.clusterSize));
}

describe('hosts that change hands or reboot (SSH backend, host lab)', () => {
  test('a stale record whose hosts were rebuilt for another cluster: the create needs a takeover, the stale one sees Foreign members and its purge touches nothing', async () => {
    const a = await run('POST', '/v1/clusters', labClusterBody('stale', ctx.credentialId, hosts.slice(0, 3)));
    await succeeded(a);
    stale = a.clusterId;

    // The hosts are rebuilt: same addresses, same host keys, empty disks.
    await ctx.lab.down();
    await ctx.lab.up(4);

    const body = labClusterBody('fresh', ctx.credentialId, hosts, { replicas: 3 });
    const refused = await ctx.app.call('POST', '/v1/clusters', { body });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'HOSTS_HELD_BY_OTHER_CLUSTER');
    assert.deepEqual(refused.body.clusters, [{ clusterId: stale, name: 'stale', addresses: hosts.slice(0, 3).map((h) => h.address) }]);
    const b = await succeeded(await run('POST', '/v1/clusters', { ...body, takeover: true }));
    fresh = b.clusterId;
    await sqlOn(nodes[0], 'CREATE DATABASE keep; CREATE TABLE keep.t (id INT PRIMARY KEY); INSERT INTO keep.t VALUES (1), (2), (3)');

    // The monitor: the stale record's members are Foreign, never healthy; the cluster is not Ready.
    const observed = await eventually(
      async () => {
        const cluster = (await ctx.app.call('GET', `/v1/clusters/${stale}`)).body;
        const members = (await ctx.app.call('GET', `/v1/clusters/${stale}/nodes`)).body.items as { name: string; wsrepState: string; healthy: boolean }[];
        return members.every((m) => m.wsrepState === 'Foreign') ? { cluster, members } : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the stale cluster to see Foreign members' },
    );
    console.log(`# stale record: ${observed.cluster.status.state}: ${observed.cluster.status.message}`);
    assert.ok(observed.members.every((m) => !m.healthy));
    assert.notEqual(observed.cluster.status.state, 'READY');
    const ready = observed.cluster.status.conditions.find((c: { type: string }) => c.type === 'Ready');
    assert.notEqual(ready.status, 'True');
    assert.match(ready.message, /another cluster owns the hosts of stale-0 \(its Galera configuration is for cluster fresh/);

    // Deleting the stale record with purge refuses before anything changes on the hosts.
    const deleted = await run('DELETE', `/v1/clusters/${stale}?purge=true`);
    console.log(`# purge of the stale record: ${deleted.error?.code}: ${deleted.error?.detail}`);
    assert.equal(deleted.state, 'FAILED');
    assert.equal(deleted.error.code, 'HOST_OWNED_BY_OTHER_CLUSTER');
    assert.equal(deleted.error.step, 'check-hosts');
    assert.match(deleted.error.detail, new RegExp(`belongs to another cluster fresh \\(${fresh}\\), not to stale \\(${stale}\\)`));
    assert.doesNotMatch(deleted.error.detail, /mariadb '|--batch/, 'no command line in the message');

    // The other cluster is untouched: running, Synced, its data and configuration in place.
    assert.deepEqual(await sizes(nodes.slice(0, 3)), [3, 3, 3]);
    for (const node of nodes.slice(0, 3)) {
      assert.deepEqual(await sqlOn(node, 'SELECT COUNT(*) FROM keep.t'), [['3']], `${node.name} keeps the data`);
      assert.match(await shellOn(node, `cat ${CONFIG}`), /^wsrep_cluster_name\s*=\s*"?fresh"?$/m);
    }
    assert.equal((await ctx.app.call('GET', `/v1/clusters/${fresh}`)).body.status.state, 'READY');

    // The stale record can still go: forget removes the record only and runs nothing on the hosts.
    const forgotten = await succeeded(await run('DELETE', `/v1/clusters/${stale}?forget=true`));
    assert.deepEqual(forgotten.steps, []);
    assert.deepEqual(forgotten.result, { type: 'cluster.delete', purged: false, forgotten: true });
    assert.equal((await ctx.app.call('GET', `/v1/clusters/${stale}`)).status, 404);
    assert.deepEqual(await sizes(nodes.slice(0, 3)), [3, 3, 3], 'the other cluster runs on, all three members');
  });

  test('a host that reboots during its state transfer (longer than a few seconds) is waited for, and the scale-out finishes', async () => {
    const op = await start('POST', `/v1/clusters/${fresh}/scale`, { replicas: 4, force: true });
    await stepRunning(op.id, 'synced:fresh-3');
    await ctx.lab.powerOff(4);
    await sleep(8_000);
    await ctx.lab.boot(4);
    const done = await waitForOperationEnd(ctx.app, op.id, 300_000);
    const log = await allLogs(op.id);
    await succeeded(done);
    assert.match(log, /fresh-3: 10\.250\.\d+\.\d+ does not answer .*; waiting up to 60 s for it/);
    assert.match(log, /fresh-3: 10\.250\.\d+\.\d+ answers again/);
    assert.deepEqual(await sizes(nodes), [4, 4, 4, 4]);
  });

  test('a retry after a join left the member not running starts and joins it again', async () => {
    const fourth = (await ctx.app.call('GET', `/v1/clusters/${fresh}/nodes`)).body.items.find((n: { name: string }) => n.name === 'fresh-3');
    await succeeded(await run('DELETE', `/v1/clusters/${fresh}/nodes/${fourth.id}`));
    // Without its history and databases the host joins by a full state transfer (long enough to cut short).
    await shellOn(nodes[3], 'rm -rf /var/lib/mysql/keep /var/lib/mysql/grastate.dat /var/lib/mysql/gvwstate.dat');
    const op = await start('POST', `/v1/clusters/${fresh}/scale`, { replicas: 4, force: true });
    await stepRunning(op.id, 'synced:fresh-3');
    // The joiner dies in its state transfer, as in a power-off: its server, mysqld_safe and the
    // transfer go at once (by PID, inside the lab host's own PID namespace), and nothing restarts them.
    await eventually(async () => ((await shellOn(nodes[3], 'pgrep -x rsync || true')).trim() !== '' ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: 'the rsync state transfer to run on fresh-3',
    });
    await shellOn(nodes[3], 'kill -9 $(pgrep -x mysqld_safe) $(pgrep -x mariadbd) $(pgrep -x wsrep_sst_rsync) $(pgrep -x rsync) 2>/dev/null; true');
    const failed = await waitForOperationEnd(ctx.app, op.id, 300_000);
    console.log(`# join cut short: ${failed.error?.code}: ${failed.error?.detail?.split('\n')[0]}`);
    assert.equal(failed.state, 'FAILED');
    // Whatever the interrupted start left behind stops too: the member is not running, as a host
    // that booted without its server.
    await shellOn(nodes[3], 'service mariadb stop >/dev/null 2>&1; true');
    assert.equal((await shellOn(nodes[3], 'pgrep -x mariadbd || true')).trim(), '', 'the member is not running');

    const plan = await ctx.app.call('POST', `/v1/operations/${failed.id}/retry?dryRun=true`);
    assert.equal(plan.status, 200, JSON.stringify(plan.body));
    assert.deepEqual(
      plan.body.steps.map((s: { key: string }) => s.key),
      ['preflight', 'install', 'configure', 'join:fresh-3', 'synced:fresh-3', 'update-members', 'verify'],
    );
    assert.match(plan.body.summary, /^Rejoin fresh-3 \(not running or not Synced\): 4 -> 4 members$/);
    const retried = await succeeded(await run('POST', `/v1/operations/${failed.id}/retry`));
    assert.ok(retried.steps.some((s: { key: string; state: string }) => s.key === 'join:fresh-3' && s.state === 'SUCCEEDED'));
    assert.deepEqual(await sizes(nodes), [4, 4, 4, 4]);
    assert.deepEqual(await sqlOn(nodes[3], 'SELECT COUNT(*) FROM keep.t'), [['3']], 'the rejoined member has the data');
  });
});
