import { Plan } from '@galera-cp/backends';

/** A dry run's answer: what would happen, nothing changed. */
export interface PlanView {
  operationType: string;
  summary: string;
  steps: { key: string; action: string; title: string; node: string | null }[];
  details: Record<string, unknown>;
  requiresApproval: boolean;
}

export function toPlanView(operationType: string, plan: Plan, requiresApproval: boolean, warnings: string[] = []): PlanView {
  return {
    operationType,
    summary: plan.summary,
    steps: plan.steps.map((s) => ({ key: s.key, action: s.action, title: s.title, node: s.node ?? null })),
    details: { ...plan.details, warnings: [...warnings, ...(plan.details.warnings ?? [])] },
    requiresApproval,
  };
}

/** The outcome of a mutating use case: an operation was started, or (dry run) a plan. */
export type ChangeOutcome<T> = { kind: 'started'; operation: T; clusterId: string } | { kind: 'planned'; plan: PlanView };
