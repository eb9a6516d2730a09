import { asRow, OperationEntity, OperationLogEntity, OperationStepEntity, queryRows } from '@galera-cp/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { ACTIVE_STATES, APPROVAL_STEP } from './operation-states';

/** What a list of operations may be narrowed to. */
export interface OperationFilter {
  clusterId?: string;
  type?: string;
  state?: string;
}

/**
 * The operations aggregate's data layer: operations with their steps and log lines. Every
 * read and write of these tables outside the engine's lease goes through here, so callers
 * (the service, the engine, the HTTP controllers) build no predicates of their own. Methods
 * that take a manager run in the caller's transaction; the others on the pool.
 */
@Injectable()
export class OperationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private on(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  findById(id: string, manager?: EntityManager): Promise<OperationEntity | null> {
    return this.on(manager).getRepository(OperationEntity).findOneBy({ id });
  }

  /** The operation, locked (FOR UPDATE) until the caller's transaction ends. */
  lock(id: string, manager: EntityManager): Promise<OperationEntity | null> {
    return manager.getRepository(OperationEntity).createQueryBuilder('o').setLock('pessimistic_write').where('o.id = :id', { id }).getOne();
  }

  /** The newest operation of a cluster, whatever its state (ids are time-ordered). */
  latestOn(clusterId: string, manager?: EntityManager): Promise<OperationEntity | null> {
    return this.on(manager).getRepository(OperationEntity).createQueryBuilder('o').where('o.cluster_id = :clusterId', { clusterId }).orderBy('o.id', 'DESC').limit(1).getOne();
  }

  /** The operation that still holds the cluster (PENDING, RUNNING, CANCELLING), if any. */
  activeOn(clusterId: string, manager?: EntityManager): Promise<OperationEntity | null> {
    return this.on(manager).getRepository(OperationEntity).createQueryBuilder('o').where('o.cluster_id = :clusterId AND o.state IN (:...states)', { clusterId, states: ACTIVE_STATES }).getOne();
  }

  insert(operation: OperationEntity, manager: EntityManager): Promise<unknown> {
    return manager.getRepository(OperationEntity).insert(asRow(operation));
  }

  update(id: string, changes: Partial<OperationEntity>, manager: EntityManager): Promise<unknown> {
    return manager.getRepository(OperationEntity).update({ id }, asRow(changes));
  }

  /** Persists a plan's steps (the engine, in its fenced transaction). */
  insertSteps(steps: OperationStepEntity[], manager: EntityManager): Promise<unknown> {
    return manager.getRepository(OperationStepEntity).insert(steps.map((s) => asRow(s)));
  }

  /** An operation's steps in order. */
  steps(operationId: string, manager?: EntityManager): Promise<OperationStepEntity[]> {
    return this.on(manager)
      .getRepository(OperationStepEntity)
      .find({ where: { operationId }, order: { index: 'ASC' } });
  }

  /** Steps of many operations at once (for lists), in order, by operation id. */
  async stepsOf(operationIds: string[]): Promise<Map<string, OperationStepEntity[]>> {
    const out = new Map<string, OperationStepEntity[]>(operationIds.map((id) => [id, []]));
    if (operationIds.length === 0) return out;
    const rows = await this.dataSource
      .getRepository(OperationStepEntity)
      .createQueryBuilder('s')
      .where('s.operation_id IN (:...ids)', { ids: operationIds })
      .orderBy('s.operation_id')
      .addOrderBy('s.index')
      .getMany();
    for (const row of rows) out.get(row.operationId)?.push(row);
    return out;
  }

  /** Marks every step that has not ended CANCELLED (an operation cancelled before it ran). */
  cancelOpenSteps(operationId: string, manager: EntityManager): Promise<unknown> {
    return manager.query(`UPDATE operation_steps SET state = 'CANCELLED', finished_at = now() WHERE operation_id = $1 AND state IN ('PENDING','WAITING','RUNNING')`, [operationId]);
  }

  /** The operation's approval step waits for an operator. */
  async isWaitingForApproval(operationId: string, manager?: EntityManager): Promise<boolean> {
    const rows = await queryRows(this.on(manager), `SELECT 1 FROM operation_steps WHERE operation_id = $1 AND key = $2 AND state = 'WAITING'`, [operationId, APPROVAL_STEP.key]);
    return rows.length > 0;
  }

  /** Operations matching `filter` (alias `o`), for a paged list: the caller adds order and page. */
  listQuery(filter: OperationFilter = {}): SelectQueryBuilder<OperationEntity> {
    const q = this.dataSource.getRepository(OperationEntity).createQueryBuilder('o');
    if (filter.clusterId) q.andWhere('o.cluster_id = :clusterId', { clusterId: filter.clusterId });
    if (filter.type) q.andWhere('o.type = :type', { type: filter.type });
    if (filter.state) q.andWhere('o.state = :state', { state: filter.state });
    return q;
  }

  /** An operation's log lines (alias `l`), for a paged list: the caller adds order and page. */
  /** An operation's log lines after a cursor, in order, at most `limit`. */
  logsAfter(operationId: string, afterId: number, limit: number): Promise<OperationLogEntity[]> {
    return this.logsQuery(operationId).andWhere('l.id > :after', { after: afterId }).orderBy('l.id').limit(limit).getMany();
  }

  logsQuery(operationId: string): SelectQueryBuilder<OperationLogEntity> {
    return this.dataSource.getRepository(OperationLogEntity).createQueryBuilder('l').where('l.operation_id = :operationId', { operationId });
  }
}
