import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KubernetesBackend } from '@galera-cp/backend-kubernetes';
import { startKubernetesSimulator, type KubernetesSimulator } from '../k8s-sim';
import { eventually, startTestApp, TestApp, waitForOperation } from '../support/test-app';

/**
 * Cancel and plans on Kubernetes, against the simulator: a cancelled scale sets the StatefulSet
 * back to the members that joined (its controller does not grow the cluster on its own), the
 * spec follows, and a later scale plans real work; plans count the pods that exist, not the
 * StatefulSet's last requested replicas.
 */
describe('kubernetes backend: cancel converges to what is there; plans count what is there', () => {
  let sim: KubernetesSimulator;
  let app: TestApp;
  let credentialId: string;
  const ns = 'galera';

  before(async () => {
    sim = await startKubernetesSimulator({ readyDelayMs: 20, namespaces: [ns] });
    app = await startTestApp({ backends: { kubernetes: new KubernetesBackend({ podReadyTimeoutSeconds: 4, pollIntervalMs: 25 }) } });
    const credential = await app.call('POST', '/v1/credentials', { body: { name: 'sim', kind: 'kubeconfig', kubeconfig: sim.kubeconfig } });
    assert.equal(credential.status, 201, JSON.stringify(credential.body));
    credentialId = credential.body.id;
  });
  after(async () => {
    await app?.close();
    await sim?.close();
  });

  async function readyCluster(name: string, replicas = 3): Promise<string> {
    const created = await app.call('POST', '/v1/clusters', {
      body: { name, backend: 'kubernetes', replicas, kubernetes: { credentialId, namespace: ns, storageSize: '1Gi', storageClassName: 'standard', resources: { cpu: '250m', memory: '512Mi' } } },
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const done = await waitForOperation(app, created.body.id, 60_000);
    assert.equal(done.state, 'SUCCEEDED', JSON.stringify(done.error));
    return created.body.clusterId;
  }

  const pods = (cluster: string) =>
    sim.objects
      .list('Pod', ns)
      .filter((p) => p.metadata.labels?.['app.kubernetes.io/instance'] === cluster)
      .map((p) => p.metadata.name ?? '')
      .sort();
  const replicasOf = (cluster: string) => sim.objects.get('StatefulSet', ns, cluster)?.spec.replicas;

  test('scale 3 -> 5 cancelled while the fourth pod joins: the StatefulSet goes back to 3, the spec is 3, and scale 5 plans real work', async () => {
    const clusterId = await readyCluster('gamma');
    sim.pods.neverReady(ns, 'gamma-3');
    const scale = await app.call('POST', `/v1/clusters/${clusterId}/scale`, { body: { replicas: 5 } });
    assert.equal(scale.status, 202, JSON.stringify(scale.body));
    await eventually(
      async () => {
        const op = (await app.call('GET', `/v1/operations/${scale.body.id}`)).body;
        return op.steps.find((s: { key: string }) => s.key === 'ready:gamma-3')?.state === 'RUNNING' ? true : undefined;
      },
      { what: 'the wait for gamma-3' },
    );
    assert.equal(replicasOf('gamma'), 5, 'the scale asked the StatefulSet for 5');
    assert.equal((await app.call('POST', `/v1/operations/${scale.body.id}/cancel`, { body: {} })).status, 200);
    const done = await waitForOperation(app, scale.body.id, 30_000);
    assert.equal(done.state, 'CANCELLED');
    assert.equal(done.result.summary, '3 of 5 members; cancelled');
    assert.deepEqual([done.result.fromReplicas, done.result.toReplicas, done.result.requestedReplicas], [3, 3, 5]);

    assert.equal(replicasOf('gamma'), 3, 'the StatefulSet is set back to the members that joined');
    const config = String(sim.objects.get('ConfigMap', ns, 'gamma-config')?.data?.['galera.cnf']);
    assert.match(config, /gamma-2\.gamma-peers/);
    assert.doesNotMatch(config, /gamma-3\.gamma-peers/, 'the member list names only the members there are');
    await sim.waitFor(() => pods('gamma').length === 3, { message: 'gamma-3 removed by the controller' });
    assert.deepEqual(pods('gamma'), ['gamma-0', 'gamma-1', 'gamma-2']);
    const cluster = (await app.call('GET', `/v1/clusters/${clusterId}`)).body;
    assert.equal(cluster.spec.replicas, 3);
    assert.equal(cluster.status.size.desired, 3);
    assert.match(cluster.status.conditions.find((c: { type: string }) => c.type === 'Progressing').message, /3 of 5 members; cancelled/);
    assert.deepEqual(
      (await app.call('GET', `/v1/clusters/${clusterId}/nodes`)).body.items.map((n: { name: string }) => n.name),
      ['gamma-0', 'gamma-1', 'gamma-2'],
    );
    const ready = await eventually(
      async () => {
        const c = (await app.call('GET', `/v1/clusters/${clusterId}`)).body.status.conditions.find((x: { type: string }) => x.type === 'Ready');
        return c?.status === 'True' ? c : undefined;
      },
      { what: 'Ready after the cancel' },
    );
    assert.match(ready.message, /3 members/);
    assert.deepEqual(
      sim.controller.actions().filter((a) => a.statefulSet === 'gamma' && a.action === 'create-pod' && a.ordinal === 4),
      [],
      'the controller never grew it to a fifth pod',
    );

    sim.pods.heal(ns, 'gamma-3');
    const plan = await app.call('POST', `/v1/clusters/${clusterId}/scale?dryRun=true`, { body: { replicas: 5 } });
    assert.equal(plan.status, 200, `scale 5 is real work: ${JSON.stringify(plan.body)}`);
    assert.deepEqual(plan.body.details.quorum, { before: 3, after: 5, quorumBefore: 2, quorumAfter: 3 });
    assert.deepEqual(
      plan.body.steps.map((s: { key: string }) => s.key),
      ['config', 'statefulset', 'ready:gamma-3', 'ready:gamma-4', 'verify'],
    );
    const again = await app.call('POST', `/v1/clusters/${clusterId}/scale`, { body: { replicas: 5 } });
    assert.equal(again.status, 202, JSON.stringify(again.body));
    const grown = await waitForOperation(app, again.body.id, 60_000);
    assert.equal(grown.state, 'SUCCEEDED', JSON.stringify(grown.error));
    assert.equal(replicasOf('gamma'), 5);
  });

  test('scale 5 -> 3 cancelled before any pod left: the StatefulSet goes back to 5 and nothing is removed', async () => {
    const clusterId = await readyCluster('omega', 5);
    sim.controller.pause();
    try {
      const scale = await app.call('POST', `/v1/clusters/${clusterId}/scale`, { body: { replicas: 3 } });
      assert.equal(scale.status, 202, JSON.stringify(scale.body));
      await eventually(
        async () => {
          const op = (await app.call('GET', `/v1/operations/${scale.body.id}`)).body;
          return op.steps.find((s: { key: string }) => s.key === 'removed:omega-4')?.state === 'RUNNING' ? true : undefined;
        },
        { what: 'the wait for omega-4 to go' },
      );
      assert.equal(replicasOf('omega'), 3, 'the scale asked the StatefulSet for 3');
      await app.call('POST', `/v1/operations/${scale.body.id}/cancel`, { body: {} });
      const done = await waitForOperation(app, scale.body.id, 30_000);
      assert.equal(done.state, 'CANCELLED');
      assert.equal(done.result.summary, '5 of 3 members; cancelled');
      assert.equal(replicasOf('omega'), 5, 'set back to the five members still there');
    } finally {
      sim.controller.resume();
    }
    await sim.waitFor(() => sim.objects.get('StatefulSet', ns, 'omega')?.status?.readyReplicas === 5, { message: 'the controller caught up' });
    assert.deepEqual(pods('omega'), ['omega-0', 'omega-1', 'omega-2', 'omega-3', 'omega-4']);
    assert.deepEqual(
      sim.controller.actions().filter((a) => a.statefulSet === 'omega' && a.action === 'delete-pod'),
      [],
      'no member was removed',
    );
    const cluster = (await app.call('GET', `/v1/clusters/${clusterId}`)).body;
    assert.equal(cluster.spec.replicas, 5);
    assert.deepEqual(
      (await app.call('GET', `/v1/clusters/${clusterId}/nodes`)).body.items.map((n: { phase: string }) => n.phase),
      ['Member', 'Member', 'Member', 'Member', 'Member'],
      'none is left Removing',
    );
  });

  test('a scale plan counts the member pods that exist, not the replicas the StatefulSet was last asked for', async () => {
    const clusterId = await readyCluster('delta');
    sim.pods.neverReady(ns, 'delta-3');
    const scale = await app.call('POST', `/v1/clusters/${clusterId}/scale`, { body: { replicas: 5 } });
    const failed = await waitForOperation(app, scale.body.id, 30_000);
    assert.equal(failed.state, 'FAILED', 'delta-3 never becomes Ready');
    assert.equal(replicasOf('delta'), 5);
    assert.deepEqual(pods('delta'), ['delta-0', 'delta-1', 'delta-2', 'delta-3'], 'the controller waits for delta-3 before delta-4');
    const cluster = (await app.call('GET', `/v1/clusters/${clusterId}`)).body;
    assert.equal(cluster.spec.replicas, 5, 'the spec asks for 5');

    const plan = await app.call('POST', `/v1/clusters/${clusterId}/scale?dryRun=true`, { body: { replicas: 3 } });
    assert.equal(plan.status, 200, JSON.stringify(plan.body));
    assert.equal(plan.body.details.quorum.before, 4, 'four member pods are there (spec: 5)');
    assert.match(plan.body.summary, /from 4 to 3/);
    assert.deepEqual(
      plan.body.steps.map((s: { key: string }) => s.key),
      ['statefulset', 'removed:delta-3', 'config', 'verify'],
    );
  });
});
