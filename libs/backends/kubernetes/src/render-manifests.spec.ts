import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterSpec } from '@galera-cp/backends';
import { nodeHealthProbe, readGaleraConfig } from '@galera-cp/galera';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { CONFIG_HASH_ANNOTATION, configHash, renderClusterObjects, renderConfigMap, renderSecret, renderStatefulSet, selectorLabels, type ManifestInput } from './render-manifests';

const spec: ClusterSpec = {
  backend: 'kubernetes',
  replicas: 3,
  engine: { flavor: 'mariadb', version: '10.11' },
  galera: { sstMethod: 'mariabackup', gcacheSize: '512M', bufferPoolSize: '256M', parameters: { max_connections: 300 } },
  policy: { autoRecovery: false, deletionProtection: false, donorServesTraffic: false },
  kubernetes: { namespace: 'db', image: 'mariadb:10.11', storageSize: '10Gi', storageClassName: 'fast-ssd', resources: { cpu: '500m', memory: '1Gi' } },
};
const input: ManifestInput = { clusterName: 'orders', spec, replicas: 3, clusterDomain: 'cluster.local', bootstrapAllowed: true };
const minimal: ManifestInput = {
  ...input,
  spec: { ...spec, galera: { ...spec.galera, parameters: {} }, kubernetes: { namespace: 'default', image: 'mariadb:11.4', storageSize: '1Gi' } },
};

/** The real Kubernetes schemas (kubernetes-models): throws a ValidationError naming the bad field. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  Secret,
  ConfigMap,
  Service,
  PodDisruptionBudget,
  StatefulSet,
};

function validateAgainstSchema(object: { kind?: string }): void {
  const model = MODELS[object.kind ?? ''];
  assert.ok(model, `no schema for ${object.kind}`);
  new model(structuredClone(object) as never).validate();
}

describe('render-manifests', () => {
  for (const [label, manifestInput] of [
    ['every field set', input],
    ['the defaults only', minimal],
  ] as const) {
    test(`every object validates against the real Kubernetes schemas (${label})`, () => {
      const objects = renderClusterObjects(manifestInput, 'pw-for-tests');
      assert.deepEqual(
        objects.map((o) => o.kind),
        ['Secret', 'ConfigMap', 'PeerService', 'ClientService', 'PodDisruptionBudget', 'StatefulSet'],
      );
      for (const { object } of objects) validateAgainstSchema(object);
    });
  }

  test('the schema check does fail on a broken object (the test above can fail)', () => {
    const broken = structuredClone(renderStatefulSet(input)) as unknown as { spec: { template: { spec: { containers: Array<{ ports: Array<{ containerPort: unknown }> }> } } } };
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'three-three-oh-six';
    assert.throws(() => validateAgainstSchema(broken as never), /containerPort/);
  });

  test('every object carries the three labels; the StatefulSet selector matches its pod labels', () => {
    for (const { object } of renderClusterObjects(input, 'pw')) {
      assert.deepEqual(object.metadata?.labels, {
        'app.kubernetes.io/name': 'mariadb-galera',
        'app.kubernetes.io/instance': 'orders',
        'app.kubernetes.io/managed-by': 'galera-cp',
      });
      assert.equal(object.metadata?.namespace, 'db');
    }
    const sts = renderStatefulSet(input);
    const podLabels = sts.spec?.template.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(sts.spec?.selector.matchLabels ?? {})) assert.equal(podLabels[k], v);
    assert.deepEqual(sts.spec?.selector.matchLabels, selectorLabels('orders'));
  });

  test('the StatefulSet: named after the cluster, headless peers, OrderedReady, RollingUpdate, claims kept', () => {
    const sts = renderStatefulSet(input);
    assert.equal(sts.metadata?.name, 'orders');
    assert.equal(sts.spec?.replicas, 3);
    assert.equal(sts.spec?.serviceName, 'orders-peers');
    assert.equal(sts.spec?.podManagementPolicy, 'OrderedReady');
    assert.equal(sts.spec?.updateStrategy?.type, 'RollingUpdate');
    assert.deepEqual(sts.spec?.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
    const claim = sts.spec?.volumeClaimTemplates?.[0];
    assert.equal(claim?.metadata?.name, 'data');
    assert.equal(claim?.spec?.storageClassName, 'fast-ssd');
    assert.deepEqual(claim?.spec?.resources?.requests, { storage: '10Gi' });
    assert.equal(renderStatefulSet(minimal).spec?.volumeClaimTemplates?.[0].spec?.storageClassName, undefined);
    const anti = sts.spec?.template.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0];
    assert.equal(anti?.topologyKey, 'kubernetes.io/hostname');
    assert.deepEqual(anti?.labelSelector?.matchLabels, selectorLabels('orders'));
  });

  test('the container: image, Galera ports, password from the Secret, downward API, data and config mounts, resources', () => {
    const container = renderStatefulSet(input).spec?.template.spec?.containers[0];
    assert.equal(container?.image, 'mariadb:10.11');
    assert.deepEqual(
      container?.ports?.map((p) => [p.name, p.containerPort]),
      [
        ['mysql', 3306],
        ['galera', 4567],
        ['ist', 4568],
        ['sst', 4444],
      ],
    );
    const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e]));
    assert.deepEqual(env.MARIADB_ROOT_PASSWORD.valueFrom?.secretKeyRef, { name: 'orders-credentials', key: 'root-password' });
    assert.equal(env.MARIADB_ROOT_PASSWORD.value, undefined, 'the password is never inlined');
    assert.equal(env.POD_NAME.valueFrom?.fieldRef?.fieldPath, 'metadata.name');
    assert.equal(env.POD_IP.valueFrom?.fieldRef?.fieldPath, 'status.podIP');
    assert.deepEqual(
      container?.volumeMounts?.map((m) => m.mountPath),
      ['/var/lib/mysql', '/etc/galera-cp'],
    );
    assert.deepEqual(container?.resources, { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } });
    assert.equal(renderStatefulSet(minimal).spec?.template.spec?.containers[0].resources, undefined);
    assert.deepEqual(container?.command, ['sh', '/etc/galera-cp/start.sh']);
  });

  test('readiness is the Galera health rule through mariadb -e; liveness and startup ping the server', () => {
    const container = renderStatefulSet(input).spec?.template.spec?.containers[0];
    const readiness = container?.readinessProbe?.exec?.command ?? [];
    assert.equal(readiness[0], 'sh');
    assert.match(readiness[2], /mariadb .*-e "\$1"\)" = 1$/);
    assert.equal(readiness.at(-1), nodeHealthProbe().sql, 'the SQL is the shared rule, as its own argument');
    assert.deepEqual(container?.livenessProbe?.exec?.command, ['mariadb-admin', '--protocol=socket', 'ping']);
    assert.ok((container?.startupProbe?.failureThreshold ?? 0) * (container?.startupProbe?.periodSeconds ?? 0) >= 3600, 'a joiner gets time for a state transfer');
  });

  test("the ConfigMap holds the shared renderer's configuration for every member, the start script and the bootstrap switch", () => {
    const cm = renderConfigMap(input);
    const read = readGaleraConfig(cm.data?.['galera.cnf'] ?? '');
    assert.equal(read.managed, true);
    assert.equal(read.clusterName, 'orders');
    assert.deepEqual(
      read.members,
      [0, 1, 2].map((i) => `orders-${i}.orders-peers.db.svc.cluster.local`),
    );
    assert.equal(read.nodeName, undefined, 'node name and address come from the downward API at start');
    assert.deepEqual(read.parameters, { max_connections: '300' });
    assert.match(cm.data?.['galera.cnf'] ?? '', /^innodb_flush_log_at_trx_commit = 1$/m);
    assert.match(cm.data?.['galera.cnf'] ?? '', /^wsrep_sst_auth = mysql$/m, 'mariabackup SST over the unix socket: no password in the ConfigMap');
    assert.equal(cm.data?.bootstrap, 'allowed');
    assert.equal(renderConfigMap({ ...input, bootstrapAllowed: false }).data?.bootstrap, 'closed');
    const start = cm.data?.['start.sh'] ?? '';
    assert.match(start, /--wsrep_node_name="\$POD_NAME" --wsrep_node_address="\$address"/);
    assert.match(start, /\[ "\$\{POD_NAME##\*-\}" = 0 \] && \[ ! -e \/var\/lib\/mysql\/grastate\.dat \] && \[ "\$\(cat \/etc\/galera-cp\/bootstrap\)" = allowed \]/);
    assert.match(start, /^exec docker-entrypoint\.sh mariadbd "\$@"$/m);
  });

  test('the config hash rolls the pods on a configuration change, not on a scale or the bootstrap switch', () => {
    const hash = renderStatefulSet(input).spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
    assert.equal(hash, configHash(input));
    assert.equal(renderStatefulSet({ ...input, replicas: 5, bootstrapAllowed: false }).spec?.template.metadata?.annotations?.[CONFIG_HASH_ANNOTATION], hash);
    const withParams = { ...input, spec: { ...spec, galera: { ...spec.galera, parameters: { max_connections: 400 } } } };
    assert.notEqual(configHash(withParams), hash);
    assert.notEqual(configHash({ ...input, spec: { ...spec, galera: { ...spec.galera, gcacheSize: '1G' } } }), hash);
  });

  test('the Secret holds the given password, base64; rendering is deterministic', () => {
    const secret = renderSecret(input, 'S3cret-value');
    assert.equal(Buffer.from(secret.data?.['root-password'] ?? '', 'base64').toString('utf8'), 'S3cret-value');
    assert.equal(JSON.stringify(renderClusterObjects(input, 'x')), JSON.stringify(renderClusterObjects(structuredClone(input), 'x')));
  });

  test('services: headless peers publish members before they are ready; clients reach port 3306; one disruption at a time', () => {
    const [, , peers, client, pdb] = renderClusterObjects(input, 'x').map((o) => o.object) as [
      unknown,
      unknown,
      InstanceType<typeof Service>,
      InstanceType<typeof Service>,
      InstanceType<typeof PodDisruptionBudget>,
    ];
    assert.equal(peers.metadata?.name, 'orders-peers');
    assert.equal(peers.spec?.clusterIP, 'None');
    assert.equal(peers.spec?.publishNotReadyAddresses, true);
    assert.deepEqual(
      peers.spec?.ports?.map((p) => p.port),
      [3306, 4567, 4568, 4444],
    );
    assert.equal(client.metadata?.name, 'orders');
    assert.deepEqual(
      client.spec?.ports?.map((p) => p.port),
      [3306],
    );
    assert.equal(client.spec?.publishNotReadyAddresses, undefined);
    assert.equal(pdb.spec?.maxUnavailable, 1);
    assert.equal(pdb.spec?.minAvailable, undefined);
  });
});
