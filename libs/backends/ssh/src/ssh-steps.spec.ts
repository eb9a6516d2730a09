import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BackendError, type ClusterTarget, type PlannedStep } from '@galera-cp/backends';
import { planParameterChanges, validateParameters } from '@galera-cp/galera';
import { planCreate, planDelete, planReconfigure, planRestart, planScaleIn, planScaleOut, planStop } from './ssh-plans';
import { SSH_ACTIONS, toSshStep } from './ssh-steps';

const FP = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const ref = (i: number) => ({ node: `db-${i}`, address: `10.0.0.${10 + i}`, ordinal: i });

function target(members: number): ClusterTarget {
  return {
    clusterId: 'cl_1',
    name: 'db',
    spec: {
      backend: 'ssh',
      replicas: members || 3,
      engine: { flavor: 'mariadb', version: '10.11' },
      galera: { sstMethod: 'mariabackup', gcacheSize: '64M', bufferPoolSize: '128M', parameters: {} },
      policy: { autoRecovery: false, deletionProtection: false, donorServesTraffic: false },
      ssh: { credentialId: 'cr_1', user: 'root', port: 22, trustOnFirstUse: false, hosts: Array.from({ length: 5 }, (_, i) => ({ address: `10.0.0.${10 + i}`, hostKeyFingerprint: FP })) },
    },
    members: Array.from({ length: members }, (_, i) => ({ name: `db-${i}`, ordinal: i, address: `10.0.0.${10 + i}`, role: 'member' as const, phase: 'Member', wsrepState: 'Synced' })),
    settings: { clockSkewMaxMs: 1000, connectTimeoutSeconds: 10, commandTimeoutSeconds: 120 },
  };
}

/** A plan's steps as they come back from the database: JSON. */
const persisted = (steps: PlannedStep[]): PlannedStep[] => JSON.parse(JSON.stringify(steps));

function invalid(step: PlannedStep, message: RegExp): void {
  assert.throws(
    () => toSshStep(step),
    (e: unknown) => e instanceof BackendError && e.code === 'STEP_INVALID' && message.test(e.message),
  );
}

describe('toSshStep', () => {
  test('every step every plan builds narrows back to itself after a round trip through JSON', () => {
    const changes = planParameterChanges(validateParameters({}).parameters, validateParameters({ max_connections: 300 }).parameters);
    const plans = [
      planCreate(target(0)),
      planScaleOut(target(3), 2),
      planScaleIn(target(5), ['db-4']),
      planRestart(target(3)),
      planStop(target(3), new Set(['db-0'])),
      planReconfigure(target(3), changes),
      planDelete(target(3), true),
      planDelete(target(0), false),
    ];
    let count = 0;
    for (const plan of plans) {
      for (const step of persisted(plan.steps)) {
        const narrowed = toSshStep(step);
        assert.equal(narrowed.action, step.action);
        assert.deepEqual(narrowed.params, step.params, step.key);
        count++;
      }
    }
    assert.ok(count > 30);
  });

  test('the parameters come out typed by the action', () => {
    const step = toSshStep({ key: 'join:db-1', action: SSH_ACTIONS.join, title: 'x', params: { host: ref(1), members: [ref(0)], sstMethod: 'rsync' } });
    assert.equal(step.action, 'ssh.join-node');
    if (step.action === 'ssh.join-node') assert.equal(step.params.sstMethod, 'rsync');
  });

  test('a plan persisted before the optional parameters existed still runs: they stay absent, or take their old defaults', () => {
    assert.deepEqual(toSshStep({ key: 'install', action: SSH_ACTIONS.install, title: 'x', params: { hosts: [ref(0)] } }).params, { hosts: [ref(0)] });
    assert.deepEqual(toSshStep({ key: 'synced:db-1', action: SSH_ACTIONS.waitSynced, title: 'x', params: { host: ref(1) } }).params, { host: ref(1) });
    assert.deepEqual(toSshStep({ key: 'preflight', action: SSH_ACTIONS.preflight, title: 'x', params: { hosts: [ref(0)] } }).params, { hosts: [ref(0)], members: [], register: false });
  });

  test('an unknown action is refused', () => {
    invalid({ key: 'x', action: 'ssh.format-disk', title: 'x', params: {} }, /the SSH backend has no step ssh\.format-disk/);
    invalid({ key: 'x', action: 'toString', title: 'x', params: {} }, /no step toString/);
  });

  test('a missing or malformed parameter is refused, naming the step and the parameter', () => {
    invalid({ key: 'join:db-1', action: SSH_ACTIONS.join, title: 'x', params: { host: ref(1) } }, /join:db-1 \(ssh\.join-node\): it has no parameter members/);
    invalid({ key: 'join:db-1', action: SSH_ACTIONS.join, title: 'x', params: { host: { node: 'db-1' }, members: [] } }, /host must be a host reference/);
    invalid({ key: 'join:db-1', action: SSH_ACTIONS.join, title: 'x', params: { host: ref(1), members: [ref(0)], sstMethod: 'xtrabackup' } }, /sstMethod must be rsync or mariabackup/);
    invalid({ key: 'b', action: SSH_ACTIONS.bootstrap, title: 'x', params: { host: ref(0), others: [], mode: 'force' } }, /mode must be create, start or recover/);
    invalid({ key: 'c', action: SSH_ACTIONS.configure, title: 'x', params: { hosts: [ref(0)], members: [1] } }, /members\[0\] must be a string/);
    invalid({ key: 'a', action: SSH_ACTIONS.applyParameters, title: 'x', params: { hosts: [ref(0)], statements: 'SET GLOBAL x = 1' } }, /statements must be a list/);
  });
});
