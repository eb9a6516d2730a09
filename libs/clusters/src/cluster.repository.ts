import type { BackendKind, ClusterSpec } from '@galera-cp/backends';
import { asRow, ClusterEntity, hydrate, NodeEntity, queryRows } from '@galera-cp/database';
import { Page, PageQueryDto, paginate } from '@galera-cp/http';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ClusterStatus } from './cluster-status';
import { clusterErrors } from './clusters.errors';

/** A cluster row with its spec and status typed: what every reader in libs/clusters gets. */
export type Cluster = ClusterEntity<ClusterSpec, ClusterStatus>;

/** The columns of a cluster a write may change. */
export type ClusterWrite = Partial<Pick<Cluster, 'spec' | 'status' | 'state' | 'generation' | 'labels' | 'credentialId' | 'updatedAt' | 'deletedAt'>>;

/** Filters of the cluster list (each optional, all must hold). */
export interface ClusterListFilter {
  state?: string;
  backend?: string;
  name?: string;
}

/**
 * The one conversion of the JSON columns: the database holds documents the control plane wrote
 * from these types (the API validates what clients send), so reading them back is a view, not
 * a parse.
 */
function typed(entity: ClusterEntity): Cluster;
function typed(entity: ClusterEntity | undefined | null): Cluster | undefined;
function typed(entity: ClusterEntity | undefined | null): Cluster | undefined {
  return (entity ?? undefined) as Cluster | undefined;
}

/**
 * Every query on clusters and their nodes. "Live" means not deleted (`deleted_at IS NULL`);
 * nodes always come in ordinal order. Writes take the caller's EntityManager, so they join its
 * transaction (and its locks).
 */
@Injectable()
export class ClusterRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A live cluster by id (the API's hottest read: plain SQL, hydrated by entity metadata); CLUSTER_NOT_FOUND otherwise. */
  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<Cluster> {
    const cluster = await this.find(id, manager);
    if (!cluster) throw clusterErrors.notFound(id);
    return cluster;
  }

  /** A live cluster by id, or undefined. */
  async find(id: string, manager: EntityManager = this.dataSource.manager): Promise<Cluster | undefined> {
    const rows = await queryRows(manager, 'SELECT * FROM clusters WHERE id = $1 AND deleted_at IS NULL', [id]);
    return typed(hydrate(this.dataSource, ClusterEntity, rows)[0]);
  }

  /** The name of a cluster by id, deleted ones included (an operation's outcome still names the cluster it deleted). */
  async nameOf(id: string): Promise<string | undefined> {
    const rows = await queryRows<{ name: string }>(this.dataSource.manager, 'SELECT name FROM clusters WHERE id = $1', [id]);
    return rows[0]?.name;
  }

  /** The live cluster row locked for update (FOR UPDATE), in the caller's transaction; CLUSTER_NOT_FOUND otherwise. */
  async lock(id: string, manager: EntityManager): Promise<Cluster> {
    const cluster = await this.tryLock(id, manager);
    if (!cluster) throw clusterErrors.notFound(id);
    return cluster;
  }

  /** The live cluster row locked for update, or undefined when it is gone (deleted meanwhile). */
  async tryLock(id: string, manager: EntityManager): Promise<Cluster | undefined> {
    const cluster = await manager.getRepository(ClusterEntity).createQueryBuilder('c').setLock('pessimistic_write').where('c.id = :id AND c.deleted_at IS NULL', { id }).getOne();
    return typed(cluster);
  }

  /** A live cluster by id or by name (chat commands name clusters either way). */
  async findByRef(ref: string): Promise<Cluster | undefined> {
    return typed(await this.live().andWhere('(c.id = :ref OR c.name = :ref)', { ref }).getOne());
  }

  /** One page of live clusters, oldest first (keyset on id); the token is bound to the filters. */
  async list(filter: ClusterListFilter, page: PageQueryDto): Promise<Page<Cluster>> {
    const q = this.live();
    if (filter.state) q.andWhere('c.state = :state', { state: filter.state });
    if (filter.backend) q.andWhere('c.backend_kind = :backend', { backend: filter.backend });
    if (filter.name) q.andWhere('c.name = :name', { name: filter.name });
    const result = await paginate(q, { keyColumn: 'c.id', keyOf: (c) => c.id, direction: 'ASC', page, scope: `clusters|${filter.state ?? ''}|${filter.backend ?? ''}|${filter.name ?? ''}` });
    return { items: result.items.map((c) => typed(c)), nextPageToken: result.nextPageToken };
  }

  /** Live clusters in any of `states` (the monitor's round). */
  async inStates(states: readonly string[]): Promise<Cluster[]> {
    const clusters = await this.live().andWhere('c.state IN (:...states)', { states }).getMany();
    return clusters.map((c) => typed(c));
  }

  /** Id, name and spec of every live cluster of a backend, by id (who holds which hosts). */
  async specsOfKind(kind: BackendKind, manager: EntityManager = this.dataSource.manager): Promise<Pick<Cluster, 'id' | 'name' | 'spec'>[]> {
    const clusters = await manager
      .getRepository(ClusterEntity)
      .createQueryBuilder('c')
      .select(['c.id', 'c.name', 'c.spec'])
      .where('c.deleted_at IS NULL AND c.backend_kind = :kind', { kind })
      .orderBy('c.id', 'ASC')
      .getMany();
    return clusters.map((c) => typed(c));
  }

  async insert(cluster: Cluster, manager: EntityManager): Promise<void> {
    await manager.getRepository(ClusterEntity).insert(asRow<ClusterEntity>(cluster));
  }

  /** Writes the given columns of a cluster. */
  async update(id: string, write: ClusterWrite, manager: EntityManager): Promise<void> {
    await manager.getRepository(ClusterEntity).update({ id }, asRow<Partial<ClusterEntity>>(write));
  }

  /** A cluster's members in ordinal order. */
  nodes(clusterId: string, manager: EntityManager = this.dataSource.manager): Promise<NodeEntity[]> {
    return manager.getRepository(NodeEntity).find({ where: { clusterId }, order: { ordinal: 'ASC' } });
  }

  /** One member by id; NODE_NOT_FOUND otherwise. */
  async node(clusterId: string, nodeId: string): Promise<NodeEntity> {
    const node = await this.dataSource.getRepository(NodeEntity).findOneBy({ clusterId, id: nodeId });
    if (!node) throw clusterErrors.nodeNotFound(nodeId);
    return node;
  }

  /** One member by name, or null. */
  nodeNamed(clusterId: string, name: string, manager: EntityManager): Promise<NodeEntity | null> {
    return manager.getRepository(NodeEntity).findOneBy({ clusterId, name });
  }

  countNodes(clusterId: string, manager: EntityManager): Promise<number> {
    return manager.getRepository(NodeEntity).count({ where: { clusterId } });
  }

  async insertNode(node: NodeEntity, manager: EntityManager): Promise<void> {
    await manager.getRepository(NodeEntity).insert(node);
  }

  async updateNode(id: string, write: Partial<Omit<NodeEntity, 'id' | 'clusterId'>>, manager: EntityManager): Promise<void> {
    await manager.getRepository(NodeEntity).update({ id }, write);
  }

  async deleteNode(clusterId: string, name: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(NodeEntity).delete({ clusterId, name });
  }

  async deleteNodes(clusterId: string, manager: EntityManager): Promise<void> {
    await manager.getRepository(NodeEntity).delete({ clusterId });
  }

  private live() {
    return this.dataSource.getRepository(ClusterEntity).createQueryBuilder('c').where('c.deleted_at IS NULL');
  }
}
