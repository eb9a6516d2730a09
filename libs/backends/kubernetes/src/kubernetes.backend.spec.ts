import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ClusterChange, ClusterSpec, ClusterTarget, MemberChange, StepContext } from '@galera-cp/backends';
import { startKubernetesSimulator, type KubernetesSimulator } from '../../../../test/k8s-sim';
import { KubernetesBackend } from './kubernetes.backend';

const spec = (replicas = 3): ClusterSpec => ({
  backend: 'kubernetes',
  replicas,
  engine: { flavor: 'mariadb', version: '10.11' },
  galera: { sstMethod: 'mariabackup', gcacheSize: '512M', bufferPoolSize: '256M', parameters: {} },
  policy: { autoRecovery: false, deletionProtection: false, donorServesTraffic: false },
  kubernetes: { namespace: 'default', image: 'mariadb:10.11', storageSize: '1Gi' },
});

describe('KubernetesBackend against the simulator', () => {
  let sim: KubernetesSimulator;
  const backend = new KubernetesBackend({ podReadyTimeoutSeconds: 2, pollIntervalMs: 20, retry: { initialDelayMs: 5, maxDelayMs: 20 } });

  before(async () => {
    sim = await startKubernetesSimulator({ readyDelayMs: 10 });
  });
  after(() => sim.close());

  const targetOf = (name: string, replicas = 3): ClusterTarget => ({
    clusterId: `cl_${name}`,
    name,
    spec: spec(replicas),
    members: [],
    credential: { kind: 'kubeconfig', kubeconfig: sim.kubeconfig },
    settings: { clockSkewMaxMs: 1000, connectTimeoutSeconds: 5, commandTimeoutSeconds: 30 },
  });

  const stepContext = (logs: string[] = []): StepContext => ({ operationId: 'op_test', signal: AbortSignal.timeout(30_000), attempt: 1, outputs: {}, log: (m) => logs.push(m) });

  /** Runs a plan's steps in order, as the engine does, keeping the target's members up to date. */
  async function run(target: ClusterTarget, change: ClusterChange, options: { repeatEachStep?: boolean } = {}) {
    const plan = await backend.plan(target, change, { signal: AbortSignal.timeout(10_000) });
    for (const step of plan.steps) {
      for (let i = 0; i < (options.repeatEachStep ? 2 : 1); i += 1) {
        const result = await backend.executeStep(target, step, stepContext());
        for (const m of (result.members ?? []) as MemberChange[]) {
          target.members =
            m.op === 'remove' ? target.members.filter((x) => x.name !== m.name) : [...target.members.filter((x) => x.name !== m.member.name), m.member].sort((a, b) => a.ordinal - b.ordinal);
        }
      }
    }
    return plan;
  }

  test("validateSpec: Kubernetes fields and the shared renderer's Galera checks, as pointers", () => {
    assert.deepEqual(backend.validateSpec(spec()), []);
    const bad = spec();
    bad.kubernetes = { namespace: 'Bad_NS', image: 'has space', storageSize: 'ten gigs', storageClassName: 'UPPER', resources: { cpu: 'lots' } };
    bad.galera.gcacheSize = 'huge';
    assert.deepEqual(
      backend.validateSpec(bad).map((e) => e.pointer),
      ['/kubernetes/namespace', '/kubernetes/image', '/kubernetes/storageSize', '/kubernetes/storageClassName', '/kubernetes/resources/cpu', '/galera/gcacheSize'],
    );
    assert.deepEqual(
      backend.validateSpec({ ...spec(), kubernetes: undefined }).map((e) => e.pointer),
      ['/kubernetes'],
    );
  });

  test('every step can run twice (a resumed step) without a second effect', async () => {
    const target = targetOf('twice');
    await run(target, { type: 'cluster.create' }, { repeatEachStep: true });
    assert.deepEqual(
      sim.controller
        .actions()
        .filter((a) => a.statefulSet === 'twice' && a.action === 'create-pod')
        .map((a) => a.ordinal),
      [0, 1, 2],
    );
    const restartedAt = (await run(target, { type: 'cluster.restart' }, { repeatEachStep: true })).steps[0].params.restartedAt;
    assert.equal(sim.controller.actions().filter((a) => a.statefulSet === 'twice' && a.action === 'delete-pod').length, 3, 'one roll, not two');
    assert.equal(sim.objects.get('StatefulSet', 'default', 'twice')?.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'], restartedAt);
    await run(target, { type: 'cluster.delete', purge: true }, { repeatEachStep: true });
    assert.equal(sim.objects.get('StatefulSet', 'default', 'twice'), undefined);
  });

  test('observe: Ready, then Degraded with a crashing member, Down without the StatefulSet, Unknown when the API cannot be reached', async () => {
    const target = targetOf('watched');
    await run(target, { type: 'cluster.create' });
    const ready = await backend.observe(target, { signal: AbortSignal.timeout(5000) });
    assert.equal(ready.condition, 'Ready');
    assert.deepEqual(
      ready.members.map((m) => [m.name, m.healthy, m.wsrepState]),
      [
        ['watched-0', true, 'Synced'],
        ['watched-1', true, 'Synced'],
        ['watched-2', true, 'Synced'],
      ],
    );
    assert.equal(ready.members[0].address, 'watched-0.watched-peers.default.svc.cluster.local');

    sim.pods.crash('default', 'watched-1');
    await sim.waitFor(() => sim.objects.get('Pod', 'default', 'watched-1')?.status?.containerStatuses?.[0]?.restartCount > 0);
    const degraded = await backend.observe(target, { signal: AbortSignal.timeout(5000) });
    assert.equal(degraded.condition, 'Degraded');
    assert.match(degraded.reason, /^2 of 3 healthy; not healthy: watched-1 \(.*\)/);
    const crashed = degraded.members.find((m) => m.name === 'watched-1');
    assert.equal(crashed?.healthy, false);
    assert.equal(crashed?.wsrepState, undefined, 'not readable from outside the pod');
    sim.pods.heal('default', 'watched-1');

    const missing = await backend.observe(targetOf('nothing-here'), { signal: AbortSignal.timeout(5000) });
    assert.equal(missing.condition, 'Down');
    assert.match(missing.reason, /StatefulSet default\/nothing-here does not exist/);

    const unreachable = { ...target, credential: { kind: 'kubeconfig' as const, kubeconfig: sim.kubeconfig.replace(/server: .*/, 'server: https://127.0.0.1:1') } };
    const unknown = await backend.observe(unreachable, { signal: AbortSignal.timeout(10_000) });
    assert.equal(unknown.condition, 'Unknown');
    assert.match(unknown.reason, /could not be read/);
    assert.ok(unknown.members.every((m) => !m.reachable));
  });

  test("a plan made while the API cannot be read says so and plans from the control plane's record", async () => {
    const target = { ...targetOf('blind'), credential: { kind: 'kubeconfig' as const, kubeconfig: sim.kubeconfig.replace(/server: .*/, 'server: https://127.0.0.1:1') } };
    const plan = await backend.plan(target, { type: 'cluster.create' }, { signal: AbortSignal.timeout(10_000) });
    assert.equal(plan.details.bootstrapNode, 'blind-0');
    assert.match(plan.details.warnings.join(' '), /Could not read the StatefulSet while planning/);
  });
});
