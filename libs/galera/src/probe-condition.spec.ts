import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assessClusterConditionFromProbes, type ProbedMember } from './probe-condition';

const serving = (name: string): ProbedMember => ({ name, state: 'serving' });

describe('assessClusterConditionFromProbes', () => {
  test('Ready when every desired member passes the health probe', () => {
    const c = assessClusterConditionFromProbes({ desiredSize: 3, members: [serving('db-2'), serving('db-0'), serving('db-1')] });
    assert.equal(c.status, 'Ready');
    assert.equal(c.code, 'CLUSTER_READY');
    assert.deepEqual(c.counts, { desired: 3, members: 3, observed: 3, primary: 3, healthy: 3 });
    assert.deepEqual(
      c.members.map((m) => m.name),
      ['db-0', 'db-1', 'db-2'],
    );
  });

  test('Degraded when one member passes and another fails or does not run, naming them and why', () => {
    const c = assessClusterConditionFromProbes({
      desiredSize: 3,
      members: [serving('db-0'), { name: 'db-1', state: 'running', reason: 'Ready=False (ContainersNotReady)' }, { name: 'db-2', state: 'not-running', reason: 'CrashLoopBackOff' }],
    });
    assert.equal(c.status, 'Degraded');
    assert.equal(c.code, 'CLUSTER_DEGRADED');
    assert.match(c.message, /^1 of 3 healthy; not healthy: db-1 \(Ready=False \(ContainersNotReady\)\), db-2 \(CrashLoopBackOff\)$/);
    assert.deepEqual(
      c.members.map((m) => m.code),
      ['NODE_PASSES_HEALTH_PROBE', 'NODE_FAILS_HEALTH_PROBE', 'NODE_NOT_RUNNING'],
    );
  });

  test('Degraded, not Ready, when every listed member passes but fewer than desired are listed', () => {
    const c = assessClusterConditionFromProbes({ desiredSize: 5, members: [serving('db-0'), serving('db-1'), serving('db-2')] });
    assert.equal(c.status, 'Degraded');
    assert.match(c.message, /3 members listed, desired 5/);
  });

  test('Down when no member passes: no Primary component can be confirmed', () => {
    const c = assessClusterConditionFromProbes({
      desiredSize: 3,
      members: [
        { name: 'db-0', state: 'running' },
        { name: 'db-1', state: 'not-running' },
        { name: 'db-2', state: 'not-running' },
      ],
    });
    assert.equal(c.status, 'Down');
    assert.equal(c.code, 'CLUSTER_DOWN');
    assert.match(c.message, /no Primary component can be confirmed; 1 running, 2 not running/);
    assert.equal(c.counts.primary, 0);
  });

  test('Unknown when there is no member to judge', () => {
    assert.equal(assessClusterConditionFromProbes({ desiredSize: 3, members: [] }).status, 'Unknown');
  });
});
