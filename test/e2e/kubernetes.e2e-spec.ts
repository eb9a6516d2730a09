import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KubernetesBackend } from '@galera-cp/backend-kubernetes';
import { startKubernetesSimulator, type KubernetesSimulator } from '../k8s-sim';
import { eventually, startTestApp, TestApp, waitForOperation } from '../support/test-app';

/**
 * The Kubernetes backend through the product's HTTP API, against the Kubernetes API simulator
 * (no Kubernetes runs here): create, dry runs, scale 3 -> 5 -> 3, node add/remove, rolling
 * restart, reconfigure, refusals, delete with and without purge.
 */
describe('kubernetes backend: the API scenarios against the simulator', () => {
  let sim: KubernetesSimulator;
  let app: TestApp;
  let credentialId: string;
  const ns = 'galera';

  before(async () => {
    sim = await startKubernetesSimulator({ readyDelayMs: 20, namespaces: [ns] });
    app = await startTestApp({ backends: { kubernetes: new KubernetesBackend({ podReadyTimeoutSeconds: 10, pollIntervalMs: 25 }) } });
    const credential = await app.call('POST', '/v1/credentials', { body: { name: 'sim', kind: 'kubeconfig', kubeconfig: sim.kubeconfig } });
    assert.equal(credential.status, 201, JSON.stringify(credential.body));
    credentialId = credential.body.id;
  });
  after(async () => {
    await app?.close();
    await sim?.close();
  });

  const body = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    backend: 'kubernetes',
    replicas: 3,
    kubernetes: { credentialId, namespace: ns, storageSize: '1Gi', storageClassName: 'standard', resources: { cpu: '250m', memory: '512Mi' } },
    ...extra,
  });

  /** Starts a change and waits for its operation; answers the finished operation. */
  async function operate(method: string, path: string, requestBody?: unknown) {
    const started = await app.call(method, path, requestBody === undefined ? {} : { body: requestBody });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    return waitForOperation(app, started.body.id, 60_000);
  }

  const actionsOf = (cluster: string, action: string, since = 0) => sim.controller.actions().filter((a) => a.statefulSet === cluster && a.action === action && a.time >= since);
  const podUids = (cluster: string) =>
    Object.fromEntries(
      sim.objects
        .list('Pod', ns)
        .filter((p) => p.metadata.labels?.['app.kubernetes.io/instance'] === cluster)
        .map((p) => [p.metadata.name, p.metadata.uid]),
    );
  const claims = () =>
    sim.objects
      .list('PersistentVolumeClaim', ns)
      .map((c) => c.metadata.name ?? '')
      .sort();
  const secretData = (cluster: string) => JSON.stringify(sim.objects.get('Secret', ns, `${cluster}-credentials`)?.data);

  let clusterId: string;

  test('create reaches Ready: objects applied, pods created in ordinal order, members reported', async () => {
    const created = await app.call('POST', '/v1/clusters', { body: body('alpha') });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    clusterId = created.body.clusterId;
    const done = await waitForOperation(app, created.body.id, 60_000);
    assert.equal(done.state, 'SUCCEEDED', JSON.stringify(done.error));
    assert.equal(done.result.bootstrapNode, 'alpha-0');
    assert.deepEqual(
      done.result.members.map((m: { name: string; wsrepState: string }) => [m.name, m.wsrepState]),
      [
        ['alpha-0', 'Synced'],
        ['alpha-1', 'Synced'],
        ['alpha-2', 'Synced'],
      ],
    );
    assert.deepEqual(
      done.steps.map((s: { key: string }) => s.key),
      ['secret', 'config', 'services', 'pdb', 'statefulset', 'ready:alpha-0', 'ready:alpha-1', 'ready:alpha-2', 'verify', 'close-bootstrap'],
    );

    const cluster = await app.call('GET', `/v1/clusters/${clusterId}`);
    assert.equal(cluster.body.status.state, 'READY');
    // Ready at once (the create verified every member), then confirmed by the observation that
    // follows the operation, by the probe-based rule.
    const ready = await eventually(
      async () => {
        const c = (await app.call('GET', `/v1/clusters/${clusterId}`)).body.status.conditions.find((x: { type: string }) => x.type === 'Ready');
        return c?.status === 'True' && /health probe/.test(c.message) ? c : undefined;
      },
      { what: 'the observed Ready condition' },
    );
    assert.match(ready.message, /all 3 members pass the health probe/);

    const nodes = await app.call('GET', `/v1/clusters/${clusterId}/nodes`);
    assert.deepEqual(
      nodes.body.items.map((n: { name: string; phase: string; healthy: boolean }) => [n.name, n.phase, n.healthy]),
      [
        ['alpha-0', 'Member', true],
        ['alpha-1', 'Member', true],
        ['alpha-2', 'Member', true],
      ],
    );
    assert.equal(nodes.body.items[1].address, `alpha-1.alpha-peers.${ns}.svc.cluster.local`);

    // Pods in ordinal order, each claim before its pod (the StatefulSet controller, OrderedReady).
    assert.deepEqual(
      actionsOf('alpha', 'create-pod').map((a) => a.ordinal),
      [0, 1, 2],
    );
    const trace = sim.controller
      .actions()
      .filter((a) => a.statefulSet === 'alpha')
      .map((a) => `${a.action}:${a.ordinal}`);
    assert.deepEqual(trace, ['create-claim:0', 'create-pod:0', 'create-claim:1', 'create-pod:1', 'create-claim:2', 'create-pod:2']);

    const sts = sim.objects.get('StatefulSet', ns, 'alpha');
    assert.equal(sts?.spec.replicas, 3);
    assert.equal(sts?.spec.serviceName, 'alpha-peers');
    assert.equal(sts?.spec.podManagementPolicy, 'OrderedReady');
    for (const [kind, name] of [
      ['Service', 'alpha'],
      ['Service', 'alpha-peers'],
      ['ConfigMap', 'alpha-config'],
      ['Secret', 'alpha-credentials'],
      ['PodDisruptionBudget', 'alpha'],
    ] as const) {
      assert.ok(sim.objects.get(kind, ns, name), `${kind} ${name} exists`);
    }
    assert.equal(sim.objects.get('ConfigMap', ns, 'alpha-config')?.data?.bootstrap, 'closed', 'the bootstrap switch is closed after the create');
    assert.deepEqual(claims(), ['data-alpha-0', 'data-alpha-1', 'data-alpha-2']);

    // Every write went through server-side apply by galera-cp (or a create, for the Secret), and none was refused.
    const writes = sim.requests.list().filter((r) => ['POST', 'PATCH', 'PUT'].includes(r.method));
    assert.ok(writes.length >= 6);
    assert.deepEqual(
      writes.filter((r) => r.status >= 400),
      [],
    );
    assert.ok(writes.filter((r) => r.method === 'PATCH').every((r) => r.fieldManager === 'galera-cp' && r.contentType === 'application/apply-patch+yaml'));

    // The generated root password is in the Secret and nowhere in the operation's log.
    const password = Buffer.from(String(sim.objects.get('Secret', ns, 'alpha-credentials')?.data?.['root-password']), 'base64').toString('utf8');
    assert.ok(password.length >= 24);
    const logs = await app.call('GET', `/v1/operations/${created.body.id}/logs?pageSize=200`);
    assert.ok(logs.body.items.length > 0);
    assert.ok(!JSON.stringify(logs.body).includes(password));
  });

  test('a dry run lists the objects it would write and writes nothing', async () => {
    const before = sim.requests.list().length;
    const plan = await app.call('POST', '/v1/clusters?dryRun=true', { body: body('dry') });
    assert.equal(plan.status, 200, JSON.stringify(plan.body));
    assert.equal(plan.body.details.bootstrapNode, 'dry-0');
    assert.deepEqual(
      plan.body.details.objects.map((o: { kind: string; name: string; action: string }) => `${o.kind}/${o.name}:${o.action}`),
      ['Secret/dry-credentials:create-if-absent', 'ConfigMap/dry-config:apply', 'Service/dry-peers:apply', 'Service/dry:apply', 'PodDisruptionBudget/dry:apply', 'StatefulSet/dry:apply'],
    );
    assert.deepEqual(plan.body.details.quorum, { before: 0, after: 3, quorumBefore: 0, quorumAfter: 2 });
    assert.deepEqual(plan.body.details.membersAfter, ['dry-0', 'dry-1', 'dry-2']);
    assert.deepEqual(
      sim.requests
        .list()
        .slice(before)
        .filter((r) => r.method !== 'GET'),
      [],
      'a dry run only reads',
    );
    assert.equal(sim.objects.get('StatefulSet', ns, 'dry'), undefined);

    const scalePlan = await app.call('POST', `/v1/clusters/${clusterId}/scale?dryRun=true`, { body: { replicas: 5 } });
    assert.equal(scalePlan.status, 200, JSON.stringify(scalePlan.body));
    assert.deepEqual(
      scalePlan.body.details.objects.map((o: { kind: string; name: string }) => `${o.kind}/${o.name}`),
      ['ConfigMap/alpha-config', 'StatefulSet/alpha', 'PersistentVolumeClaim/data-alpha-3', 'PersistentVolumeClaim/data-alpha-4'],
    );
    assert.deepEqual(scalePlan.body.details.quorum, { before: 3, after: 5, quorumBefore: 2, quorumAfter: 3 });
    assert.equal(sim.objects.get('StatefulSet', ns, 'alpha')?.spec.replicas, 3, 'unchanged');
  });

  test('scale 3 -> 5 -> 3: pods added in order, removed highest ordinal first, claims kept', async () => {
    const t0 = Date.now();
    const out = await operate('POST', `/v1/clusters/${clusterId}/scale`, { replicas: 5 });
    assert.equal(out.state, 'SUCCEEDED', JSON.stringify(out.error));
    assert.deepEqual(out.result.addedNodes, ['alpha-3', 'alpha-4']);
    assert.equal(out.result.toReplicas, 5);
    assert.equal(sim.objects.get('StatefulSet', ns, 'alpha')?.spec.replicas, 5);
    assert.deepEqual(
      actionsOf('alpha', 'create-pod', t0).map((a) => a.ordinal),
      [3, 4],
    );
    assert.deepEqual(actionsOf('alpha', 'delete-pod', t0), [], 'a scale does not restart the running members');
    assert.match(sim.objects.get('ConfigMap', ns, 'alpha-config')?.data?.['galera.cnf'] ?? '', /gcomm:\/\/alpha-0\.[^,]+,alpha-1\.[^,]+,alpha-2\.[^,]+,alpha-3\.[^,]+,alpha-4\./);
    assert.equal((await app.call('GET', `/v1/clusters/${clusterId}/nodes`)).body.items.length, 5);

    const t1 = Date.now();
    const back = await operate('POST', `/v1/clusters/${clusterId}/scale`, { replicas: 3 });
    assert.equal(back.state, 'SUCCEEDED', JSON.stringify(back.error));
    assert.deepEqual(back.result.removedNodes, ['alpha-3', 'alpha-4']);
    assert.deepEqual(
      actionsOf('alpha', 'delete-pod', t1).map((a) => a.ordinal),
      [4, 3],
      'highest ordinal first',
    );
    assert.deepEqual(
      back.steps.map((s: { key: string }) => s.key),
      ['statefulset', 'removed:alpha-4', 'removed:alpha-3', 'config', 'verify'],
    );
    assert.equal(sim.objects.get('StatefulSet', ns, 'alpha')?.spec.replicas, 3);
    assert.deepEqual(Object.keys(podUids('alpha')).sort(), ['alpha-0', 'alpha-1', 'alpha-2']);
    assert.deepEqual(claims(), ['data-alpha-0', 'data-alpha-1', 'data-alpha-2', 'data-alpha-3', 'data-alpha-4'], 'claims are kept on scale-in');
    const nodes = await app.call('GET', `/v1/clusters/${clusterId}/nodes`);
    assert.deepEqual(
      nodes.body.items.map((n: { name: string }) => n.name),
      ['alpha-0', 'alpha-1', 'alpha-2'],
    );
    const cluster = await app.call('GET', `/v1/clusters/${clusterId}`);
    assert.equal(cluster.body.status.state, 'READY');
  });

  test('node add / remove: +1 and -1 of the highest ordinal; removing another member is refused', async () => {
    const added = await operate('POST', `/v1/clusters/${clusterId}/nodes`, { force: true });
    assert.equal(added.state, 'SUCCEEDED', JSON.stringify(added.error));
    assert.equal(added.result.node, 'alpha-3');
    assert.equal(sim.objects.get('StatefulSet', ns, 'alpha')?.spec.replicas, 4);
    const nodes = (await app.call('GET', `/v1/clusters/${clusterId}/nodes`)).body.items as { id: string; name: string }[];
    const refused = await app.call('DELETE', `/v1/clusters/${clusterId}/nodes/${nodes.find((n) => n.name === 'alpha-1')?.id}?force=true`);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'NOT_SUPPORTED');
    assert.match(refused.body.detail, /highest ordinal first \(alpha-3\)/);
    const removed = await operate('DELETE', `/v1/clusters/${clusterId}/nodes/${nodes.find((n) => n.name === 'alpha-3')?.id}`);
    assert.equal(removed.state, 'SUCCEEDED', JSON.stringify(removed.error));
    assert.equal(removed.result.node, 'alpha-3');
    assert.equal(sim.objects.get('StatefulSet', ns, 'alpha')?.spec.replicas, 3);
    assert.ok(claims().includes('data-alpha-3'));
  });

  test('rolling restart replaces every pod, highest ordinal first, one at a time; the Secret is not rewritten', async () => {
    const secretBefore = secretData('alpha');
    const uidsBefore = podUids('alpha');
    const t0 = Date.now();
    const out = await operate('POST', `/v1/clusters/${clusterId}/restart`, {});
    assert.equal(out.state, 'SUCCEEDED', JSON.stringify(out.error));
    assert.deepEqual(out.result.restartedNodes, ['alpha-2', 'alpha-1', 'alpha-0']);
    const uidsAfter = podUids('alpha');
    assert.deepEqual(Object.keys(uidsAfter).sort(), ['alpha-0', 'alpha-1', 'alpha-2']);
    for (const name of Object.keys(uidsBefore)) assert.notEqual(uidsAfter[name], uidsBefore[name], `${name} was replaced`);
    assert.deepEqual(
      actionsOf('alpha', 'delete-pod', t0).map((a) => a.ordinal),
      [2, 1, 0],
    );
    const trace = sim.controller
      .actions()
      .filter((a) => a.statefulSet === 'alpha' && a.time >= t0)
      .map((a) => `${a.action}:${a.ordinal}`);
    assert.deepEqual(trace, ['delete-pod:2', 'create-pod:2', 'delete-pod:1', 'create-pod:1', 'delete-pod:0', 'create-pod:0']);
    const sts = sim.objects.get('StatefulSet', ns, 'alpha');
    assert.ok(sts?.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
    for (const pod of sim.objects.list('Pod', ns).filter((p) => p.metadata.name?.startsWith('alpha-'))) {
      assert.equal(pod.metadata.labels?.['controller-revision-hash'], sts?.status.updateRevision);
    }
    assert.equal(secretData('alpha'), secretBefore);
    assert.equal((await app.call('GET', `/v1/clusters/${clusterId}`)).body.status.state, 'READY');
  });

  test('reconfigure writes the new configuration and rolls the pods; the restart annotation survives the apply', async () => {
    const hashBefore = sim.objects.get('StatefulSet', ns, 'alpha')?.spec.template.metadata.annotations['galera-cp.io/config-hash'];
    const restartedAt = sim.objects.get('StatefulSet', ns, 'alpha')?.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
    const plan = await app.call('POST', `/v1/clusters/${clusterId}/reconfigure?dryRun=true`, { body: { parameters: { max_connections: 500 } } });
    assert.equal(plan.status, 200, JSON.stringify(plan.body));
    assert.deepEqual(plan.body.details.parameterChanges, [{ name: 'max_connections', apply: 'dynamic', to: '500', statement: 'SET GLOBAL max_connections = 500' }]);
    assert.match(plan.body.details.warnings.join(' '), /rolling restart, dynamic ones too/);
    const uidsBefore = podUids('alpha');
    const out = await operate('POST', `/v1/clusters/${clusterId}/reconfigure`, { parameters: { max_connections: 500 } });
    assert.equal(out.state, 'SUCCEEDED', JSON.stringify(out.error));
    assert.deepEqual(out.result.restartedNodes, ['alpha-2', 'alpha-1', 'alpha-0']);
    assert.match(sim.objects.get('ConfigMap', ns, 'alpha-config')?.data?.['galera.cnf'] ?? '', /^max_connections = 500$/m);
    const annotations = sim.objects.get('StatefulSet', ns, 'alpha')?.spec.template.metadata.annotations;
    assert.notEqual(annotations['galera-cp.io/config-hash'], hashBefore);
    assert.equal(annotations['kubectl.kubernetes.io/restartedAt'], restartedAt);
    const uidsAfter = podUids('alpha');
    for (const name of Object.keys(uidsBefore)) assert.notEqual(uidsAfter[name], uidsBefore[name]);

    // The same parameters again: nothing the pods run changes, so nothing restarts.
    const again = await app.call('POST', `/v1/clusters/${clusterId}/reconfigure?dryRun=true`, { body: { parameters: { max_connections: 500 } } });
    assert.match(again.body.summary, /nothing restarts/);
    assert.deepEqual(
      again.body.steps.map((s: { key: string }) => s.key),
      ['config', 'verify'],
    );
  });

  test('stop, start and recover are refused plainly', async () => {
    const stop = await app.call('POST', `/v1/clusters/${clusterId}/stop?dryRun=true`, { body: {} });
    assert.equal(stop.status, 400);
    assert.equal(stop.body.code, 'NOT_SUPPORTED');
    assert.match(stop.body.detail, /Stopping a cluster is not supported: the kubernetes backend cannot choose a safe bootstrap member/);
    const recover = await app.call('POST', `/v1/clusters/${clusterId}/recover?dryRun=true`, { body: {} });
    assert.equal(recover.status, 400);
    assert.equal(recover.body.code, 'NOT_SUPPORTED');
    // Asked for real, it is refused before any operation exists, and nothing changes.
    const operationsBefore = (await app.call('GET', `/v1/clusters/${clusterId}/operations?pageSize=200`)).body.items.length;
    const refused = await app.call('POST', `/v1/clusters/${clusterId}/stop`, { body: {} });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'NOT_SUPPORTED');
    assert.equal((await app.call('GET', `/v1/clusters/${clusterId}/operations?pageSize=200`)).body.items.length, operationsBefore);
    assert.equal(sim.objects.get('StatefulSet', ns, 'alpha')?.spec.replicas, 3);
  });

  test('delete removes the objects and keeps the claims; the dry run says so', async () => {
    const plan = await app.call('DELETE', `/v1/clusters/${clusterId}?dryRun=true`);
    assert.equal(plan.status, 200, JSON.stringify(plan.body));
    const claimLines = plan.body.details.objects.filter((o: { kind: string }) => o.kind === 'PersistentVolumeClaim');
    assert.deepEqual(
      claimLines.map((o: { name: string; action: string }) => `${o.name}:${o.action}`),
      ['data-alpha-0:keep', 'data-alpha-1:keep', 'data-alpha-2:keep', 'data-alpha-3:keep', 'data-alpha-4:keep'],
    );
    const out = await operate('DELETE', `/v1/clusters/${clusterId}`);
    assert.equal(out.state, 'SUCCEEDED', JSON.stringify(out.error));
    assert.equal(out.result.purged, false);
    for (const [kind, name] of [
      ['StatefulSet', 'alpha'],
      ['Service', 'alpha'],
      ['Service', 'alpha-peers'],
      ['ConfigMap', 'alpha-config'],
      ['PodDisruptionBudget', 'alpha'],
    ] as const) {
      assert.equal(sim.objects.get(kind, ns, name), undefined, `${kind} ${name} is gone`);
    }
    assert.deepEqual(Object.keys(podUids('alpha')), []);
    assert.deepEqual(claims(), ['data-alpha-0', 'data-alpha-1', 'data-alpha-2', 'data-alpha-3', 'data-alpha-4']);
    assert.ok(sim.objects.get('Secret', ns, 'alpha-credentials'), 'the root password of the kept data is kept with it');
    assert.equal(plan.body.details.objects.find((o: { kind: string }) => o.kind === 'Secret').action, 'keep');
    assert.equal((await app.call('GET', `/v1/clusters/${clusterId}`)).status, 404);
  });

  test('delete with purge also deletes the claims', async () => {
    const created = await operate('POST', '/v1/clusters', body('beta'));
    assert.equal(created.state, 'SUCCEEDED', JSON.stringify(created.error));
    const out = await operate('DELETE', `/v1/clusters/${created.clusterId}?purge=true`);
    assert.equal(out.state, 'SUCCEEDED', JSON.stringify(out.error));
    assert.equal(out.result.purged, true);
    assert.deepEqual(
      claims().filter((c) => c.includes('beta')),
      [],
    );
    assert.equal(sim.objects.get('StatefulSet', ns, 'beta'), undefined);
    assert.equal(sim.objects.get('Secret', ns, 'beta-credentials'), undefined, 'purge removes the root password with the data');
    assert.deepEqual(sim.controller.errors(), []);
  });
});
