import { ClusterBackend, PinnedHostKey } from '@galera-cp/backends';
import { AuditService } from '@galera-cp/audit';
import { SYSTEM_PRINCIPAL } from '@galera-cp/core';
import { OperationEntity, OperationStepEntity } from '@galera-cp/database';
import { EventsService } from '@galera-cp/events';
import { EngineStepContext, EnginePlan, OperationHandler, OperationHandlerRegistry, StepOutcome } from '@galera-cp/operations';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { setCondition } from './cluster-status';
import { Cluster, ClusterRepository } from './cluster.repository';
import { planChange } from './change-plan';
import { ClusterTargetFactory } from './cluster-target.factory';
import { ClustersService } from './clusters.service';
import { applyCorrections, isMembershipChange, paramsOf, plannedStepOf, typedResult } from './operation-result';

/** The operation types this handler owns. */
export const CLUSTER_OPERATION_TYPES = [
  'cluster.create',
  'cluster.scale',
  'node.add',
  'node.remove',
  'cluster.restart',
  'cluster.stop',
  'cluster.start',
  'cluster.recover',
  'cluster.reconfigure',
  'cluster.delete',
] as const;

/**
 * Runs `cluster.*` and `node.*` operations through the cluster's backend: the backend plans and
 * executes steps; this handler assembles targets, persists what steps report (members, pinned
 * host keys), builds the typed result and writes the cluster's status when the operation ends.
 * It never branches on the backend kind.
 */
@Injectable()
export class ClusterOperationHandler implements OperationHandler, OnModuleInit {
  readonly types = CLUSTER_OPERATION_TYPES;
  private readonly logger = new Logger('cluster-operations');

  constructor(
    private readonly repository: ClusterRepository,
    private readonly registry: OperationHandlerRegistry,
    private readonly targets: ClusterTargetFactory,
    private readonly clusters: ClustersService,
    private readonly events: EventsService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  private async clusterOf(operation: OperationEntity): Promise<Cluster> {
    if (!operation.clusterId) throw new Error(`operation ${operation.id} has no cluster`);
    return this.repository.get(operation.clusterId);
  }

  async plan(operation: OperationEntity, options: { signal: AbortSignal; log: (message: string) => void }): Promise<EnginePlan> {
    const cluster = await this.clusterOf(operation);
    const target = await this.targets.build(cluster);
    const plan = await planChange(this.targets.backendOf(cluster.backendKind), target, paramsOf(operation).change, options);
    return {
      summary: plan.summary,
      details: { ...plan.details, warnings: [...(paramsOf(operation).warnings ?? []), ...(plan.details.warnings ?? [])], membersBefore: target.members.map((m) => m.name) },
      steps: plan.steps,
      requiresApproval: plan.requiresApproval,
    };
  }

  async executeStep(operation: OperationEntity, step: OperationStepEntity, context: EngineStepContext): Promise<StepOutcome> {
    const cluster = await this.clusterOf(operation);
    const target = await this.targets.build(cluster);
    const backend = this.targets.backendOf(cluster.backendKind);
    const result = await backend.executeStep(target, plannedStepOf(step), context);
    return {
      output: result.output,
      persist: async (manager) => {
        if (result.members?.length) await this.clusters.applyMemberChanges(cluster.id, result.members, manager);
        if (result.pinnedHostKeys?.length) await this.pinHostKeys(backend, cluster.id, result.pinnedHostKeys, manager);
      },
    };
  }

  /**
   * Host keys learned on first use are pinned where the backend says (`pinHostKeys`), under the
   * cluster's lock; the system learned them, so the generation stays.
   */
  private async pinHostKeys(backend: ClusterBackend, clusterId: string, keys: PinnedHostKey[], manager: EntityManager): Promise<void> {
    if (!backend.pinHostKeys) return;
    const cluster = await this.repository.lock(clusterId, manager);
    const spec = backend.pinHostKeys(cluster.spec, keys);
    if (!spec) return;
    await this.repository.update(clusterId, { spec }, manager);
    await this.audit.record({ actor: SYSTEM_PRINCIPAL, action: 'cluster.host-keys-pinned', target: { type: 'cluster', id: clusterId }, outcome: 'succeeded', detail: { hosts: keys } }, manager);
  }

  /** A step failure the backend wants audited (SSH: a changed host key) is recorded as denied. */
  async onStepFailed(operation: OperationEntity, step: OperationStepEntity, error: Record<string, unknown> & { code: string; detail: string }): Promise<void> {
    if (!operation.clusterId) return;
    const cluster = await this.repository.find(operation.clusterId);
    const action = cluster ? this.targets.backendOf(cluster.backendKind).auditedFailures?.[error.code] : undefined;
    if (!action) return;
    await this.audit.record({
      actor: SYSTEM_PRINCIPAL,
      action,
      target: { type: 'cluster', id: operation.clusterId },
      outcome: 'denied',
      detail: { operationId: operation.id, step: step.key, node: step.node, ...(error.details as Record<string, unknown> | undefined) },
    });
  }

  async result(operation: OperationEntity, steps: OperationStepEntity[]): Promise<Record<string, unknown>> {
    const nodes = operation.clusterId ? await this.repository.nodes(operation.clusterId) : [];
    return typedResult(operation, steps, nodes);
  }

  /**
   * Cancel of a membership change (scale, node.add, node.remove): the backend converges the
   * infrastructure to the members that are there (`settle`, e.g. a StatefulSet set back to the
   * pods that joined), a member this change only registered (Pending) and never started is
   * dropped, the record follows, and the result says what was reached ("4 of 5 members;
   * cancelled"). `onFinished` then sets the spec's replicas to that count. Other operations stop
   * at a safe point and keep their spec; their result says which steps ran.
   */
  async onCancelled(
    operation: OperationEntity,
    steps: OperationStepEntity[],
    options: { signal: AbortSignal; log: (message: string) => void },
  ): Promise<{ result?: Record<string, unknown>; persist?: (manager: EntityManager) => Promise<void> }> {
    const change = paramsOf(operation).change;
    const done = steps.filter((s) => s.state === 'SUCCEEDED');
    const cluster = await this.clusterOf(operation);
    const nodes = await this.repository.nodes(cluster.id);
    if (!isMembershipChange(change)) {
      const summary = `Cancelled after ${done.length} of ${steps.length} steps; the spec is kept: run the change again to finish it`;
      return { result: { ...typedResult(operation, done, nodes), cancelled: true, completedSteps: done.map((s) => s.key), summary } };
    }
    const target = await this.targets.build(cluster);
    const membersBefore = (operation.plan?.details as { membersBefore?: string[] } | undefined)?.membersBefore ?? target.members.map((m) => m.name);
    const backend = this.targets.backendOf(cluster.backendKind);
    const settled = backend.settle ? await backend.settle(target, change, { membersBefore, signal: options.signal, log: options.log }) : { members: [] };
    const corrections = [...settled.members];
    // A member this change only registered (Pending) and no step of which began is not there;
    // one whose start was aborted may be joining, so its record stays for the observation to judge.
    const corrected = new Set(corrections.map((m) => (m.op === 'remove' ? m.name : m.member.name)));
    const touched = new Set(steps.filter((s) => s.node && s.state !== 'PENDING').map((s) => s.node as string));
    for (const m of target.members) {
      if (m.phase === 'Pending' && !membersBefore.includes(m.name) && !corrected.has(m.name) && !touched.has(m.name)) corrections.push({ op: 'remove', name: m.name });
    }
    const after = applyCorrections(nodes, corrections);
    const requested = change.type === 'cluster.scale' ? change.replicas : change.type === 'node.add' ? membersBefore.length + 1 : membersBefore.length - 1;
    const summary = `${after.length} of ${requested} members; cancelled`;
    options.log(`Cancelled: ${summary} (the spec's replicas become ${after.length})`);
    return {
      result: { ...typedResult(operation, done, after), cancelled: true, completedSteps: done.map((s) => s.key), summary, requestedReplicas: requested },
      persist: async (manager) => {
        if (corrections.length > 0) await this.clusters.applyMemberChanges(cluster.id, corrections, manager);
      },
    };
  }

  async onFinished(operation: OperationEntity, manager: EntityManager): Promise<void> {
    if (!operation.clusterId) return;
    const cluster = await this.repository.tryLock(operation.clusterId, manager);
    if (!cluster) return;
    const status = cluster.status;
    const change = paramsOf(operation).change;
    const succeeded = operation.state === 'SUCCEEDED';
    const now = new Date();
    if (status.activeOperationId === operation.id) status.activeOperationId = null;
    setCondition(
      status,
      {
        type: 'Progressing',
        status: 'False',
        reason: succeeded ? 'OperationSucceeded' : operation.state === 'CANCELLED' ? 'OperationCancelled' : 'OperationFailed',
        message: `Operation ${operation.id} (${operation.type}) ${operation.state.toLowerCase()}${operation.error ? `: ${String((operation.error as { detail?: string }).detail ?? '')}` : ''}`,
      },
      now,
    );
    if (succeeded) status.observedGeneration = paramsOf(operation).generation;

    if (change.type === 'cluster.delete' && succeeded) {
      status.state = 'DELETED';
      await this.repository.deleteNodes(cluster.id, manager);
      await this.repository.update(cluster.id, { status, state: 'DELETED', deletedAt: now, credentialId: null, updatedAt: now }, manager);
      await this.events.append({ type: 'cluster.deleted', clusterId: cluster.id, data: { purged: change.purge, forgotten: change.forget ?? false } }, manager);
      return;
    }
    if (change.type === 'cluster.create') {
      status.state = succeeded ? 'READY' : 'FAILED';
      status.message = succeeded ? 'Created' : `Creation ${operation.state.toLowerCase()}`;
      // The create's last step verified every member; the observation that follows refines it.
      setCondition(
        status,
        succeeded
          ? { type: 'Ready', status: 'True', reason: 'Created', message: 'Every member joined and was verified by the create operation' }
          : { type: 'Ready', status: 'False', reason: 'CreationFailed', message: status.message },
        now,
      );
    } else if (change.type === 'cluster.stop' && succeeded) {
      status.state = 'STOPPED';
      status.message = 'Stopped cleanly';
      setCondition(status, { type: 'Ready', status: 'False', reason: 'Stopped', message: 'The cluster was stopped on request' }, now);
    } else if (change.type === 'cluster.start' && succeeded) {
      status.state = 'READY';
    } else if (change.type === 'cluster.delete') {
      status.state = 'UNKNOWN';
    }
    if (operation.state === 'CANCELLED' && isMembershipChange(change)) {
      // Cancel means: the cluster is what was reached. The spec's replicas become the members
      // there are, so nothing claims (or later converges to) a size nobody asked for any more.
      const spec = cluster.spec;
      const members = await this.repository.countNodes(cluster.id, manager);
      const result = operation.result as { summary?: string } | null;
      if (spec.replicas !== members) {
        spec.replicas = members;
        cluster.generation += 1;
        await this.repository.update(cluster.id, { spec, generation: cluster.generation }, manager);
      }
      status.observedGeneration = cluster.generation;
      status.size = { ...status.size, desired: members };
      setCondition(
        status,
        {
          type: 'Progressing',
          status: 'False',
          reason: 'OperationCancelled',
          message: `Operation ${operation.id} (${operation.type}) cancelled: ${result?.summary ?? `${members} members; cancelled before it ran`}; the spec's replicas are ${members}`,
        },
        now,
      );
    }
    await this.repository.update(cluster.id, { status, state: status.state, updatedAt: now }, manager);
  }

  /** After an operation, observe the cluster once so its status reflects reality at once. */
  async afterFinished(operation: OperationEntity): Promise<void> {
    if (!operation.clusterId) return;
    const cluster = await this.repository.find(operation.clusterId);
    if (!cluster || ['STOPPED', 'FAILED', 'DELETED'].includes(cluster.state)) return;
    const target = await this.targets.build(cluster);
    const observed = await this.targets.backendOf(cluster.backendKind).observe(target, { signal: AbortSignal.timeout(60_000) });
    await this.clusters.applyObservation(cluster.id, observed);
    this.logger.debug?.({ msg: 'observed after operation', operationId: operation.id, condition: observed.condition });
  }
}
