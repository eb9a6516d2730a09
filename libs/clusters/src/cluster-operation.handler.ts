import { ClusterChange, ClusterSpec, MemberChange, PlannedStep } from '@galera-cp/backends';
import { AuditService } from '@galera-cp/audit';
import { SYSTEM_PRINCIPAL } from '@galera-cp/core';
import { ClusterEntity, NodeEntity, OperationEntity, OperationStepEntity, JsonDocument } from '@galera-cp/database';
import { EventsService } from '@galera-cp/events';
import { EngineStepContext, EnginePlan, OperationHandler, OperationHandlerRegistry, StepOutcome } from '@galera-cp/operations';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { ClusterStatus, setCondition } from './cluster-status';
import { planChange } from './change-plan';
import { ClusterTargetFactory } from './cluster-target.factory';
import { ClustersService } from './clusters.service';

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

interface OperationParams {
  change: ClusterChange;
  generation: number;
  warnings?: string[];
}

/** Changes of the membership, whose cancel converges to the members there are. */
function isMembershipChange(change: ClusterChange): change is Extract<ClusterChange, { type: 'cluster.scale' | 'node.add' | 'node.remove' }> {
  return change.type === 'cluster.scale' || change.type === 'node.add' || change.type === 'node.remove';
}

function paramsOf(operation: OperationEntity): OperationParams {
  return operation.params as unknown as OperationParams;
}

/** A member as a result lists it. */
type ResultNode = Pick<NodeEntity, 'name' | 'address' | 'wsrepState' | 'ordinal'>;

/** The membership record once `corrections` are applied, in ordinal order. */
function applyCorrections(nodes: readonly ResultNode[], corrections: readonly MemberChange[]): ResultNode[] {
  const byName = new Map(nodes.map((n) => [n.name, { name: n.name, address: n.address, wsrepState: n.wsrepState, ordinal: n.ordinal }]));
  for (const c of corrections) {
    if (c.op === 'remove') byName.delete(c.name);
    else byName.set(c.member.name, { name: c.member.name, address: c.member.address, wsrepState: c.member.wsrepState, ordinal: c.member.ordinal });
  }
  return [...byName.values()].sort((a, b) => a.ordinal - b.ordinal);
}

/** The typed result of an operation from its steps (those that ran) and the members there are. */
function typedResult(operation: OperationEntity, steps: readonly OperationStepEntity[], nodes: readonly ResultNode[]): Record<string, unknown> {
  const change = paramsOf(operation).change;
  const details = (operation.plan?.details ?? {}) as Record<string, unknown>;
  const before = (details.membersBefore as string[] | undefined) ?? [];
  const after = nodes.map((n) => n.name);
  const stepNodes = (pattern: RegExp) => steps.filter((s) => s.node && pattern.test(s.action)).map((s) => s.node as string);
  const members = nodes.map((n) => ({ name: n.name, address: n.address, wsrepState: n.wsrepState }));
  switch (change.type) {
    case 'cluster.create':
      return { clusterId: operation.clusterId, bootstrapNode: details.bootstrapNode ?? null, members };
    case 'cluster.scale':
      return { fromReplicas: before.length, toReplicas: after.length, addedNodes: after.filter((n) => !before.includes(n)), removedNodes: before.filter((n) => !after.includes(n)), members };
    case 'node.add':
      return { node: after.find((n) => !before.includes(n)) ?? null, members };
    case 'node.remove':
      return { node: change.node, members };
    case 'cluster.restart':
      return { restartedNodes: stepNodes(/restart/), members };
    case 'cluster.stop':
      return { stoppedNodes: stepNodes(/stop/), safeBootstrapNode: details.bootstrapNode ?? null };
    case 'cluster.start':
      return { startedNodes: stepNodes(/start|bootstrap/), bootstrapNode: details.bootstrapNode ?? null, members };
    case 'cluster.recover':
      return { bootstrapNode: details.bootstrapNode ?? null, evidence: details.evidence ?? [], members };
    case 'cluster.reconfigure':
      return { changedParameters: change.parameters, restartedNodes: stepNodes(/restart/), members };
    case 'cluster.delete':
      return { purged: change.purge, forgotten: change.forget ?? false };
  }
}

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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: OperationHandlerRegistry,
    private readonly targets: ClusterTargetFactory,
    private readonly clusters: ClustersService,
    private readonly events: EventsService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  private async clusterOf(operation: OperationEntity): Promise<ClusterEntity> {
    if (!operation.clusterId) throw new Error(`operation ${operation.id} has no cluster`);
    return this.clusters.get(operation.clusterId);
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
    const planned: PlannedStep = {
      key: step.key,
      action: step.action,
      title: step.title,
      ...(step.node ? { node: step.node } : {}),
      params: step.params,
      timeoutSeconds: step.timeoutSeconds,
      maxAttempts: step.maxAttempts,
    };
    const result = await this.targets.backendOf(cluster.backendKind).executeStep(target, planned, context);
    return {
      output: result.output,
      persist: async (manager) => {
        if (result.members?.length) await this.clusters.applyMemberChanges(cluster.id, result.members, manager);
        if (result.pinnedHostKeys?.length) await this.pinHostKeys(cluster.id, result.pinnedHostKeys, manager);
      },
    };
  }

  /** Host keys learned on first use are pinned in the spec (the system learned them; the generation stays). */
  private async pinHostKeys(clusterId: string, keys: { address: string; fingerprint: string }[], manager: EntityManager): Promise<void> {
    const cluster = await this.clusters.lock(clusterId, manager);
    const spec = cluster.spec as unknown as ClusterSpec;
    if (!spec.ssh) return;
    for (const key of keys) {
      const host = spec.ssh.hosts.find((h) => h.address === key.address);
      if (host && !host.hostKeyFingerprint) host.hostKeyFingerprint = key.fingerprint;
    }
    await manager.getRepository(ClusterEntity).update({ id: clusterId }, { spec: spec as unknown as JsonDocument });
    await this.audit.record({ actor: SYSTEM_PRINCIPAL, action: 'cluster.host-keys-pinned', target: { type: 'cluster', id: clusterId }, outcome: 'succeeded', detail: { hosts: keys } }, manager);
  }

  async onStepFailed(operation: OperationEntity, step: OperationStepEntity, error: Record<string, unknown> & { code: string; detail: string }): Promise<void> {
    if (error.code === 'HOST_KEY_MISMATCH') {
      await this.audit.record({
        actor: SYSTEM_PRINCIPAL,
        action: 'ssh.host-key-mismatch',
        target: { type: 'cluster', id: operation.clusterId ?? 'unknown' },
        outcome: 'denied',
        detail: { operationId: operation.id, step: step.key, node: step.node, ...(error.details as Record<string, unknown> | undefined) },
      });
    }
  }

  async result(operation: OperationEntity, steps: OperationStepEntity[]): Promise<Record<string, unknown>> {
    const nodes = operation.clusterId ? await this.dataSource.getRepository(NodeEntity).find({ where: { clusterId: operation.clusterId }, order: { ordinal: 'ASC' } }) : [];
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
  async onCancelled(operation: OperationEntity, steps: OperationStepEntity[], options: { signal: AbortSignal; log: (message: string) => void }): Promise<{ result?: Record<string, unknown>; persist?: (manager: EntityManager) => Promise<void> }> {
    const change = paramsOf(operation).change;
    const done = steps.filter((s) => s.state === 'SUCCEEDED');
    const cluster = await this.clusterOf(operation);
    const nodes = await this.dataSource.getRepository(NodeEntity).find({ where: { clusterId: cluster.id }, order: { ordinal: 'ASC' } });
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
    const cluster = await manager.getRepository(ClusterEntity).createQueryBuilder('c').setLock('pessimistic_write').where('c.id = :id AND c.deleted_at IS NULL', { id: operation.clusterId }).getOne();
    if (!cluster) return;
    const status = cluster.status as unknown as ClusterStatus;
    const change = paramsOf(operation).change;
    const succeeded = operation.state === 'SUCCEEDED';
    const now = new Date();
    if (status.activeOperationId === operation.id) status.activeOperationId = null;
    setCondition(status, {
      type: 'Progressing',
      status: 'False',
      reason: succeeded ? 'OperationSucceeded' : operation.state === 'CANCELLED' ? 'OperationCancelled' : 'OperationFailed',
      message: `Operation ${operation.id} (${operation.type}) ${operation.state.toLowerCase()}${operation.error ? `: ${String((operation.error as { detail?: string }).detail ?? '')}` : ''}`,
    }, now);
    if (succeeded) status.observedGeneration = paramsOf(operation).generation;

    if (change.type === 'cluster.delete' && succeeded) {
      status.state = 'DELETED';
      await manager.getRepository(NodeEntity).delete({ clusterId: cluster.id });
      await manager.getRepository(ClusterEntity).update({ id: cluster.id }, { status: status as unknown as JsonDocument, state: 'DELETED', deletedAt: now, credentialId: null, updatedAt: now });
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
      const spec = cluster.spec as unknown as ClusterSpec;
      const members = await manager.getRepository(NodeEntity).count({ where: { clusterId: cluster.id } });
      const result = operation.result as { summary?: string } | null;
      if (spec.replicas !== members) {
        spec.replicas = members;
        cluster.generation += 1;
        await manager.getRepository(ClusterEntity).update({ id: cluster.id }, { spec: spec as unknown as JsonDocument, generation: cluster.generation });
      }
      status.observedGeneration = cluster.generation;
      status.size = { ...status.size, desired: members };
      setCondition(status, { type: 'Progressing', status: 'False', reason: 'OperationCancelled', message: `Operation ${operation.id} (${operation.type}) cancelled: ${result?.summary ?? `${members} members; cancelled before it ran`}; the spec's replicas are ${members}` }, now);
    }
    await manager.getRepository(ClusterEntity).update({ id: cluster.id }, { status: status as unknown as JsonDocument, state: status.state, updatedAt: now });
  }

  /** After an operation, observe the cluster once so its status reflects reality at once. */
  async afterFinished(operation: OperationEntity): Promise<void> {
    if (!operation.clusterId) return;
    const cluster = await this.dataSource.getRepository(ClusterEntity).findOneBy({ id: operation.clusterId, deletedAt: IsNull() });
    if (!cluster || ['STOPPED', 'FAILED', 'DELETED'].includes(cluster.state)) return;
    const target = await this.targets.build(cluster);
    const observed = await this.targets.backendOf(cluster.backendKind).observe(target, { signal: AbortSignal.timeout(60_000) });
    await this.clusters.applyObservation(cluster.id, observed);
    this.logger.debug?.({ msg: 'observed after operation', operationId: operation.id, condition: observed.condition });
  }
}
