/**
 * The cluster's `Ready` condition judged from health probes, for orchestrators that cannot read
 * each member's wsrep status but run the node health rule next to it (a Kubernetes readiness
 * probe built from {@link nodeHealthProbe}) and report whether each member passes.
 */
import type { ClusterConditionCode, ClusterConditionStatus, ClusterCounts } from './cluster-condition';
import { compareNodeNames } from './node-names';

/**
 * What the orchestrator reports of one member: `serving` when it passes the node health probe
 * (Primary, ready, connected and Synced), `running` when its server runs but fails the probe,
 * `not-running` when no server runs (not started yet, crashed, being replaced, unschedulable).
 */
export type ProbedMemberState = 'serving' | 'running' | 'not-running';

/** One member as an orchestrator reports it. */
export interface ProbedMember {
  /** Member name. */
  name: string;
  /** Whether it passes the health probe, runs without passing, or does not run. */
  state: ProbedMemberState;
  /** Why it does not serve, in the orchestrator's words (pod conditions, container state). */
  reason?: string;
}

/** Input of {@link assessClusterConditionFromProbes}. */
export interface ProbedClusterObservation {
  /** Number of data nodes the cluster's spec asks for. */
  desiredSize: number;
  /** Every member the orchestrator should run. */
  members: readonly ProbedMember[];
}

/** Codes of a {@link ProbedMemberHealth}. */
export type ProbedMemberCode = 'NODE_PASSES_HEALTH_PROBE' | 'NODE_FAILS_HEALTH_PROBE' | 'NODE_NOT_RUNNING';

/** One member's line in a {@link ProbedClusterCondition}. */
export interface ProbedMemberHealth {
  /** Member name. */
  name: string;
  /** Whether it may serve traffic (it passes the probe). */
  healthy: boolean;
  /** Stable code. */
  code: ProbedMemberCode;
  /** Human explanation. */
  message: string;
}

/** The verdict of {@link assessClusterConditionFromProbes}: the same statuses and codes as `assessClusterCondition`. */
export interface ProbedClusterCondition {
  /** Ready, Degraded, Down or Unknown. */
  status: ClusterConditionStatus;
  /** Stable code. */
  code: ClusterConditionCode;
  /** Human explanation, naming the members that keep the cluster from Ready. */
  message: string;
  /** The counts the verdict is based on; `clusterSize` stays unknown (a probe does not read it). */
  counts: ClusterCounts;
  /** Each member's verdict, in node-name order. */
  members: ProbedMemberHealth[];
}

const PROBE_RULE = 'Primary, ready, connected and Synced';

/**
 * Judges the cluster from probe results, keeping the rule of `assessClusterCondition`. Galera:
 * Ready when every desired member is healthy; Degraded when a Primary component exists (a member
 * passing the probe proves one) but fewer members are healthy; Down when no member passes, so no
 * Primary component can be confirmed; Unknown when there is no member to judge. What a probe
 * cannot see: `wsrep_cluster_size` (Ready takes every desired member passing as the full size),
 * a Primary component whose members are all Donor/Joining (it reads as Down), and two diverging
 * Primary components (both pass).
 */
export function assessClusterConditionFromProbes(observation: ProbedClusterObservation): ProbedClusterCondition {
  const members = [...observation.members].sort((a, b) => compareNodeNames(a.name, b.name));
  const verdicts = members.map((m): ProbedMemberHealth => {
    switch (m.state) {
      case 'serving':
        return { name: m.name, healthy: true, code: 'NODE_PASSES_HEALTH_PROBE', message: `passes the health probe: ${PROBE_RULE}` };
      case 'running':
        return { name: m.name, healthy: false, code: 'NODE_FAILS_HEALTH_PROBE', message: m.reason ?? `runs but fails the health probe (${PROBE_RULE})` };
      case 'not-running':
        return { name: m.name, healthy: false, code: 'NODE_NOT_RUNNING', message: m.reason ?? 'no server runs' };
    }
  });
  const healthy = verdicts.filter((v) => v.healthy);
  const running = members.filter((m) => m.state === 'running').length;
  const counts: ClusterCounts = {
    desired: observation.desiredSize,
    members: members.length,
    observed: members.length,
    // A passing probe proves the member is in a Primary component; the others are not known to be.
    primary: healthy.length,
    healthy: healthy.length,
  };
  const result = (status: ClusterConditionStatus, code: ClusterConditionCode, message: string): ProbedClusterCondition => ({
    status,
    code,
    message,
    counts,
    members: verdicts,
  });

  if (members.length === 0) return result('Unknown', 'CLUSTER_UNKNOWN', 'there is no member to observe');
  if (healthy.length === 0) {
    return result('Down', 'CLUSTER_DOWN', `no member passes the health probe (${PROBE_RULE}), so no Primary component can be confirmed; ${running} running, ${members.length - running} not running`);
  }
  const notHealthy = verdicts.filter((v) => !v.healthy).map((v) => `${v.name} (${v.message})`);
  if (notHealthy.length === 0 && members.length === observation.desiredSize) {
    return result('Ready', 'CLUSTER_READY', `all ${members.length} members pass the health probe (${PROBE_RULE})`);
  }
  const why: string[] = [];
  if (notHealthy.length > 0) why.push(`not healthy: ${notHealthy.join(', ')}`);
  if (members.length !== observation.desiredSize) why.push(`${members.length} members listed, desired ${observation.desiredSize}`);
  return result('Degraded', 'CLUSTER_DEGRADED', `${healthy.length} of ${observation.desiredSize} healthy; ${why.join('; ')}`);
}
