import { MemberChange, ObservedCluster } from '@galera-cp/backends';
import { ClusterEntity, hydrate, JsonDocument, newId, NodeEntity, queryRows } from '@galera-cp/database';
import { EventsService } from '@galera-cp/events';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ClusterStatus, setCondition } from './cluster-status';
import { clusterErrors } from './clusters.errors';

/** Reads of clusters and nodes, and the writes of observed state. */
@Injectable()
export class ClustersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventsService,
  ) {}

  /** A live cluster by id (the API's hottest read: plain SQL, hydrated by entity metadata). */
  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<ClusterEntity> {
    const rows = await queryRows(manager, 'SELECT * FROM clusters WHERE id = $1 AND deleted_at IS NULL', [id]);
    const cluster = hydrate(this.dataSource, ClusterEntity, rows)[0];
    if (!cluster) throw clusterErrors.notFound(id);
    return cluster;
  }

  /** The cluster row locked for update, in the caller's transaction. */
  async lock(id: string, manager: EntityManager): Promise<ClusterEntity> {
    const cluster = await manager.getRepository(ClusterEntity).createQueryBuilder('c').setLock('pessimistic_write').where('c.id = :id AND c.deleted_at IS NULL', { id }).getOne();
    if (!cluster) throw clusterErrors.notFound(id);
    return cluster;
  }

  query() {
    return this.dataSource.getRepository(ClusterEntity).createQueryBuilder('c').where('c.deleted_at IS NULL');
  }

  nodes(clusterId: string): Promise<NodeEntity[]> {
    return this.dataSource.getRepository(NodeEntity).find({ where: { clusterId }, order: { ordinal: 'ASC' } });
  }

  async node(clusterId: string, nodeId: string): Promise<NodeEntity> {
    const node = await this.dataSource.getRepository(NodeEntity).findOneBy({ clusterId, id: nodeId });
    if (!node) throw clusterErrors.nodeNotFound(nodeId);
    return node;
  }

  /** Applies member changes a step reported. */
  async applyMemberChanges(clusterId: string, changes: MemberChange[], manager: EntityManager): Promise<void> {
    const repository = manager.getRepository(NodeEntity);
    for (const change of changes) {
      if (change.op === 'remove') {
        await repository.delete({ clusterId, name: change.name });
        continue;
      }
      const m = change.member;
      const now = new Date();
      const existing = await repository.findOneBy({ clusterId, name: m.name });
      if (existing) {
        await repository.update(
          { id: existing.id },
          {
            ordinal: m.ordinal,
            address: m.address,
            role: m.role,
            phase: m.phase,
            wsrepState: m.wsrepState,
            ...(m.healthy !== undefined ? { healthy: m.healthy } : {}),
            ...(m.seqno !== undefined ? { seqno: m.seqno } : {}),
            updatedAt: now,
          },
        );
      } else {
        await repository.insert({
          id: newId('node'),
          clusterId,
          name: m.name,
          ordinal: m.ordinal,
          address: m.address,
          role: m.role,
          phase: m.phase,
          wsrepState: m.wsrepState,
          healthy: m.healthy ?? false,
          seqno: m.seqno ?? null,
          observed: {},
          lastSeenAt: null,
          createdAt: now,
          updatedAt: now,
        });
      }
    }
  }

  /**
   * Writes an observation: node states, the cluster condition and state, and events for what
   * changed (node up/down, cluster ready/degraded/down). Returns the events' types.
   */
  async applyObservation(clusterId: string, observed: ObservedCluster, options: { keepState?: boolean } = {}): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const cluster = await manager.getRepository(ClusterEntity).createQueryBuilder('c').setLock('pessimistic_write').where('c.id = :id AND c.deleted_at IS NULL', { id: clusterId }).getOne();
      if (!cluster) return [];
      const emitted: string[] = [];
      const nodes = await manager.getRepository(NodeEntity).find({ where: { clusterId } });
      const now = new Date();
      for (const member of observed.members) {
        const node = nodes.find((n) => n.name === member.name);
        if (!node) continue;
        const wsrepState = member.reachable ? member.wsrepState ?? 'Unknown' : 'Unreachable';
        if (node.healthy && !member.healthy) emitted.push('node.down');
        if (!node.healthy && member.healthy) emitted.push('node.up');
        if (node.healthy !== member.healthy) {
          await this.events.append({ type: member.healthy ? 'node.up' : 'node.down', clusterId, data: { node: member.name, wsrepState, reason: member.reason ?? null } }, manager);
        }
        await manager.getRepository(NodeEntity).update(
          { id: node.id },
          {
            wsrepState,
            healthy: member.healthy,
            ...(member.seqno !== undefined ? { seqno: member.seqno } : {}),
            observed: { ...(member.wsrep ?? {}), ...(member.reason ? { reason: member.reason } : {}) } as JsonDocument,
            ...(member.reachable ? { lastSeenAt: now } : {}),
            updatedAt: now,
          },
        );
      }
      const status = cluster.status as unknown as ClusterStatus;
      const previous = status.state;
      const healthy = observed.members.filter((m) => m.healthy).length;
      const sizes = observed.members.map((m) => m.clusterSize).filter((s): s is number => typeof s === 'number');
      status.size = { desired: (cluster.spec as { replicas: number }).replicas, observed: sizes.length ? Math.max(...sizes) : null, healthy };
      status.lastObservedAt = now.toISOString();
      setCondition(status, {
        type: 'Ready',
        status: observed.condition === 'Ready' ? 'True' : observed.condition === 'Unknown' ? 'Unknown' : 'False',
        reason: observed.condition,
        message: observed.reason,
      }, now);
      if (!options.keepState && !['CREATING', 'DELETING', 'STOPPED', 'FAILED'].includes(previous)) {
        const next = observed.condition === 'Ready' ? 'READY' : observed.condition === 'Degraded' ? 'DEGRADED' : observed.condition === 'Down' ? 'DOWN' : 'UNKNOWN';
        status.state = next;
        status.message = observed.reason;
        if (next !== previous) {
          const type = `cluster.${next.toLowerCase()}`;
          emitted.push(type);
          await this.events.append({ type, clusterId, data: { from: previous, to: next, reason: observed.reason, healthy, desired: status.size.desired } }, manager);
        }
      }
      await manager.getRepository(ClusterEntity).update({ id: clusterId }, { status: status as unknown as JsonDocument, state: status.state, updatedAt: now });
      return emitted;
    });
  }
}
