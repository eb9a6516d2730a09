/**
 * Evidence for a bootstrap choice (cluster.start, cluster.recover): each member's grastate.dat,
 * gvwstate.dat and, after a crash (seqno -1), its recovered position; or, for a server that still
 * runs, its live wsrep position. The choice itself is chooseBootstrapNode's (@galera-cp/galera).
 */
import type { RecoveryEvidenceRow } from '@galera-cp/backends';
import { chooseBootstrapNode, needsPositionRecovery, ZERO_UUID, type BootstrapDecision, type BootstrapEvidence, type BootstrapEvidenceRow } from '@galera-cp/galera';
import { readNodeStatus, readStateFiles, recoverPosition } from './galera-node';
import type { HostConnections, HostRef } from './host-connections';
import type { MemberEvidence } from './ssh-plans';

/** What was learned about one member, beyond the rules' evidence. */
interface Collected {
  evidence: BootstrapEvidence;
  running: boolean;
  primary: boolean;
  /** Overrides the evidence row's source (a running server's live position). */
  source?: string;
  /** Overrides the row's reason. */
  reason?: string;
}

/** Reads one member's evidence; never throws (an unreachable member is evidence too). */
async function collectOne(hosts: HostConnections, ref: HostRef, recoverPositions: boolean): Promise<Collected> {
  const missing = (reason: string): Collected => ({ evidence: { name: ref.node, reachable: false, unreachableReason: reason }, running: false, primary: false });
  let host;
  try {
    host = await hosts.get(ref);
  } catch (error) {
    return missing(error instanceof Error ? error.message : String(error));
  }
  try {
    const status = await readNodeStatus(host);
    if (status.running) {
      const s = status.status;
      if (!s) return { ...missing('mariadbd runs but does not answer: wait for it to finish starting, or stop it'), running: true };
      if (s.clusterStatus === 'Primary') {
        return {
          evidence: { name: ref.node, reachable: true, recovered: { uuid: s.localStateUuid ?? ZERO_UUID, seqno: s.lastCommitted ?? -1, format: 'plain' } },
          running: true,
          primary: true,
          source: 'running server (Primary)',
          reason: `running in a Primary component of size ${s.clusterSize ?? '?'}`,
        };
      }
      // A server that runs outside any Primary component knows its last committed seqno.
      return {
        evidence: {
          name: ref.node,
          reachable: true,
          ...(s.localStateUuid && s.lastCommitted !== undefined ? { recovered: { uuid: s.localStateUuid, seqno: s.lastCommitted, format: 'plain' as const } } : {}),
        },
        running: true,
        primary: false,
        source: `running server (${s.clusterStatus}, wsrep_last_committed)`,
      };
    }
    const files = await readStateFiles(host);
    const evidence: BootstrapEvidence = {
      name: ref.node,
      reachable: true,
      ...(files.grastate ? { grastate: files.grastate } : { grastateError: files.grastateError }),
      ...(files.gvwstate ? { gvwstate: files.gvwstate } : {}),
    };
    // Galera: after a crash grastate.dat says seqno -1; the recovered position is the truth.
    if (needsPositionRecovery(files.grastate) && recoverPositions) {
      const recovered = await recoverPosition(host);
      if (recovered.position) evidence.recovered = recovered.position;
      else evidence.recoveryError = recovered.error;
    }
    return { evidence, running: false, primary: false };
  } catch (error) {
    return missing(error instanceof Error ? error.message : String(error));
  }
}

function toRow(row: BootstrapEvidenceRow, collected: Collected | undefined): RecoveryEvidenceRow {
  return {
    node: row.name,
    reachable: row.reachable,
    uuid: row.uuid ?? null,
    seqno: row.seqno ?? null,
    safeToBootstrap: row.reachable ? row.safeToBootstrap : null,
    source: collected?.source ?? (row.positionSource === 'grastate' ? 'grastate.dat' : row.positionSource === 'recovered' ? 'galera_recovery (mariadbd --wsrep-recover)' : 'none'),
    eligible: row.eligible && !collected?.primary,
    reason: collected?.reason ?? row.why,
  };
}

/** Every member's evidence (collected in parallel) and the bootstrap decision. */
export async function collectEvidence(
  hosts: HostConnections,
  refs: readonly HostRef[],
  options: { acceptMissing: readonly string[]; recoverPositions: boolean },
): Promise<{ members: MemberEvidence[]; decision: BootstrapDecision }> {
  const collected = await Promise.all(refs.map((ref) => collectOne(hosts, ref, options.recoverPositions)));
  const byName = new Map(collected.map((c) => [c.evidence.name, c]));
  const decision = chooseBootstrapNode(
    collected.map((c) => c.evidence),
    { acceptMissing: options.acceptMissing },
  );
  const rows = new Map(decision.evidence.map((row) => [row.name, toRow(row, byName.get(row.name))]));
  const members = refs.map((ref) => {
    const c = byName.get(ref.node) as Collected;
    return { ref, row: rows.get(ref.node) as RecoveryEvidenceRow, running: c.running, primary: c.primary };
  });
  return { members, decision };
}
