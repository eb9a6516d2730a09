/**
 * Who owns a member's host, read from the host (its option file and its running server, see
 * `readNodeStatus`) and judged by `judgeHostOwner`: every step refuses to act on a host another
 * cluster owns, and observation reports such a member as foreign.
 */
import type { ClusterTarget } from '@galera-cp/backends';
import { judgeHostOwner, type HostOwnership } from '@galera-cp/galera';
import type { NodeStatus } from './galera-node';
import { memberError } from './ssh-backend.errors';

/** Who owns the host a status was read from, for the target's cluster. */
export function ownershipOf(target: Pick<ClusterTarget, 'clusterId' | 'name'>, status: NodeStatus): HostOwnership {
  return judgeHostOwner(
    { clusterId: target.clusterId, clusterName: target.name },
    {
      ...(status.config
        ? {
            config: {
              ...(status.config.clusterName !== undefined ? { clusterName: status.config.clusterName } : {}),
              ...(status.config.ownerId !== undefined ? { ownerId: status.config.ownerId } : {}),
            },
          }
        : {}),
      ...(status.clusterName !== undefined ? { runningClusterName: status.clusterName } : {}),
    },
  );
}

/**
 * Refuses with HOST_OWNED_BY_OTHER_CLUSTER, before anything changes on it, a host another
 * cluster owns: the message names this cluster and the owner, and says what was refused.
 */
export function assertOwnHost(target: Pick<ClusterTarget, 'clusterId' | 'name'>, host: { node: string; address: string }, status: NodeStatus, doing: string): void {
  const owner = ownershipOf(target, status);
  if (owner.owner !== 'other') return;
  const other =
    owner.otherClusterName !== undefined || owner.otherClusterId !== undefined ? ` ${[owner.otherClusterName, owner.otherClusterId && `(${owner.otherClusterId})`].filter(Boolean).join(' ')}` : '';
  throw memberError(
    'HOST_OWNED_BY_OTHER_CLUSTER',
    host.node,
    `${host.address} belongs to another cluster${other}, not to ${target.name} (${target.clusterId}): ${owner.message}; refusing to ${doing}. Nothing was changed on the host`,
    {
      details: {
        address: host.address,
        clusterId: target.clusterId,
        clusterName: target.name,
        ...(owner.otherClusterId !== undefined ? { ownerClusterId: owner.otherClusterId } : {}),
        ...(owner.otherClusterName !== undefined ? { ownerClusterName: owner.otherClusterName } : {}),
      },
    },
  );
}
