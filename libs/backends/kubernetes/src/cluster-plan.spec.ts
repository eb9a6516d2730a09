import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterChange, ClusterTarget, MemberRecord } from '@galera-cp/backends';
import { DomainError } from '@galera-cp/core';
import type { V1StatefulSet } from '@kubernetes/client-node';
import { planChange, STEP_ACTIONS, type LiveFacts, type PlanTimes } from './cluster-plan';
import { CONFIG_HASH_ANNOTATION, configHash, renderConfigMap } from './render-manifests';

const times: PlanTimes = { podReadySeconds: 300, writeSeconds: 120, clusterDomain: 'cluster.local', now: '2026-01-01T00:00:00.000Z' };
const noFacts: LiveFacts = { claims: [], readWarnings: [] };

function member(ordinal: number): MemberRecord {
  return { name: `db-${ordinal}`, ordinal, address: `db-${ordinal}.db-peers.prod.svc.cluster.local`, role: 'member', phase: 'Member', wsrepState: 'Synced' };
}

function target(replicas: number, members = replicas, parameters: Record<string, string | number | boolean> = {}): ClusterTarget {
  return {
    clusterId: 'cl_1',
    name: 'db',
    spec: {
      backend: 'kubernetes',
      replicas,
      engine: { flavor: 'mariadb', version: '10.11' },
      galera: { sstMethod: 'mariabackup', gcacheSize: '512M', bufferPoolSize: '256M', parameters },
      policy: { autoRecovery: false, deletionProtection: false, donorServesTraffic: false },
      kubernetes: { namespace: 'prod', image: 'mariadb:10.11', storageSize: '1Gi' },
    },
    members: Array.from({ length: members }, (_, i) => member(i)),
    settings: { clockSkewMaxMs: 1000, connectTimeoutSeconds: 10, commandTimeoutSeconds: 60 },
  };
}

function statefulSet(replicas: number, hash?: string): V1StatefulSet {
  return { metadata: { name: 'db' }, spec: { replicas, serviceName: 'db-peers', selector: {}, template: { metadata: { annotations: hash ? { [CONFIG_HASH_ANNOTATION]: hash } : {} } } } };
}

const keys = (plan: { steps: { key: string }[] }) => plan.steps.map((s) => s.key);

describe('planChange', () => {
  test('create: objects in write order, pods awaited in ordinal order, ordinal 0 bootstraps, the switch closed last', () => {
    const plan = planChange(target(3, 0), { type: 'cluster.create' }, noFacts, times);
    assert.deepEqual(keys(plan), ['secret', 'config', 'services', 'pdb', 'statefulset', 'ready:db-0', 'ready:db-1', 'ready:db-2', 'verify', 'close-bootstrap']);
    assert.equal(plan.details.bootstrapNode, 'db-0');
    assert.deepEqual(plan.steps[1].params, { replicas: 3, bootstrap: true });
    assert.deepEqual(plan.steps.at(-1)?.params, { replicas: 3, bootstrap: false });
    const waits = plan.steps.filter((s) => s.action === STEP_ACTIONS.awaitPodReady);
    assert.deepEqual(
      waits.map((s) => s.node),
      ['db-0', 'db-1', 'db-2'],
    );
    assert.ok(
      waits.every((s) => s.timeoutSeconds === 330),
      'the engine bound is later than the pod budget, so the pod state is the reason',
    );
    assert.deepEqual(plan.details.warnings, []);
  });

  test('create warns when claims of an earlier cluster with the same name exist', () => {
    const plan = planChange(target(3, 0), { type: 'cluster.create' }, { ...noFacts, claims: ['data-db-0', 'data-db-1', 'data-other-0'] }, times);
    assert.match(plan.details.warnings.join(' '), /data-db-0, data-db-1 exist from an earlier cluster named db: .*does not bootstrap over existing data/);
  });

  test('scale counts the member pods there are, not the replicas the StatefulSet was last asked for', () => {
    // A failed scale 3 -> 5 left the StatefulSet at 5 with db-3 joining and db-4 never created.
    const facts = { ...noFacts, statefulSet: statefulSet(5), podOrdinals: [0, 1, 2, 3] };
    const down = planChange(target(5, 5), { type: 'cluster.scale', replicas: 3, force: false }, facts, times);
    assert.deepEqual(down.details.quorum, { before: 4, after: 3, quorumBefore: 3, quorumAfter: 2 });
    assert.deepEqual(keys(down), ['statefulset', 'removed:db-3', 'config', 'verify']);
    const up = planChange(target(5, 5), { type: 'cluster.scale', replicas: 5, force: false }, facts, times);
    assert.equal(up.details.quorum?.before, 4);
    assert.deepEqual(keys(up), ['config', 'statefulset', 'ready:db-4', 'verify']);
    // A member whose pod is being recreated is still a member: the count goes to the highest ordinal.
    const gap = planChange(target(3, 3), { type: 'cluster.restart' }, { ...noFacts, statefulSet: statefulSet(3), podOrdinals: [0, 2] }, times);
    assert.deepEqual(keys(gap), ['restart', 'restarted:db-2', 'restarted:db-1', 'restarted:db-0', 'verify']);
  });

  test('scale out and in: members added in order, removed highest first, claims kept and listed', () => {
    const out = planChange(
      target(5, 3),
      { type: 'cluster.scale', replicas: 5, force: false },
      { ...noFacts, statefulSet: statefulSet(3), claims: ['data-db-0', 'data-db-1', 'data-db-2', 'data-db-3'] },
      times,
    );
    assert.deepEqual(keys(out), ['config', 'statefulset', 'ready:db-3', 'ready:db-4', 'verify']);
    assert.deepEqual(out.details.quorum, { before: 3, after: 5, quorumBefore: 2, quorumAfter: 3 });
    assert.deepEqual(
      out.details.objects?.slice(2).map((o) => `${o.name}:${o.action}`),
      ['data-db-3:reuse', 'data-db-4:create (by the StatefulSet controller)'],
    );
    assert.match(out.details.warnings.join(' '), /db-3 reuses data-db-3 kept from an earlier scale-in/);

    const back = planChange(target(3, 5), { type: 'cluster.scale', replicas: 3, force: false }, { ...noFacts, statefulSet: statefulSet(5) }, times);
    assert.deepEqual(keys(back), ['statefulset', 'removed:db-4', 'removed:db-3', 'config', 'verify']);
    assert.deepEqual(back.details.membersAfter, ['db-0', 'db-1', 'db-2']);
    assert.deepEqual(
      back.details.objects?.slice(2).map((o) => `${o.name}:${o.action}`),
      ['data-db-4:keep', 'data-db-3:keep'],
    );
  });

  test('node.add and node.remove are +1 / -1; removing anything but the highest ordinal is NOT_SUPPORTED', () => {
    assert.deepEqual(keys(planChange(target(4, 3), { type: 'node.add', force: true }, { ...noFacts, statefulSet: statefulSet(3) }, times)), ['config', 'statefulset', 'ready:db-3', 'verify']);
    assert.deepEqual(keys(planChange(target(3, 4), { type: 'node.remove', node: 'db-3', force: false }, { ...noFacts, statefulSet: statefulSet(4) }, times)), [
      'statefulset',
      'removed:db-3',
      'config',
      'verify',
    ]);
    assert.throws(
      () => planChange(target(3, 4), { type: 'node.remove', node: 'db-1', force: false }, { ...noFacts, statefulSet: statefulSet(4) }, times),
      (e: unknown) => e instanceof DomainError && e.code === 'NOT_SUPPORTED' && /highest ordinal first \(db-3\)/.test(e.detail),
    );
  });

  test('restart: one annotation, then each pod from the highest ordinal; the annotation value is fixed at planning', () => {
    const plan = planChange(target(3), { type: 'cluster.restart' }, { ...noFacts, statefulSet: statefulSet(3) }, times);
    assert.deepEqual(keys(plan), ['restart', 'restarted:db-2', 'restarted:db-1', 'restarted:db-0', 'verify']);
    assert.deepEqual(plan.steps[0].params, { restartedAt: times.now });
    assert.ok(
      plan.steps.filter((s) => s.node).every((s) => /restart/.test(s.action)),
      'the result lists these as restarted nodes',
    );
  });

  test('reconfigure: rolls only when what the pods run changes, and lists the parameter changes', () => {
    const before = target(3, 3, { max_connections: 100 });
    const after = target(3, 3, { max_connections: 200 });
    const configText = renderConfigMap({ clusterName: 'db', spec: before.spec, replicas: 3, clusterDomain: 'cluster.local', bootstrapAllowed: false }).data?.['galera.cnf'];
    const liveHash = configHash({ clusterName: 'db', spec: before.spec, clusterDomain: 'cluster.local' });
    const plan = planChange(after, { type: 'cluster.reconfigure', parameters: { max_connections: 200 } }, { ...noFacts, statefulSet: statefulSet(3, liveHash), configText }, times);
    assert.deepEqual(keys(plan), ['config', 'statefulset', 'restarted:db-2', 'restarted:db-1', 'restarted:db-0', 'verify']);
    assert.deepEqual(plan.details.parameterChanges, [{ name: 'max_connections', apply: 'dynamic', from: '100', to: '200', statement: 'SET GLOBAL max_connections = 200' }]);

    const same = planChange(before, { type: 'cluster.reconfigure', parameters: { max_connections: 100 } }, { ...noFacts, statefulSet: statefulSet(3, liveHash), configText }, times);
    assert.deepEqual(keys(same), ['config', 'verify']);
    assert.deepEqual(same.details.parameterChanges, []);
  });

  test('delete: StatefulSet first, its pods gone, then the rest; claims kept unless purge', () => {
    const facts = { ...noFacts, statefulSet: statefulSet(3), claims: ['data-db-1', 'data-db-0'] };
    const kept = planChange(target(3), { type: 'cluster.delete', purge: false }, facts, times);
    // The Secret holds the root password of the kept data: it is kept with it.
    assert.deepEqual(keys(kept), ['delete:StatefulSet', 'pods-removed', 'delete:PodDisruptionBudget', 'delete:ClientService', 'delete:PeerService', 'delete:ConfigMap']);
    assert.deepEqual(
      kept.details.objects?.filter((o) => o.kind === 'PersistentVolumeClaim' || o.kind === 'Secret').map((o) => `${o.name}:${o.action}`),
      ['db-credentials:keep', 'data-db-0:keep', 'data-db-1:keep'],
    );
    assert.match(kept.details.warnings.join(' '), /are kept; a new cluster named/);
    const purged = planChange(target(3), { type: 'cluster.delete', purge: true }, facts, times);
    assert.deepEqual(keys(purged).slice(-2), ['delete:Secret', 'delete-claims']);
    assert.deepEqual(purged.details.warnings, []);
  });

  test('stop, start and recover are refused as NOT_SUPPORTED, each saying why', () => {
    const refusals: [ClusterChange, RegExp][] = [
      [{ type: 'cluster.stop' }, /safe_to_bootstrap: 1.*no exec into pods/],
      [{ type: 'cluster.start' }, /never stopped by this backend/],
      [{ type: 'cluster.recover', acceptMissing: [] }, /grastate\.dat, wsrep-recover position.*no exec into pods/],
    ];
    for (const [change, why] of refusals) {
      assert.throws(
        () => planChange(target(3), change, noFacts, times),
        (e: unknown) => e instanceof DomainError && e.kind === 'invalid' && e.code === 'NOT_SUPPORTED' && why.test(e.detail),
      );
    }
  });

  test('failed reads become warnings of the plan', () => {
    const plan = planChange(target(3), { type: 'cluster.restart' }, { claims: [], readWarnings: ['Could not read the StatefulSet'] }, times);
    assert.deepEqual(plan.details.warnings, ['Could not read the StatefulSet']);
  });
});
