import { AuditService } from '@galera-cp/audit';
import { ClusterBackend, ClusterSpec } from '@galera-cp/backends';
import { DomainError, Principal } from '@galera-cp/core';
import { ClusterEntity, newId, OperationEntity, transactionOrDryRun } from '@galera-cp/database';
import { OperationsService } from '@galera-cp/operations';
import { CredentialsService } from '@galera-cp/secrets';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { ClusterStatus, initialStatus } from './cluster-status';
import { Cluster, ClusterRepository } from './cluster.repository';
import { ClusterTargetFactory } from './cluster-target.factory';
import { clusterErrors } from './clusters.errors';
import { checkSpec, NewClusterInput, refuse, specOf } from './cluster-spec.defaults';
import { assertHostsFree, findHostClaims, takeoverWarning } from './host-claims';
import { ChangeOutcome, toPlanView } from './plan-view';

/**
 * Creates a cluster: validates the spec (shape, quorum rule, hosts, credential, parameters, the
 * backend's own checks), then inserts the cluster (`CREATING`, Ready=Unknown) and its
 * `cluster.create` operation in one transaction. Hosts another live cluster record holds are
 * refused (HOSTS_HELD_BY_OTHER_CLUSTER) unless the request takes them over (`takeover`, audited).
 * With `dryRun`, runs the same checks, answers the backend's plan and changes nothing.
 */
@Injectable()
export class CreateClusterUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clusters: ClusterRepository,
    private readonly operations: OperationsService,
    private readonly credentials: CredentialsService,
    private readonly targets: ClusterTargetFactory,
    private readonly audit: AuditService,
  ) {}

  async execute(input: NewClusterInput & { takeover?: boolean }, context: { principal: Principal; requestId?: string; dryRun?: boolean }): Promise<ChangeOutcome<OperationEntity>> {
    const backend = this.targets.backendOf(input.backend);
    const spec = specOf(input, backend);
    const warnings = checkSpec(spec, input.force ?? false, backend);
    const credentialId = await this.checkCredential(backend, spec);

    const claims = await findHostClaims(this.clusters, this.dataSource.manager, backend, backend.occupiedAddresses?.(spec) ?? []);
    assertHostsFree(claims, input.takeover ?? false);
    if (claims.length > 0) warnings.push(takeoverWarning(claims));

    const id = newId('cluster');
    const dryRun = context.dryRun ?? false;
    let operation: OperationEntity;
    try {
      // One path for the real call and the dry run: the same inserts and constraints (the live
      // name is unique, the operation is queued); a dry run rolls them back and answers the plan.
      operation = await transactionOrDryRun(this.dataSource, dryRun, async (manager) => {
        const now = new Date();
        const cluster: Cluster = Object.assign(new ClusterEntity<ClusterSpec, ClusterStatus>(), {
          id,
          name: input.name,
          backendKind: spec.backend,
          credentialId,
          spec,
          status: initialStatus(spec.replicas, null),
          state: 'CREATING',
          generation: 1,
          labels: input.labels ?? {},
          createdAt: now,
          updatedAt: now,
          deletedAt: null,
        });
        await this.clusters.insert(cluster, manager);
        const created = await this.operations.create(manager, {
          type: 'cluster.create',
          clusterId: id,
          params: { change: { type: 'cluster.create' }, generation: 1, warnings },
          principal: context.principal,
          requestId: context.requestId,
        });
        if (claims.length > 0) {
          await this.audit.record(
            {
              actor: context.principal,
              action: 'cluster.takeover',
              target: { type: 'cluster', id },
              outcome: 'succeeded',
              requestId: context.requestId,
              detail: { operationId: created.id, from: claims },
            },
            manager,
          );
        }
        const status = initialStatus(spec.replicas, created.id);
        await this.clusters.update(id, { status }, manager);
        return created;
      });
    } catch (error) {
      if (error instanceof QueryFailedError && (error as QueryFailedError & { constraint?: string }).constraint === 'ux_clusters_name_live') throw clusterErrors.nameTaken(input.name);
      throw error;
    }
    if (!dryRun) return { kind: 'started', operation, clusterId: id };
    const target = await this.targets.build({ id, name: input.name, spec, credentialId }, spec, []);
    const plan = await backend.plan(target, { type: 'cluster.create' }, { signal: AbortSignal.timeout(60_000) });
    return { kind: 'planned', plan: toPlanView('cluster.create', plan, false, warnings) };
  }

  /** The credential the spec names exists and is of a kind its backend logs in with. */
  private async checkCredential(backend: ClusterBackend, spec: ClusterSpec): Promise<string | null> {
    const reference = backend.credentialOf(spec);
    if (!reference) return null;
    const { id: credentialId, pointer, kinds } = reference;
    const credential = await this.credentials.get(credentialId).catch((error: unknown) => {
      if (error instanceof DomainError && error.kind === 'not_found') refuse('CREDENTIAL_NOT_FOUND', [{ pointer, detail: `credential ${credentialId} does not exist` }]);
      throw error;
    });
    if (!(kinds as readonly string[]).includes(credential.kind)) {
      refuse('CREDENTIAL_KIND_MISMATCH', [{ pointer, detail: `a ${spec.backend} cluster needs a ${kinds.join(' or ')} credential; ${credentialId} is ${credential.kind}` }]);
    }
    return credentialId;
  }
}
