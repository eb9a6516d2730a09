/** Lifecycle states of a cluster (status.state). */
export const CLUSTER_STATES = ['CREATING', 'READY', 'DEGRADED', 'DOWN', 'STOPPED', 'FAILED', 'DELETING', 'DELETED', 'UNKNOWN'] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number];

/** A Kubernetes-style condition. */
export interface ClusterCondition {
  /** `Ready` or `Progressing`. */
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/** What the system writes about a cluster; clients never write it. */
export interface ClusterStatus {
  state: ClusterState;
  conditions: ClusterCondition[];
  observedGeneration: number;
  size: { desired: number; observed: number | null; healthy: number };
  activeOperationId: string | null;
  lastObservedAt: string | null;
  message: string;
}

/** Sets a condition, keeping lastTransitionTime when the status did not change. */
export function setCondition(status: ClusterStatus, condition: Omit<ClusterCondition, 'lastTransitionTime'>, now = new Date()): void {
  const existing = status.conditions.find((c) => c.type === condition.type);
  if (existing) {
    if (existing.status !== condition.status) existing.lastTransitionTime = now.toISOString();
    existing.status = condition.status;
    existing.reason = condition.reason;
    existing.message = condition.message;
  } else {
    status.conditions.push({ ...condition, lastTransitionTime: now.toISOString() });
  }
}

/** The status of a cluster that was just created. */
export function initialStatus(desired: number, operationId: string | null): ClusterStatus {
  const status: ClusterStatus = {
    state: 'CREATING',
    conditions: [],
    observedGeneration: 0,
    size: { desired, observed: null, healthy: 0 },
    activeOperationId: operationId,
    lastObservedAt: null,
    message: 'Creation requested',
  };
  setCondition(status, { type: 'Ready', status: 'Unknown', reason: 'Creating', message: 'The cluster is being created' });
  setCondition(status, { type: 'Progressing', status: 'True', reason: 'OperationRunning', message: `Operation ${operationId} is running` });
  return status;
}
