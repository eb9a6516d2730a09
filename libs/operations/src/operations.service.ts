import { DomainError, Principal } from '@galera-cp/core';
import { newId, OperationEntity, OperationStepEntity, transactionOrDryRun } from '@galera-cp/database';
import { CHANNELS, EventsService } from '@galera-cp/events';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { OperationHandlerRegistry } from './operation-handler';
import { OperationQueue } from './operation-queue';
import { OperationFilter, OperationRepository } from './operation.repository';
import { isTerminal } from './operation-states';

/** What it takes to start an operation. */
export interface NewOperation {
  type: string;
  clusterId: string | null;
  params: Record<string, unknown>;
  principal: Principal;
  requestId?: string;
  /** The plan must be approved before it runs. */
  approvalRequired?: boolean;
}

const ACTIVE_INDEX = 'ux_operations_one_active_per_cluster';

/**
 * Starting, reading, cancelling and approving operations. Execution belongs to the worker
 * (OperationRunner); this service only writes rows, jobs and events.
 */
@Injectable()
export class OperationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: OperationQueue,
    private readonly events: EventsService,
    private readonly handlers: OperationHandlerRegistry,
    private readonly repository: OperationRepository,
  ) {}

  /**
   * Inserts the operation and its queue job in the caller's transaction. A cluster holds one
   * active operation at a time: a second one is refused with 409 OPERATION_IN_PROGRESS naming the
   * active one (the database's unique index is the final word, for racing API processes).
   */
  async create(manager: EntityManager, input: NewOperation): Promise<OperationEntity> {
    if (input.clusterId) await this.assertNoActiveOperation(manager, input.clusterId);
    const now = new Date();
    const operation = manager.getRepository(OperationEntity).create({
      id: newId('operation'),
      clusterId: input.clusterId,
      type: input.type,
      state: 'PENDING',
      params: input.params,
      plan: null,
      result: null,
      error: null,
      progress: 0,
      requestedBy: input.principal.id,
      requestId: input.requestId ?? null,
      approvalRequired: input.approvalRequired ?? false,
      approvedBy: null,
      approvedAt: null,
      cancelRequestedBy: null,
      leaseOwner: null,
      leaseExpiresAt: null,
      leaseEpoch: 0,
      runs: 0,
      jobId: null,
      dispatchedAt: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
    });
    try {
      await manager.query('SAVEPOINT operation_insert');
      await this.repository.insert(operation, manager);
      await manager.query('RELEASE SAVEPOINT operation_insert');
    } catch (error) {
      if (error instanceof QueryFailedError && (error as unknown as { constraint?: string }).constraint === ACTIVE_INDEX && input.clusterId) {
        await manager.query('ROLLBACK TO SAVEPOINT operation_insert');
        await this.assertNoActiveOperation(manager, input.clusterId);
        // The racing operation already finished: still refuse, the caller retries.
        throw new DomainError('conflict', 'OPERATION_IN_PROGRESS', 'Another operation started on this cluster at the same moment; retry');
      }
      throw error;
    }
    operation.jobId = await this.queue.enqueue(operation.id, manager);
    operation.dispatchedAt = new Date();
    await this.events.append({ type: 'operation.created', clusterId: operation.clusterId, operationId: operation.id, data: { type: operation.type, requestedBy: input.principal.id } }, manager);
    return operation;
  }

  private async assertNoActiveOperation(manager: EntityManager, clusterId: string): Promise<void> {
    const active = await this.repository.activeOn(clusterId, manager);
    if (active) {
      throw new DomainError('conflict', 'OPERATION_IN_PROGRESS', `Operation ${active.id} (${active.type}) is still ${active.state.toLowerCase()} on this cluster; wait for it or cancel it`, {
        extensions: { activeOperationId: active.id },
      });
    }
  }

  async get(id: string): Promise<OperationEntity> {
    const operation = await this.repository.findById(id);
    if (!operation) throw new DomainError('not_found', 'OPERATION_NOT_FOUND', `Operation ${id} does not exist`);
    return operation;
  }

  steps(operationId: string): Promise<OperationStepEntity[]> {
    return this.repository.steps(operationId);
  }

  /** Steps of many operations at once (for lists). */
  stepsOf(operationIds: string[]): Promise<Map<string, OperationStepEntity[]>> {
    return this.repository.stepsOf(operationIds);
  }

  /** Operations matching `filter`, for a paged list (see OperationRepository.listQuery). */
  listQuery(filter: OperationFilter = {}) {
    return this.repository.listQuery(filter);
  }

  /** An operation's log lines, for a paged list. */
  logsQuery(operationId: string) {
    return this.repository.logsQuery(operationId);
  }

  /**
   * Asks for cancellation. Not yet started (or waiting for approval): cancelled at once.
   * Running: CANCELLING; the worker aborts the running step and stops. Idempotent.
   */
  async cancel(id: string, principal: Principal, options: { dryRun?: boolean } = {}): Promise<OperationEntity> {
    return transactionOrDryRun(this.dataSource, options.dryRun ?? false, async (manager) => {
      const operation = await this.repository.lock(id, manager);
      if (!operation) throw new DomainError('not_found', 'OPERATION_NOT_FOUND', `Operation ${id} does not exist`);
      if (isTerminal(operation.state)) {
        throw new DomainError('conflict', 'OPERATION_FINISHED', `Operation ${id} already ${operation.state.toLowerCase()}; there is nothing to cancel`);
      }
      if (operation.state === 'CANCELLING') return operation;
      const leaseHeld = operation.leaseOwner !== null && operation.leaseExpiresAt !== null && operation.leaseExpiresAt > new Date();
      const waiting = await this.isWaitingForApproval(manager, operation);
      if (!leaseHeld && (operation.state === 'PENDING' || waiting)) {
        operation.state = 'CANCELLED';
        operation.finishedAt = new Date();
        operation.cancelRequestedBy = principal.id;
        operation.leaseOwner = null;
        operation.error = { code: 'OPERATION_CANCELLED', detail: `Cancelled by ${principal.name} before it ran` };
        await this.repository.update(
          id,
          { state: operation.state, finishedAt: operation.finishedAt, cancelRequestedBy: principal.id, leaseOwner: null, error: operation.error, updatedAt: new Date() },
          manager,
        );
        await this.repository.cancelOpenSteps(id, manager);
        await this.handlers.get(operation.type).onFinished(operation, manager);
        await this.events.append({ type: 'operation.cancelled', clusterId: operation.clusterId, operationId: id, data: { by: principal.id } }, manager);
        return operation;
      }
      operation.state = 'CANCELLING';
      operation.cancelRequestedBy = principal.id;
      await this.repository.update(id, { state: 'CANCELLING', cancelRequestedBy: principal.id, updatedAt: new Date() }, manager);
      await this.events.append({ type: 'operation.cancel_requested', clusterId: operation.clusterId, operationId: id, data: { by: principal.id } }, manager);
      await this.events.notify(CHANNELS.operationCancel, id, manager);
      if (!leaseHeld) await this.queue.enqueue(id, manager);
      return operation;
    });
  }

  /** Approves the plan of an operation that needs approval; a waiting operation resumes at once. */
  async approve(id: string, principal: Principal, options: { dryRun?: boolean; withOperation?: (manager: EntityManager, operation: OperationEntity) => Promise<void> } = {}): Promise<OperationEntity> {
    return transactionOrDryRun(this.dataSource, options.dryRun ?? false, async (manager) => {
      const operation = await this.repository.lock(id, manager);
      if (!operation) throw new DomainError('not_found', 'OPERATION_NOT_FOUND', `Operation ${id} does not exist`);
      if (!operation.approvalRequired) throw new DomainError('conflict', 'APPROVAL_NOT_REQUIRED', `Operation ${id} does not wait for an approval`);
      if (operation.approvedAt) {
        // Approved already (by someone else, or a repeated request): still one approval.
        await options.withOperation?.(manager, operation);
        return operation;
      }
      if (isTerminal(operation.state) || operation.state === 'CANCELLING') {
        throw new DomainError('conflict', 'OPERATION_FINISHED', `Operation ${id} is ${operation.state.toLowerCase()}; it cannot be approved`);
      }
      operation.approvedAt = new Date();
      operation.approvedBy = principal.id;
      await this.repository.update(id, { approvedAt: operation.approvedAt, approvedBy: principal.id, updatedAt: new Date() }, manager);
      await this.events.append({ type: 'operation.approved', clusterId: operation.clusterId, operationId: id, data: { by: principal.id } }, manager);
      if (await this.isWaitingForApproval(manager, operation)) await this.queue.enqueue(id, manager);
      await options.withOperation?.(manager, operation);
      return operation;
    });
  }

  private isWaitingForApproval(manager: EntityManager, operation: OperationEntity): Promise<boolean> {
    if (!operation.approvalRequired) return Promise.resolve(false);
    return this.repository.isWaitingForApproval(operation.id, manager);
  }
}
