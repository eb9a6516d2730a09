import { ChangeClusterUseCase, ClustersService, CreateClusterUseCase } from '@galera-cp/clusters';
import { OperationEntity, OperationStepEntity } from '@galera-cp/database';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MediumProcess, MediumWorld, startMediumWorld, TEST_OPERATOR } from '../support/medium-engine';

/**
 * The cluster use cases through the product's Nest module, on a real PostgreSQL, without HTTP
 * (medium tier): create a cluster, scale it, each run by the engine. The remote is the
 * deterministic test backend (a test double implementing the backend contract); the database,
 * the engine and the clusters lib are the product's own.
 */
describe('cluster use cases on PostgreSQL (medium)', () => {
  let world: MediumWorld;
  let proc: MediumProcess;
  let create: CreateClusterUseCase;
  let change: ChangeClusterUseCase;
  let clusters: ClustersService;
  const shutdown = new AbortController();

  before(async () => {
    world = await startMediumWorld('medium-clusters');
    proc = await world.process();
    create = proc.app.get(CreateClusterUseCase, { strict: false });
    change = proc.app.get(ChangeClusterUseCase, { strict: false });
    clusters = proc.app.get(ClustersService, { strict: false });
  });
  after(async () => {
    shutdown.abort();
    await world.close();
  });

  async function runToEnd(operationId: string): Promise<OperationEntity> {
    await proc.runner.run(operationId, 'medium-worker', shutdown.signal);
    return proc.dataSource.getRepository(OperationEntity).findOneByOrFail({ id: operationId });
  }

  test('create, then scale: the engine runs each plan and the record follows', async () => {
    const created = await create.execute({ name: 'medium-one', backend: 'kubernetes', replicas: 3, kubernetes: { namespace: 'medium' } }, { principal: TEST_OPERATOR });
    assert.equal(created.kind, 'started');
    if (created.kind !== 'started') return;
    const clusterId = created.clusterId;
    assert.equal((await clusters.get(clusterId)).state, 'CREATING');

    const createOp = await runToEnd(created.operation.id);
    assert.equal(createOp.state, 'SUCCEEDED', JSON.stringify(createOp.error));
    assert.equal(createOp.result?.type, 'cluster.create');
    const steps = await proc.dataSource.getRepository(OperationStepEntity).find({ where: { operationId: createOp.id } });
    assert.ok(steps.length > 0 && steps.every((s) => s.state === 'SUCCEEDED'));
    // Steps that state no bound got the engine's one default.
    assert.ok(steps.every((s) => s.timeoutSeconds > 0));
    assert.notEqual((await clusters.get(clusterId)).state, 'CREATING');
    assert.equal((await clusters.nodes(clusterId)).length, 3);

    const scaled = await change.execute(clusterId, { type: 'cluster.scale', replicas: 5 }, { principal: TEST_OPERATOR });
    assert.equal(scaled.kind, 'started');
    if (scaled.kind !== 'started') return;
    const scaleOp = await runToEnd(scaled.operation.id);
    assert.equal(scaleOp.state, 'SUCCEEDED', JSON.stringify(scaleOp.error));
    assert.deepEqual(
      (await clusters.nodes(clusterId)).map((n) => n.ordinal),
      [0, 1, 2, 3, 4],
    );
  });

  test('a second change while one is active is refused (one active operation per cluster)', async () => {
    const created = await create.execute({ name: 'medium-two', backend: 'kubernetes', replicas: 3, kubernetes: { namespace: 'medium' } }, { principal: TEST_OPERATOR });
    assert.equal(created.kind, 'started');
    if (created.kind !== 'started') return;
    await assert.rejects(change.execute(created.clusterId, { type: 'cluster.restart' }, { principal: TEST_OPERATOR }), (error: { code?: string }) => {
      assert.match(String(error.code), /OPERATION_IN_PROGRESS|CLUSTER_STATE_CONFLICT/);
      return true;
    });
    assert.equal((await runToEnd(created.operation.id)).state, 'SUCCEEDED');
  });
});
