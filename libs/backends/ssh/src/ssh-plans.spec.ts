import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterTarget, MemberRecord, RecoveryEvidenceRow } from '@galera-cp/backends';
import { DomainError } from '@galera-cp/core';
import { chooseBootstrapNode, planParameterChanges, validateParameters } from '@galera-cp/galera';
import { planCreate, planDelete, planReconfigure, planRecover, planRestart, planScaleIn, planScaleOut, planStart, planStop, SSH_ACTIONS, type MemberEvidence } from './ssh-plans';

const UUID = '8bbc6b49-bd6e-11ee-9a4f-5e8b6a1f2c31';
const FP = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function member(i: number, wsrepState = 'Synced'): MemberRecord {
  return { name: `db-${i}`, ordinal: i, address: `10.0.0.${10 + i}`, role: 'member', phase: 'Member', wsrepState };
}

function target(members: number, hosts = 5, replicas = members || 3): ClusterTarget {
  return {
    clusterId: 'cl_1',
    name: 'db',
    spec: {
      backend: 'ssh',
      replicas,
      engine: { flavor: 'mariadb', version: '10.11' },
      galera: { sstMethod: 'rsync', gcacheSize: '64M', bufferPoolSize: '128M', parameters: {} },
      policy: { autoRecovery: false, deletionProtection: false, donorServesTraffic: false },
      ssh: { credentialId: 'cr_1', user: 'root', port: 22, trustOnFirstUse: false, hosts: Array.from({ length: hosts }, (_, i) => ({ address: `10.0.0.${10 + i}`, hostKeyFingerprint: FP })) },
    },
    members: Array.from({ length: members }, (_, i) => member(i)),
    settings: { clockSkewMaxMs: 1000, connectTimeoutSeconds: 10, commandTimeoutSeconds: 120 },
  };
}

const keys = (plan: { steps: { key: string }[] }) => plan.steps.map((s) => s.key);

describe('SSH plans', () => {
  test('scale out with members to rejoin: a member observed not Synced is checked, configured, started and joined again, before any new one', () => {
    // A retry after a join that a reboot cut short: 4 members recorded, db-3 not running.
    const t = target(4, 5, 4);
    t.members[3] = { ...member(3, 'Joining'), phase: 'Joining' };
    const plan = planScaleOut(t, 0, undefined, ['db-3']);
    assert.deepEqual(keys(plan), ['preflight', 'install', 'configure', 'join:db-3', 'synced:db-3', 'update-members', 'verify']);
    assert.match(plan.summary, /^Rejoin db-3 \(not running or not Synced\): 4 -> 4 members$/);
    assert.deepEqual(plan.details.rejoin, ['db-3']);
    const joined = (key: string) => plan.steps.find((s) => s.key === key)?.params as { host: { node: string }; members: { node: string }[] };
    assert.deepEqual(
      joined('join:db-3').members.map((m) => m.node),
      ['db-0', 'db-1', 'db-2'],
      'it joins the Synced members',
    );
    assert.deepEqual(
      (plan.steps[0].params.hosts as { node: string }[]).map((h) => h.node),
      ['db-3'],
    );
    assert.deepEqual(
      (plan.steps.find((s) => s.key === 'update-members')?.params.hosts as { node: string }[]).map((h) => h.node),
      ['db-0', 'db-1', 'db-2'],
    );

    const more = planScaleOut(t, 1, undefined, ['db-3']);
    assert.deepEqual(keys(more), ['preflight', 'install', 'configure', 'join:db-3', 'synced:db-3', 'join:db-4', 'synced:db-4', 'update-members', 'verify']);
    assert.deepEqual(joined.call(null, 'join:db-3').members.length, 3);
    assert.deepEqual(
      (more.steps.find((s) => s.key === 'join:db-4')?.params.members as { node: string }[]).map((m) => m.node),
      ['db-0', 'db-1', 'db-2', 'db-3'],
    );

    const none = target(3, 5, 3);
    assert.throws(
      () => planScaleOut(none, 0, undefined, ['db-0', 'db-1', 'db-2']),
      (e: unknown) => e instanceof DomainError && e.code === 'NO_SYNCED_MEMBER',
    );
  });

  test('the default SST (mariabackup): a create joins by rsync (new and empty), sets the method back after each join, and installs both; a scale-out joins by mariabackup', () => {
    const t = target(0, 5, 3);
    t.spec.galera.sstMethod = 'mariabackup';
    const plan = planCreate(t);
    const transfers = plan.details.stateTransfer as Record<string, { kind: string; method: string; code: string; methodCode: string }>;
    assert.deepEqual(Object.keys(transfers), ['db-1', 'db-2']);
    for (const tr of Object.values(transfers)) assert.deepEqual([tr.kind, tr.method, tr.code, tr.methodCode], ['SST', 'rsync', 'SST_JOINER_EMPTY', 'SST_METHOD_NEW_CLUSTER']);
    assert.equal(plan.details.sstMethod, 'mariabackup');
    const params = (key: string) => plan.steps.find((s) => s.key === key)?.params as Record<string, unknown>;
    assert.equal(params('join:db-1').sstMethod, 'rsync');
    assert.equal(params('synced:db-1').restoreSstMethod, 'mariabackup', 'the running server is set back to the configured method');
    assert.deepEqual(params('install').sstMethods, ['mariabackup', 'rsync']);
    assert.match(plan.summary, /rsync state transfer while the cluster is new and empty; later joins use mariabackup/);
    assert.deepEqual(plan.details.warnings, []);

    const serving = target(3, 5, 3);
    serving.spec.galera.sstMethod = 'mariabackup';
    const out = planScaleOut(serving, 1);
    const added = (out.details.stateTransfer as Record<string, { kind: string; method: string }>)['db-3'];
    assert.deepEqual([added.kind, added.method], ['SST', 'mariabackup']);
    const join = out.steps.find((s) => s.key === 'join:db-3');
    assert.equal(join?.params.sstMethod, 'mariabackup');
    assert.match(join?.title ?? '', /SST \(mariabackup\)/);
    assert.equal(out.steps.find((s) => s.key === 'synced:db-3')?.params.restoreSstMethod, undefined);
    assert.deepEqual(out.steps.find((s) => s.key === 'install')?.params.sstMethods, ['mariabackup']);
  });

  test("a rejoining member whose recorded seqno is the cluster's expects IST", () => {
    const t = target(4, 5, 4);
    t.members = t.members.map((m) => ({ ...m, seqno: 42 }));
    t.members[3] = { ...t.members[3], wsrepState: 'Joining', phase: 'Joining' };
    const plan = planScaleOut(t, 0, undefined, ['db-3']);
    const tr = (plan.details.stateTransfer as Record<string, { kind: string; code: string }>)['db-3'];
    assert.deepEqual([tr.kind, tr.code], ['IST', 'IST_NOTHING_MISSING']);
  });

  test('an rsync spec: every join by rsync, no restore step, and the blocking donor is a warning', () => {
    const plan = planCreate(target(0, 5, 3));
    assert.equal(plan.steps.find((s) => s.key === 'synced:db-1')?.params.restoreSstMethod, undefined);
    assert.match(plan.summary, /\(rsync state transfer\)$/);
    assert.equal(plan.details.warnings.length, 1);
  });

  test('create: preflight, install, configure, bootstrap the first member, join the others one at a time, verify', () => {
    const plan = planCreate(target(0, 5, 3));
    assert.deepEqual(keys(plan), ['preflight', 'install', 'configure', 'bootstrap:db-0', 'join:db-1', 'synced:db-1', 'join:db-2', 'synced:db-2', 'verify']);
    assert.equal(plan.details.bootstrapNode, 'db-0');
    assert.deepEqual(plan.details.membersAfter, ['db-0', 'db-1', 'db-2']);
    assert.deepEqual(plan.details.quorum, { before: 0, after: 3, quorumBefore: 0, quorumAfter: 2 });
    // Galera: the only Synced node donates to the first joiner; then the one that did not just join.
    assert.deepEqual(plan.details.donors, { 'db-1': 'db-0', 'db-2': 'db-0' });
    assert.match(plan.details.warnings.join(' '), /rsync SST blocks the donor/);
    const configure = plan.steps[2];
    assert.equal(configure.action, SSH_ACTIONS.configure);
    assert.deepEqual(configure.params.members, ['10.0.0.10', '10.0.0.11', '10.0.0.12']);
    // Every join knows the members that joined before it (donor candidates), and has a long bound.
    assert.deepEqual(
      (plan.steps[6].params.members as { node: string }[]).map((m) => m.node),
      ['db-0', 'db-1'],
    );
    assert.ok((plan.steps[4].timeoutSeconds ?? 0) >= 900);
    // Galera: one at a time, Synced before the next: a wait step after every join.
    assert.deepEqual(
      plan.steps.filter((s) => s.action === SSH_ACTIONS.waitSynced).map((s) => s.node),
      ['db-1', 'db-2'],
    );
    assert.equal(plan.steps[3].node, 'db-0');
  });

  test('scale out: the next unused hosts, new ordinals, the full member list everywhere, verify the new size', () => {
    const plan = planScaleOut(target(3), 2);
    assert.deepEqual(keys(plan), ['preflight', 'install', 'configure', 'join:db-3', 'synced:db-3', 'join:db-4', 'synced:db-4', 'update-members', 'verify']);
    assert.deepEqual(plan.details.quorum, { before: 3, after: 5, quorumBefore: 2, quorumAfter: 3 });
    assert.deepEqual(plan.details.membersAfter, ['db-0', 'db-1', 'db-2', 'db-3', 'db-4']);
    const all = ['10.0.0.10', '10.0.0.11', '10.0.0.12', '10.0.0.13', '10.0.0.14'];
    assert.deepEqual(plan.steps[2].params.members, all);
    assert.deepEqual(plan.steps[7].params.members, all);
    assert.deepEqual(
      (plan.steps[7].params.hosts as { node: string }[]).map((h) => h.node),
      ['db-0', 'db-1', 'db-2'],
    );
    assert.deepEqual(plan.details.donors, { 'db-3': 'db-0', 'db-4': 'db-0' });
    assert.equal((plan.steps[0].params.members as unknown[]).length, 3, 'the preflight reaches the existing members too');
  });

  test('node.add with a named host; not enough unused hosts is refused', () => {
    const plan = planScaleOut(target(3, 5), 1, '10.0.0.14');
    assert.deepEqual(plan.details.membersAfter, ['db-0', 'db-1', 'db-2', 'db-3']);
    assert.equal((plan.steps[3].params.host as { address: string }).address, '10.0.0.14');
    assert.throws(
      () => planScaleOut(target(3, 3), 1),
      (e: unknown) => e instanceof DomainError && e.code === 'NOT_ENOUGH_HOSTS',
    );
  });

  test('after a middle member left, a new one takes the next ordinal and the free host', () => {
    const t = target(3, 4);
    t.members = [member(0), member(2)];
    const plan = planScaleOut(t, 1);
    assert.deepEqual(keys(plan).slice(3, 4), ['join:db-3']);
    assert.equal((plan.steps[3].params.host as { address: string }).address, '10.0.0.11');
  });

  test('scale in: removed members one at a time (in the order given), then the member list of the others', () => {
    const plan = planScaleIn(target(5), ['db-4', 'db-3']);
    assert.deepEqual(keys(plan), ['check-hosts', 'remove:db-4', 'remove:db-3', 'update-members', 'verify']);
    assert.deepEqual(plan.details.quorum, { before: 5, after: 3, quorumBefore: 3, quorumAfter: 2 });
    assert.deepEqual(plan.steps[3].params.members, ['10.0.0.10', '10.0.0.11', '10.0.0.12']);
    // Each quorum check counts the members still there: db-4 has left when db-3 goes.
    assert.deepEqual(
      (plan.steps[2].params.members as { node: string }[]).map((m) => m.node),
      ['db-0', 'db-1', 'db-2', 'db-3'],
    );
    assert.throws(
      () => planScaleIn(target(3), ['db-9']),
      (e: unknown) => e instanceof DomainError && e.code === 'NODE_NOT_FOUND',
    );
  });

  test('restart: rolling, in the fixed name order, then verify', () => {
    const t = target(3);
    t.members = [member(2), member(0), member(1)];
    const plan = planRestart(t);
    assert.deepEqual(keys(plan), ['check-hosts', 'restart:db-0', 'synced:db-0', 'restart:db-1', 'synced:db-1', 'restart:db-2', 'synced:db-2', 'verify']);
    assert.deepEqual(
      plan.steps.filter((s) => /restart/.test(s.action)).map((s) => s.node),
      ['db-0', 'db-1', 'db-2'],
      'the result lists restarted nodes by the action',
    );
  });

  test('stop: stopped members first, the first member by name leaves last and is the bootstrap node', () => {
    const plan = planStop(target(3), new Set(['db-0', 'db-1', 'db-2']));
    assert.deepEqual(keys(plan), ['check-hosts', 'stop:db-2', 'stop:db-1', 'stop:db-0']);
    assert.equal(plan.details.bootstrapNode, 'db-0');
    assert.equal(plan.steps[1].params.disable, true);
    const degraded = planStop(target(3), new Set(['db-1', 'db-2']));
    assert.deepEqual(keys(degraded), ['check-hosts', 'stop:db-0', 'stop:db-2', 'stop:db-1']);
    assert.equal(degraded.details.bootstrapNode, 'db-1', 'the last running member leaves last');
  });

  function evidence(rows: Array<{ i: number; seqno: number; safe?: boolean; running?: boolean; primary?: boolean; reachable?: boolean }>): {
    members: MemberEvidence[];
    decision: ReturnType<typeof chooseBootstrapNode>;
  } {
    const decision = chooseBootstrapNode(
      rows.map((r) =>
        r.reachable === false
          ? { name: `db-${r.i}`, reachable: false, unreachableReason: 'SSH_UNREACHABLE' }
          : { name: `db-${r.i}`, reachable: true, grastate: { version: '2.1', uuid: UUID, seqno: r.seqno, safeToBootstrap: r.safe ?? false } },
      ),
    );
    const members = rows.map((r) => {
      const row = decision.evidence.find((e) => e.name === `db-${r.i}`);
      const evidenceRow: RecoveryEvidenceRow = {
        node: `db-${r.i}`,
        reachable: row?.reachable ?? false,
        uuid: row?.uuid ?? null,
        seqno: row?.seqno ?? null,
        safeToBootstrap: row?.safeToBootstrap ?? null,
        source: 'grastate.dat',
        eligible: row?.eligible ?? false,
        reason: row?.why ?? '',
      };
      return { ref: { node: `db-${r.i}`, address: `10.0.0.${10 + r.i}`, ordinal: r.i }, row: evidenceRow, running: r.running ?? false, primary: r.primary ?? false };
    });
    return { members, decision };
  }

  test('start: bootstrap the safe_to_bootstrap node, start the others one by one', () => {
    const { members, decision } = evidence([
      { i: 0, seqno: 9 },
      { i: 1, seqno: 9, safe: true },
      { i: 2, seqno: 9 },
    ]);
    const plan = planStart(target(3), members, decision);
    assert.deepEqual(keys(plan), ['check-hosts', 'bootstrap:db-1', 'start:db-0', 'synced:db-0', 'start:db-2', 'synced:db-2', 'verify']);
    assert.equal(plan.details.bootstrapNode, 'db-1');
    assert.equal(plan.details.evidence?.length, 3);
    assert.deepEqual(
      plan.steps.filter((s) => s.node && /start|bootstrap/.test(s.action)).map((s) => s.node),
      ['db-1', 'db-0', 'db-2'],
      'the result lists started nodes by the action',
    );
  });

  test('start with a member already Primary: nothing bootstraps a second component', () => {
    const { members } = evidence([
      { i: 0, seqno: 9, running: true, primary: true },
      { i: 1, seqno: 9, safe: true },
      { i: 2, seqno: 9 },
    ]);
    const plan = planStart(target(3), members, undefined);
    assert.equal(plan.details.bootstrapNode, 'db-0');
    assert.match(plan.summary, /already runs in a Primary component/);
  });

  test('recover: the most advanced node, safe_to_bootstrap only there, servers running outside a Primary component stopped first', () => {
    const { members, decision } = evidence([
      { i: 0, seqno: 7 },
      { i: 1, seqno: 12, running: true },
      { i: 2, seqno: 12 },
    ]);
    const plan = planRecover(target(3), members, decision, []);
    assert.equal(plan.details.bootstrapNode, 'db-1');
    assert.equal(plan.requiresApproval, undefined, "approval is the control plane's rule (approve, policy.autoRecovery)");
    assert.deepEqual(keys(plan), ['check-hosts', 'stop:db-1', 'safe-to-bootstrap:db-1', 'bootstrap:db-1', 'start:db-0', 'synced:db-0', 'start:db-2', 'synced:db-2', 'verify']);
    assert.deepEqual(
      plan.steps.filter((s) => s.action === SSH_ACTIONS.setSafeToBootstrap).map((s) => s.node),
      ['db-1'],
    );
    assert.equal(plan.steps[2].params.position && (plan.steps[2].params.position as { seqno: number }).seqno, 12);
  });

  test('recover is refused with the evidence when a member is still Primary, or a member has not reported', () => {
    const primary = evidence([
      { i: 0, seqno: 7, running: true, primary: true },
      { i: 1, seqno: 12 },
      { i: 2, seqno: 12 },
    ]);
    assert.throws(
      () => planRecover(target(3), primary.members, primary.decision, []),
      (e: unknown) => e instanceof DomainError && e.code === 'NOT_A_FULL_CRASH' && /db-0 is still in a Primary component/.test(e.detail) && Array.isArray(e.extensions?.evidence),
    );
    const missing = evidence([
      { i: 0, seqno: 7 },
      { i: 1, seqno: 12 },
      { i: 2, seqno: -1, reachable: false },
    ]);
    assert.throws(
      () => planRecover(target(3), missing.members, missing.decision, []),
      (e: unknown) => e instanceof DomainError && e.code === 'RECOVERY_WAITING_FOR_NODES' && /db-2/.test(e.detail),
    );
  });

  test('recover without a member the operator accepted as missing', () => {
    const rows = [
      { i: 0, seqno: 7 },
      { i: 1, seqno: 12 },
      { i: 2, seqno: -1, reachable: false },
    ];
    const decision = chooseBootstrapNode(
      rows.map((r) =>
        r.reachable === false ? { name: `db-${r.i}`, reachable: false } : { name: `db-${r.i}`, reachable: true, grastate: { version: '2.1', uuid: UUID, seqno: r.seqno, safeToBootstrap: false } },
      ),
      { acceptMissing: ['db-2'] },
    );
    const { members } = evidence(rows);
    const plan = planRecover(target(3), members, decision, ['db-2']);
    assert.deepEqual(keys(plan), ['check-hosts', 'safe-to-bootstrap:db-1', 'bootstrap:db-1', 'start:db-0', 'synced:db-0', 'verify']);
    assert.match(plan.details.warnings.join(' '), /without db-2/);
  });

  test('reconfigure: files first, SET GLOBAL for dynamic parameters, a rolling restart only when one needs it', () => {
    const v = (p: Record<string, string | number | boolean>) => validateParameters(p).parameters;
    const dynamicOnly = planReconfigure(target(3), planParameterChanges(v({ max_connections: 100 }), v({ max_connections: 200 })));
    assert.deepEqual(keys(dynamicOnly), ['check-hosts', 'configure', 'apply-parameters', 'verify']);
    assert.deepEqual(dynamicOnly.steps[2].params.statements, ['SET GLOBAL max_connections = 200']);
    assert.equal(dynamicOnly.steps[1].params.enable, false);
    const withRestart = planReconfigure(target(3), planParameterChanges(v({}), v({ max_connections: 200, performance_schema: true })));
    assert.deepEqual(keys(withRestart), ['check-hosts', 'configure', 'apply-parameters', 'restart:db-0', 'synced:db-0', 'restart:db-1', 'synced:db-1', 'restart:db-2', 'synced:db-2', 'verify']);
    assert.equal(withRestart.details.restartRequired, true);
  });

  test('delete: members stop one at a time in reverse order; purge says the data goes; no member means nothing to do', () => {
    const plan = planDelete(target(3), true);
    assert.deepEqual(keys(plan), ['check-hosts', 'decommission:db-2', 'decommission:db-1', 'decommission:db-0']);
    assert.equal(plan.steps[1].params.purge, true);
    assert.match(plan.details.warnings.join(' '), /data directory is emptied/);
    assert.deepEqual(keys(planDelete(target(0), false)), ['nothing-to-do']);
  });
});
