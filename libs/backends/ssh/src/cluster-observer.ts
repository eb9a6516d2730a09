/**
 * Observation (read-only): each member's `SHOW GLOBAL STATUS LIKE 'wsrep_%'` over SSH, judged by
 * assessNodeHealth and assessClusterCondition. Quick and bounded: members are read in parallel
 * with short timeouts, and an unreachable member is reported as such, never thrown. A member
 * whose host another cluster owns (judgeHostOwner on its option file and running server) is
 * reported `Foreign`, never healthy, whatever its server says.
 */
import type { ClusterTarget, ObservedCluster, ObservedMember } from '@galera-cp/backends';
import { assessClusterCondition, assessNodeHealth, type ObservedMember as GaleraObservedMember } from '@galera-cp/galera';
import { readNodeStatus, type NodeStatus } from './galera-node';
import type { HostConnections } from './host-connections';
import { ownershipOf } from './host-owner';
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
    const owner = ownershipOf(target, read);
    if (owner.owner === 'other') return { name: ref.node, address: ref.address, reachable: true, reason: `another cluster owns the host: ${owner.message}`, wsrepState: 'Foreign', healthy: false };
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
    const owner = ownershipOf(target, read);
    if (owner.owner === 'other') return { name: ref.node, reachable: true, foreign: owner.message, ...(read.status ? { status: read.status } : {}) };
    if (!read.status) return { name: ref.node, reachable: true, ...(read.running ? {} : { serverStopped: true, unreachableReason: 'mariadbd is not running' }) };
    return { name: ref.node, reachable: true, status: read.status };
  });
  const condition = assessClusterCondition({ desiredSize: target.spec.replicas, members: galeraMembers, policy });
  return { members, condition: condition.status, reason: condition.message };
}
