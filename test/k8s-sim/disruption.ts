import { matchesLabels, selectorFromSpec, type LabelSelectorSpec } from './selectors';
import type { KubeObject } from './types';

/** What a PodDisruptionBudget allows right now (its status numbers). */
export interface BudgetAssessment {
  expectedPods: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
}

/** A pod counts as healthy when it is Ready and not being deleted. */
export function isPodReady(pod: KubeObject): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const conditions = (pod.status?.conditions ?? []) as Array<{ type: string; status: string }>;
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The pods of a namespace a budget's selector picks (an empty selector picks none, as in policy/v1). */
export function podsCoveredBy(pdb: KubeObject, pods: KubeObject[]): KubeObject[] {
  const requirements = selectorFromSpec(pdb.spec?.selector as LabelSelectorSpec | undefined);
  if (requirements.length === 0) return [];
  return pods.filter((pod) => matchesLabels(requirements, pod.metadata.labels));
}

function scaledValue(value: number | string, total: number): number {
  if (typeof value === 'number') return value;
  const percent = Number(value.replace('%', ''));
  return Math.ceil((percent * total) / 100);
}

/**
 * The disruption controller's arithmetic. `replicasOf` answers the desired replica count of a pod's
 * controller (the StatefulSet), so expectedPods counts pods that should exist, not only those that do.
 */
export function assessBudget(pdb: KubeObject, covered: KubeObject[], replicasOf: (pod: KubeObject) => { key: string; replicas: number } | undefined): BudgetAssessment {
  const controllers = new Map<string, number>();
  let unowned = 0;
  for (const pod of covered) {
    const owner = replicasOf(pod);
    if (owner) controllers.set(owner.key, owner.replicas);
    else unowned += 1;
  }
  const expectedPods = [...controllers.values()].reduce((a, b) => a + b, 0) + unowned;
  const currentHealthy = covered.filter(isPodReady).length;
  const spec = (pdb.spec ?? {}) as { minAvailable?: number | string; maxUnavailable?: number | string };
  let desiredHealthy: number;
  if (spec.minAvailable !== undefined) desiredHealthy = scaledValue(spec.minAvailable, expectedPods);
  else if (spec.maxUnavailable !== undefined) desiredHealthy = Math.max(0, expectedPods - scaledValue(spec.maxUnavailable, expectedPods));
  else desiredHealthy = expectedPods;
  const disruptionsAllowed = expectedPods === 0 ? 0 : Math.max(0, currentHealthy - desiredHealthy);
  return { expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed };
}
