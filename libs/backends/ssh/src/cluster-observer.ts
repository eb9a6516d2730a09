/**
 * Observation (read-only): each member's `SHOW GLOBAL STATUS LIKE 'wsrep_%'` over SSH, judged by
 * assessNodeHealth and assessClusterCondition. Quick and bounded: members are read in parallel
 * with short timeouts, and an unreachable member is reported as such, never thrown.
 */
import type { ClusterTarget, ObservedCluster, ObservedMember } from '@galera-cp/backends';
import { assessClusterCondition, assessNodeHealth, type ObservedMember as GaleraObservedMember } from '@galera-cp/galera';
import { readNodeStatus, type NodeStatus } from './galera-node';
import type { HostConnections } from './host-connections';
import { memberRefs } from './ssh-plans';

/** Observes every member of a target. */
export async function observeCluster(hosts: HostConnections, target: ClusterTarget): Promise<ObservedCluster> {
  const refs = memberRefs(target);
  if (refs.length === 0) return { members: [], condition: 'Unknown', reason: 'the cluster has no members yet' };
  const reads = await Promise.all(
    refs.map(async (ref): Promise<{ read?: NodeStatus; reason?: string }> => {
      try {
        const host = await hosts.get(ref);
        return { read: await readNodeStatus(host) };
      } catch (error) {
        return { reason: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  const policy = { donorServesTraffic: target.spec.policy.donorServesTraffic };
  const members: ObservedMember[] = refs.map((ref, i) => {
    const { read, reason } = reads[i];
    if (!read) return { name: ref.node, address: ref.address, reachable: false, reason: reason ?? 'unreachable', healthy: false };
    if (!read.status) {
      return {
        name: ref.node,
        address: ref.address,
        reachable: true,
        reason: read.running ? 'mariadbd runs but does not answer (starting, or hung)' : 'mariadbd is not running',
        wsrepState: read.running ? 'Unknown' : 'Stopped',
        healthy: false,
      };
    }
    const s = read.status;
    return {
      name: ref.node,
      address: ref.address,
      reachable: true,
      wsrepState: s.localStateComment ?? s.nodeState,
      healthy: assessNodeHealth(s, policy).healthy,
      seqno: s.lastCommitted ?? null,
      ...(s.clusterSize !== undefined ? { clusterSize: s.clusterSize } : {}),
      clusterStatus: s.clusterStatus,
      wsrep: { ...s.raw },
    };
  });
  const galeraMembers: GaleraObservedMember[] = refs.map((ref, i) => {
    const { read, reason } = reads[i];
    if (!read) return { name: ref.node, reachable: false, unreachableReason: reason };
    if (!read.status) return { name: ref.node, reachable: true, ...(read.running ? {} : { serverStopped: true, unreachableReason: 'mariadbd is not running' }) };
    return { name: ref.node, reachable: true, status: read.status };
  });
  const condition = assessClusterCondition({ desiredSize: target.spec.replicas, members: galeraMembers, policy });
  return { members, condition: condition.status, reason: condition.message };
}
