import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ZERO_UUID, type Grastate } from './grastate';
import { canUsePcRecovery, chooseBootstrapNode, parseRecoveredPosition, type BootstrapEvidence } from './recovery';
import { WSREP_RECOVER_LOG_10_11 } from './test-fixtures';

const H = '15d9a0ef-02b1-11ee-9499-decd8e34642e';
const OTHER = '0794bb7b-0614-41cd-8301-4fe1d55a1f60';

/** The error log of `mariadbd --wsrep-recover` on MariaDB 10.11 (trimmed). */
const wsrepRecoverLog = `2024-05-02 10:14:25 0 [Note] Starting MariaDB 10.11.6-MariaDB-0+deb12u1 source revision fecd78b83785d5ae96f2c6ff340375be803cd299 as process 2211
2024-05-02 10:14:25 0 [Note] InnoDB: Compressed tables use zlib 1.2.13
2024-05-02 10:14:25 0 [Note] InnoDB: Initializing buffer pool, total size = 64.000MiB, chunk size = 1.000MiB
2024-05-02 10:14:25 0 [Note] InnoDB: Starting crash recovery from checkpoint LSN=46590
2024-05-02 10:14:26 0 [Note] InnoDB: log sequence number 54530; transaction id 30
2024-05-02 10:14:26 0 [Warning] InnoDB: Skipping buffer pool dump/restore during wsrep recovery.
2024-05-02 10:14:26 0 [Note] Server socket created on IP: '0.0.0.0'.
2024-05-02 10:14:26 0 [Note] WSREP: Recovered position: ${H}:1234
Warning: Memory not freed: 280
`;

describe('parseRecoveredPosition', () => {
  test('reads the log of a real --wsrep-recover run after a kill -9 (MariaDB 10.11.19)', () => {
    assert.deepEqual(parseRecoveredPosition(WSREP_RECOVER_LOG_10_11), {
      ok: true,
      value: { uuid: 'ef03f24e-e8ae-11f1-ba4b-c7773f8be10e', seqno: 5, format: 'wsrep-recover-log' },
    });
  });

  test('reads the --wsrep-recover log line of MariaDB 10.11', () => {
    assert.deepEqual(parseRecoveredPosition(wsrepRecoverLog), {
      ok: true,
      value: { uuid: H, seqno: 1234, format: 'wsrep-recover-log' },
    });
  });

  test('reads GTID suffixes on either side of the seqno', () => {
    const after = parseRecoveredPosition(`2025-10-14 10:14:26 0 [Note] WSREP: Recovered position: ${H}:48451,201-2001-48431`);
    const before = parseRecoveredPosition(`2025-10-14 10:14:26 0 [Note] WSREP: Recovered position: ${H}:201-2001-48431,48451`);
    for (const r of [after, before]) {
      assert.ok(r.ok);
      assert.equal(r.value.seqno, 48451);
      assert.equal(r.value.gtid, '201-2001-48431');
    }
  });

  test('reads what galera_recovery prints on stdout and stderr', () => {
    const stdout = parseRecoveredPosition(`--wsrep_start_position=${H}:77\n`);
    const systemd = parseRecoveredPosition(`_WSREP_START_POSITION=--wsrep_start_position=${H}:78`);
    const stderr = parseRecoveredPosition(`WSREP: Recovered position ${H}:79`);
    assert.deepEqual(stdout, { ok: true, value: { uuid: H, seqno: 77, format: 'galera-recovery' } });
    assert.ok(systemd.ok && systemd.value.seqno === 78);
    assert.ok(stderr.ok && stderr.value.seqno === 79 && stderr.value.format === 'galera-recovery');
  });

  test('reads a plain uuid:seqno followed by other text', () => {
    const r = parseRecoveredPosition(`  ${H.toUpperCase()}:5,0-1-5 recovered from InnoDB\n`);
    assert.deepEqual(r, { ok: true, value: { uuid: H, seqno: 5, gtid: '0-1-5', format: 'plain' } });
  });

  test('the last of several positions wins (repeated runs)', () => {
    const r = parseRecoveredPosition(`${wsrepRecoverLog}2024-05-02 10:15:00 0 [Note] WSREP: Recovered position: ${OTHER}:3\n`);
    assert.ok(r.ok);
    assert.deepEqual([r.value.uuid, r.value.seqno], [OTHER, 3]);
  });

  test('a node with no history recovers the zero position', () => {
    const r = parseRecoveredPosition(`2026-11-25  9:02:19 0 [Note] WSREP: Recovered position: ${ZERO_UUID}:-1`);
    assert.ok(r.ok);
    assert.deepEqual([r.value.uuid, r.value.seqno], [ZERO_UUID, -1]);
  });

  test('says why when there is no position', () => {
    const code = (text: string) => {
      const r = parseRecoveredPosition(text);
      return r.ok ? 'ok' : r.code;
    };
    assert.equal(code('2024-05-02 10:14:25 0 [Note] InnoDB: 128 rollback segments are active.'), 'RECOVERED_POSITION_NOT_FOUND');
    assert.equal(code("WSREP: Failed to recover position: '...'"), 'RECOVERY_FAILED');
    assert.equal(code('2024-05-02 [Note] WSREP: wsrep_on=OFF, skipping position recovery'), 'RECOVERY_SKIPPED');
    assert.equal(code('[Note] WSREP: Recovered position: not-a-uuid:12'), 'RECOVERED_POSITION_INVALID');
    assert.equal(code(`[Note] WSREP: Recovered position: ${H}:abc`), 'RECOVERED_POSITION_INVALID');
  });
});

const grastate = (seqno: number, safe = false, uuid = H): Grastate => ({ version: '2.1', uuid, seqno, safeToBootstrap: safe });
const crashed = (name: string, recovered: number, uuid = H): BootstrapEvidence => ({
  name,
  reachable: true,
  grastate: grastate(-1, false, uuid),
  recovered: { uuid, seqno: recovered, format: 'wsrep-recover-log' },
});

describe('chooseBootstrapNode', () => {
  test('after a full crash the highest recovered seqno wins, with the evidence table', () => {
    const d = chooseBootstrapNode([crashed('db-1', 100), crashed('db-2', 130), crashed('db-3', 120)]);
    assert.equal(d.action, 'bootstrap');
    assert.equal(d.code, 'BOOTSTRAP_MOST_ADVANCED');
    assert.equal(d.node, 'db-2');
    assert.deepEqual(d.position, { uuid: H, seqno: 130 });
    assert.deepEqual(
      d.evidence.map((r) => [r.name, r.seqno, r.positionSource, r.eligible, r.code]),
      [
        ['db-1', 100, 'recovered', true, 'ELIGIBLE'],
        ['db-2', 130, 'recovered', true, 'ELIGIBLE'],
        ['db-3', 120, 'recovered', true, 'ELIGIBLE'],
      ],
    );
  });

  test('a node marked safe_to_bootstrap wins', () => {
    const d = chooseBootstrapNode([
      { name: 'db-1', reachable: true, grastate: grastate(90) },
      { name: 'db-2', reachable: true, grastate: grastate(95, true) },
      { name: 'db-3', reachable: true, grastate: grastate(95) },
    ]);
    assert.equal(d.code, 'BOOTSTRAP_SAFE_TO_BOOTSTRAP');
    assert.equal(d.node, 'db-2');
  });

  test('safe_to_bootstrap contradicted by a more advanced node is refused until an operator picks', () => {
    const evidence = [{ name: 'db-1', reachable: true, grastate: grastate(90, true) }, crashed('db-2', 95)];
    const d = chooseBootstrapNode(evidence);
    assert.equal(d.action, 'refuse');
    assert.equal(d.code, 'BOOTSTRAP_EVIDENCE_CONFLICT');
    const picked = chooseBootstrapNode(evidence, { operatorChoice: 'db-2' });
    assert.equal(picked.code, 'BOOTSTRAP_OPERATOR_CHOICE');
    assert.equal(picked.node, 'db-2');
  });

  test('ties go to the first node in natural name order', () => {
    const d = chooseBootstrapNode([crashed('galera-10', 50), crashed('galera-2', 50), crashed('galera-1', 40)]);
    assert.equal(d.node, 'galera-2');
    assert.match(d.message, /tied with galera-10/);
  });

  test('never bootstraps from an empty or aborted-SST node, even when marked safe', () => {
    const d = chooseBootstrapNode([{ name: 'db-1', reachable: true, grastate: grastate(-1, true, ZERO_UUID) }, crashed('db-2', 10)]);
    assert.equal(d.node, 'db-2');
    const row = d.evidence.find((r) => r.name === 'db-1');
    assert.deepEqual([row?.eligible, row?.code], [false, 'NO_HISTORY']);
  });

  test('no eligible node at all is refused', () => {
    const d = chooseBootstrapNode([
      { name: 'db-1', reachable: true, grastate: grastate(-1, false, ZERO_UUID) },
      { name: 'db-2', reachable: true, grastate: grastate(-1), recovered: { uuid: ZERO_UUID, seqno: -1, format: 'plain' } },
    ]);
    assert.deepEqual([d.action, d.code], ['refuse', 'BOOTSTRAP_NO_ELIGIBLE_NODE']);
  });

  test('waits while a node is unreachable, naming it and why', () => {
    const d = chooseBootstrapNode([crashed('db-1', 100), crashed('db-2', 90), { name: 'db-3', reachable: false, unreachableReason: 'ssh: connect ETIMEDOUT 10.250.0.13:22' }]);
    assert.equal(d.action, 'wait');
    assert.equal(d.code, 'RECOVERY_WAITING_FOR_NODES');
    assert.equal(d.node, undefined);
    assert.deepEqual(d.missing, [{ name: 'db-3', reason: 'unreachable: ssh: connect ETIMEDOUT 10.250.0.13:22', accepted: false }]);
    assert.match(d.message, /db-3/);
  });

  test('waits while a crashed node has not run position recovery', () => {
    const d = chooseBootstrapNode([crashed('db-1', 100), { name: 'db-2', reachable: true, grastate: grastate(-1) }]);
    assert.equal(d.action, 'wait');
    assert.match(d.missing[0].reason, /run galera_recovery/);
  });

  test('a failed recovery also blocks the decision until accepted', () => {
    const evidence: BootstrapEvidence[] = [crashed('db-1', 100), { name: 'db-2', reachable: true, grastate: grastate(-1), recoveryError: 'mariadbd exited with 1' }];
    assert.equal(chooseBootstrapNode(evidence).action, 'wait');
    const d = chooseBootstrapNode(evidence, { acceptMissing: ['db-2'] });
    assert.equal(d.action, 'bootstrap');
    assert.equal(d.node, 'db-1');
    assert.match(d.message, /accepted as missing by the operator: db-2/);
    assert.deepEqual(
      d.missing.map((m) => [m.name, m.accepted]),
      [['db-2', true]],
    );
  });

  test('accepting one missing node does not accept another', () => {
    const d = chooseBootstrapNode([crashed('db-1', 100), { name: 'db-2', reachable: false }, { name: 'db-3', reachable: false }], { acceptMissing: ['db-2'] });
    assert.equal(d.action, 'wait');
    assert.match(d.message, /db-3/);
    assert.doesNotMatch(d.message, /Missing: db-2/);
  });

  test('two histories are refused, the minority flagged, until an operator picks', () => {
    const evidence = [crashed('db-1', 100), crashed('db-2', 100), crashed('db-3', 500, OTHER)];
    const d = chooseBootstrapNode(evidence);
    assert.deepEqual([d.action, d.code], ['refuse', 'BOOTSTRAP_DIVERGED_HISTORIES']);
    assert.deepEqual(
      d.evidence.filter((r) => r.code === 'DIVERGENT_HISTORY').map((r) => r.name),
      ['db-3'],
    );
    const picked = chooseBootstrapNode(evidence, { operatorChoice: 'db-1' });
    assert.equal(picked.action, 'bootstrap');
    assert.match(picked.message, /db-3 carries another history/);
  });

  test('an operator cannot pick a node without history or an unknown node', () => {
    const evidence = [crashed('db-1', 100), { name: 'db-2', reachable: true, grastate: grastate(-1, false, ZERO_UUID) }];
    assert.equal(chooseBootstrapNode(evidence, { operatorChoice: 'db-2' }).code, 'BOOTSTRAP_OPERATOR_CHOICE_INVALID');
    assert.equal(chooseBootstrapNode(evidence, { operatorChoice: 'db-9' }).code, 'BOOTSTRAP_OPERATOR_CHOICE_INVALID');
  });

  test('an operator picking a node behind the best is warned what is lost', () => {
    const d = chooseBootstrapNode([crashed('db-1', 100), crashed('db-2', 130)], { operatorChoice: 'db-1' });
    assert.equal(d.node, 'db-1');
    assert.match(d.message, /db-2 is 30 transaction\(s\) ahead/);
  });

  test('a clean grastate seqno is used as is; recovery is only needed after -1', () => {
    const d = chooseBootstrapNode([{ name: 'db-1', reachable: true, grastate: grastate(200) }, crashed('db-2', 150)]);
    assert.equal(d.node, 'db-1');
    assert.equal(d.evidence[0].positionSource, 'grastate');
  });

  test('property: when every node reports one history, the chosen node has the highest seqno', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 7 }), (seqnos) => {
        const d = chooseBootstrapNode(seqnos.map((s, i) => crashed(`n-${i}`, s)));
        assert.equal(d.action, 'bootstrap');
        assert.equal(d.position?.seqno, Math.max(...seqnos));
        assert.equal(d.node, `n-${seqnos.indexOf(Math.max(...seqnos))}`);
      }),
    );
  });
});

describe('canUsePcRecovery', () => {
  const view = (me: string, members: string[]) => ({ myUuid: me, viewId: `3 ${members[0]} 3`, members });
  const A = 'aaaaaaaa-0000-0000-0000-000000000001';
  const B = 'aaaaaaaa-0000-0000-0000-000000000002';
  const C = 'aaaaaaaa-0000-0000-0000-000000000003';

  test('every member of the saved view is back: try starting all together', () => {
    const r = canUsePcRecovery([
      { name: 'db-1', reachable: true, gvwstate: view(A, [A, B, C]) },
      { name: 'db-2', reachable: true, gvwstate: view(B, [A, B, C]) },
      { name: 'db-3', reachable: true, gvwstate: view(C, [A, B, C]) },
    ]);
    assert.deepEqual([r.usable, r.code], [true, 'PC_RECOVERY_POSSIBLE']);
  });

  test('an unreachable node rules it out', () => {
    const r = canUsePcRecovery([
      { name: 'db-1', reachable: true, gvwstate: view(A, [A, B]) },
      { name: 'db-2', reachable: false },
    ]);
    assert.deepEqual([r.usable, r.code], [false, 'PC_RECOVERY_MEMBERS_UNREACHABLE']);
    assert.match(r.message, /db-2/);
  });

  test('no saved view (clean shutdown) rules it out', () => {
    const r = canUsePcRecovery([
      { name: 'db-1', reachable: true },
      { name: 'db-2', reachable: true },
    ]);
    assert.equal(r.code, 'PC_RECOVERY_NO_SAVED_VIEW');
  });

  test('a saved view member that no node identifies as rules it out', () => {
    const r = canUsePcRecovery([
      { name: 'db-1', reachable: true, gvwstate: view(A, [A, B, C]) },
      { name: 'db-2', reachable: true, gvwstate: view(B, [A, B, C]) },
      { name: 'db-3', reachable: true },
    ]);
    assert.deepEqual([r.usable, r.code], [false, 'PC_RECOVERY_VIEW_MEMBERS_MISSING']);
  });
});
