import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assessClusterCondition, type ObservedMember } from './cluster-condition';
import { parseWsrepStatus } from './node-health';

const HISTORY = '8bbc6b49-bd6e-11ee-9a4f-5e8b6a1f2c31';

function node(name: string, overrides: Record<string, string> = {}): ObservedMember {
  return {
    name,
    reachable: true,
    status: parseWsrepStatus({
      wsrep_cluster_status: 'Primary',
      wsrep_cluster_size: '3',
      wsrep_cluster_state_uuid: HISTORY,
      wsrep_ready: 'ON',
      wsrep_connected: 'ON',
      wsrep_local_state_comment: 'Synced',
      ...overrides,
    }),
  };
}

describe('assessClusterCondition', () => {
  test('hosts another cluster owns are foreign: never healthy, never Ready, their Primary not counted', () => {
    // The hosts were rebuilt and another cluster runs on them, healthy and of the right size.
    const all = assessClusterCondition({ desiredSize: 3, members: ['db-1', 'db-2', 'db-3'].map((n) => ({ ...node(n), foreign: 'its running server is a member of cluster billing' })) });
    assert.equal(all.status, 'Unknown');
    assert.equal(all.code, 'CLUSTER_HOSTS_FOREIGN');
    assert.match(all.message, /another cluster owns the hosts of db-1 \(its running server is a member of cluster billing\)/);
    assert.deepEqual(
      all.members.map((m) => [m.code, m.healthy]),
      [
        ['NODE_FOREIGN', false],
        ['NODE_FOREIGN', false],
        ['NODE_FOREIGN', false],
      ],
    );
    assert.equal(all.counts.primary, 0);

    const one = assessClusterCondition({ desiredSize: 3, members: [node('db-1'), node('db-2'), { ...node('db-3'), foreign: 'its Galera configuration is for cluster billing' }] });
    assert.equal(one.status, 'Degraded');
    assert.equal(one.counts.healthy, 2);
    assert.match(one.message, /db-3 \(foreign host: its Galera configuration is for cluster billing\)/);
  });

  test('Ready when every member is healthy and wsrep_cluster_size equals the desired size', () => {
    const c = assessClusterCondition({ desiredSize: 3, members: [node('db-3'), node('db-1'), node('db-2')] });
    assert.equal(c.status, 'Ready');
    assert.equal(c.code, 'CLUSTER_READY');
    assert.deepEqual(c.counts, { desired: 3, members: 3, observed: 3, primary: 3, healthy: 3, clusterSize: 3 });
    assert.deepEqual(
      c.members.map((m) => m.name),
      ['db-1', 'db-2', 'db-3'],
    );
  });

  test('Degraded when a Primary component exists but a member is down', () => {
    const c = assessClusterCondition({
      desiredSize: 3,
      members: [node('db-1', { wsrep_cluster_size: '2' }), node('db-2', { wsrep_cluster_size: '2' }), { name: 'db-3', reachable: false, unreachableReason: 'ssh: connection refused' }],
    });
    assert.equal(c.status, 'Degraded');
    assert.equal(c.code, 'CLUSTER_DEGRADED');
    assert.equal(c.counts.healthy, 2);
    assert.equal(c.counts.clusterSize, 2);
    assert.match(c.message, /db-3 \(ssh: connection refused\)/);
    assert.equal(c.members.find((m) => m.name === 'db-3')?.code, 'NODE_UNREACHABLE');
  });

  test('Degraded, not Ready, when all listed members are healthy but the size is short of the desired size', () => {
    const c = assessClusterCondition({ desiredSize: 5, members: [node('db-1'), node('db-2'), node('db-3')] });
    assert.equal(c.status, 'Degraded');
    assert.match(c.message, /wsrep_cluster_size is 3, desired 5/);
  });

  test('Degraded when a member is joining', () => {
    const c = assessClusterCondition({
      desiredSize: 3,
      members: [node('db-1'), node('db-2'), node('db-3', { wsrep_local_state_comment: 'Joining: receiving State Transfer', wsrep_ready: 'OFF' })],
    });
    assert.equal(c.status, 'Degraded');
    assert.equal(c.counts.healthy, 2);
  });

  test('Down when no observed node is Primary, saying how many were not observed', () => {
    const c = assessClusterCondition({
      desiredSize: 3,
      members: [node('db-1', { wsrep_cluster_status: 'non-Primary', wsrep_cluster_size: '1' }), { name: 'db-2', reachable: false }, { name: 'db-3', reachable: false }],
    });
    assert.equal(c.status, 'Down');
    assert.equal(c.code, 'CLUSTER_DOWN');
    assert.match(c.message, /2 member\(s\) could not be observed/);
  });

  test('Unknown when nothing could be observed', () => {
    const c = assessClusterCondition({
      desiredSize: 3,
      members: [
        { name: 'db-1', reachable: false },
        { name: 'db-2', reachable: true },
      ],
    });
    assert.equal(c.status, 'Unknown');
    assert.equal(c.counts.observed, 0);
  });

  test('two Primary components with different histories are never Ready', () => {
    const other = '11111111-2222-3333-4444-555555555555';
    const c = assessClusterCondition({
      desiredSize: 2,
      members: [node('db-1', { wsrep_cluster_size: '1' }), node('db-2', { wsrep_cluster_size: '1', wsrep_cluster_state_uuid: other })],
    });
    assert.equal(c.status, 'Degraded');
    assert.equal(c.code, 'CLUSTER_PRIMARY_COMPONENTS_DIVERGE');
  });

  test('a Donor counts as healthy only under a policy that allows it', () => {
    const members = [node('db-1'), node('db-2'), node('db-3', { wsrep_local_state_comment: 'Donor/Desynced' })];
    assert.equal(assessClusterCondition({ desiredSize: 3, members }).status, 'Degraded');
    assert.equal(assessClusterCondition({ desiredSize: 3, members, policy: { donorServesTraffic: true } }).status, 'Ready');
  });
  test('a host that answers with no server running is observed and not Primary: a full crash is Down', () => {
    const stopped = (name: string): ObservedMember => ({ name, reachable: true, serverStopped: true, unreachableReason: 'mariadbd is not running' });
    const crash = assessClusterCondition({ desiredSize: 3, members: [stopped('db-1'), stopped('db-2'), stopped('db-3')] });
    assert.equal(crash.status, 'Down');
    assert.equal(crash.counts.observed, 3);
    assert.equal(crash.counts.primary, 0);
    assert.deepEqual(
      crash.members.map((m) => m.code),
      ['NODE_STOPPED', 'NODE_STOPPED', 'NODE_STOPPED'],
    );
    assert.equal(crash.members[0].message, 'mariadbd is not running');

    const oneDown = assessClusterCondition({ desiredSize: 3, members: [node('db-1', { wsrep_cluster_size: '2' }), node('db-2', { wsrep_cluster_size: '2' }), stopped('db-3')] });
    assert.equal(oneDown.status, 'Degraded');
    assert.match(oneDown.message, /db-3 \(mariadbd is not running\)/);

    // A server that runs but does not answer is not evidence of a crash: it stays unobserved.
    const silent = assessClusterCondition({ desiredSize: 3, members: [1, 2, 3].map((i) => ({ name: `db-${i}`, reachable: true })) });
    assert.equal(silent.status, 'Unknown');
  });
});
