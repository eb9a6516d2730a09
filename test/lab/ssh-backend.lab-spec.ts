// The SSH backend on the host lab, through the HTTP API: a real 3-node MariaDB Galera cluster is
// created over real SSH, scaled to 5 and back, restarted while a client writes, degraded by a
// power-off, reconfigured, stopped and started, recovered from a full crash, and deleted. The
// lab's plain SSH client reads the hosts back to check what the product did.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LabHost } from './host-lab';
import type { PlainGaleraNode } from './plain-galera';
import {
  healthOf,
  labClusterBody,
  operationLog,
  plainNodes,
  shellOn,
  sqlOn,
  startSshLab,
  waitForClusterState,
  waitForOperationEnd,
  WritingClient,
  type OperationBody,
  type SshLab,
} from '../support/ssh-lab';
import { eventually } from '../support/test-app';

const LAB = 'sshbe';
const CONFIG = '/etc/mysql/mariadb.conf.d/60-galera.cnf';

let ctx: SshLab;
let hosts: LabHost[];
let nodes: PlainGaleraNode[];
let clusterId: string;

before(async () => {
  ctx = await startSshLab(LAB, 5);
  hosts = await ctx.lab.hosts();
  nodes = plainNodes(hosts, ctx.credentials);
});

after(async () => {
  await ctx?.close();
  await ctx?.lab.down({ purge: true });
});

/** Starts an operation through the API and waits for it to succeed (its log in the failure message). */
async function operate(method: string, path: string, body?: unknown, timeoutMs = 300_000): Promise<OperationBody> {
  const started = await ctx.app.call(method, path, body === undefined ? {} : { body });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const op = await waitForOperationEnd(ctx.app, started.body.id, timeoutMs);
  if (op.state !== 'SUCCEEDED') assert.fail(`${op.type} ${op.state}: ${JSON.stringify(op.error)}\n${await operationLog(ctx.app, op.id)}`);
  return op;
}

async function dryRun(method: string, path: string, body?: unknown): Promise<OperationBody> {
  const plan = await ctx.app.call(method, `${path}${path.includes('?') ? '&' : '?'}dryRun=true`, body === undefined ? {} : { body });
  assert.equal(plan.status, 200, JSON.stringify(plan.body));
  return plan.body;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function count(node: PlainGaleraNode, table: string): Promise<number> {
  const rows = await sqlOn(node, `SELECT COUNT(*) FROM ${table};\n`);
  return Number(rows[0][0]);
}

async function clusterSizes(of: readonly PlainGaleraNode[]): Promise<number[]> {
  return Promise.all(
    of.map(async (node) => {
      const health = await healthOf(node);
      assert.ok(health, `${node.name} does not answer`);
      assert.equal(health.state, 'Synced', `${node.name} is ${health.state}`);
      assert.equal(health.clusterStatus, 'Primary');
      return health.clusterSize;
    }),
  );
}

async function incomingAddresses(node: PlainGaleraNode): Promise<string[]> {
  const rows = await sqlOn(node, "SHOW GLOBAL STATUS LIKE 'wsrep_incoming_addresses';\n");
  return rows[0][1]
    .split(',')
    .map((a) => a.replace(/:\d+$/, ''))
    .sort();
}

async function clusterAddressInFile(node: PlainGaleraNode): Promise<string[]> {
  const text = await shellOn(node, `cat ${CONFIG}`);
  const line = /^wsrep_cluster_address = (?:")?gcomm:\/\/([^"\n]*)/m.exec(text);
  assert.ok(line, `${node.name}: no wsrep_cluster_address in ${CONFIG}`);
  return line[1].split(',').sort();
}

async function serverRunning(node: PlainGaleraNode): Promise<boolean> {
  return (await shellOn(node, 'pgrep -x mariadbd || true')).trim() !== '';
}

async function serviceEnabled(node: PlainGaleraNode): Promise<boolean> {
  return /^S\d\dmariadb$/m.test(await shellOn(node, 'ls -1 /etc/rc2.d'));
}

const addressesOf = (of: readonly PlainGaleraNode[]) => of.map((n) => n.address).sort();

describe('SSH backend on the host lab (through the API)', () => {
  test('create: 3 members reach Ready; a row written on node 1 is read on node 3; a key learned on first use is pinned', async () => {
    const body = labClusterBody('orders', ctx.credentialId, hosts, { replicas: 3, trustOnFirstUse: [3] });
    const plan = await dryRun('POST', '/v1/clusters', body);
    assert.equal(plan.details.bootstrapNode, 'orders-0');
    assert.deepEqual(
      plan.steps.map((s: { key: string }) => s.key),
      ['preflight', 'install', 'configure', 'bootstrap:orders-0', 'join:orders-1', 'synced:orders-1', 'join:orders-2', 'synced:orders-2', 'verify'],
    );
    assert.deepEqual(plan.details.donors, { 'orders-1': 'orders-0', 'orders-2': 'orders-0' });
    assert.deepEqual(plan.details.quorum, { before: 0, after: 3, quorumBefore: 0, quorumAfter: 2 });

    const started = Date.now();
    const op = await operate('POST', '/v1/clusters', body);
    console.log(`# create 3 members: ${seconds(Date.now() - started)}`);
    clusterId = op.clusterId;
    assert.equal(op.result.bootstrapNode, 'orders-0');
    assert.deepEqual(
      op.result.members.map((m: { name: string; wsrepState: string }) => `${m.name}:${m.wsrepState}`),
      ['orders-0:Synced', 'orders-1:Synced', 'orders-2:Synced'],
    );
    const cluster = await waitForClusterState(ctx.app, clusterId, 'READY');
    assert.equal(cluster.spec.ssh.hosts[2].hostKeyFingerprint, hosts[2].stableFingerprint, 'the key of host 3 was trusted on first use and pinned');
    const audit = await ctx.app.call('GET', '/v1/audit?action=cluster.host-keys-pinned');
    assert.equal(audit.body.items.length, 1);

    const members = (await ctx.app.call('GET', `/v1/clusters/${clusterId}/nodes`)).body.items;
    assert.deepEqual(
      members.map((n: { name: string; address: string; phase: string }) => `${n.name}@${n.address}:${n.phase}`),
      nodes.slice(0, 3).map((n, i) => `orders-${i}@${n.address}:Member`),
    );

    assert.deepEqual(await clusterSizes(nodes.slice(0, 3)), [3, 3, 3]);
    for (const node of nodes.slice(0, 3)) {
      assert.deepEqual(await clusterAddressInFile(node), addressesOf(nodes.slice(0, 3)));
      assert.match(await shellOn(node, 'cat /etc/default/mariadb'), /^MYSQLD_STARTUP_TIMEOUT=900$/m);
      assert.equal(await serviceEnabled(node), true, `${node.name}: a reboot starts the server`);
    }
    await sqlOn(nodes[0], "CREATE DATABASE lab; CREATE TABLE lab.notes (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(100)); INSERT INTO lab.notes (note) VALUES ('written on node 1');\n");
    assert.deepEqual(await sqlOn(nodes[2], 'SELECT note FROM lab.notes;\n'), [['written on node 1']]);
  });

  test('scale to 5, then back to 3: sizes, incoming addresses and member lists on every node', async () => {
    const plan = await dryRun('POST', `/v1/clusters/${clusterId}/scale`, { replicas: 5 });
    assert.deepEqual(plan.details.quorum, { before: 3, after: 5, quorumBefore: 2, quorumAfter: 3 });
    assert.deepEqual(Object.keys(plan.details.donors), ['orders-3', 'orders-4']);

    // The new members' phases as the API shows them while they join: Pending, Joining, Member.
    const phases = new Map<string, string[]>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const items = (await ctx.app.call('GET', `/v1/clusters/${clusterId}/nodes`)).body.items as { name: string; phase: string }[];
        for (const n of items) {
          const seen = phases.get(n.name) ?? [];
          if (seen[seen.length - 1] !== n.phase) phases.set(n.name, [...seen, n.phase]);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    let started = Date.now();
    const out = await operate('POST', `/v1/clusters/${clusterId}/scale`, { replicas: 5 });
    console.log(`# scale 3 -> 5: ${seconds(Date.now() - started)}`);
    watching = false;
    await watcher;
    assert.deepEqual(phases.get('orders-3'), ['Pending', 'Joining', 'Member']);
    assert.deepEqual(phases.get('orders-0'), ['Member']);
    assert.deepEqual(out.result.addedNodes, ['orders-3', 'orders-4']);
    assert.deepEqual(await clusterSizes(nodes), [5, 5, 5, 5, 5]);
    for (const node of nodes) {
      assert.deepEqual(await incomingAddresses(node), addressesOf(nodes), `${node.name}: wsrep_incoming_addresses`);
      assert.deepEqual(await clusterAddressInFile(node), addressesOf(nodes), `${node.name}: the member list in its file`);
    }

    started = Date.now();
    const back = await operate('POST', `/v1/clusters/${clusterId}/scale`, { replicas: 3 });
    console.log(`# scale 5 -> 3: ${seconds(Date.now() - started)}`);
    assert.deepEqual(back.result.removedNodes.sort(), ['orders-3', 'orders-4']);
    assert.deepEqual(
      back.steps.filter((s: { key: string }) => s.key.startsWith('remove:')).map((s: { key: string }) => s.key),
      ['remove:orders-4', 'remove:orders-3'],
      'the highest ordinals leave first',
    );
    const kept = nodes.slice(0, 3);
    assert.deepEqual(await clusterSizes(kept), [3, 3, 3]);
    for (const node of kept) {
      assert.deepEqual(await incomingAddresses(node), addressesOf(kept));
      assert.deepEqual(await clusterAddressInFile(node), addressesOf(kept));
    }
    for (const node of nodes.slice(3)) {
      assert.equal(await serverRunning(node), false, `${node.name} stopped`);
      assert.equal(await serviceEnabled(node), false, `${node.name} disabled`);
      assert.doesNotMatch(await shellOn(node, `cat ${CONFIG} 2>/dev/null || true`), /wsrep_cluster_name/, `${node.name}: configuration removed`);
    }
    assert.deepEqual((await sqlOn(kept[1], 'SELECT note FROM lab.notes;\n')).flat(), ['written on node 1']);
    await waitForClusterState(ctx.app, clusterId, 'READY');
  });

  test('a rolling restart completes while a client keeps writing; write errors are counted', async () => {
    await sqlOn(nodes[0], 'CREATE TABLE lab.writes (id BIGINT AUTO_INCREMENT PRIMARY KEY, node VARCHAR(64), at DATETIME(6));\n');
    const plan = await dryRun('POST', `/v1/clusters/${clusterId}/restart`, {});
    assert.deepEqual(
      plan.steps.map((s: { key: string }) => s.key),
      ['check-hosts', 'restart:orders-0', 'synced:orders-0', 'restart:orders-1', 'synced:orders-1', 'restart:orders-2', 'synced:orders-2', 'verify'],
    );
    const client = new WritingClient(nodes.slice(0, 3), 'lab.writes');
    client.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const started = Date.now();
    const op = await operate('POST', `/v1/clusters/${clusterId}/restart`, {});
    const took = Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await client.stop();
    console.log(`# rolling restart: ${seconds(took)}; ${client.acknowledged} writes acknowledged, ${client.errors.length} write errors (${client.summary()})`);
    assert.deepEqual(op.result.restartedNodes, ['orders-0', 'orders-1', 'orders-2']);
    assert.ok(client.acknowledged > 50, `the client kept writing (${client.acknowledged} acknowledged)`);
    // Every acknowledged write is on every node.
    for (const node of nodes.slice(0, 3)) {
      await eventually(async () => ((await count(node, 'lab.writes')) === client.acknowledged ? true : undefined), { timeoutMs: 10_000, what: `${node.name} to hold ${client.acknowledged} rows` });
    }
    assert.deepEqual(await clusterSizes(nodes.slice(0, 3)), [3, 3, 3]);
  });

  test('a powered-off host turns the cluster Degraded within 30 s; booting it back returns it to Ready', async () => {
    await waitForClusterState(ctx.app, clusterId, 'READY');
    const off = Date.now();
    await ctx.lab.powerOff(3);
    const degraded = await waitForClusterState(ctx.app, clusterId, 'DEGRADED', 30_000);
    console.log(`# Degraded ${seconds(Date.now() - off)} after the power-off: ${degraded.status.message}`);
    const down = (await ctx.app.call('GET', `/v1/clusters/${clusterId}/nodes`)).body.items.find((n: { name: string }) => n.name === 'orders-2');
    assert.equal(down.wsrepState, 'Unreachable');
    const on = Date.now();
    await ctx.lab.boot(3);
    await waitForClusterState(ctx.app, clusterId, 'READY', 120_000);
    console.log(`# Ready again ${seconds(Date.now() - on)} after the boot (the boot starts the enabled service; IST)`);
    assert.deepEqual(await clusterSizes(nodes.slice(0, 3)), [3, 3, 3]);
  });

  test('reconfigure: a dynamic parameter applies at once on every node, a restart-only one by a rolling restart', async () => {
    const body = { parameters: { max_connections: 321, skip_name_resolve: true } };
    const plan = await dryRun('POST', `/v1/clusters/${clusterId}/reconfigure`, body);
    assert.equal(plan.details.restartRequired, true);
    assert.deepEqual(
      plan.details.changes.map((c: { name: string; apply: string }) => `${c.name}:${c.apply}`),
      ['max_connections:dynamic', 'skip_name_resolve:restart'],
    );
    const op = await operate('POST', `/v1/clusters/${clusterId}/reconfigure`, body);
    assert.deepEqual(op.result.restartedNodes, ['orders-0', 'orders-1', 'orders-2']);
    for (const node of nodes.slice(0, 3)) {
      assert.deepEqual(await sqlOn(node, 'SELECT @@max_connections, @@skip_name_resolve;\n'), [['321', '1']]);
      assert.match(await shellOn(node, `cat ${CONFIG}`), /^max_connections = 321$/m);
    }
    const again = await dryRun('POST', `/v1/clusters/${clusterId}/reconfigure`, { parameters: { max_connections: 321 } });
    assert.deepEqual(again.details.changes, [], 'the files already hold it: nothing to change');
  });

  test('stop leaves a safe bootstrap node; start bootstraps from it', async () => {
    const stop = await operate('POST', `/v1/clusters/${clusterId}/stop`, {});
    assert.equal(stop.result.safeBootstrapNode, 'orders-0');
    assert.deepEqual(stop.result.stoppedNodes, ['orders-2', 'orders-1', 'orders-0']);
    await waitForClusterState(ctx.app, clusterId, 'STOPPED');
    for (const [i, node] of nodes.slice(0, 3).entries()) {
      assert.equal(await serverRunning(node), false);
      assert.equal(await serviceEnabled(node), false, 'a stopped cluster stays stopped across reboots');
      assert.match(await shellOn(node, 'cat /var/lib/mysql/grastate.dat'), new RegExp(`^safe_to_bootstrap: ${i === 0 ? 1 : 0}$`, 'm'));
    }
    const plan = await dryRun('POST', `/v1/clusters/${clusterId}/start`, {});
    assert.equal(plan.details.bootstrapNode, 'orders-0');
    assert.deepEqual(
      plan.details.evidence.map((r: { node: string; safeToBootstrap: boolean; source: string }) => `${r.node}:${r.safeToBootstrap}:${r.source}`),
      ['orders-0:true:grastate.dat', 'orders-1:false:grastate.dat', 'orders-2:false:grastate.dat'],
    );
    const start = await operate('POST', `/v1/clusters/${clusterId}/start`, {});
    assert.equal(start.result.bootstrapNode, 'orders-0');
    assert.deepEqual(start.result.startedNodes, ['orders-0', 'orders-1', 'orders-2']);
    await waitForClusterState(ctx.app, clusterId, 'READY');
    assert.deepEqual(await clusterSizes(nodes.slice(0, 3)), [3, 3, 3]);
    for (const node of nodes.slice(0, 3)) assert.equal(await serviceEnabled(node), true);
  });

  test("full crash: the plan shows every node's evidence and picks the most advanced; after approval every committed row is there", async () => {
    await sqlOn(nodes[0], 'CREATE TABLE lab.crash (id BIGINT AUTO_INCREMENT PRIMARY KEY, phase VARCHAR(20));\n');
    for (let i = 0; i < 20; i++) await sqlOn(nodes[i % 3], "INSERT INTO lab.crash (phase) VALUES ('before');\n");
    // orders-0 crashes first: the other two keep quorum and commit more, so they are more advanced.
    await shellOn(nodes[0], 'killall -q -9 mysqld_safe; killall -q -9 mariadbd; true');
    await eventually(async () => ((await healthOf(nodes[1]))?.clusterSize === 2 ? true : undefined), { timeoutMs: 30_000, what: 'the survivors to see 2 members' });
    for (let i = 0; i < 10; i++) await sqlOn(nodes[1 + (i % 2)], "INSERT INTO lab.crash (phase) VALUES ('after');\n");
    const committed = await count(nodes[1], 'lab.crash');
    assert.equal(committed, 30);
    await Promise.all(nodes.slice(1, 3).map((n) => shellOn(n, 'killall -q -9 mysqld_safe; killall -q -9 mariadbd; true')));
    await waitForClusterState(ctx.app, clusterId, 'DOWN', 30_000);

    const started = Date.now();
    const requested = await ctx.app.call('POST', `/v1/clusters/${clusterId}/recover`, { body: {} });
    assert.equal(requested.status, 202);
    const waiting = await eventually(
      async () => {
        const op = (await ctx.app.call('GET', `/v1/operations/${requested.body.id}`)).body;
        if (op.state === 'FAILED') throw new Error(`recovery failed: ${JSON.stringify(op.error)}`);
        return op.steps[0]?.state === 'WAITING' ? op : undefined;
      },
      { timeoutMs: 60_000, what: 'the recovery plan to wait for approval' },
    );
    const evidence = waiting.plan.details.evidence as { node: string; reachable: boolean; seqno: number; source: string; eligible: boolean }[];
    console.log(`# recovery evidence: ${evidence.map((r) => `${r.node}=${r.seqno} (${r.source})`).join(', ')}; bootstrap ${waiting.plan.details.bootstrapNode}`);
    assert.equal(evidence.length, 3);
    assert.ok(evidence.every((r) => r.reachable && r.eligible && r.source.startsWith('galera_recovery')));
    const [first, second, third] = evidence;
    assert.ok(first.seqno < second.seqno && second.seqno === third.seqno, 'orders-0 is behind the two others');
    assert.equal(waiting.plan.details.bootstrapNode, 'orders-1', 'the most advanced node (ties: the first by name)');
    assert.equal(waiting.approval.state, 'PENDING');
    assert.equal(await serverRunning(nodes[1]), false, 'nothing ran before the approval');

    const approved = await ctx.app.call('POST', `/v1/operations/${requested.body.id}/approve`, { body: {} });
    assert.equal(approved.status, 200);
    const op = await waitForOperationEnd(ctx.app, requested.body.id, 300_000);
    if (op.state !== 'SUCCEEDED') assert.fail(`${op.state}: ${JSON.stringify(op.error)}\n${await operationLog(ctx.app, op.id)}`);
    console.log(`# full-crash recovery (plan, approval, bootstrap, 2 joins): ${seconds(Date.now() - started)}`);
    assert.equal(op.result.bootstrapNode, 'orders-1');
    await waitForClusterState(ctx.app, clusterId, 'READY');
    for (const node of nodes.slice(0, 3)) assert.equal(await count(node, 'lab.crash'), committed, `${node.name} holds every committed row`);
    assert.match(await shellOn(nodes[1], 'cat /var/lib/mysql/grastate.dat'), /^seqno:\s+-1$/m, 'running again');
  });

  test('delete with purge: services stopped and disabled, configuration removed, data directories emptied', async () => {
    const plan = await dryRun('DELETE', `/v1/clusters/${clusterId}?purge=true`);
    assert.deepEqual(
      plan.steps.map((s: { key: string }) => s.key),
      ['check-hosts', 'decommission:orders-2', 'decommission:orders-1', 'decommission:orders-0'],
    );
    const op = await operate('DELETE', `/v1/clusters/${clusterId}?purge=true`);
    assert.equal(op.result.purged, true);
    assert.equal((await ctx.app.call('GET', `/v1/clusters/${clusterId}`)).status, 404);
    for (const node of nodes.slice(0, 3)) {
      assert.equal(await serverRunning(node), false);
      assert.equal(await serviceEnabled(node), false);
      assert.equal((await shellOn(node, `test -e ${CONFIG} && echo present || echo absent`)).trim(), 'absent');
      assert.equal((await shellOn(node, 'ls -A /var/lib/mysql | wc -l')).trim(), '0');
    }
  });
});
