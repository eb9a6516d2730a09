import { OperationQueue } from '@galera-cp/operations';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { createKeyCredential, sshClusterBody } from '../support/fixtures';
import { eventually, startTestApp, TestApp, waitForOperation } from '../support/test-app';
import { startWorkerProcess, WorkerProcess } from '../support/worker-processes';

/**
 * Durability across processes: the API runs without a worker; workers are separate processes
 * on the same database, killed and started by the tests.
 */
describe('worker durability (separate worker processes)', () => {
  let app: TestApp;
  let credentialId: string;
  const workers: WorkerProcess[] = [];

  before(async () => {
    app = await startTestApp({ worker: false });
    credentialId = await createKeyCredential(app);
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await app.close();
  });

  test('a worker killed with SIGKILL mid-step: after its lease expires another worker resumes, and every step takes effect once', async () => {
    const first = await startWorkerProcess(app.env);
    workers.push(first);
    app.infrastructure.script('phoenix', { stepDelayMs: 1200 });
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('phoenix', credentialId) });
    const operationId = created.body.id as string;
    // Wait until the third step (second member) runs, so some steps are done and one is in flight.
    await eventually(
      async () => {
        const op = (await app.call('GET', `/v1/operations/${operationId}`)).body;
        return op.steps[2]?.state === 'RUNNING' ? op : undefined;
      },
      { what: 'the third step to run' },
    );
    await first.kill();
    const orphaned = (await app.call('GET', `/v1/operations/${operationId}`)).body;
    assert.equal(orphaned.state, 'RUNNING', 'the killed worker could not finish anything');

    const second = await startWorkerProcess(app.env);
    workers.push(second);
    const done = await waitForOperation(app, operationId, 60_000);
    assert.equal(done.state, 'SUCCEEDED', JSON.stringify(done.error));
    assert.equal(done.runs, 2, 'claimed once by each worker');
    assert.deepEqual(
      done.steps.map((s: { attempts: number }) => s.attempts),
      [1, 1, 2, 1, 1],
      'only the interrupted step ran again',
    );
    const effects = app.infrastructure
      .effects('phoenix')
      .filter((e) => e.startsWith(operationId))
      .map((e) => e.split(':').slice(1).join(':'));
    assert.deepEqual(effects, ['preflight', 'bootstrap:phoenix-0', 'join:phoenix-1', 'join:phoenix-2', 'verify'], 'each step took effect exactly once, in order');
    const pids = new Set(
      app.infrastructure
        .executions()
        .filter((e) => e.operation === operationId)
        .map((e) => e.pid),
    );
    assert.deepEqual([...pids].sort(), [first.pid, second.pid].sort());
    const logs = await app.call('GET', `/v1/operations/${operationId}/logs?pageSize=1000`);
    assert.ok(logs.body.items.some((l: { message: string }) => /Resuming after an interruption/.test(l.message)));
    await second.stop();
  });

  test('two workers on one database never run two operations of one cluster at once, even with duplicate dispatches', async () => {
    const a = await startWorkerProcess({ ...app.env, WORKER_CONCURRENCY: '3' });
    const b = await startWorkerProcess({ ...app.env, WORKER_CONCURRENCY: '3' });
    workers.push(a, b);
    const names = ['ant', 'bee', 'cat', 'dog', 'eel', 'fox'];
    for (const name of names) app.infrastructure.script(name, { stepDelayMs: 60 });
    const queue = app.app.get(OperationQueue);
    const dataSource = app.app.get(DataSource);
    const rounds = 3;
    const operationIds: string[] = [];
    await Promise.all(
      names.map(async (name) => {
        const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody(name, credentialId) });
        assert.equal(created.status, 202);
        operationIds.push(created.body.id);
        // Extra jobs for the same operation: both workers may receive one; only the lease holder runs it.
        await dataSource.transaction((m) => queue.enqueue(created.body.id, m));
        await dataSource.transaction((m) => queue.enqueue(created.body.id, m));
        await waitForOperation(app, created.body.id, 60_000);
        for (let round = 0; round < rounds; round += 1) {
          const restart = await app.call('POST', `/v1/clusters/${created.body.clusterId}/restart`, { body: {} });
          assert.equal(restart.status, 202, JSON.stringify(restart.body));
          operationIds.push(restart.body.id);
          await dataSource.transaction((m) => queue.enqueue(restart.body.id, m));
          const done = await waitForOperation(app, restart.body.id, 60_000);
          assert.equal(done.state, 'SUCCEEDED');
        }
      }),
    );
    assert.equal(operationIds.length, names.length * (1 + rounds));
    const executions = app.infrastructure.executions().filter((e) => operationIds.includes(e.operation));
    for (const name of names) {
      const mine = executions.filter((e) => e.cluster === name).sort((x, y) => x.start - y.start);
      for (let i = 1; i < mine.length; i += 1) {
        assert.ok(mine[i].start >= mine[i - 1].end, `${name}: ${mine[i].operation}/${mine[i].step} started before ${mine[i - 1].operation}/${mine[i - 1].step} ended`);
      }
      // Every step of every operation ran exactly once.
      const perStep = new Map<string, number>();
      for (const e of mine) perStep.set(`${e.operation}/${e.step}`, (perStep.get(`${e.operation}/${e.step}`) ?? 0) + 1);
      assert.ok(
        [...perStep.values()].every((n) => n === 1),
        `${name}: a step ran twice`,
      );
    }
    assert.deepEqual(app.infrastructure.violations(), []);
    const pids = new Set(executions.map((e) => e.pid));
    assert.ok(pids.has(a.pid) && pids.has(b.pid), 'both workers took part');
  });
});
