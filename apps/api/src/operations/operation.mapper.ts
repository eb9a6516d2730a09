import type { PlanView } from '@galera-cp/clusters';
import type { OperationEntity, OperationLogEntity, OperationStepEntity } from '@galera-cp/database';
import type { OperationDto, OperationLogDto, PlanDetailsDto, PlanDto } from './operation.dto';

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** A plan's details as stored (backends write them; `warnings` is always there). */
function toPlanDetailsDto(details: Record<string, unknown>): PlanDetailsDto {
  return { ...details, warnings: Array.isArray(details.warnings) ? (details.warnings as string[]) : [] };
}

export function toOperationDto(entity: OperationEntity, steps: OperationStepEntity[]): OperationDto {
  return {
    id: entity.id,
    type: entity.type,
    state: entity.state,
    clusterId: entity.clusterId,
    params: entity.params,
    progress: entity.progress,
    steps: steps.map((s) => ({
      index: s.index,
      key: s.key,
      action: s.action,
      title: s.title,
      node: s.node,
      state: s.state,
      attempts: s.attempts,
      maxAttempts: s.maxAttempts,
      startedAt: iso(s.startedAt),
      finishedAt: iso(s.finishedAt),
      error: s.error,
    })),
    plan: entity.plan ? { summary: entity.plan.summary ?? '', details: toPlanDetailsDto(entity.plan.details ?? {}) } : null,
    approval: {
      state: !entity.approvalRequired ? 'NOT_REQUIRED' : entity.approvedAt ? 'APPROVED' : 'PENDING',
      approvedBy: entity.approvedBy,
      approvedAt: iso(entity.approvedAt),
    },
    result: entity.result,
    error: entity.error,
    requestedBy: entity.requestedBy,
    requestId: entity.requestId,
    cancelRequestedBy: entity.cancelRequestedBy,
    runs: entity.runs,
    createdAt: entity.createdAt.toISOString(),
    startedAt: iso(entity.startedAt),
    finishedAt: iso(entity.finishedAt),
    updatedAt: entity.updatedAt.toISOString(),
  };
}

export function toPlanDto(plan: PlanView): PlanDto {
  return { dryRun: true, ...plan, details: toPlanDetailsDto(plan.details) };
}

export function toOperationLogDto(entity: OperationLogEntity): OperationLogDto {
  return { id: entity.id, at: entity.at.toISOString(), level: entity.level, stepIndex: entity.stepIndex, message: entity.message };
}
