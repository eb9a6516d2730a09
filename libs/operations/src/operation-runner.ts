import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { asRow, OperationEntity, OperationStepEntity } from '@galera-cp/database';
import { EventsService } from '@galera-cp/events';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EnginePlan, OperationHandlerRegistry } from './operation-handler';
import { Claim, LeaseLostError, OperationLease, StopReason } from './operation-lease';
import { OperationLogBuffer } from './operation-log-buffer';
import { OperationQueue } from './operation-queue';
import { OperationRepository } from './operation.repository';
import { APPROVAL_STEP } from './operation-states';
import { OperationError, toOperationError } from './operation-error';
import { StepExecutor, untilAborted } from './step-executor';

/** How many times an operation may be claimed (crash, restart) before it is failed. */
const MAX_RUNS = 10;
/** Bound of the settling after a cancellation (one read and at most two writes of the backend). */
const CANCEL_SETTLE_MS = 120_000;

/** How a run ends, written in the operation's terminal transaction. */
interface Ending {
  result?: Record<string, unknown>;
  error?: Record<string, unknown>;
  /** The step that failed for good: marked FAILED in the same transaction. */
  failedStep?: { step: OperationStepEntity; problem: OperationError };
  persist?: (manager: EntityManager) => Promise<void>;
}

/**
 * The operation engine's loop. A worker runs an operation only while it holds its lease
 * (`OperationLease`: claim, fencing, heartbeat); the loop asks the type's handler for a plan
 * once, persists it as steps, and runs them one by one (`StepExecutor`: attempts, timeout,
 * backoff). A dead worker's operation is re-dispatched by the sweeper once its lease expires
 * and resumes at its first unfinished step (steps are idempotent); a step interrupted more
 * than its attempts allow fails the operation with a reason.
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
    private readonly lease: OperationLease,
    private readonly executor: StepExecutor,
    private readonly repository: OperationRepository,
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
    const claim = await this.lease.claim(operationId, workerId);
    if (!claim) return;
    const controller = new AbortController();
    this.running.set(operationId, controller);
    const onShutdown = () => controller.abort({ kind: 'shutdown' } satisfies StopReason);
    shutdown.addEventListener('abort', onShutdown, { once: true });
    const logs = new OperationLogBuffer(this.dataSource, this.events, operationId);
    this.logBuffers.set(operationId, logs);
    const heartbeat = this.lease.startHeartbeat(claim, controller);
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

  private async execute(claim: Claim, signal: AbortSignal, logs: OperationLogBuffer): Promise<void> {
    const operation = claim.operation;
    const handler = this.handlers.get(operation.type);
    if (operation.runs > MAX_RUNS) {
      await this.finish(claim, 'FAILED', {
        error: { code: 'OPERATION_INTERRUPTED', detail: `The operation was interrupted ${operation.runs - 1} times (workers stopped or died while running it); giving up` },
      });
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

    let steps = await this.stepsOf(operation.id);
    if (steps.length === 0) {
      let plan;
      try {
        plan = await untilAborted(handler.plan(operation, { signal, log: (message) => logs.add(null, 'info', message) }), signal);
      } catch (error) {
        if (signal.aborted) return this.stopped(claim, signal, logs);
        await this.finish(claim, 'FAILED', { error: toOperationError(error, 'PLAN_FAILED') });
        return;
      }
      steps = await this.persistPlan(claim, plan);
      logs.add(null, 'info', `Planned ${steps.length} step(s): ${plan.summary}`);
    }

    const outputs: Record<string, Record<string, unknown>> = {};
    for (const step of steps) if (step.state === 'SUCCEEDED' && step.output) outputs[step.key] = step.output;
    let done = steps.filter((s) => s.state === 'SUCCEEDED' || s.state === 'SKIPPED').length;

    for (const step of steps) {
      if (step.state === 'SUCCEEDED' || step.state === 'SKIPPED') continue;
      if (signal.aborted) return this.stopped(claim, signal, logs);

      if (step.key === APPROVAL_STEP.key) {
        if (!(await this.passApproval(claim, step, logs))) return;
        done += 1;
        continue;
      }

      if (step.state === 'RUNNING' && step.attempts >= step.maxAttempts) {
        const problem = { code: 'STEP_INTERRUPTED', detail: `Step "${step.title}" was interrupted ${step.attempts} time(s) and is not tried again` };
        await this.failStep(claim, step, problem);
        return;
      }

      const outcome = await this.executor.run({ claim, handler, step, outputs, signal, logs, progressAfter: Math.floor((100 * (done + 1)) / steps.length) });
      if (outcome.kind === 'stopped') return this.stopped(claim, signal, logs);
      if (outcome.kind === 'failed') return this.failStep(claim, step, outcome.problem);
      outputs[step.key] = step.output ?? {};
      done += 1;
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

  private stepsOf(operationId: string): Promise<OperationStepEntity[]> {
    return this.repository.steps(operationId);
  }

  /**
   * The approval step, in one fenced transaction: approved already, it succeeds; otherwise it
   * waits and the lease is given back (approve re-dispatches). True when the run goes on.
   */
  private async passApproval(claim: Claim, step: OperationStepEntity, logs: OperationLogBuffer): Promise<boolean> {
    const operation = claim.operation;
    const approved = await this.lease.fenced(claim, async (manager) => {
      if (claim.operation.approvedAt) {
        await manager.update(OperationStepEntity, { operationId: operation.id, index: step.index }, { state: 'SUCCEEDED', startedAt: step.startedAt ?? new Date(), finishedAt: new Date() });
        return true;
      }
      await manager.update(OperationStepEntity, { operationId: operation.id, index: step.index }, { state: 'WAITING', startedAt: new Date() });
      await manager.query(`UPDATE operations SET lease_owner = NULL, lease_expires_at = NULL, updated_at = now() WHERE id = $1`, [operation.id]);
      await this.events.append({ type: 'operation.awaiting_approval', clusterId: operation.clusterId, operationId: operation.id, data: { plan: operation.plan } }, manager);
      return false;
    });
    if (!approved) {
      logs.add(step.index, 'info', 'Waiting for approval: POST /v1/operations/{id}/approve (or cancel it)');
      return false;
    }
    step.state = 'SUCCEEDED';
    return true;
  }

  /**
   * Persists the plan as steps, in one fenced transaction with the plan document and the
   * `started`/`planned` events. Each step keeps its planned bound and attempts; a step that
   * states none gets the engine's defaults (STEP_TIMEOUT_SECONDS, STEP_MAX_ATTEMPTS).
   */
  private async persistPlan(claim: Claim, plan: EnginePlan): Promise<OperationStepEntity[]> {
    const operation = claim.operation;
    const approvalRequired = operation.approvalRequired || Boolean(plan.requiresApproval);
    const specs = [...(approvalRequired ? [{ ...APPROVAL_STEP, params: {} }] : []), ...plan.steps];
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
        effect: ('effect' in spec && spec.effect) || null,
        state: 'PENDING',
        attempts: 0,
        maxAttempts: ('maxAttempts' in spec && spec.maxAttempts) || this.config.stepMaxAttempts,
        timeoutSeconds: ('timeoutSeconds' in spec && spec.timeoutSeconds) || this.config.stepTimeoutSeconds,
        output: null,
        error: null,
        startedAt: null,
        finishedAt: null,
      }),
    );
    await this.lease.fenced(claim, async (manager) => {
      await this.repository.insertSteps(steps, manager);
      const planDoc = { summary: plan.summary, details: plan.details };
      await manager.update(OperationEntity, { id: operation.id }, asRow({ plan: planDoc, approvalRequired, updatedAt: new Date() }));
      operation.plan = planDoc;
      operation.approvalRequired = approvalRequired;
      // The start is announced with the plan: one transaction less before the first step runs.
      await this.events.append({ type: 'operation.started', clusterId: operation.clusterId, operationId: operation.id, data: { type: operation.type } }, manager);
      await this.events.append({ type: 'operation.planned', clusterId: operation.clusterId, operationId: operation.id, data: { summary: plan.summary, steps: steps.length } }, manager);
    });
    return steps;
  }

  /** A step failed for good: the handler hears of it, then the step and the operation fail in one transaction. */
  private async failStep(claim: Claim, step: OperationStepEntity, problem: OperationError): Promise<void> {
    const handler = this.handlers.get(claim.operation.type);
    await handler.onStepFailed?.(claim.operation, step, problem).catch((err: unknown) => this.logger.warn({ msg: 'onStepFailed failed', err: String(err) }));
    await this.finish(claim, 'FAILED', { error: { ...problem, step: step.key }, failedStep: { step, problem } });
  }

  /**
   * The run was stopped from outside: cancel, lease lost, or shutdown. A cancelled step is
   * marked CANCELLED by the terminal transaction (it is the one still RUNNING).
   */
  private async stopped(claim: Claim, signal: AbortSignal, logs: OperationLogBuffer): Promise<void> {
    const reason = signal.reason as StopReason | undefined;
    if (reason?.kind === 'cancel') {
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
      const steps = await this.stepsOf(claim.operation.id);
      try {
        settled = await handler.onCancelled(claim.operation, steps, { signal: AbortSignal.timeout(CANCEL_SETTLE_MS), log: (message) => logs.add(null, 'info', message) });
      } catch (error) {
        logs.add(null, 'error', `Cancelled, but what the steps left could not be settled: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await this.finish(claim, 'CANCELLED', { ...(settled.result ? { result: { ...settled.result, type: claim.operation.type } } : {}), persist: settled.persist });
  }

  /** Gives the lease back (graceful shutdown) and re-dispatches, so another worker resumes at once. */
  private release(claim: Claim): Promise<void> {
    return this.lease.release(claim, async (manager) => {
      await this.queue.enqueue(claim.operation.id, manager);
    });
  }

  /**
   * The operation's terminal transaction (fenced): its state, result or error, the failed step,
   * the steps that will not run (SKIPPED, or CANCELLED when cancelled or running), the handler's
   * writes and the terminal event. Every log line is stored first: a stream that ends at the
   * terminal event misses none.
   */
  private async finish(claim: Claim, state: 'SUCCEEDED' | 'FAILED' | 'CANCELLED', ending: Ending): Promise<void> {
    const operation = claim.operation;
    const handler = this.handlers.get(operation.type);
    const error = state === 'CANCELLED' ? { code: 'OPERATION_CANCELLED', detail: 'Cancelled while running' } : (ending.error ?? null);
    await this.logBuffers.get(operation.id)?.flush();
    await this.lease.fenced(claim, async (manager) => {
      const finishedAt = new Date();
      if (ending.failedStep) {
        const { step, problem } = ending.failedStep;
        await manager.update(OperationStepEntity, { operationId: operation.id, index: step.index }, asRow({ state: 'FAILED', error: problem, finishedAt }));
        step.state = 'FAILED';
      }
      await manager.update(
        OperationEntity,
        { id: operation.id },
        asRow({ state, result: ending.result ?? null, error, progress: state === 'SUCCEEDED' ? 100 : operation.progress, finishedAt, leaseOwner: null, leaseExpiresAt: null, updatedAt: finishedAt }),
      );
      await manager.query(
        `UPDATE operation_steps SET state = CASE WHEN state = 'RUNNING' OR $2 = 'CANCELLED' THEN 'CANCELLED' ELSE 'SKIPPED' END, finished_at = now()
         WHERE operation_id = $1 AND state IN ('PENDING', 'RUNNING', 'WAITING')`,
        [operation.id, state],
      );
      Object.assign(operation, { state, result: ending.result ?? null, error, finishedAt });
      if (ending.persist) await ending.persist(manager);
      await handler.onFinished(operation, manager);
      await this.events.append(
        { type: `operation.${state.toLowerCase()}`, clusterId: operation.clusterId, operationId: operation.id, data: { type: operation.type, ...(error ? { error } : {}) } },
        manager,
      );
    });
    if (handler.afterFinished) {
      await handler.afterFinished(operation).catch((err: unknown) => this.logger.warn({ msg: 'afterFinished failed', operationId: operation.id, err: String(err) }));
    }
  }
}
