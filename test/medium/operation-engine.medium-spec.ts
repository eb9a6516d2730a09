import type { StepSpec } from '@galera-cp/core';
import { OperationEntity, OperationStepEntity, queryRows } from '@galera-cp/database';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { EngineStepContext, LeaseLostError, OperationHandler, retryBackoffMs } from '@galera-cp/operations';
import { MediumProcess, MediumWorld, startMediumWorld, TEST_OPERATOR } from '../support/medium-engine';

/**
 * The engine on a real PostgreSQL (medium tier): the lease and its fencing, retries and their
 * backoff, the plan's step timeout, cancellation mid-step, resume after a crash, and the
 * transactions a step costs. Operations of a test type run through the product's own engine,
 * with a test handler in place of the clusters lib (the engine knows nothing of either).
 */

/** What one test's operation plans and does. */
interface Scenario {
  steps: StepSpec[];
  execute(step: OperationStepEntity, context: EngineStepContext): Promise<Record<string, unknown> | void>;
}

const scenarios = new Map<string, Scenario>();
let next = 0;

/** An error the engine retries (as a backend's retryable BackendError). */
class Retryable extends Error {
  readonly retryable = true;
  readonly code = 'TEST_FLAKY';
}

const testHandler: OperationHandler = {
  types: ['test.job'],
  async plan(operation) {
    const scenario = scenarios.get(String(operation.params.scenario));
    if (!scenario) throw new Error(`no scenario ${String(operation.params.scenario)}`);
    return { summary: `${scenario.steps.length} test step(s)`, details: {}, steps: scenario.steps };
  },
  async executeStep(operation, step, context) {
    const output = await scenarios.get(String(operation.params.scenario))!.execute(step, context);
    return { output: output ?? { done: step.key } };
  },
  async result(_operation, steps) {
    return { steps: steps.map((s) => s.key) };
  },
  async onFinished() {},
};

/** Waits until `check` holds (polling), or fails after `ms`. */
async function eventually(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await delay(50);
  }
}

/** Resolves when the signal aborts (a step that honours its signal). */
const aborted = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));

describe('operation engine on PostgreSQL (medium)', () => {
  let world: MediumWorld;
  let a: MediumProcess;
  let b: MediumProcess;
  const shutdown = new AbortController();

  before(async () => {
    world = await startMediumWorld('medium-engine');
    a = await world.process();
    b = await world.process();
    a.handlers.register(testHandler);
    b.handlers.register(testHandler);
  });
  after(async () => {
    shutdown.abort();
    await world.close();
  });

  /** Creates a `test.job` operation running `scenario`; answers its id. */
  async function start(proc: MediumProcess, scenario: Scenario): Promise<string> {
    const name = `s${++next}`;
    scenarios.set(name, scenario);
    const operation = await proc.dataSource.transaction((manager) => proc.operations.create(manager, { type: 'test.job', clusterId: null, params: { scenario: name }, principal: TEST_OPERATOR }));
    return operation.id;
  }

  const operationOf = (proc: MediumProcess, id: string) => proc.dataSource.getRepository(OperationEntity).findOneByOrFail({ id });
  const stepsOf = (proc: MediumProcess, id: string) => proc.dataSource.getRepository(OperationStepEntity).find({ where: { operationId: id }, order: { index: 'ASC' } });

  test('a step costs at most two transactions: start and success (plus one for the plan and one for the end)', async () => {
    const id = await start(a, {
      steps: ['one', 'two', 'three', 'four'].map((key) => ({ key, action: 'test.step', title: `Step ${key}`, params: {} })),
      execute: async () => undefined,
    });
    let transactions = 0;
    const original = a.dataSource.transaction;
    a.dataSource.transaction = function (this: typeof a.dataSource, ...args: unknown[]) {
      transactions += 1;
      return (original as (...xs: unknown[]) => Promise<unknown>).apply(this, args);
    } as typeof original;
    try {
      await a.runner.run(id, 'worker-a', shutdown.signal);
    } finally {
      a.dataSource.transaction = original;
    }
    const operation = await operationOf(a, id);
    assert.equal(operation.state, 'SUCCEEDED');
    assert.equal(operation.progress, 100);
    assert.deepEqual(operation.result, { steps: ['one', 'two', 'three', 'four'], type: 'test.job' });
    // plan (1) + 4 steps x (start + success) + the terminal transaction (1)
    assert.equal(transactions, 1 + 4 * 2 + 1);
    const steps = await stepsOf(a, id);
    assert.deepEqual(
      steps.map((s) => [s.state, s.attempts]),
      Array(4).fill(['SUCCEEDED', 1]),
    );
  });

  test('a worker that lost its lease cannot write: the fencing epoch refuses it', async () => {
    const id = await start(a, { steps: [{ key: 'x', action: 'test.step', title: 'X', params: {} }], execute: async () => undefined });
    const first = await a.lease.claim(id, 'worker-a');
    assert.ok(first);
    // A live lease cannot be claimed by another worker.
    assert.equal(await b.lease.claim(id, 'worker-b'), undefined);
    // worker-a stops renewing (paused, partitioned): its lease expires and worker-b claims.
    await a.dataSource.query(`UPDATE operations SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    const second = await b.lease.claim(id, 'worker-b');
    assert.ok(second);
    assert.equal(second.epoch, first.epoch + 1);
    await assert.rejects(
      a.lease.fenced(first, (manager) => manager.update(OperationEntity, { id }, { progress: 42 })),
      LeaseLostError,
    );
    await b.lease.fenced(second, (manager) => manager.update(OperationEntity, { id }, { progress: 7 }));
    assert.equal((await operationOf(a, id)).progress, 7);
    await b.lease.release(second);
  });

  test('a retryable failure is retried with backoff, at most maxAttempts times, then fails the operation', async () => {
    const attemptsAt: number[] = [];
    const id = await start(a, {
      steps: [{ key: 'flaky', action: 'test.step', title: 'Flaky', params: {}, maxAttempts: 3 }],
      execute: async () => {
        attemptsAt.push(Date.now());
        throw new Retryable('not now');
      },
    });
    await a.runner.run(id, 'worker-a', shutdown.signal);
    const operation = await operationOf(a, id);
    assert.equal(operation.state, 'FAILED');
    assert.equal(operation.error?.code, 'TEST_FLAKY');
    assert.equal(operation.error?.step, 'flaky');
    const [step] = await stepsOf(a, id);
    assert.equal(step.state, 'FAILED');
    assert.equal(step.attempts, 3);
    assert.equal(step.error?.code, 'TEST_FLAKY');
    assert.equal(attemptsAt.length, 3);
    // The waits between attempts follow the backoff (1 s, then 2 s), give or take the scheduler.
    assert.ok(attemptsAt[1] - attemptsAt[0] >= retryBackoffMs(1) - 50, `first wait ${attemptsAt[1] - attemptsAt[0]} ms`);
    assert.ok(attemptsAt[2] - attemptsAt[1] >= retryBackoffMs(2) - 50, `second wait ${attemptsAt[2] - attemptsAt[1]} ms`);
  });

  test('a step is bounded by the timeout its plan states; a step that states none gets STEP_TIMEOUT_SECONDS', async () => {
    const id = await start(a, {
      steps: [
        { key: 'slow', action: 'test.step', title: 'Slow', params: {}, timeoutSeconds: 1, maxAttempts: 1 },
        { key: 'unbounded', action: 'test.step', title: 'Unbounded', params: {} },
      ],
      // Ignores its signal: the engine stops waiting all the same.
      execute: () => new Promise(() => undefined),
    });
    const startedAt = Date.now();
    await a.runner.run(id, 'worker-a', shutdown.signal);
    const elapsed = Date.now() - startedAt;
    const operation = await operationOf(a, id);
    assert.equal(operation.state, 'FAILED');
    assert.equal(operation.error?.code, 'STEP_TIMEOUT');
    assert.match(String(operation.error?.detail), /within 1 s/);
    assert.ok(elapsed >= 950 && elapsed < 10_000, `took ${elapsed} ms`);
    const steps = await stepsOf(a, id);
    assert.deepEqual(
      steps.map((s) => [s.key, s.state, s.timeoutSeconds]),
      [
        ['slow', 'FAILED', 1],
        ['unbounded', 'SKIPPED', Number(world.env.STEP_TIMEOUT_SECONDS)],
      ],
    );
  });

  test('a cancellation aborts the running step; the rest never runs', async () => {
    const ran: string[] = [];
    const id = await start(a, {
      steps: ['first', 'long', 'last'].map((key) => ({ key, action: 'test.step', title: key, params: {} })),
      execute: async (step, context) => {
        ran.push(step.key);
        if (step.key === 'long') await aborted(context.signal);
      },
    });
    const run = a.runner.run(id, 'worker-a', shutdown.signal);
    await eventually(async () => ran.includes('long'));
    // No worker loop here listens for the NOTIFY: the heartbeat notices the cancellation.
    await a.operations.cancel(id, TEST_OPERATOR);
    await run;
    const operation = await operationOf(a, id);
    assert.equal(operation.state, 'CANCELLED');
    assert.equal(operation.error?.code, 'OPERATION_CANCELLED');
    assert.deepEqual(ran, ['first', 'long']);
    const steps = await stepsOf(a, id);
    assert.deepEqual(
      steps.map((s) => s.state),
      ['SUCCEEDED', 'CANCELLED', 'CANCELLED'],
    );
  });

  test('after a crash another worker resumes at the first unfinished step; the dead one cannot write', async () => {
    const executions: string[] = [];
    let releaseStuck!: () => void;
    const stuck = new Promise<void>((resolve) => (releaseStuck = resolve));
    const id = await start(a, {
      steps: ['done-before', 'interrupted', 'after'].map((key) => ({ key, action: 'test.step', title: key, params: {} })),
      execute: async (step, context) => {
        executions.push(`${step.key}#${context.attempt}`);
        // The first attempt hangs as a crashed process would, ignoring its signal.
        if (step.key === 'interrupted' && context.attempt === 1) await stuck;
        return { attempt: context.attempt };
      },
    });
    const dying = a.runner.run(id, 'worker-a', shutdown.signal);
    await eventually(async () => executions.includes('interrupted#1'));
    // Worker A is presumed dead: its lease is gone and has expired (as after a SIGKILL).
    await a.dataSource.query(`UPDATE operations SET lease_owner = 'worker-a-dead', lease_expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    const [interrupted] = (await stepsOf(a, id)).filter((s) => s.key === 'interrupted');
    assert.equal(interrupted.state, 'RUNNING');
    await b.runner.run(id, 'worker-b', shutdown.signal);
    releaseStuck();
    await dying;
    const operation = await operationOf(b, id);
    assert.equal(operation.state, 'SUCCEEDED');
    assert.equal(operation.runs, 2);
    assert.deepEqual(executions, ['done-before#1', 'interrupted#1', 'interrupted#2', 'after#1']);
    const steps = await stepsOf(b, id);
    assert.deepEqual(
      steps.map((s) => [s.key, s.state, s.attempts]),
      [
        ['done-before', 'SUCCEEDED', 1],
        ['interrupted', 'SUCCEEDED', 2],
        ['after', 'SUCCEEDED', 1],
      ],
    );
    // The dead worker's attempt finished late, and its write was refused: the output is the resumed attempt's.
    assert.deepEqual(steps[1].output, { attempt: 2 });
    const resumed = await queryRows(b.dataSource, `SELECT 1 FROM events WHERE operation_id = $1 AND type = 'operation.resumed'`, [id]);
    assert.equal(resumed.length, 1);
  });

  test('a step interrupted as many times as it may be attempted fails the operation instead of running again', async () => {
    let runs = 0;
    const id = await start(a, {
      steps: [{ key: 'fragile', action: 'test.step', title: 'Fragile', params: {}, maxAttempts: 1 }],
      execute: async (_step, context) => {
        runs += 1;
        await aborted(context.signal);
      },
    });
    const dying = a.runner.run(id, 'worker-a', shutdown.signal);
    await eventually(async () => runs === 1);
    await a.dataSource.query(`UPDATE operations SET lease_owner = 'worker-a-dead', lease_expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    await b.runner.run(id, 'worker-b', shutdown.signal);
    await dying;
    const operation = await operationOf(b, id);
    assert.equal(operation.state, 'FAILED');
    assert.equal(operation.error?.code, 'STEP_INTERRUPTED');
    assert.equal(runs, 1);
    assert.deepEqual(
      (await stepsOf(b, id)).map((s) => s.state),
      ['FAILED'],
    );
  });

  test('a graceful shutdown gives the lease back mid-step; the operation stays runnable and is queued again', async () => {
    let started = false;
    const id = await start(a, {
      steps: [{ key: 'long', action: 'test.step', title: 'Long', params: {} }],
      execute: async (_step, context) => {
        started = true;
        await aborted(context.signal);
      },
    });
    const stopping = new AbortController();
    const run = a.runner.run(id, 'worker-a', stopping.signal);
    await eventually(async () => started);
    stopping.abort();
    await run;
    const operation = await operationOf(a, id);
    assert.equal(operation.state, 'RUNNING');
    assert.equal(operation.leaseOwner, null);
    assert.ok(operation.dispatchedAt && operation.dispatchedAt.getTime() > operation.createdAt.getTime());
    // Another worker claims it at once and finishes it.
    scenarios.set(String(operation.params.scenario), { steps: [], execute: async () => undefined });
    await b.runner.run(id, 'worker-b', shutdown.signal);
    assert.equal((await operationOf(b, id)).state, 'SUCCEEDED');
  });
});
