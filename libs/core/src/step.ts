/**
 * The one step vocabulary. A step is data: planned once, persisted as an `operation_steps` row,
 * and executed again after a crash. It lives here because both sides use it and neither may
 * import the other: the backend contract (backends plan steps) and the operation engine
 * (it persists and runs them).
 */

/** Parameters of a step: JSON data only, so that they survive persistence unchanged. */
export type StepParams = Record<string, unknown>;

/** One step of a plan, as its planner states it. */
export interface StepSpec<P extends StepParams = StepParams> {
  /** Unique within the operation, e.g. `join:galera-2`. */
  key: string;
  /** The verb that executes it, e.g. `ssh.join-node`. */
  action: string;
  /** What a person reads in the plan. */
  title: string;
  /** The member it acts on, if any. */
  node?: string;
  params: P;
  /**
   * Bound of one attempt, in seconds. The planner knows how long its step may take (a state
   * transfer, a rolling restart); absent: the engine's `STEP_TIMEOUT_SECONDS`.
   */
  timeoutSeconds?: number;
  /** Attempts before the operation fails; absent: the engine's `STEP_MAX_ATTEMPTS`. */
  maxAttempts?: number;
  /**
   * What the step does to its member, in the planner's words (the backend contract names
   * `bootstrap`, `start`, `restart`, `stop`). The engine persists it with the step and gives it
   * back; the operation's typed result reads it.
   */
  effect?: string;
}

/** Where a step runs: cancellation, bounded time, logs, and what earlier steps reported. */
export interface StepContext {
  operationId: string;
  /** Aborted on cancellation, on the step's timeout, or when the worker lost its lease. */
  signal: AbortSignal;
  /** 1 on the first attempt. */
  attempt: number;
  /** Outputs of the earlier steps of this operation, by step key. */
  outputs: Record<string, Record<string, unknown>>;
  log(message: string, level?: 'debug' | 'info' | 'warn' | 'error'): void;
}
