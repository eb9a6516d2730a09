import { BackendCredential, CLUSTER_BACKENDS, ClusterBackend, ClusterBackends, ClusterSpec, ClusterTarget, MemberRecord } from '@galera-cp/backends';
import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { NodeEntity } from '@galera-cp/database';
import { CredentialsService } from '@galera-cp/secrets';
import { Inject, Injectable } from '@nestjs/common';
import { Cluster, ClusterRepository } from './cluster.repository';
import { clusterErrors } from './clusters.errors';

/** A node row as the member record a backend sees. */
export function toMemberRecord(node: NodeEntity): MemberRecord {
  return {
    name: node.name,
    ordinal: node.ordinal,
    address: node.address,
    role: node.role === 'arbitrator' ? 'arbitrator' : 'member',
    phase: node.phase,
    wsrepState: node.wsrepState,
    seqno: node.seqno,
  };
}

/**
 * Assembles what a backend needs about a cluster (spec, members, decrypted credential,
 * settings) and picks the cluster's backend. The one place that resolves a backend by kind.
 */
@Injectable()
export class ClusterTargetFactory {
  constructor(
    private readonly clusters: ClusterRepository,
    @Inject(CLUSTER_BACKENDS) private readonly backends: ClusterBackends,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly credentials: CredentialsService,
  ) {}

  backendOf(kind: string): ClusterBackend {
    const backend = this.backends[kind as keyof ClusterBackends];
    if (!backend) throw clusterErrors.backendUnavailable(kind);
    return backend;
  }

  async members(clusterId: string): Promise<MemberRecord[]> {
    return (await this.clusters.nodes(clusterId)).map(toMemberRecord);
  }

  /** The target for a cluster row, optionally with another spec (dry runs and pending changes). */
  async build(cluster: Pick<Cluster, 'id' | 'name' | 'spec' | 'credentialId'>, spec: ClusterSpec = cluster.spec, members?: MemberRecord[]): Promise<ClusterTarget> {
    const credentialId = cluster.credentialId ?? this.backendOf(spec.backend).credentialOf(spec)?.id;
    const credential = credentialId ? ((await this.credentials.resolve(credentialId)) as BackendCredential) : undefined;
    return {
      clusterId: cluster.id,
      name: cluster.name,
      spec,
      members: members ?? (await this.members(cluster.id)),
      credential,
      settings: {
        clockSkewMaxMs: this.config.clockSkewMaxMs,
        connectTimeoutSeconds: this.config.sshConnectTimeoutSeconds,
        commandTimeoutSeconds: this.config.sshCommandTimeoutSeconds,
        hostWaitSeconds: this.config.sshHostWaitSeconds,
      },
    };
  }
}
