import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BackendSpecRules, ClusterChange, ClusterSpec, PlannedStep } from '@galera-cp/backends';
import { DomainError } from '@galera-cp/core';
import type { OperationEntity, OperationStepEntity } from '@galera-cp/database';
import { checkSpec, specOf } from './cluster-spec.defaults';
import { plannedStepOf, typedResult } from './operation-result';

function operation(change: ClusterChange, details: Record<string, unknown> = {}): OperationEntity {
  return { id: 'op_1', clusterId: 'cl_1', params: { change, generation: 2 }, plan: { summary: '', details } } as unknown as OperationEntity;
}

/** Steps as the engine persists them from a plan (the effect in its own column). */
function persisted(steps: PlannedStep[]): OperationStepEntity[] {
  return steps.map((s, index) => ({ ...s, index, node: s.node ?? null, effect: s.effect ?? null, timeoutSeconds: 60, maxAttempts: 3 }) as unknown as OperationStepEntity);
}

const nodes = ['db-0', 'db-1', 'db-2'].map((name, ordinal) => ({ name, ordinal, address: `10.0.0.${ordinal + 1}`, wsrepState: 'Synced' }));

describe('typed results from the effects the plans declared', () => {
  // Action names that would fool a guess by name: a "restart" that restarts nothing, a start named otherwise.
  const steps = persisted([
    { key: 'check', action: 'x.restart-check', title: 'Check', node: 'db-0', params: {} },
    { key: 'boot:db-1', action: 'x.first', title: 'Bootstrap', node: 'db-1', params: { a: 1 }, effect: 'bootstrap' },
    { key: 'up:db-0', action: 'x.up', title: 'Up', node: 'db-0', params: {}, effect: 'start' },
    { key: 'roll:db-2', action: 'x.roll', title: 'Roll', node: 'db-2', params: {}, effect: 'restart' },
    { key: 'halt:db-0', action: 'x.halt', title: 'Halt', node: 'db-0', params: {}, effect: 'stop' },
  ]);

  test('restart, reconfigure, stop and start list the members of their declared effects, in plan order', () => {
    assert.deepEqual(typedResult(operation({ type: 'cluster.restart' }), steps, nodes).restartedNodes, ['db-2']);
    assert.deepEqual(typedResult(operation({ type: 'cluster.reconfigure', parameters: { max_connections: 10 } }), steps, nodes).restartedNodes, ['db-2']);
    assert.deepEqual(typedResult(operation({ type: 'cluster.stop' }, { bootstrapNode: 'db-0' }), steps, nodes), { stoppedNodes: ['db-0'], safeBootstrapNode: 'db-0' });
    assert.deepEqual(typedResult(operation({ type: 'cluster.start' }), steps, nodes).startedNodes, ['db-1', 'db-0']);
  });

  test('the effect travels with the persisted step and comes back to the backend as PlannedStep.effect, not as a parameter', () => {
    const back = plannedStepOf(steps[1]);
    assert.equal(back.effect, 'bootstrap');
    assert.deepEqual(back.params, { a: 1 });
    assert.equal(plannedStepOf(steps[0]).effect, undefined);
  });
});

describe('the generic spec checks with a backend of another kind', () => {
  // A backend that provides its own hosts, as a third backend might; it owns only its section.
  const rules: BackendSpecRules = {
    kind: 'kubernetes',
    capabilities: { recover: false, removeAnyMember: false, providesHosts: true },
    specDefaults: (draft) => ({ replicas: draft.replicas ?? 3, ...(draft.kubernetes ? { kubernetes: { namespace: 'ns', image: 'img', storageSize: '1Gi', ...draft.kubernetes } } : {}) }),
    validateSpec: (spec) => (spec.kubernetes?.namespace === 'bad' ? [{ pointer: '/kubernetes/namespace', detail: 'bad' }] : []),
    credentialOf: () => undefined,
  };
  const refused = (f: () => unknown) => {
    try {
      f();
    } catch (error) {
      if (error instanceof DomainError) return { code: error.code, pointers: (error.errors ?? []).map((e) => e.pointer) };
    }
    return undefined;
  };

  test("the backend answers replicas and its section's defaults; the shared parts get theirs here", () => {
    const spec = specOf({ name: 'x', backend: 'kubernetes', kubernetes: {} }, rules);
    assert.equal(spec.replicas, 3);
    assert.deepEqual(spec.kubernetes, { namespace: 'ns', image: 'img', storageSize: '1Gi' });
    assert.equal(spec.galera.sstMethod, 'mariabackup');
    assert.deepEqual(checkSpec(spec, false, rules), []);
  });

  test("a missing own section, another backend's section, the backend's own errors and the size rule are refused", () => {
    const noSection = specOf({ name: 'x', backend: 'kubernetes' }, rules);
    assert.deepEqual(
      refused(() => checkSpec(noSection, false, rules)),
      { code: 'VALIDATION_FAILED', pointers: ['/kubernetes'] },
    );
    const foreign = specOf({ name: 'x', backend: 'kubernetes', kubernetes: {}, ssh: { credentialId: 'c', hosts: [] } }, rules);
    assert.deepEqual(refused(() => checkSpec(foreign, false, rules))?.pointers, ['/ssh']);
    const bad: ClusterSpec = { ...specOf({ name: 'x', backend: 'kubernetes', kubernetes: { namespace: 'bad' } }, rules) };
    assert.deepEqual(refused(() => checkSpec(bad, false, rules))?.pointers, ['/kubernetes/namespace']);
    assert.equal(refused(() => checkSpec({ ...bad, replicas: 2 }, false, rules))?.code, 'CLUSTER_SIZE_UNSAFE');
  });
});
