// The API's default SST method (mariabackup) on the host lab, through the HTTP API: a create with
// defaults joins its members by rsync (a new cluster holds no data and serves no clients, so the
// donor rsync blocks costs nothing), leaves every member configured and running with mariabackup,
// and a scale-out into the serving cluster joins by mariabackup (the donor keeps serving), with
// the rows written before it on the new member. The joiners' error logs say which SST script ran.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LabHost } from './host-lab';
import type { PlainGaleraNode } from './plain-galera';
import { healthOf, labClusterBody, operationLog, plainNodes, shellOn, sqlOn, startSshLab, waitForClusterState, waitForOperationEnd, type OperationBody, type SshLab } from '../support/ssh-lab';

const LAB = 'sshsst';
const CONFIG = '/etc/mysql/mariadb.conf.d/60-galera.cnf';
const ERROR_LOG = '/var/log/mysql/error.log';
/** The figures for a 3-node create on fresh lab hosts: with mariabackup joins, and the plain-ssh floor (rsync). */
const EARLIER_DEFAULT_CREATE_S = 28.5;
const PLAIN_SSH_FLOOR_S = 15.6;

let ctx: SshLab;
let hosts: LabHost[];
let nodes: PlainGaleraNode[];
let clusterId: string | undefined;

before(async () => {
  ctx = await startSshLab(LAB, 4);
  hosts = await ctx.lab.hosts();
  nodes = plainNodes(hosts, ctx.credentials);
});

after(async () => {
  // Cluster records go before the lab, so no monitor reaches for vanished hosts.
  if (clusterId) {
    const deleting = await ctx.app.call('DELETE', `/v1/clusters/${clusterId}?purge=true`).catch(() => undefined);
    if (deleting?.status === 202) await waitForOperationEnd(ctx.app, deleting.body.id, 120_000).catch(() => undefined);
  }
  await ctx?.close();
  await ctx?.lab.down({ purge: true });
});

async function operate(method: string, path: string, body?: unknown): Promise<OperationBody> {
  const started = await ctx.app.call(method, path, body === undefined ? {} : { body });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const op = await waitForOperationEnd(ctx.app, started.body.id, 600_000);
  if (op.state !== 'SUCCEEDED') assert.fail(`${op.type} ${op.state}: ${JSON.stringify(op.error)}\n${await operationLog(ctx.app, op.id)}`);
  return op;
}

/** The SST scripts a node ran as a joiner, in order, from its error log. */
async function joinerSstScripts(node: PlainGaleraNode): Promise<string[]> {
  const log = await shellOn(node, `cat ${ERROR_LOG} 2>/dev/null || true`);
  return [...log.matchAll(/wsrep_sst_(rsync|mariabackup)\b[^\n]*--role '?joiner/g)].map((m) => m[1]);
}

async function sstMethodOf(node: PlainGaleraNode): Promise<{ file: string | undefined; running: string }> {
  const file = /^wsrep_sst_method = "?([a-z]+)/m.exec(await shellOn(node, `cat ${CONFIG}`))?.[1];
  const rows = await sqlOn(node, 'SELECT @@GLOBAL.wsrep_sst_method;\n');
  return { file, running: rows[0][0] };
}

describe('the default SST method (mariabackup) on the host lab', () => {
  test('create with defaults: the joins take rsync (new, empty cluster), then every member says mariabackup', async () => {
    const body = labClusterBody('sst', ctx.credentialId, hosts, { replicas: 3, galera: { sstMethod: undefined } });
    assert.equal((body.galera as { sstMethod?: string }).sstMethod, undefined, 'the request leaves sstMethod to the API default');
    const dry = await ctx.app.call('POST', '/v1/clusters?dryRun=true', { body });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body.details.sstMethod, 'mariabackup');
    for (const name of ['sst-1', 'sst-2']) {
      assert.deepEqual([dry.body.details.stateTransfer[name].kind, dry.body.details.stateTransfer[name].method], ['SST', 'rsync'], name);
    }

    const started = Date.now();
    const op = await operate('POST', '/v1/clusters', body);
    const seconds = (Date.now() - started) / 1000;
    clusterId = op.clusterId;
    console.log(
      `# create 3 members with the default SST (mariabackup): ${seconds.toFixed(1)} s (earlier ${EARLIER_DEFAULT_CREATE_S} s = ${(EARLIER_DEFAULT_CREATE_S / PLAIN_SSH_FLOOR_S).toFixed(2)}x; now ${(seconds / PLAIN_SSH_FLOOR_S).toFixed(2)}x the plain-ssh floor of ${PLAIN_SSH_FLOOR_S} s)`,
    );
    const cluster = await waitForClusterState(ctx.app, clusterId as string, 'READY');
    assert.equal(cluster.spec.galera.sstMethod, 'mariabackup');

    for (const node of nodes.slice(1, 3)) assert.deepEqual(await joinerSstScripts(node), ['rsync'], `${node.name} joined by rsync`);
    for (const node of nodes.slice(0, 3)) {
      assert.deepEqual(await sstMethodOf(node), { file: 'mariabackup', running: 'mariabackup' }, `${node.name}: configuration and running server say mariabackup`);
    }
  });

  test('scale-out into the serving cluster: the new member joins by mariabackup and has the rows written before', async () => {
    assert.ok(clusterId, 'the create ran');
    await sqlOn(
      nodes[0],
      `CREATE DATABASE IF NOT EXISTS shop;\nCREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(40));\nINSERT INTO shop.orders VALUES (1, 'tea'), (2, 'rice'), (3, 'soap');\n`,
    );

    const dry = await ctx.app.call('POST', `/v1/clusters/${clusterId}/nodes?dryRun=true`, { body: { force: true } });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual([dry.body.details.stateTransfer['sst-3'].kind, dry.body.details.stateTransfer['sst-3'].method], ['SST', 'mariabackup']);

    const started = Date.now();
    await operate('POST', `/v1/clusters/${clusterId}/nodes`, { force: true });
    console.log(`# add a 4th member by mariabackup SST: ${((Date.now() - started) / 1000).toFixed(1)} s`);

    assert.deepEqual(await joinerSstScripts(nodes[3]), ['mariabackup'], 'sst-3 joined by mariabackup');
    assert.deepEqual(await sstMethodOf(nodes[3]), { file: 'mariabackup', running: 'mariabackup' });
    const health = await healthOf(nodes[3]);
    assert.equal(health?.state, 'Synced');
    assert.equal(health?.clusterSize, 4);
    const rows = await sqlOn(nodes[3], 'SELECT id, item FROM shop.orders ORDER BY id;\n');
    assert.deepEqual(rows, [
      ['1', 'tea'],
      ['2', 'rice'],
      ['3', 'soap'],
    ]);
  });
});
