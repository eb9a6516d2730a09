import { MemberChange, ObservedCluster } from '@galera-cp/backends';
import { JsonDocument, newId, NodeEntity } from '@galera-cp/database';
import { EventsService } from '@galera-cp/events';
import { Page, PageQueryDto } from '@galera-cp/http';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { setCondition } from './cluster-status';
import { Cluster, ClusterListFilter, ClusterRepository } from './cluster.repository';

/**
 * Reads of clusters and nodes for the rest of the control plane (the queries are the
 * repository's), and the writes of what backends report: member changes and observations.
 */
@Injectable()
export class ClustersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ClusterRepository,
    private readonly events: EventsService,
  ) {}

  /** A live cluster by id; CLUSTER_NOT_FOUND otherwise. */
  get(id: string, manager?: EntityManager): Promise<Cluster> {
    return this.repository.get(id, manager);
  }

  /** A live cluster by id or name, or undefined. */
  findByRef(ref: string): Promise<Cluster | undefined> {
    return this.repository.findByRef(ref);
  }

  /** The cluster row locked for update, in the caller's transaction. */
  lock(id: string, manager: EntityManager): Promise<Cluster> {
    return this.repository.lock(id, manager);
  }

  /** One page of live clusters, oldest first. */
  list(filter: ClusterListFilter, page: PageQueryDto): Promise<Page<Cluster>> {
    return this.repository.list(filter, page);
  }

  /** A cluster's members in ordinal order. */
  nodes(clusterId: string): Promise<NodeEntity[]> {
    return this.repository.nodes(clusterId);
  }

  node(clusterId: string, nodeId: string): Promise<NodeEntity> {
    return this.repository.node(clusterId, nodeId);
  }

  /** Applies member changes a step reported. */
  async applyMemberChanges(clusterId: string, changes: MemberChange[], manager: EntityManager): Promise<void> {
    const repository = this.repository;
    for (const change of changes) {
      if (change.op === 'remove') {
        await repository.deleteNode(clusterId, change.name, manager);
        continue;
      }
      const m = change.member;
      const now = new Date();
      const existing = await repository.nodeNamed(clusterId, m.name, manager);
      if (existing) {
        await repository.updateNode(
          existing.id,
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
          manager,
        );
      } else {
        await repository.insertNode(
          {
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
          },
          manager,
        );
      }
    }
  }

  /**
   * Writes an observation: node states, the cluster condition and state, and events for what
   * changed (node up/down, cluster ready/degraded/down). Returns the events' types.
   */
  async applyObservation(clusterId: string, observed: ObservedCluster, options: { keepState?: boolean } = {}): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const cluster = await this.repository.tryLock(clusterId, manager);
      if (!cluster) return [];
      const emitted: string[] = [];
      const nodes = await this.repository.nodes(clusterId, manager);
      const now = new Date();
      for (const member of observed.members) {
        const node = nodes.find((n) => n.name === member.name);
        if (!node) continue;
        const wsrepState = member.reachable ? (member.wsrepState ?? 'Unknown') : 'Unreachable';
        if (node.healthy && !member.healthy) emitted.push('node.down');
        if (!node.healthy && member.healthy) emitted.push('node.up');
        if (node.healthy !== member.healthy) {
          await this.events.append({ type: member.healthy ? 'node.up' : 'node.down', clusterId, data: { node: member.name, wsrepState, reason: member.reason ?? null } }, manager);
        }
        await this.repository.updateNode(
          node.id,
          {
            wsrepState,
            healthy: member.healthy,
            ...(member.seqno !== undefined ? { seqno: member.seqno } : {}),
            observed: { ...(member.wsrep ?? {}), ...(member.reason ? { reason: member.reason } : {}) } as JsonDocument,
            ...(member.reachable ? { lastSeenAt: now } : {}),
            updatedAt: now,
          },
          manager,
        );
      }
      const status = cluster.status;
      const previous = status.state;
      const healthy = observed.members.filter((m) => m.healthy).length;
      const sizes = observed.members.map((m) => m.clusterSize).filter((s): s is number => typeof s === 'number');
      status.size = { desired: cluster.spec.replicas, observed: sizes.length ? Math.max(...sizes) : null, healthy };
      status.lastObservedAt = now.toISOString();
      setCondition(
        status,
        {
          type: 'Ready',
          status: observed.condition === 'Ready' ? 'True' : observed.condition === 'Unknown' ? 'Unknown' : 'False',
          reason: observed.condition,
          message: observed.reason,
        },
        now,
      );
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
      await this.repository.update(clusterId, { status, state: status.state, updatedAt: now }, manager);
      return emitted;
    });
  }
}
