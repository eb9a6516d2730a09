/** States of an operation. */
export const OPERATION_STATES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLING', 'CANCELLED'] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

/** States in which an operation still holds its cluster. */
export const ACTIVE_STATES: readonly OperationState[] = ['PENDING', 'RUNNING', 'CANCELLING'];
export const TERMINAL_STATES: readonly OperationState[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** States of a step. WAITING: the approval step, until an operator approves. */
export const STEP_STATES = ['PENDING', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED'] as const;
export type StepState = (typeof STEP_STATES)[number];

/** Key and action of the step the engine adds in front of a plan that needs approval. */
export const APPROVAL_STEP = { key: 'approval', action: 'engine.approval', title: 'Wait for an operator to approve the plan' } as const;

export function isTerminal(state: string): boolean {
  return (TERMINAL_STATES as readonly string[]).includes(state);
}
