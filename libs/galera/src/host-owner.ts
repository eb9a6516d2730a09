/**
 * Who owns a host: the cluster a host's Galera configuration was written for, and the cluster
 * its running server is a member of. A host that serves another cluster (its hosts were rebuilt
 * and another cluster created on the same addresses, or someone configured it by hand) must
 * never be stopped, reconfigured, purged or reported healthy on behalf of this one.
 */
import { ZERO_UUID } from './grastate';

/** The cluster a backend acts for. */
export interface ClusterOwnerIdentity {
  /** The control plane's id of the cluster (`cl_...`), as the option file's header names it. */
  clusterId: string;
  /** `wsrep_cluster_name`. */
  clusterName: string;
}

/** What a host says about its owner, as read from it. */
export interface HostOwnerEvidence {
  /** The Galera option file the control plane writes, read back; absent when the host has none. */
  config?: {
    /** `wsrep_cluster_name` in the file. */
    clusterName?: string;
    /** The control-plane cluster id its header names (files written before owners were recorded have none). */
    ownerId?: string;
  };
  /** `wsrep_cluster_name` of the running server, when a server answered. */
  runningClusterName?: string;
  /** `wsrep_cluster_state_uuid` of the running server, when a server answered. */
  runningStateUuid?: string;
}

/** The verdict of {@link judgeHostOwner}. */
export type HostOwnership =
  | {
      /** Configured for this cluster (or running as one of its members). */
      owner: 'ours';
    }
  | {
      /** Nothing on the host names a cluster: no option file of ours, no running Galera member. */
      owner: 'none';
    }
  | {
      /** Another cluster owns the host. */
      owner: 'other';
      code: 'HOST_OWNED_BY_OTHER_CLUSTER';
      /** The other cluster's control-plane id, when its option file names one. */
      otherClusterId?: string;
      /** The other cluster's `wsrep_cluster_name`, when known. */
      otherClusterName?: string;
      /** What gave it away, in words. */
      message: string;
    };

/**
 * Judges who owns a host. Another cluster owns it when its option file names another cluster
 * (another `wsrep_cluster_name`, or the same name written for another control-plane cluster
 * id), or when its running server is a member of a cluster with another `wsrep_cluster_name` or
 * another state UUID than the recorded one. A host without an option file and without a running
 * Galera member is nobody's (a new host, or a member whose configuration a removal already took
 * away); one whose file and server agree with this cluster is ours.
 */
export function judgeHostOwner(cluster: ClusterOwnerIdentity, host: HostOwnerEvidence, recordedStateUuid?: string): HostOwnership {
  const config = host.config;
  const other = (message: string, otherClusterName?: string, otherClusterId?: string): HostOwnership => ({
    owner: 'other',
    code: 'HOST_OWNED_BY_OTHER_CLUSTER',
    ...(otherClusterId !== undefined ? { otherClusterId } : {}),
    ...(otherClusterName !== undefined ? { otherClusterName } : {}),
    message,
  });
  if (config?.clusterName !== undefined && config.clusterName !== cluster.clusterName) {
    return other(`its Galera configuration is for cluster ${describe(config.clusterName, config.ownerId)}`, config.clusterName, config.ownerId);
  }
  if (config?.ownerId !== undefined && config.ownerId !== cluster.clusterId) {
    return other(
      `its Galera configuration was written for another cluster record of the same name (${describe(config.clusterName ?? cluster.clusterName, config.ownerId)})`,
      config.clusterName,
      config.ownerId,
    );
  }
  if (host.runningClusterName !== undefined && host.runningClusterName !== cluster.clusterName) {
    return other(`its running server is a member of cluster ${host.runningClusterName} (wsrep_cluster_name)`, host.runningClusterName, config?.ownerId);
  }
  const uuid = host.runningStateUuid?.toLowerCase();
  if (recordedStateUuid !== undefined && uuid !== undefined && uuid !== ZERO_UUID && uuid !== recordedStateUuid.toLowerCase()) {
    return other(`its running server carries another history (wsrep_cluster_state_uuid ${uuid}, recorded ${recordedStateUuid.toLowerCase()})`, host.runningClusterName, config?.ownerId);
  }
  if (config?.clusterName !== undefined || host.runningClusterName !== undefined) return { owner: 'ours' };
  return { owner: 'none' };
}

function describe(name: string | undefined, id: string | undefined): string {
  if (name !== undefined && id !== undefined) return `${name} (${id})`;
  return name ?? id ?? 'unknown';
}
