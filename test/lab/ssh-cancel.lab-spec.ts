// Cancel on the SSH backend, on the host lab, through the HTTP API: a scale 3 -> 5 cancelled while
// the fourth member is joining stops at that safe point (the fifth host is never started), the
// cluster is what was reached (4 members, the spec says 4), the fourth member finishes joining on
// its own, and a later scale to 5 adds only the fifth.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LabHost } from './host-lab';
import type { PlainGaleraNode } from './plain-galera';
import { healthOf, labClusterBody, operationLog, plainNodes, shellOn, startSshLab, waitForClusterState, waitForOperationEnd, type SshLab } from '../support/ssh-lab';
import { eventually } from '../support/test-app';

const LAB = 'dryrun';

let ctx: SshLab;
let hosts: LabHost[];
let nodes: PlainGaleraNode[];

before(async () => {
  ctx = await startSshLab(LAB, 5);
  hosts = await ctx.lab.hosts();
  nodes = plainNodes(hosts, ctx.credentials);
});

after(async () => {
  await ctx?.close();
  await ctx?.lab.down({ purge: true });
});

async function serverRunning(node: PlainGaleraNode): Promise<boolean> {
  return (await shellOn(node, 'pgrep -x mariadbd || true')).trim() !== '';
}

async function syncedSizes(of: readonly PlainGaleraNode[]): Promise<number[] | undefined> {
  const health = await Promise.all(of.map((n) => healthOf(n)));
  return health.every((h) => h?.state === 'Synced' && h.clusterStatus === 'Primary') ? health.map((h) => h?.clusterSize ?? 0) : undefined;
}

describe('SSH backend on the host lab: cancel of a scale', () => {
  test('scale 3 -> 5 cancelled while the fourth member joins: 4 members, spec 4, the fifth host untouched; scale 5 then adds it', async () => {
    const created = await ctx.app.call('POST', '/v1/clusters', { body: labClusterBody('ledger', ctx.credentialId, hosts, { replicas: 3 }) });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const create = await waitForOperationEnd(ctx.app, created.body.id);
    assert.equal(create.state, 'SUCCEEDED', await operationLog(ctx.app, create.id));
    const clusterId = created.body.clusterId;
    await waitForClusterState(ctx.app, clusterId, 'READY');

    const scale = await ctx.app.call('POST', `/v1/clusters/${clusterId}/scale`, { body: { replicas: 5 } });
    assert.equal(scale.status, 202, JSON.stringify(scale.body));
    await eventually(
      async () => {
        const op = (await ctx.app.call('GET', `/v1/operations/${scale.body.id}`)).body;
        return op.steps.find((s: { key: string }) => s.key === 'synced:ledger-3')?.state === 'RUNNING' ? true : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 20, what: 'the wait for ledger-3 to be Synced' },
    );
    assert.equal((await ctx.app.call('POST', `/v1/operations/${scale.body.id}/cancel`, { body: {} })).status, 200);
    const done = await waitForOperationEnd(ctx.app, scale.body.id);
    assert.equal(done.state, 'CANCELLED', await operationLog(ctx.app, done.id));
    assert.equal(done.result.summary, '4 of 5 members; cancelled');
    assert.deepEqual(done.result.addedNodes, ['ledger-3']);
    assert.equal(done.steps.find((s: { key: string }) => s.key === 'join:ledger-4').state, 'CANCELLED', 'the fifth member was never started');

    const cluster = (await ctx.app.call('GET', `/v1/clusters/${clusterId}`)).body;
    assert.equal(cluster.spec.replicas, 4, 'the spec is what was reached');
    assert.equal(cluster.status.size.desired, 4);
    // The fourth member was started before the cancel: it finishes its state transfer on its own.
    const sizes = await eventually(() => syncedSizes(nodes.slice(0, 4)), { timeoutMs: 120_000, intervalMs: 500, what: 'four Synced members' });
    assert.deepEqual(sizes, [4, 4, 4, 4]);
    assert.equal(await serverRunning(nodes[4]), false, 'the fifth host runs no server');
    await waitForClusterState(ctx.app, clusterId, 'READY');

    const plan = await ctx.app.call('POST', `/v1/clusters/${clusterId}/scale?dryRun=true`, { body: { replicas: 5 } });
    assert.equal(plan.status, 200, `scale 5 is real work: ${JSON.stringify(plan.body)}`);
    assert.equal(plan.body.details.quorum.before, 4);
    assert.deepEqual(
      plan.body.steps.filter((s: { key: string }) => s.key.startsWith('join:')).map((s: { key: string }) => s.key),
      ['join:ledger-4'],
    );
    const again = await ctx.app.call('POST', `/v1/clusters/${clusterId}/scale`, { body: { replicas: 5 } });
    assert.equal(again.status, 202, JSON.stringify(again.body));
    const grown = await waitForOperationEnd(ctx.app, again.body.id);
    assert.equal(grown.state, 'SUCCEEDED', await operationLog(ctx.app, grown.id));
    assert.deepEqual(await eventually(() => syncedSizes(nodes), { timeoutMs: 60_000, intervalMs: 500, what: 'five Synced members' }), [5, 5, 5, 5, 5]);
  });
});
