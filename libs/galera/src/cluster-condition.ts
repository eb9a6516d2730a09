/**
 * The cluster's `Ready` condition, judged from what each member reported.
 */
import { compareNodeNames } from './node-names';
import { assessNodeHealth, type NodeHealthCode, type NodeHealthPolicy, type WsrepNodeState, type WsrepStatus } from './node-health';

/** What the control plane observed of one member. */
export interface ObservedMember {
  /** Member name (the node's `wsrep_node_name`). */
  name: string;
  /** Whether the control plane could reach the node and read its status. */
  reachable: boolean;
  /** Why the node could not be observed, when it could not. */
  unreachableReason?: string;
  /** Its parsed wsrep status, when it was read. */
  status?: WsrepStatus;
  /**
   * The host answered but no server process runs on it (crashed or stopped): the member was
   * observed, and it is certainly not in a Primary component. A server that runs but does not
   * answer is not this: leave it unobserved.
   */
  serverStopped?: boolean;
  /**
   * Another cluster owns the host (see `judgeHostOwner`): why, in words. Its status, whatever it
   * says, is that cluster's, not this member's: the member is never healthy nor Primary here.
   */
  foreign?: string;
}

/** Input of {@link assessClusterCondition}. */
export interface ClusterObservation {
  /** Number of data nodes the cluster's spec asks for. */
  desiredSize: number;
  /** Every member the spec knows of. */
  members: readonly ObservedMember[];
  /** Which states besides Synced count as healthy. */
  policy?: NodeHealthPolicy;
}

/** The overall condition: Ready, Degraded, Down, or Unknown when nothing could be observed. */
export type ClusterConditionStatus = 'Ready' | 'Degraded' | 'Down' | 'Unknown';

/** Codes of {@link ClusterCondition}. */
export type ClusterConditionCode = 'CLUSTER_READY' | 'CLUSTER_DEGRADED' | 'CLUSTER_PRIMARY_COMPONENTS_DIVERGE' | 'CLUSTER_DOWN' | 'CLUSTER_HOSTS_FOREIGN' | 'CLUSTER_UNKNOWN';

/** Counts behind a {@link ClusterCondition}, ready for a status summary. */
export interface ClusterCounts {
  /** Data nodes the spec asks for. */
  desired: number;
  /** Members listed. */
  members: number;
  /** Members whose status was read. */
  observed: number;
  /** Members that were reachable and report `wsrep_cluster_status = Primary`. */
  primary: number;
  /** Members that may serve traffic. */
  healthy: number;
  /** `wsrep_cluster_size` as the Primary members report it (the smallest, if they disagree). */
  clusterSize?: number;
}

/** The verdict of {@link assessClusterCondition}. */
export interface ClusterCondition {
  /** Ready, Degraded, Down or Unknown. */
  status: ClusterConditionStatus;
  /** Stable code. */
  code: ClusterConditionCode;
  /** Human explanation, naming the members that keep the cluster from Ready. */
  message: string;
  /** The counts the verdict is based on. */
  counts: ClusterCounts;
  /** Each member's verdict, in node-name order. */
  members: MemberHealth[];
}

/** One member's line in a {@link ClusterCondition}. */
export interface MemberHealth {
  /** Member name. */
  name: string;
  /** Whether the node could be reached. */
  reachable: boolean;
  /** Whether it may serve traffic. */
  healthy: boolean;
  /** The node verdict's code; `NODE_UNREACHABLE` when nothing was read, `NODE_STOPPED` when no server runs, `NODE_FOREIGN` when another cluster owns the host. */
  code: NodeHealthCode | 'NODE_UNREACHABLE' | 'NODE_STOPPED' | 'NODE_FOREIGN';
  /** Human explanation. */
  message: string;
  /** Its node state, when read. */
  nodeState?: WsrepNodeState;
}

/**
 * Judges the cluster. Galera: Ready when every member is healthy and `wsrep_cluster_size` equals
 * the desired size; Degraded when a Primary component exists but fewer members are healthy; Down
 * when no observed node is Primary (a host that answers with no server running counts as observed
 * and not Primary); Unknown when no member could be observed at all. Two Primary
 * components with different state UUIDs (two diverging clusters) are reported as Degraded with
 * their own code, never as Ready. A member whose host another cluster owns is not healthy and
 * its status does not count (it is that cluster's); when every observed member is such a host,
 * the condition is Unknown with its own code (not Down: recovering another cluster's hosts is
 * the last thing to do).
 */
export function assessClusterCondition(observation: ClusterObservation): ClusterCondition {
  const members = [...observation.members].sort((a, b) => compareNodeNames(a.name, b.name));
  const verdicts: MemberHealth[] = members.map((m): MemberHealth => {
    if (m.foreign !== undefined) return { name: m.name, reachable: m.reachable, healthy: false, code: 'NODE_FOREIGN', message: `foreign host: ${m.foreign}` };
    if (m.reachable && !m.status && m.serverStopped) {
      return { name: m.name, reachable: true, healthy: false, code: 'NODE_STOPPED', message: m.unreachableReason ?? 'no server process runs on the host' };
    }
    if (!m.reachable || !m.status) {
      return {
        name: m.name,
        reachable: m.reachable,
        healthy: false,
        code: 'NODE_UNREACHABLE',
        message: m.unreachableReason ?? (m.reachable ? 'status not read' : 'unreachable'),
      };
    }
    const health = assessNodeHealth(m.status, observation.policy);
    return { name: m.name, reachable: true, ...health };
  });
  // Galera: a host whose server is not running was observed, and is not Primary; so a cluster
  // whose hosts all answer with no server running is Down (a full crash), not Unknown.
  const foreign = members.filter((m) => m.foreign !== undefined);
  const observed = members.filter((m) => m.foreign === undefined && m.reachable && (m.status || m.serverStopped));
  const primaries = observed.filter((m) => m.status?.clusterStatus === 'Primary');
  const sizes = primaries.map((m) => m.status?.clusterSize).filter((s): s is number => s !== undefined);
  const healthy = verdicts.filter((v) => v.healthy);
  const counts: ClusterCounts = {
    desired: observation.desiredSize,
    members: members.length,
    observed: observed.length,
    primary: primaries.length,
    healthy: healthy.length,
    clusterSize: sizes.length > 0 ? Math.min(...sizes) : undefined,
  };
  const unobserved = members.length - observed.length;
  const result = (status: ClusterConditionStatus, code: ClusterConditionCode, message: string): ClusterCondition => ({
    status,
    code,
    message,
    counts,
    members: verdicts,
  });

  if (observed.length === 0 && foreign.length > 0) {
    return result('Unknown', 'CLUSTER_HOSTS_FOREIGN', `another cluster owns the hosts of ${foreign.map((m) => `${m.name} (${m.foreign})`).join(', ')}`);
  }
  if (observed.length === 0) {
    return result('Unknown', 'CLUSTER_UNKNOWN', `none of the ${members.length} members could be observed`);
  }
  if (primaries.length === 0) {
    const tail = unobserved > 0 ? `; ${unobserved} member(s) could not be observed` : '';
    return result('Down', 'CLUSTER_DOWN', `no observed member is in a Primary component${tail}`);
  }
  const histories = new Set(primaries.map((m) => m.status?.clusterStateUuid).filter((u) => u !== undefined));
  if (histories.size > 1) {
    return result('Degraded', 'CLUSTER_PRIMARY_COMPONENTS_DIVERGE', `members report Primary components with different state UUIDs (${[...histories].sort().join(', ')}): two diverging clusters`);
  }
  const notHealthy = verdicts.filter((v) => !v.healthy).map((v) => `${v.name} (${v.message})`);
  const sizeAgrees = sizes.length > 0 && sizes.every((s) => s === observation.desiredSize);
  if (notHealthy.length === 0 && members.length === observation.desiredSize && sizeAgrees) {
    return result('Ready', 'CLUSTER_READY', `all ${members.length} members are healthy and wsrep_cluster_size is ${observation.desiredSize}`);
  }
  const why: string[] = [];
  if (notHealthy.length > 0) why.push(`not healthy: ${notHealthy.join(', ')}`);
  if (!sizeAgrees) {
    why.push(`wsrep_cluster_size is ${[...new Set(sizes)].join('/') || 'unknown'}, desired ${observation.desiredSize}`);
  } else if (members.length !== observation.desiredSize) {
    why.push(`${members.length} members listed, desired ${observation.desiredSize}`);
  }
  return result('Degraded', 'CLUSTER_DEGRADED', `${healthy.length} of ${observation.desiredSize} healthy; ${why.join('; ')}`);
}
