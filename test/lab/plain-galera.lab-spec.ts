// Galera smoke test on the host lab with plain commands over SSH (no product code): create a
// 3-node cluster, add a fourth node, recover from a full crash. Prints each step's duration,
// which is what the benchmark compares the product against.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HostLab, type LabCredentials } from './host-lab';
import { withLabSsh } from './lab-ssh';
import {
  chooseMostAdvanced,
  parseRecoveredPosition,
  plainAddNode,
  plainCreateCluster,
  plainNodesFromLab,
  plainRecoverFullCrash,
  plainSql,
  readWsrepHealth,
  type PlainFlowResult,
  type PlainGaleraNode,
  type PlainStepTiming,
} from './plain-galera';

// A name of this run's own: another run of this file (another engineer) uses another lab.
const LAB = `pg${process.pid}`;

function printStep(flow: string): (timing: PlainStepTiming) => void {
  return (timing) => console.log(`# ${flow}: ${timing.step}${timing.node ? ` ${timing.node}` : ''} ${(timing.ms / 1000).toFixed(1)} s`);
}

function printTotal(flow: string, result: PlainFlowResult): void {
  console.log(`# ${flow}: total ${(result.totalMs / 1000).toFixed(1)} s`);
}

async function clusterSizes(nodes: readonly PlainGaleraNode[]): Promise<number[]> {
  return Promise.all(
    nodes.map((node) =>
      withLabSsh(node.ssh, async (ssh) => {
        const health = await readWsrepHealth(ssh);
        assert.ok(health, `${node.name} does not answer SQL`);
        assert.equal(health.state, 'Synced');
        assert.equal(health.clusterStatus, 'Primary');
        return health.clusterSize;
      }),
    ),
  );
}

describe('plain recovery helpers', () => {
  test('parse galera_recovery output and pick the most advanced node', () => {
    assert.deepEqual(parseRecoveredPosition('--wsrep_start_position=0a1b2c3d-0000-1111-2222-333344445555:42\n'), {
      uuid: '0a1b2c3d-0000-1111-2222-333344445555',
      seqno: 42,
    });
    assert.equal(parseRecoveredPosition('WSREP: Failed'), undefined);
    const uuid = '0a1b2c3d-0000-1111-2222-333344445555';
    const empty = '00000000-0000-0000-0000-000000000000';
    assert.equal(
      chooseMostAdvanced([
        { node: 'a', uuid, seqno: 7, safeToBootstrap: false },
        { node: 'b', uuid, seqno: 9, safeToBootstrap: false },
        { node: 'c', uuid: empty, seqno: -1, safeToBootstrap: false },
      ]).node,
      'b',
    );
    assert.equal(
      chooseMostAdvanced([
        { node: 'a', uuid, seqno: 9, safeToBootstrap: false },
        { node: 'b', uuid, seqno: 9, safeToBootstrap: false },
      ]).node,
      'a',
    );
    assert.equal(
      chooseMostAdvanced([
        { node: 'a', uuid, seqno: 9, safeToBootstrap: false },
        { node: 'b', uuid, seqno: 3, safeToBootstrap: true },
      ]).node,
      'b',
    );
    assert.throws(() => chooseMostAdvanced([{ node: 'c', uuid: empty, seqno: -1, safeToBootstrap: false }]));
  });
});

describe('plain Galera on the host lab', () => {
  let lab: HostLab;
  let credentials: LabCredentials;
  let nodes: PlainGaleraNode[];

  before(async () => {
    lab = await HostLab.open({ name: LAB });
    await lab.down();
    const started = Date.now();
    const hosts = await lab.up(3);
    console.log(`# lab up --hosts 3: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    credentials = await lab.credentials();
    nodes = plainNodesFromLab(hosts, credentials);
  });

  after(async () => {
    await lab?.down({ purge: true });
  });

  test('create a 3-node cluster: bootstrap one, join two; a row written on node 1 reads on node 3', async () => {
    const result = await plainCreateCluster(nodes, { onStep: printStep('create') });
    printTotal('create', result);
    assert.deepEqual(
      result.steps.filter((s) => s.step === 'bootstrap' || s.step === 'join').map((s) => `${s.step} ${s.node}`),
      [`bootstrap ${nodes[0]!.name}`, `join ${nodes[1]!.name}`, `join ${nodes[2]!.name}`],
    );
    assert.deepEqual(await clusterSizes(nodes), [3, 3, 3]);
    await withLabSsh(nodes[0]!.ssh, (ssh) => plainSql(ssh, 'CREATE DATABASE lab; CREATE TABLE lab.t (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO lab.t VALUES (1, "from-node-1");'));
    await withLabSsh(nodes[2]!.ssh, async (ssh) => {
      assert.deepEqual(await plainSql(ssh, 'SELECT id, v FROM lab.t;'), [['1', 'from-node-1']]);
    });
  });

  test('add a fourth node', async () => {
    const host = await lab.addHost();
    const [node] = plainNodesFromLab([host], credentials);
    const result = await plainAddNode(nodes, node!, { onStep: printStep('add') });
    printTotal('add', result);
    nodes = [...nodes, node!];
    assert.deepEqual(await clusterSizes(nodes), [4, 4, 4, 4]);
    await withLabSsh(node!.ssh, async (ssh) => {
      assert.deepEqual(await plainSql(ssh, 'SELECT v FROM lab.t WHERE id = 1;'), [['from-node-1']]);
    });
  });

  test('recover from a full crash: SIGKILL all, recover positions, bootstrap the most advanced, start the others', async () => {
    // The last write goes to node 2, so every node has it; the recovery must not lose it.
    await withLabSsh(nodes[1]!.ssh, (ssh) => plainSql(ssh, 'INSERT INTO lab.t VALUES (2, "before-crash");'));
    const result = await plainRecoverFullCrash(nodes, { onStep: printStep('full-crash recovery') });
    printTotal('full-crash recovery', result);
    console.log(`# full-crash recovery: positions ${result.positions.map((p) => `${p.node}=${p.seqno}`).join(' ')}, bootstrapped ${result.bootstrapped}`);
    assert.equal(result.positions.length, 4);
    const top = Math.max(...result.positions.map((p) => p.seqno));
    assert.equal(result.positions.find((p) => p.node === result.bootstrapped)?.seqno, top);
    assert.deepEqual(await clusterSizes(nodes), [4, 4, 4, 4]);
    await withLabSsh(nodes[3]!.ssh, async (ssh) => {
      assert.deepEqual(await plainSql(ssh, 'SELECT id, v FROM lab.t ORDER BY id;'), [
        ['1', 'from-node-1'],
        ['2', 'before-crash'],
      ]);
    });
  });
});
