import type { ClusterEntity, NodeEntity } from '@galera-cp/database';
import type { ClusterDto, ClusterSpecDto, ClusterStatusDto, NodeDto } from './cluster.dto';

export function toClusterDto(entity: ClusterEntity): ClusterDto {
  return {
    id: entity.id,
    name: entity.name,
    generation: entity.generation,
    spec: entity.spec as ClusterSpecDto,
    status: entity.status as ClusterStatusDto,
    labels: entity.labels,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}

export function toNodeDto(entity: NodeEntity): NodeDto {
  return {
    id: entity.id,
    clusterId: entity.clusterId,
    name: entity.name,
    ordinal: entity.ordinal,
    address: entity.address,
    role: entity.role,
    phase: entity.phase,
    wsrepState: entity.wsrepState,
    healthy: entity.healthy,
    seqno: entity.seqno,
    observed: entity.observed,
    lastSeenAt: entity.lastSeenAt?.toISOString() ?? null,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}
