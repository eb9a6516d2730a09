/**
 * What a cluster operation's record says: its change, the effects its steps declared (kept with
 * the persisted steps), and its typed result.
 */
import type { ClusterChange, MemberChange, PlannedStep, StepEffect } from '@galera-cp/backends';
import type { NodeEntity, OperationEntity, OperationStepEntity } from '@galera-cp/database';

/** What a cluster operation's params hold. */
export interface OperationParams {
  change: ClusterChange;
  generation: number;
  warnings?: string[];
}

/** Changes of the membership, whose cancel converges to the members there are. */
export function isMembershipChange(change: ClusterChange): change is Extract<ClusterChange, { type: 'cluster.scale' | 'node.add' | 'node.remove' }> {
  return change.type === 'cluster.scale' || change.type === 'node.add' || change.type === 'node.remove';
}

/** The params of a cluster operation, as the use cases wrote them. */
export function paramsOf(operation: OperationEntity): OperationParams {
  return operation.params as unknown as OperationParams;
}

/** A member as a result lists it. */
export type ResultNode = Pick<NodeEntity, 'name' | 'address' | 'wsrepState' | 'ordinal'>;

/** The membership record once `corrections` are applied, in ordinal order. */
export function applyCorrections(nodes: readonly ResultNode[], corrections: readonly MemberChange[]): ResultNode[] {
  const byName = new Map(nodes.map((n) => [n.name, { name: n.name, address: n.address, wsrepState: n.wsrepState, ordinal: n.ordinal }]));
  for (const c of corrections) {
    if (c.op === 'remove') byName.delete(c.name);
    else byName.set(c.member.name, { name: c.member.name, address: c.member.address, wsrepState: c.member.wsrepState, ordinal: c.member.ordinal });
  }
  return [...byName.values()].sort((a, b) => a.ordinal - b.ordinal);
}

const STEP_EFFECTS: readonly string[] = ['bootstrap', 'start', 'restart', 'stop'] satisfies readonly StepEffect[];

/** The effect a persisted step declared (the engine keeps it in the step's `effect` column). */
export function effectOf(step: Pick<OperationStepEntity, 'effect'>): StepEffect | undefined {
  return step.effect && STEP_EFFECTS.includes(step.effect) ? (step.effect as StepEffect) : undefined;
}

/** A persisted step as its backend planned it. */
export function plannedStepOf(step: OperationStepEntity): PlannedStep {
  const effect = effectOf(step);
  return {
    key: step.key,
    action: step.action,
    title: step.title,
    ...(step.node ? { node: step.node } : {}),
    params: step.params,
    timeoutSeconds: step.timeoutSeconds,
    maxAttempts: step.maxAttempts,
    ...(effect ? { effect } : {}),
  };
}

/** The typed result of an operation from its steps (those that ran) and the members there are. */
export function typedResult(operation: OperationEntity, steps: readonly OperationStepEntity[], nodes: readonly ResultNode[]): Record<string, unknown> {
  const change = paramsOf(operation).change;
  const details = (operation.plan?.details ?? {}) as Record<string, unknown>;
  const before = (details.membersBefore as string[] | undefined) ?? [];
  const after = nodes.map((n) => n.name);
  const stepNodes = (...effects: StepEffect[]) => steps.filter((s) => s.node && effects.some((e) => e === effectOf(s))).map((s) => s.node as string);
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
      return { restartedNodes: stepNodes('restart'), members };
    case 'cluster.stop':
      return { stoppedNodes: stepNodes('stop'), safeBootstrapNode: details.bootstrapNode ?? null };
    case 'cluster.start':
      return { startedNodes: stepNodes('bootstrap', 'start'), bootstrapNode: details.bootstrapNode ?? null, members };
    case 'cluster.recover':
      return { bootstrapNode: details.bootstrapNode ?? null, evidence: details.evidence ?? [], members };
    case 'cluster.reconfigure':
      return { changedParameters: change.parameters, restartedNodes: stepNodes('restart'), members };
    case 'cluster.delete':
      return { purged: change.purge, forgotten: change.forget ?? false };
  }
}
