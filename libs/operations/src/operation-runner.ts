import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { asRow, hydrate, OperationEntity, OperationStepEntity, queryRows } from '@galera-cp/database';
import { EventsService } from '@galera-cp/events';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OperationHandler, OperationHandlerRegistry, StepOutcome } from './operation-handler';
import { OperationLogBuffer } from './operation-log-buffer';
import { OperationQueue } from './operation-queue';
import { APPROVAL_STEP } from './operation-states';
import { toOperationError } from './operation-error';
import { setTimeout as delay } from 'node:timers/promises';

/** Why a run was stopped from outside its steps. */
type StopReason = { kind: 'cancel' } | { kind: 'lease-lost' } | { kind: 'shutdown' };

class LeaseLostError extends Error {
  constructor(operationId: string) {
    super(`lost the lease of operation ${operationId}`);
  }
}

/** How many times an operation may be claimed (crash, restart) before it is failed. */
const MAX_RUNS = 10;
/** Bound of the settling after a cancellation (one read and at most two writes of the backend). */
const CANCEL_SETTLE_MS = 120_000;

/** One claim of an operation by this worker. */
interface Claim {
  operation: OperationEntity;
  epoch: number;
  owner: string;
}

/** Waits `ms`, or less when the signal aborts (the caller checks the signal next). */
const sleep = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal }).catch(() => undefined);

/** Settles with the promise, or rejects as soon as the signal aborts (a step that ignores its signal cannot hold the engine). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
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

/**
 * The operation engine. A worker runs an operation only while it holds the operation's lease:
 * claiming bumps `lease_epoch` (a fencing token) and every write of the run checks it, so a
 * worker that lost its lease (paused, partitioned, presumed dead) can no longer write. The
 * lease is renewed by a heartbeat; if renewal fails for a whole lease period the run aborts
 * itself before anyone else can claim. A dead worker's operation is re-dispatched by the sweeper
 * once its lease expires, and resumes at its first unfinished step (steps are idempotent); a
 * step interrupted more than its attempts allow fails the operation with a reason.
 */
@Injectable()
export class OperationRunner {
  private readonly logger = new Logger('engine');
  private readonly running = new Map<string, AbortController>();
  private readonly logBuffers = new Map<string, OperationLogBuffer>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly handlers: OperationHandlerRegistry,
    private readonly events: EventsService,
    private readonly queue: OperationQueue,
  ) {}

  /** Operations this process is running now. */
  activeOperationIds(): string[] {
    return [...this.running.keys()];
  }

  /** Aborts the local run of an operation (cancellation noticed through NOTIFY). */
  abortLocal(operationId: string, reason: StopReason): void {
    this.running.get(operationId)?.abort(reason);
  }

  /** Runs (or resumes) one operation if its lease can be claimed; returns when this run ends. */
  async run(operationId: string, workerId: string, shutdown: AbortSignal): Promise<void> {
    if (this.running.has(operationId)) return;
    const claim = await this.claim(operationId, workerId);
    if (!claim) return;
    const controller = new AbortController();
    this.running.set(operationId, controller);
    const onShutdown = () => controller.abort({ kind: 'shutdown' } satisfies StopReason);
    shutdown.addEventListener('abort', onShutdown, { once: true });
    const logs = new OperationLogBuffer(this.dataSource, this.events, operationId);
    this.logBuffers.set(operationId, logs);
    const heartbeat = this.startHeartbeat(claim, controller);
    try {
      await this.execute(claim, controller.signal, logs);
    } catch (error) {
      if (error instanceof LeaseLostError || (controller.signal.aborted && (controller.signal.reason as StopReason)?.kind === 'lease-lost')) {
        this.logger.warn({ msg: 'lease lost; stopping this run', operationId });
      } else if (controller.signal.aborted && (controller.signal.reason as StopReason)?.kind === 'shutdown') {
        await this.release(claim).catch(() => undefined);
      } else {
        this.logger.error({ msg: 'engine failure', operationId, err: error instanceof Error ? error.stack : String(error) });
        await this.finish(claim, 'FAILED', { error: toOperationError(error, 'ENGINE_FAILURE') }).catch(() => undefined);
      }
    } finally {
      heartbeat.stop();
      shutdown.removeEventListener('abort', onShutdown);
      this.running.delete(operationId);
      this.logBuffers.delete(operationId);
      await logs.flush();
    }
  }

  private async claim(operationId: string, workerId: string): Promise<Claim | undefined> {
    const claimed = await queryRows(
      this.dataSource,
      `UPDATE operations o SET
         lease_owner = $2,
         lease_expires_at = now() + make_interval(secs => $3),
         lease_epoch = lease_epoch + 1,
         runs = runs + 1,
         state = CASE WHEN state = 'PENDING' THEN 'RUNNING' ELSE state END,
         started_at = COALESCE(started_at, now()),
         updated_at = now()
       WHERE id = $1
         AND state IN ('PENDING', 'RUNNING', 'CANCELLING')
         AND (lease_owner IS NULL OR lease_expires_at < now())
         AND NOT (approval_required AND approved_at IS NULL AND state = 'RUNNING' AND EXISTS (
           SELECT 1 FROM operation_steps s WHERE s.operation_id = o.id AND s.key = $4 AND s.state = 'WAITING'))
       RETURNING *`,
      [operationId, workerId, this.config.operationLeaseSeconds, APPROVAL_STEP.key],
    );
    if (claimed.length === 0) return undefined;
    const [operation] = hydrate(this.dataSource, OperationEntity, claimed);
    return { operation, epoch: operation.leaseEpoch, owner: workerId };
  }

  /** Runs `work` in a transaction that first proves this worker still holds the lease. */
  private async fenced<T>(claim: Claim, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await queryRows<{ state: string; approved_at: Date | null }>(
        manager,
        `SELECT state, approved_at FROM operations WHERE id = $1 AND lease_epoch = $2 AND lease_owner = $3 FOR UPDATE`,
        [claim.operation.id, claim.epoch, claim.owner],
      );
      if (rows.length === 0) throw new LeaseLostError(claim.operation.id);
      claim.operation.state = rows[0].state;
      claim.operation.approvedAt = rows[0].approved_at;
      return work(manager);
    });
  }

  private startHeartbeat(claim: Claim, controller: AbortController): { stop(): void } {
    const leaseMs = this.config.operationLeaseSeconds * 1000;
    let deadline = Date.now() + leaseMs;
    let stopped = false;
    const beat = async () => {
      const sentAt = Date.now();
      try {
        const updated = await queryRows<{ state: string }>(
          this.dataSource,
          `UPDATE operations SET lease_expires_at = now() + make_interval(secs => $4), updated_at = now()
           WHERE id = $1 AND lease_epoch = $2 AND lease_owner = $3 RETURNING state`,
          [claim.operation.id, claim.epoch, claim.owner, this.config.operationLeaseSeconds],
        );
        if (updated.length === 0) {
          controller.abort({ kind: 'lease-lost' } satisfies StopReason);
          return;
        }
        deadline = sentAt + leaseMs;
        if (updated[0].state === 'CANCELLING') controller.abort({ kind: 'cancel' } satisfies StopReason);
      } catch (error) {
        this.logger.warn({ msg: 'heartbeat failed', operationId: claim.operation.id, err: String(error) });
      }
    };
    const interval = setInterval(() => {
      if (stopped) return;
      // Not renewed for a whole lease: another worker may claim it now, so stop first.
      if (Date.now() > deadline - 500) controller.abort({ kind: 'lease-lost' } satisfies StopReason);
      else void beat();
    }, Math.max(250, Math.floor(leaseMs / 3)));
    interval.unref();
    return {
      stop() {
        stopped = true;
        clearInterval(interval);
      },
    };
  }

  private async execute(claim: Claim, signal: AbortSignal, logs: OperationLogBuffer): Promise<void> {
    const operation = claim.operation;
    const handler = this.handlers.get(operation.type);
    if (operation.runs > MAX_RUNS) {
      await this.finish(claim, 'FAILED', { error: { code: 'OPERATION_INTERRUPTED', detail: `The operation was interrupted ${operation.runs - 1} times (workers stopped or died while running it); giving up` } });
      return;
    }
    if (operation.runs > 1) {
      logs.add(null, 'warn', `Resuming after an interruption (run ${operation.runs})`);
      await this.events.append({ type: 'operation.resumed', clusterId: operation.clusterId, operationId: operation.id, data: { run: operation.runs } });
    }
    if (operation.state === 'CANCELLING') {
      await this.cancelled(claim, logs);
      return;
    }

    let steps = await this.dataSource.getRepository(OperationStepEntity).find({ where: { operationId: operation.id }, order: { index: 'ASC' } });
    if (steps.length === 0) {
      let plan;
      try {
        plan = await untilAborted(handler.plan(operation, { signal, log: (message) => logs.add(null, 'info', message) }), signal);
      } catch (error) {
        if (signal.aborted) return this.stopped(claim, signal, undefined, logs);
        await this.finish(claim, 'FAILED', { error: toOperationError(error, 'PLAN_FAILED') });
        return;
      }
      steps = await this.persistPlan(claim, plan);
      logs.add(null, 'info', `Planned ${steps.length} step(s): ${plan.summary}`);
    }

    const outputs: Record<string, Record<string, unknown>> = {};
    for (const step of steps) if (step.state === 'SUCCEEDED' && step.output) outputs[step.key] = step.output;

    for (const step of steps) {
      if (step.state === 'SUCCEEDED' || step.state === 'SKIPPED') continue;
      if (signal.aborted) return this.stopped(claim, signal, step, logs);

      if (step.key === APPROVAL_STEP.key) {
        const approved = await this.fenced(claim, async (manager) => {
          if (claim.operation.approvedAt) {
            await manager.update(OperationStepEntity, { operationId: operation.id, index: step.index }, { state: 'SUCCEEDED', startedAt: step.startedAt ?? new Date(), finishedAt: new Date() });
            return true;
          }
          await manager.update(OperationStepEntity, { operationId: operation.id, index: step.index }, { state: 'WAITING', startedAt: new Date() });
          // Nothing to do until an operator approves: give the lease back (approve re-dispatches).
          await manager.query(`UPDATE operations SET lease_owner = NULL, lease_expires_at = NULL, updated_at = now() WHERE id = $1`, [operation.id]);
          await this.events.append({ type: 'operation.awaiting_approval', clusterId: operation.clusterId, operationId: operation.id, data: { plan: operation.plan } }, manager);
          return false;
        });
        if (!approved) {
          logs.add(step.index, 'info', 'Waiting for approval: POST /v1/operations/{id}/approve (or cancel it)');
          return;
        }
        step.state = 'SUCCEEDED';
        continue;
      }

      if (step.state === 'RUNNING' && step.attempts >= step.maxAttempts) {
        await this.failStep(claim, step, { code: 'STEP_INTERRUPTED', detail: `Step "${step.title}" was interrupted ${step.attempts} time(s) and is not tried again` });
        return;
      }

      const outcome = await this.runStep(claim, handler, step, outputs, signal, logs);
      if (outcome === 'stopped') return this.stopped(claim, signal, step, logs);
      if (outcome === 'failed') return;
      outputs[step.key] = step.output ?? {};
      await this.fenced(claim, async (manager) => {
        const done = steps.filter((s) => s.state === 'SUCCEEDED' || s.state === 'SKIPPED').length;
        await manager.update(OperationEntity, { id: operation.id }, { progress: Math.floor((100 * done) / steps.length), updatedAt: new Date() });
      });
    }

    let result: Record<string, unknown>;
    try {
      result = { ...(await handler.result(operation, steps)), type: operation.type };
    } catch (error) {
      await this.finish(claim, 'FAILED', { error: toOperationError(error, 'RESULT_FAILED') });
      return;
    }
    await this.finish(claim, 'SUCCEEDED', { result });
  }

  private async persistPlan(claim: Claim, plan: { summary: string; details: Record<string, unknown>; steps: { key: string; action: string; title: string; node?: string; params: Record<string, unknown>; timeoutSeconds?: number; maxAttempts?: number }[]; requiresApproval?: boolean }): Promise<OperationStepEntity[]> {
    const operation = claim.operation;
    const specs = [...(operation.approvalRequired || plan.requiresApproval ? [{ ...APPROVAL_STEP, params: {} }] : []), ...plan.steps];
    const keys = new Set<string>();
    for (const spec of specs) {
      if (keys.has(spec.key)) throw new Error(`plan has two steps with key ${spec.key}`);
      keys.add(spec.key);
    }
    const steps = specs.map((spec, index) =>
      Object.assign(new OperationStepEntity(), {
        operationId: operation.id,
        index,
        key: spec.key,
        action: spec.action,
        title: spec.title,
        node: 'node' in spec && spec.node ? spec.node : null,
        params: spec.params,
        state: 'PENDING',
        attempts: 0,
        maxAttempts: ('maxAttempts' in spec && spec.maxAttempts) || this.config.stepMaxAttempts,
        timeoutSeconds: ('timeoutSeconds' in spec && spec.timeoutSeconds) || this.config.sshCommandTimeoutSeconds * 5,
        output: null,
        error: null,
        startedAt: null,
        finishedAt: null,
      }),
    );
    await this.fenced(claim, async (manager) => {
      await manager.getRepository(OperationStepEntity).insert(steps.map((s) => asRow(s)));
      const planDoc = { summary: plan.summary, details: plan.details };
      const approvalRequired = operation.approvalRequired || Boolean(plan.requiresApproval);
      await manager.update(OperationEntity, { id: operation.id }, asRow({ plan: planDoc, approvalRequired, updatedAt: new Date() }));
      operation.plan = planDoc;
      operation.approvalRequired = approvalRequired;
      // The start is announced with the plan: one transaction less before the first step runs.
      await this.events.append({ type: 'operation.started', clusterId: operation.clusterId, operationId: operation.id, data: { type: operation.type } }, manager);
      await this.events.append({ type: 'operation.planned', clusterId: operation.clusterId, operationId: operation.id, data: { summary: plan.summary, steps: steps.length } }, manager);
    });
    return steps;
  }

  private async runStep(
    claim: Claim,
    handler: OperationHandler,
    step: OperationStepEntity,
    outputs: Record<string, Record<string, unknown>>,
    signal: AbortSignal,
    logs: OperationLogBuffer,
  ): Promise<'succeeded' | 'failed' | 'stopped'> {
    const operation = claim.operation;
    for (;;) {
      step.attempts += 1;
      step.state = 'RUNNING';
      await this.fenced(claim, async (manager) => {
        await manager.update(OperationStepEntity, { operationId: operation.id, index: step.index }, { state: 'RUNNING', attempts: step.attempts, startedAt: new Date(), error: null });
        await this.events.append({ type: 'operation.step_started', clusterId: operation.clusterId, operationId: operation.id, data: { step: step.key, title: step.title, attempt: step.attempts } }, manager);
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
        if (signal.aborted) return 'stopped';
        const timedOut = stepSignal.aborted;
        const problem = timedOut
          ? { code: 'STEP_TIMEOUT', detail: `Step "${step.title}" did not finish within ${step.timeoutSeconds} s` }
          : toOperationError(error, 'STEP_FAILED');
        const retryable = timedOut || (error as { retryable?: boolean })?.retryable === true;
        logs.add(step.index, 'error', `✖ ${problem.detail}`);
        if (retryable && step.attempts < step.maxAttempts) {
          const backoff = Math.min(10_000, 1000 * 2 ** (step.attempts - 1));
          logs.add(step.index, 'warn', `retrying in ${backoff / 1000} s`);
          await sleep(backoff, signal);
          if (signal.aborted) return 'stopped';
          continue;
        }
        await this.failStep(claim, step, problem);
        return 'failed';
      }
      step.state = 'SUCCEEDED';
      step.output = outcome.output ?? {};
      await this.fenced(claim, async (manager) => {
        await manager.update(OperationStepEntity, { operationId: operation.id, index: step.index }, asRow({ state: 'SUCCEEDED', output: step.output, finishedAt: new Date() }));
        if (outcome.persist) await outcome.persist(manager);
        await this.events.append({ type: 'operation.step_succeeded', clusterId: operation.clusterId, operationId: operation.id, data: { step: step.key } }, manager);
      });
      logs.add(step.index, 'info', `✔ ${step.title}`);
      return 'succeeded';
    }
  }

  private async failStep(claim: Claim, step: OperationStepEntity, problem: Record<string, unknown> & { code: string; detail: string }): Promise<void> {
    await this.fenced(claim, async (manager) => {
      await manager.update(OperationStepEntity, { operationId: claim.operation.id, index: step.index }, asRow({ state: 'FAILED', error: problem, finishedAt: new Date() }));
    });
    const handler = this.handlers.get(claim.operation.type);
    await handler.onStepFailed?.(claim.operation, step, problem).catch((err: unknown) => this.logger.warn({ msg: 'onStepFailed failed', err: String(err) }));
    await this.finish(claim, 'FAILED', { error: { ...problem, step: step.key } });
  }

  /** The run was stopped from outside: cancel, lease lost, or shutdown. */
  private async stopped(claim: Claim, signal: AbortSignal, step: OperationStepEntity | undefined, logs: OperationLogBuffer): Promise<void> {
    const reason = signal.reason as StopReason | undefined;
    if (reason?.kind === 'cancel') {
      if (step) {
        await this.fenced(claim, (manager) => manager.update(OperationStepEntity, { operationId: claim.operation.id, index: step.index }, { state: 'CANCELLED', finishedAt: new Date() })).catch(() => undefined);
      }
      await this.cancelled(claim, logs);
      return;
    }
    if (reason?.kind === 'shutdown') {
      await this.release(claim);
      return;
    }
    throw new LeaseLostError(claim.operation.id);
  }

  /**
   * The run stopped for a cancellation (between steps, or its running step aborted): the handler
   * brings what the steps left to a consistent state and says what was reached (its result).
   * Best effort: when that fails, the operation is cancelled all the same and the log says why.
   */
  private async cancelled(claim: Claim, logs: OperationLogBuffer): Promise<void> {
    const handler = this.handlers.get(claim.operation.type);
    let settled: { result?: Record<string, unknown>; persist?: (manager: EntityManager) => Promise<void> } = {};
    if (handler.onCancelled) {
      const steps = await this.dataSource.getRepository(OperationStepEntity).find({ where: { operationId: claim.operation.id }, order: { index: 'ASC' } });
      try {
        settled = await handler.onCancelled(claim.operation, steps, { signal: AbortSignal.timeout(CANCEL_SETTLE_MS), log: (message) => logs.add(null, 'info', message) });
      } catch (error) {
        logs.add(null, 'error', `Cancelled, but what the steps left could not be settled: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await this.finish(claim, 'CANCELLED', { ...(settled.result ? { result: { ...settled.result, type: claim.operation.type } } : {}), persist: settled.persist });
  }

  /** Gives the lease back (graceful shutdown) and re-dispatches, so another worker resumes at once. */
  private async release(claim: Claim): Promise<void> {
    await this.fenced(claim, async (manager) => {
      await manager.query(`UPDATE operations SET lease_owner = NULL, lease_expires_at = NULL, updated_at = now() WHERE id = $1`, [claim.operation.id]);
      await this.queue.enqueue(claim.operation.id, manager);
    });
  }

  private async finish(
    claim: Claim,
    state: 'SUCCEEDED' | 'FAILED' | 'CANCELLED',
    outcome: { result?: Record<string, unknown>; error?: Record<string, unknown>; persist?: (manager: EntityManager) => Promise<void> },
  ): Promise<void> {
    const operation = claim.operation;
    const handler = this.handlers.get(operation.type);
    const error = state === 'CANCELLED' ? { code: 'OPERATION_CANCELLED', detail: 'Cancelled while running' } : outcome.error ?? null;
    // Every log line is stored before the terminal event: a stream that ends there misses none.
    await this.logBuffers.get(operation.id)?.flush();
    await this.fenced(claim, async (manager) => {
      const finishedAt = new Date();
      await manager.update(
        OperationEntity,
        { id: operation.id },
        asRow({ state, result: outcome.result ?? null, error, progress: state === 'SUCCEEDED' ? 100 : operation.progress, finishedAt, leaseOwner: null, leaseExpiresAt: null, updatedAt: finishedAt }),
      );
      await manager.query(
        `UPDATE operation_steps SET state = CASE WHEN state = 'RUNNING' OR $2 = 'CANCELLED' THEN 'CANCELLED' ELSE 'SKIPPED' END, finished_at = now()
         WHERE operation_id = $1 AND state IN ('PENDING', 'RUNNING', 'WAITING')`,
        [operation.id, state],
      );
      Object.assign(operation, { state, result: outcome.result ?? null, error, finishedAt });
      if (outcome.persist) await outcome.persist(manager);
      await handler.onFinished(operation, manager);
      await this.events.append({ type: `operation.${state.toLowerCase()}`, clusterId: operation.clusterId, operationId: operation.id, data: { type: operation.type, ...(error ? { error } : {}) } }, manager);
    });
    if (handler.afterFinished) {
      await handler.afterFinished(operation).catch((err: unknown) => this.logger.warn({ msg: 'afterFinished failed', operationId: operation.id, err: String(err) }));
    }
  }
}

export { LeaseLostError };
export type { StopReason };
