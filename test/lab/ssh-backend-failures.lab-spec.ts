// The SSH backend's refusals on the host lab, through the HTTP API: a wrong credential, a clock
// skew beyond the bound, a changed host key, an unreachable host and a host holding another
// cluster's data each fail the operation with a clear code and a message naming the host, change
// nothing on the hosts, and a retry after fixing the cause finishes. The clusters here log in as
// the lab's non-root sudo user.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LabHost } from './host-lab';
import type { PlainGaleraNode } from './plain-galera';
import { healthOf, labClusterBody, operationLog, plainNodes, shellOn, startSshLab, waitForClusterState, waitForOperationEnd, type OperationBody, type SshLab } from '../support/ssh-lab';

const LAB = 'sshfail';
const CONFIG = '/etc/mysql/mariadb.conf.d/60-galera.cnf';

let ctx: SshLab;
let hosts: LabHost[];
let nodes: PlainGaleraNode[];
let passwordCredential: string;
let clusterId: string;
/** The create that failed on an unreachable host: retried once the host is back. */
let unreachableFailure: OperationBody | undefined;

before(async () => {
  ctx = await startSshLab(LAB, 4);
  hosts = await ctx.lab.hosts();
  nodes = plainNodes(hosts, ctx.credentials);
  const credential = await ctx.app.call('POST', '/v1/credentials', { body: { name: 'sudo-user', kind: 'ssh-password', password: ctx.credentials.sudoPassword } });
  assert.equal(credential.status, 201);
  passwordCredential = credential.body.id;
});

after(async () => {
  await ctx?.close();
  await ctx?.lab.down({ purge: true });
});

/** A 3-member cluster on hosts 1-3 (host 4 in the inventory) logging in as the sudo user. */
function body(credentialId: string) {
  const b = labClusterBody('retry', credentialId, hosts, { replicas: 3 });
  return { ...b, ssh: { ...b.ssh, user: ctx.credentials.sudoUser } };
}

/** Starts an operation and waits for its end. */
async function run(method: string, path: string, payload?: unknown): Promise<OperationBody> {
  const started = await ctx.app.call(method, path, payload === undefined ? {} : { body: payload });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return waitForOperationEnd(ctx.app, started.body.id, 300_000);
}

async function succeeded(op: OperationBody): Promise<OperationBody> {
  if (op.state !== 'SUCCEEDED') assert.fail(`${op.type} ${op.state}: ${JSON.stringify(op.error)}\n${await operationLog(ctx.app, op.id)}`);
  return op;
}

/** The hosts carry nothing of ours: no configuration, no server. */
async function untouched(of: readonly PlainGaleraNode[]): Promise<void> {
  for (const node of of) {
    assert.doesNotMatch(await shellOn(node, `cat ${CONFIG}`), /^wsrep_cluster_name/m, `${node.name}: no Galera configuration was written`);
    assert.equal((await shellOn(node, 'pgrep -x mariadbd || true')).trim(), '', `${node.name}: no server runs`);
  }
}

/** A failed create is deleted (nothing to clean on the hosts), so the name is free for the retry. */
async function deleteFailed(op: OperationBody): Promise<void> {
  const cluster = await ctx.app.call('GET', `/v1/clusters/${op.clusterId}`);
  assert.equal(cluster.body.status.state, 'FAILED');
  assert.equal((await ctx.app.call('GET', `/v1/clusters/${op.clusterId}/nodes`)).body.items.length, 0, 'no member was recorded');
  const deleted = await succeeded(await run('DELETE', `/v1/clusters/${op.clusterId}`));
  assert.deepEqual(
    deleted.steps.map((s: { key: string }) => s.key),
    ['nothing-to-do'],
  );
}

describe('SSH backend refusals on the host lab (through the API)', () => {
  test('a wrong credential fails with SSH_AUTH_FAILED naming the host', async () => {
    const wrong = await ctx.app.call('POST', '/v1/credentials', { body: { name: 'wrong', kind: 'ssh-password', password: 'not-the-password' } });
    const op = await run('POST', '/v1/clusters', body(wrong.body.id));
    console.log(`# wrong credential: ${op.error.code}: ${op.error.detail}`);
    assert.equal(op.state, 'FAILED');
    assert.equal(op.error.code, 'SSH_AUTH_FAILED');
    assert.match(op.error.detail, /^retry-\d: authentication failed: the server refused the credential \(10\.250\.\d+\.1\d:22\)/);
    assert.equal(op.error.step, 'preflight');
    await untouched(nodes.slice(0, 3));
    await deleteFailed(op);
  });

  test('a clock skew beyond the bound fails with CLOCK_SKEW_TOO_LARGE naming the host', async () => {
    await ctx.lab.setClockSkew(2, 5);
    try {
      const op = await run('POST', '/v1/clusters', body(passwordCredential));
      console.log(`# clock skew: ${op.error.code}: ${op.error.detail}`);
      assert.equal(op.state, 'FAILED');
      assert.equal(op.error.code, 'CLOCK_SKEW_TOO_LARGE');
      assert.equal(op.error.node, 'retry-1');
      assert.match(op.error.detail, new RegExp(`^retry-1: ${hosts[1].address.replaceAll('.', '\\.')}: clock ahead by 5\\d\\d\\d ms .*the bound is 1000 ms`));
      await untouched(nodes.slice(0, 3));
      await deleteFailed(op);
    } finally {
      await ctx.lab.setClockSkew(2, 0);
    }
  });

  test('a changed host key fails with HOST_KEY_MISMATCH naming the host, and is audited', async () => {
    await ctx.lab.rotateHostKey(3);
    let op: OperationBody;
    try {
      op = await run('POST', '/v1/clusters', body(passwordCredential));
      console.log(`# changed host key: ${op.error.code}: ${op.error.detail}`);
      assert.equal(op.state, 'FAILED');
      assert.equal(op.error.code, 'HOST_KEY_MISMATCH');
      assert.match(op.error.detail, new RegExp(`^retry-2: host key mismatch: expected ${hosts[2].stableFingerprint.replace(/[+/]/g, '\\$&')}, got ssh-ed25519 SHA256:`));
      const audit = await ctx.app.call('GET', '/v1/audit?action=ssh.host-key-mismatch');
      assert.equal(audit.body.items.length, 1);
      assert.equal(audit.body.items[0].outcome, 'denied');
      assert.equal(audit.body.items[0].detail.expectedFingerprint, hosts[2].stableFingerprint);
    } finally {
      await ctx.lab.restoreHostKey(3);
    }
    await untouched(nodes.slice(0, 3));
    await deleteFailed(op);
  });

  test("an unreachable host fails with SSH_UNREACHABLE after the step's attempts", async () => {
    await ctx.lab.powerOff(3);
    try {
      const op = await run('POST', '/v1/clusters', body(passwordCredential));
      console.log(`# unreachable host: ${op.error.code}: ${op.error.detail}`);
      assert.equal(op.state, 'FAILED');
      assert.equal(op.error.code, 'SSH_UNREACHABLE');
      assert.match(op.error.detail, new RegExp(`^retry-2: cannot connect: ECONNREFUSED \\(${hosts[2].address.replaceAll('.', '\\.')}:22\\)`));
      assert.equal(op.steps[0].attempts, 3, 'retried before giving up');
      await untouched(nodes.slice(0, 2));
      unreachableFailure = op;
    } finally {
      await ctx.lab.boot(3);
    }
  });

  test('the retry, with every cause fixed, finishes: Ready, logged in as a sudo user', async () => {
    // The very operation that failed is retried (POST /v1/operations/{id}/retry): a new operation
    // with the same change, planned afresh from what is on the hosts now.
    assert.ok(unreachableFailure, 'the unreachable-host test left its failed create');
    const op = await succeeded(await run('POST', `/v1/operations/${unreachableFailure.id}/retry`));
    assert.equal(op.clusterId, unreachableFailure.clusterId);
    assert.equal(op.params.retryOf, unreachableFailure.id);
    clusterId = op.clusterId;
    await waitForClusterState(ctx.app, clusterId, 'READY');
    for (const node of nodes.slice(0, 3)) assert.equal((await healthOf(node))?.clusterSize, 3);
    assert.match(await operationLog(ctx.app, op.id), /retry-0\$ setsid -f -w service mariadb bootstrap/, 'the sudo user ran the service commands (sudo in the transport)');
  });

  test('node.add on a host with a changed key fails before touching it; after the key is restored, adding again finishes', async () => {
    await ctx.lab.rotateHostKey(4);
    let failed: OperationBody;
    try {
      failed = await run('POST', `/v1/clusters/${clusterId}/nodes`, { host: { address: hosts[3].address, hostKeyFingerprint: hosts[3].stableFingerprint }, force: true });
    } finally {
      await ctx.lab.restoreHostKey(4);
    }
    assert.equal(failed.state, 'FAILED');
    assert.equal(failed.error.code, 'HOST_KEY_MISMATCH');
    assert.equal(failed.error.node, 'retry-3');
    await untouched(nodes.slice(3));
    assert.equal((await ctx.app.call('GET', `/v1/clusters/${clusterId}/nodes`)).body.items.filter((n: { phase: string }) => n.phase === 'Member').length, 3);

    const added = await succeeded(await run('POST', `/v1/clusters/${clusterId}/nodes`, { force: true }));
    assert.equal(added.result.node, 'retry-3');
    for (const node of nodes) assert.equal((await healthOf(node))?.clusterSize, 4);
    const nodesNow = (await ctx.app.call('GET', `/v1/clusters/${clusterId}/nodes`)).body.items;
    const fourth = nodesNow.find((n: { name: string }) => n.name === 'retry-3');
    const removed = await succeeded(await run('DELETE', `/v1/clusters/${clusterId}/nodes/${fourth.id}`));
    assert.equal(removed.result.node, 'retry-3');
    for (const node of nodes.slice(0, 3)) assert.equal((await healthOf(node))?.clusterSize, 3);
  });

  test("a host holding another cluster's data is refused (HOST_HAS_DATA) and left as it was; a former member of the cluster comes back", async () => {
    // retry-3 was removed above: its datadir keeps the history of cluster 'retry'.
    const history = /^uuid:\s+(\S+)$/m.exec(await shellOn(nodes[3], 'cat /var/lib/mysql/grastate.dat'))?.[1];
    assert.ok(history, 'the removed member kept its grastate.dat');
    const listing = await shellOn(nodes[3], 'ls -1A /var/lib/mysql | sort');
    // The host is still in the live cluster's inventory: creating another cluster on it is a takeover.
    const op = await run('POST', '/v1/clusters', { ...labClusterBody('other', ctx.credentialId, [hosts[3]], { replicas: 1, force: true }), takeover: true });
    console.log(`# data of another cluster: ${op.error?.code}: ${op.error?.detail}`);
    assert.equal(op.state, 'FAILED');
    assert.equal(op.error.code, 'HOST_HAS_DATA');
    assert.equal(op.error.step, 'preflight');
    assert.equal(op.error.node, 'other-0');
    assert.match(
      op.error.detail,
      new RegExp(
        `^other-0: ${hosts[3].address.replace(/\./g, '\\.')}: /var/lib/mysql holds the data of another Galera cluster \\(history ${history}, seqno \\d+\\): bootstrapping would make that data the new cluster's`,
      ),
    );
    assert.equal(await shellOn(nodes[3], 'ls -1A /var/lib/mysql | sort'), listing, 'the datadir is as it was');
    // The removal took our configuration away; the refused create wrote none and started nothing.
    assert.equal((await shellOn(nodes[3], `test -e ${CONFIG} && echo written || echo none`)).trim(), 'none');
    assert.equal((await shellOn(nodes[3], 'pgrep -x mariadbd || true')).trim(), '', 'no server runs');
    await deleteFailed(op);

    // The same host, added back to the cluster whose history it holds, rejoins.
    const added = await succeeded(await run('POST', `/v1/clusters/${clusterId}/nodes`, { force: true }));
    assert.equal(added.result.node, 'retry-3');
    assert.equal((await healthOf(nodes[3]))?.clusterSize, 4);
    const fourth = (await ctx.app.call('GET', `/v1/clusters/${clusterId}/nodes`)).body.items.find((n: { name: string }) => n.name === 'retry-3');
    await succeeded(await run('DELETE', `/v1/clusters/${clusterId}/nodes/${fourth.id}`));
  });

  test('a host unreachable when a restart begins: nothing restarts; after it is back, the restart finishes', async () => {
    const uptime = async (node: PlainGaleraNode) => Number((await shellOn(node, 'mariadb -N -B -e "SHOW GLOBAL STATUS LIKE \'Uptime\'" | cut -f2')).trim());
    await ctx.lab.powerOff(2);
    let failed: OperationBody;
    try {
      await waitForClusterState(ctx.app, clusterId, 'DEGRADED', 30_000);
      const before = await uptime(nodes[0]);
      failed = await run('POST', `/v1/clusters/${clusterId}/restart`, {});
      assert.equal(failed.state, 'FAILED');
      assert.equal(failed.error.code, 'SSH_UNREACHABLE');
      assert.equal(failed.error.step, 'check-hosts');
      assert.ok((await uptime(nodes[0])) >= before, 'retry-0 was not restarted');
    } finally {
      await ctx.lab.boot(2);
    }
    await waitForClusterState(ctx.app, clusterId, 'READY', 120_000);
    const restarted = await succeeded(await run('POST', `/v1/clusters/${clusterId}/restart`, {}));
    assert.deepEqual(restarted.result.restartedNodes, ['retry-0', 'retry-1', 'retry-2']);
  });
});
