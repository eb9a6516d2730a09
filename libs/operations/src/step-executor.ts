import { asRow, OperationEntity, OperationStepEntity } from '@galera-cp/database';
import { EventsService } from '@galera-cp/events';
import { Injectable } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { Claim, OperationLease } from './operation-lease';
import type { OperationHandler, StepOutcome } from './operation-handler';
import type { OperationLogBuffer } from './operation-log-buffer';
import { OperationError, toOperationError } from './operation-error';

/** How one step ended: succeeded, failed for good (its problem), or stopped from outside (cancel, lease lost, shutdown). */
export type StepRunOutcome = { kind: 'succeeded' } | { kind: 'failed'; problem: OperationError } | { kind: 'stopped' };

/** Longest wait between two attempts. */
export const MAX_RETRY_BACKOFF_MS = 10_000;

/** Wait before attempt `attempt + 1` after attempt `attempt` failed: 1 s, 2 s, 4 s, ... up to MAX_RETRY_BACKOFF_MS. */
export function retryBackoffMs(attempt: number): number {
  return Math.min(MAX_RETRY_BACKOFF_MS, 1000 * 2 ** (attempt - 1));
}

/** Waits `ms`, or less when the signal aborts (the caller checks the signal next). */
const sleep = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal }).catch(() => undefined);

/** Settles with the promise, or rejects as soon as the signal aborts (a step that ignores its signal cannot hold the engine). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  // The step's own promise may still reject after we stop waiting (with the abort reason): it
  // must never become an unhandled rejection.
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** What one step's run needs from the loop around it. */
export interface StepRun {
  claim: Claim;
  handler: OperationHandler;
  step: OperationStepEntity;
  /** Outputs of the steps that succeeded so far, by key. */
  outputs: Record<string, Record<string, unknown>>;
  /** The run's signal: cancellation, lost lease, shutdown. */
  signal: AbortSignal;
  logs: OperationLogBuffer;
  /** The operation's progress once this step succeeded (written with the step's success). */
  progressAfter: number;
}

/**
 * Runs one step: its attempts (each bounded by the step's `timeoutSeconds`, as planned), retries
 * of retryable failures with exponential backoff up to `maxAttempts`, and the run's abort signal.
 * Each attempt costs one fenced transaction to start it (state RUNNING, attempts counted: a crash
 * mid-step is seen on resume) and a success one more (the output, the handler's writes, the
 * operation's progress, the event): at most two per step. A failure for good writes nothing
 * here: the loop makes it part of the operation's terminal transaction.
 */
@Injectable()
export class StepExecutor {
  constructor(
    private readonly lease: OperationLease,
    private readonly events: EventsService,
  ) {}

  async run({ claim, handler, step, outputs, signal, logs, progressAfter }: StepRun): Promise<StepRunOutcome> {
    const operation = claim.operation;
    for (;;) {
      step.attempts += 1;
      step.state = 'RUNNING';
      step.startedAt = new Date();
      await this.lease.fenced(claim, async (manager) => {
        await manager.update(OperationStepEntity, { operationId: operation.id, index: step.index }, { state: 'RUNNING', attempts: step.attempts, startedAt: step.startedAt, error: null });
        await this.events.append(
          { type: 'operation.step_started', clusterId: operation.clusterId, operationId: operation.id, data: { step: step.key, title: step.title, attempt: step.attempts } },
          manager,
        );
      });
      logs.add(step.index, 'info', `▶ ${step.title}${step.attempts > 1 ? ` (attempt ${step.attempts}/${step.maxAttempts})` : ''}`);
      const stepSignal = AbortSignal.any([signal, AbortSignal.timeout(step.timeoutSeconds * 1000)]);
      let outcome: StepOutcome;
      try {
        outcome = await untilAborted(
          handler.executeStep(operation, step, {
            operationId: operation.id,
            signal: stepSignal,
            attempt: step.attempts,
            outputs,
            log: (message, level = 'info') => logs.add(step.index, level, message),
          }),
          stepSignal,
        );
      } catch (error) {
        if (signal.aborted) return { kind: 'stopped' };
        const timedOut = stepSignal.aborted;
        const problem: OperationError = timedOut ? { code: 'STEP_TIMEOUT', detail: `Step "${step.title}" did not finish within ${step.timeoutSeconds} s` } : toOperationError(error, 'STEP_FAILED');
        const retryable = timedOut || (error as { retryable?: boolean })?.retryable === true;
        logs.add(step.index, 'error', `✖ ${problem.detail}`);
        if (retryable && step.attempts < step.maxAttempts) {
          const backoff = retryBackoffMs(step.attempts);
          logs.add(step.index, 'warn', `retrying in ${backoff / 1000} s`);
          await sleep(backoff, signal);
          if (signal.aborted) return { kind: 'stopped' };
          continue;
        }
        return { kind: 'failed', problem };
      }
      step.state = 'SUCCEEDED';
      step.output = outcome.output ?? {};
      step.finishedAt = new Date();
      await this.lease.fenced(claim, async (manager) => {
        await manager.update(OperationStepEntity, { operationId: operation.id, index: step.index }, asRow({ state: 'SUCCEEDED', output: step.output, finishedAt: step.finishedAt }));
        await manager.update(OperationEntity, { id: operation.id }, { progress: progressAfter, updatedAt: new Date() });
        if (outcome.persist) await outcome.persist(manager);
        await this.events.append({ type: 'operation.step_succeeded', clusterId: operation.clusterId, operationId: operation.id, data: { step: step.key } }, manager);
      });
      operation.progress = progressAfter;
      logs.add(step.index, 'info', `✔ ${step.title}`);
      return { kind: 'succeeded' };
    }
  }
}
