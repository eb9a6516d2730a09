import { AuditService } from '@galera-cp/audit';
import { ClusterChange, ClusterSpec, MemberRecord, SshHostSpec } from '@galera-cp/backends';
import { DomainError, Principal } from '@galera-cp/core';
import { NodeEntity, OperationEntity, transactionOrDryRun } from '@galera-cp/database';
import { canRemoveMembers, checkClusterSize, validateParameters } from '@galera-cp/galera';
import { assertIfMatch } from '@galera-cp/http';
import { OperationRepository, OperationsService } from '@galera-cp/operations';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { checkSpec, refuse } from './cluster-spec.defaults';
import { setCondition } from './cluster-status';
import { Cluster, ClusterRepository } from './cluster.repository';
import { planChange } from './change-plan';
import { ClusterTargetFactory, toMemberRecord } from './cluster-target.factory';
import { clusterErrors } from './clusters.errors';
import { assertHostsFree, findHostClaims, HostClaim, takeoverWarning } from './host-claims';
import { ChangeOutcome, toPlanView } from './plan-view';

/** A change a client asks for (the API DTOs map to these). */
export type ClusterChangeRequest =
  | { type: 'cluster.scale'; replicas: number; force?: boolean }
  | { type: 'node.add'; host?: SshHostSpec; force?: boolean; takeover?: boolean }
  | { type: 'node.remove'; nodeId: string; force?: boolean }
  | { type: 'cluster.restart' }
  | { type: 'cluster.stop' }
  | { type: 'cluster.start' }
  | { type: 'cluster.recover'; acceptMissing?: string[]; approve?: boolean }
  | { type: 'cluster.reconfigure'; parameters: Record<string, string | number | boolean> }
  | { type: 'cluster.delete'; purge?: boolean; forget?: boolean };

/** Who asks, and how. */
export interface ChangeContext {
  principal: Principal;
  requestId?: string;
  dryRun?: boolean;
  ifMatch?: string;
  /** Work committed with the new operation, in its transaction (e.g. the chat replies to post when it ends). */
  withOperation?: (manager: EntityManager, operation: OperationEntity) => Promise<void>;
}

interface Prepared {
  change: ClusterChange;
  spec: ClusterSpec;
  specChanged: boolean;
  warnings: string[];
  approvalRequired: boolean;
}

/** States a cluster must be in for each change. */
const ALLOWED_STATES: Record<ClusterChangeRequest['type'], string[]> = {
  'cluster.scale': ['READY', 'DEGRADED', 'UNKNOWN'],
  'node.add': ['READY', 'DEGRADED', 'UNKNOWN'],
  'node.remove': ['READY', 'DEGRADED', 'UNKNOWN'],
  'cluster.restart': ['READY', 'DEGRADED'],
  'cluster.stop': ['READY', 'DEGRADED', 'DOWN', 'UNKNOWN'],
  'cluster.start': ['STOPPED'],
  'cluster.recover': ['DOWN', 'DEGRADED', 'UNKNOWN', 'READY'],
  'cluster.reconfigure': ['READY', 'DEGRADED'],
  'cluster.delete': ['READY', 'DEGRADED', 'DOWN', 'STOPPED', 'FAILED', 'UNKNOWN'],
};

/**
 * Every change of an existing cluster that needs backend work: checks the transition (state,
 * If-Match, quorum, deletion protection, capabilities), updates the desired spec, and starts the
 * operation in one transaction; with `dryRun`, answers the plan and changes nothing.
 */
@Injectable()
export class ChangeClusterUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clusters: ClusterRepository,
    private readonly operations: OperationsService,
    private readonly operationRecords: OperationRepository,
    private readonly targets: ClusterTargetFactory,
    private readonly audit: AuditService,
  ) {}

  async execute(clusterId: string, request: ClusterChangeRequest, context: ChangeContext): Promise<ChangeOutcome<OperationEntity>> {
    const dryRun = context.dryRun ?? false;
    // One path for the real call and the dry run: every check (state, If-Match, quorum, the one
    // active operation per cluster, the database's own constraints) runs in this transaction; a
    // dry run rolls it back and answers the plan instead.
    const started = await transactionOrDryRun(this.dataSource, dryRun, async (manager) => {
      const cluster = await this.clusters.lock(clusterId, manager);
      const nodes = await this.clusters.nodes(clusterId, manager);
      const prepared = this.prepare(cluster, nodes, request, context);
      const claims = await this.claimsOf(cluster, request, prepared, manager);
      const operation = await this.operations.create(manager, {
        type: request.type,
        clusterId,
        params: { change: prepared.change, generation: cluster.generation + (prepared.specChanged ? 1 : 0), warnings: prepared.warnings },
        principal: context.principal,
        requestId: context.requestId,
        approvalRequired: prepared.approvalRequired,
      });
      await this.markStarted(manager, cluster, prepared, operation, request.type);
      if (claims.length > 0) {
        await this.audit.record(
          {
            actor: context.principal,
            action: 'cluster.takeover',
            target: { type: 'cluster', id: clusterId },
            outcome: 'succeeded',
            requestId: context.requestId,
            detail: { operationId: operation.id, from: claims },
          },
          manager,
        );
      }
      await context.withOperation?.(manager, operation);
      return { operation, cluster, nodes, prepared };
    });
    if (!dryRun) return { kind: 'started', operation: started.operation, clusterId };
    const { cluster, nodes, prepared } = started;
    const target = await this.targets.build(cluster, prepared.spec, nodes.map(toMemberRecord));
    const plan = await planChange(this.targets.backendOf(cluster.backendKind), target, prepared.change, { signal: AbortSignal.timeout(120_000) });
    return { kind: 'planned', plan: toPlanView(request.type, plan, prepared.approvalRequired || Boolean(plan.requiresApproval), prepared.warnings) };
  }

  /**
   * Starts a failed or cancelled operation again: a new operation with the same change, planned
   * afresh from what is there now (steps are idempotent, so what the first attempt finished is
   * skipped). Only the cluster's latest operation can be retried, so a retry never undoes what a
   * later operation did. A failed cluster.create goes back to CREATING.
   */
  async retry(operationId: string, context: ChangeContext): Promise<ChangeOutcome<OperationEntity>> {
    const original = await this.operations.get(operationId);
    if (!['FAILED', 'CANCELLED'].includes(original.state)) {
      throw new DomainError('conflict', 'OPERATION_NOT_RETRYABLE', `Operation ${operationId} is ${original.state.toLowerCase()}; only a failed or cancelled operation can be retried`);
    }
    if (!original.clusterId) throw new DomainError('conflict', 'OPERATION_NOT_RETRYABLE', `Operation ${operationId} belongs to no cluster`);
    const clusterId = original.clusterId;
    const params = original.params as { change: ClusterChange; generation: number; warnings?: string[] };
    const assertLatest = async (manager: EntityManager) => {
      const latest = await this.operationRecords.latestOn(clusterId, manager);
      if (latest && latest.id !== original.id) {
        throw new DomainError('conflict', 'OPERATION_SUPERSEDED', `Operation ${latest.id} (${latest.type}) ran on this cluster after ${operationId}; ask for the change again instead`, {
          extensions: { latestOperationId: latest.id },
        });
      }
    };
    const dryRun = context.dryRun ?? false;
    const started = await transactionOrDryRun(this.dataSource, dryRun, async (manager) => {
      const cluster = await this.clusters.lock(clusterId, manager);
      // Under the cluster's lock: no other operation of this cluster can start meanwhile.
      await assertLatest(manager);
      assertIfMatch(context.ifMatch, cluster.generation);
      const operation = await this.operations.create(manager, {
        type: original.type,
        clusterId,
        params: { ...params, generation: cluster.generation, retryOf: original.id },
        principal: context.principal,
        requestId: context.requestId,
        // A retried recovery needs its approval again: what it found may have changed.
        approvalRequired: original.approvalRequired,
      });
      if (original.type === 'cluster.create') cluster.status.state = 'CREATING';
      const spec = cluster.spec;
      await this.markStarted(
        manager,
        cluster,
        { change: params.change, spec, specChanged: false, warnings: params.warnings ?? [], approvalRequired: original.approvalRequired },
        operation,
        original.type,
      );
      return { operation, cluster, spec };
    });
    if (!dryRun) return { kind: 'started', operation: started.operation, clusterId };
    const target = await this.targets.build(started.cluster, started.spec);
    const plan = await planChange(this.targets.backendOf(started.cluster.backendKind), target, params.change, { signal: AbortSignal.timeout(120_000) });
    return { kind: 'planned', plan: toPlanView(original.type, plan, original.approvalRequired && !original.approvedAt, params.warnings ?? []) };
  }

  private prepare(cluster: Cluster, nodes: NodeEntity[], request: ClusterChangeRequest, context: ChangeContext): Prepared {
    assertIfMatch(context.ifMatch, cluster.generation);
    const state = cluster.state;
    if (!ALLOWED_STATES[request.type].includes(state)) {
      throw clusterErrors.wrongState(cluster.id, state, ALLOWED_STATES[request.type].join(' or '));
    }
    const backend = this.targets.backendOf(cluster.backendKind);
    const spec = structuredClone(cluster.spec);
    const members = nodes.map(toMemberRecord);
    const quorumMembers = nodes.map((n) => ({ name: n.name, role: n.role === 'arbitrator' ? ('arbitrator' as const) : ('data' as const), healthy: n.healthy }));

    switch (request.type) {
      case 'cluster.scale': {
        const force = request.force ?? false;
        if (request.replicas === spec.replicas && members.length === request.replicas) {
          throw new DomainError('conflict', 'NO_CHANGE', `The cluster already has ${request.replicas} members`);
        }
        if (request.replicas < members.length) this.assertRemovable(quorumMembers, highestOrdinals(members, members.length - request.replicas));
        spec.replicas = request.replicas;
        return { change: { type: 'cluster.scale', replicas: request.replicas, force }, spec, specChanged: true, warnings: checkSpec(spec, force, backend), approvalRequired: false };
      }
      case 'node.add': {
        const force = request.force ?? false;
        // A backend that provides its own hosts (pods) takes no host; one that grows from an
        // inventory says how the inventory takes one more member (or refuses the host).
        let grown: ClusterSpec;
        if (backend.capabilities.providesHosts) {
          if (request.host) refuse('VALIDATION_FAILED', [{ pointer: '/host', detail: `a ${spec.backend} cluster provides its own members; leave host out` }]);
          grown = spec;
        } else {
          if (!backend.addMember) throw clusterErrors.notSupported('Adding a member', `the ${spec.backend} backend grows from an inventory but says not how`);
          grown = backend.addMember(spec, request.host ? { host: request.host } : {}, members);
        }
        grown.replicas = members.length + 1;
        const warnings = checkSpec(grown, force, backend);
        return { change: { type: 'node.add', ...(request.host ? { host: request.host } : {}), force }, spec: grown, specChanged: true, warnings, approvalRequired: false };
      }
      case 'node.remove': {
        const force = request.force ?? false;
        const node = nodes.find((n) => n.id === request.nodeId);
        if (!node) throw clusterErrors.nodeNotFound(request.nodeId);
        if (!backend.capabilities.removeAnyMember && node.name !== highestOrdinals(members, 1)[0]) {
          throw clusterErrors.notSupported(`Removing ${node.name}`, `a ${spec.backend} cluster removes its highest ordinal first (${highestOrdinals(members, 1)[0]})`);
        }
        this.assertRemovable(quorumMembers, [node.name]);
        spec.replicas = members.length - 1;
        const size = checkClusterSize(spec.replicas, { force });
        if (!size.allowed) refuse(size.code, [{ pointer: '/force', detail: size.message }]);
        return {
          change: { type: 'node.remove', node: node.name, force },
          spec,
          specChanged: true,
          warnings: size.risk ? [`Unsafe size accepted with force: ${size.risk}`] : [],
          approvalRequired: false,
        };
      }
      case 'cluster.recover': {
        if (!backend.capabilities.recover) {
          throw clusterErrors.notSupported('Full-crash recovery', `the ${spec.backend} backend cannot collect per-node recovery evidence yet`);
        }
        const unknown = (request.acceptMissing ?? []).filter((name) => !members.some((m) => m.name === name));
        if (unknown.length > 0) refuse('VALIDATION_FAILED', [{ pointer: '/acceptMissing', detail: `not members: ${unknown.join(', ')}` }]);
        return {
          change: { type: 'cluster.recover', acceptMissing: request.acceptMissing ?? [] },
          spec,
          specChanged: false,
          warnings: [],
          approvalRequired: !(request.approve ?? false) && !spec.policy.autoRecovery,
        };
      }
      case 'cluster.reconfigure': {
        // The request's own parameters first, so that pointers name the request's fields (/parameters/<name>).
        const given = validateParameters(request.parameters, { pointerPrefix: '/parameters' });
        if (given.errors.length > 0)
          refuse(
            'VALIDATION_FAILED',
            given.errors.map((e) => ({ pointer: e.pointer, detail: e.detail })),
          );
        spec.galera.parameters = { ...spec.galera.parameters, ...request.parameters };
        const warnings = checkSpec(spec, true, backend);
        return { change: { type: 'cluster.reconfigure', parameters: request.parameters }, spec, specChanged: true, warnings, approvalRequired: false };
      }
      case 'cluster.delete': {
        if (spec.policy.deletionProtection) throw clusterErrors.deletionProtected(cluster.id);
        if (request.forget && request.purge) {
          refuse('VALIDATION_FAILED', [{ pointer: '/forget', detail: 'forget removes only the record and touches no host: it cannot purge data too' }]);
        }
        const change: ClusterChange = request.forget ? { type: 'cluster.delete', purge: false, forget: true } : { type: 'cluster.delete', purge: request.purge ?? false };
        return { change, spec, specChanged: false, warnings: [], approvalRequired: false };
      }
      case 'cluster.stop':
      case 'cluster.start':
        if (backend.capabilities.stopStart === false) {
          throw clusterErrors.notSupported(
            request.type === 'cluster.stop' ? 'Stopping a cluster' : 'Starting a cluster',
            `the ${spec.backend} backend cannot choose a safe bootstrap member after a full stop`,
          );
        }
        return { change: { type: request.type }, spec, specChanged: false, warnings: [], approvalRequired: false };
      case 'cluster.restart':
        return { change: { type: request.type }, spec, specChanged: false, warnings: [], approvalRequired: false };
    }
  }

  /**
   * node.add of a given host: refuses a host another live cluster record holds unless the
   * request takes it over (HOSTS_HELD_BY_OTHER_CLUSTER); a takeover is a warning of the plan.
   */
  private async claimsOf(cluster: Cluster, request: ClusterChangeRequest, prepared: Prepared, manager: EntityManager = this.dataSource.manager): Promise<HostClaim[]> {
    if (request.type !== 'node.add' || !request.host) return [];
    const claims = await findHostClaims(this.clusters, manager, this.targets.backendOf(cluster.backendKind), [request.host.address], cluster.id);
    assertHostsFree(claims, request.takeover ?? false);
    if (claims.length > 0) prepared.warnings.push(takeoverWarning(claims));
    return claims;
  }

  /** Galera: never remove members when the remaining ones would lose quorum. */
  private assertRemovable(members: { name: string; role: 'data' | 'arbitrator'; healthy: boolean }[], remove: string[]): void {
    const check = canRemoveMembers(members, remove);
    if (!check.allowed) throw new DomainError('conflict', check.code, check.message, { extensions: { quorumAfter: check.quorumAfter, healthyAfter: check.healthyAfter } });
  }

  private async markStarted(manager: EntityManager, cluster: Cluster, prepared: Prepared, operation: OperationEntity, type: string): Promise<void> {
    const status = cluster.status;
    status.activeOperationId = operation.id;
    setCondition(status, { type: 'Progressing', status: 'True', reason: 'OperationRunning', message: `Operation ${operation.id} (${type}) is running` });
    if (type === 'cluster.delete') status.state = 'DELETING';
    status.size.desired = prepared.spec.replicas;
    await this.clusters.update(
      cluster.id,
      {
        status,
        state: status.state,
        ...(prepared.specChanged ? { spec: prepared.spec, generation: cluster.generation + 1 } : {}),
        updatedAt: new Date(),
      },
      manager,
    );
  }
}

/** Names of the `count` members with the highest ordinals (scale-in removes them first, as a StatefulSet does). */
export function highestOrdinals(members: MemberRecord[], count: number): string[] {
  return [...members]
    .sort((a, b) => b.ordinal - a.ordinal)
    .slice(0, count)
    .map((m) => m.name);
}
