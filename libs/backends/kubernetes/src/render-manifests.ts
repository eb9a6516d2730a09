/**
 * The Kubernetes objects of one Galera cluster, rendered from its spec. Pure: no I/O, no clock, no
 * randomness (the root password is an input), so the same spec always gives the same bytes and a
 * re-apply changes nothing.
 */
import { createHash } from 'node:crypto';
import type { ClusterSpec, KubernetesSpec } from '@galera-cp/backends';
import { GALERA_PORTS, NODE_START_OPTIONS, nodeHealthProbe, renderSharedGaleraConfig, type RenderedGaleraConfig } from '@galera-cp/galera';
import type { V1ConfigMap, V1Container, V1PodDisruptionBudget, V1Secret, V1Service, V1StatefulSet } from '@kubernetes/client-node';

/** The field manager of every server-side apply the backend makes. */
export const FIELD_MANAGER = 'galera-cp';
/** The field manager of rolling-restart requests: another manager, so a later apply of the StatefulSet keeps the restart annotation. */
export const RESTART_FIELD_MANAGER = 'galera-cp-restart';
/** The annotation `kubectl rollout restart` sets; a new value rolls every pod. */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
/** Hash of what the pods read at start (configuration, start script): a change rolls the pods. */
export const CONFIG_HASH_ANNOTATION = 'galera-cp.io/config-hash';
/** The claim template's name: claims are `data-<cluster>-<ordinal>`. */
export const DATA_VOLUME = 'data';
/** Where the ConfigMap is mounted in the MariaDB container. */
export const CONFIG_MOUNT_PATH = '/etc/galera-cp';
/** MariaDB's data directory in the official image. */
export const DATA_MOUNT_PATH = '/var/lib/mysql';
/** The Secret key holding the root password. */
export const ROOT_PASSWORD_KEY = 'root-password';
/** The container's name. */
export const CONTAINER_NAME = 'mariadb';
/** Seconds a member gets to shut down cleanly (Galera writes its seqno to grastate.dat on a clean stop). */
export const TERMINATION_GRACE_SECONDS = 120;
/** Seconds a starting member may take before the liveness probe counts (a joiner receiving SST does not answer yet). */
export const STARTUP_WINDOW_SECONDS = 7200;

/** The names of a cluster's objects. */
export interface ClusterObjectNames {
  /** The StatefulSet: named after the cluster, so its pods are the members `<cluster>-<ordinal>`. */
  statefulSet: string;
  /** Headless Service the members find each other through. */
  peerService: string;
  /** Service clients connect to (ready members only). */
  clientService: string;
  configMap: string;
  secret: string;
  podDisruptionBudget: string;
}

/** Object names of a cluster (its name is a DNS label of at most 40 characters). */
export function objectNames(cluster: string): ClusterObjectNames {
  return {
    statefulSet: cluster,
    peerService: `${cluster}-peers`,
    clientService: cluster,
    configMap: `${cluster}-config`,
    secret: `${cluster}-credentials`,
    podDisruptionBudget: cluster,
  };
}

/** Labels that select a cluster's pods and claims (immutable in the StatefulSet selector). */
export function selectorLabels(cluster: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'mariadb-galera', 'app.kubernetes.io/instance': cluster };
}

/** Labels on every object the backend writes. */
export function clusterLabels(cluster: string): Record<string, string> {
  return { ...selectorLabels(cluster), 'app.kubernetes.io/managed-by': 'galera-cp' };
}

/** The label selector of a cluster's pods and claims, as a query string value. */
export function labelSelector(cluster: string): string {
  return Object.entries(selectorLabels(cluster))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The claim of one member, as the StatefulSet controller names it. */
export function claimName(cluster: string, ordinal: number): string {
  return `${DATA_VOLUME}-${cluster}-${ordinal}`;
}

/** A member's stable DNS name through the headless Service. */
export function memberAddress(cluster: string, namespace: string, ordinal: number, clusterDomain: string): string {
  return `${cluster}-${ordinal}.${objectNames(cluster).peerService}.${namespace}.svc.${clusterDomain}`;
}

/** What the cluster's objects are rendered from. */
export interface ManifestInput {
  /** The cluster's name: wsrep cluster name, StatefulSet name, label value. */
  clusterName: string;
  spec: ClusterSpec;
  /** Members the StatefulSet runs (the desired size, or the step's target during a scale). */
  replicas: number;
  /** DNS domain of the Kubernetes cluster (`cluster.local`). */
  clusterDomain: string;
  /**
   * Whether ordinal 0 may bootstrap a new cluster when it starts on an empty data directory.
   * True only while the cluster is being created.
   */
  bootstrapAllowed: boolean;
}

function kubernetesOf(spec: ClusterSpec): KubernetesSpec {
  if (!spec.kubernetes) throw new Error('a kubernetes cluster needs the kubernetes section');
  return spec.kubernetes;
}

/**
 * The Galera configuration every member shares, from the shared renderer. Node name and address
 * come from the downward API at start. SST by mariabackup authenticates as `mysql@localhost`
 * over the unix socket (created by the image, see the StatefulSet's env), so no password sits in
 * the ConfigMap; errors go to the container's stderr (`kubectl logs`).
 */
export function renderGaleraConfigText(input: Omit<ManifestInput, 'bootstrapAllowed'>, members?: string[]): RenderedGaleraConfig {
  const k8s = kubernetesOf(input.spec);
  const galera = input.spec.galera;
  return renderSharedGaleraConfig({
    clusterName: input.clusterName,
    members: members ?? Array.from({ length: Math.max(1, input.replicas) }, (_, i) => memberAddress(input.clusterName, k8s.namespace, i, input.clusterDomain)),
    sstMethod: galera.sstMethod,
    ...(galera.sstMethod === 'mariabackup' ? { sstAuth: { user: 'mysql' } } : {}),
    gcacheSize: galera.gcacheSize,
    bufferPoolSize: galera.bufferPoolSize,
    logErrorPath: '/dev/stderr',
    parameters: galera.parameters,
  });
}

/**
 * The members' start script. Galera: a new cluster is bootstrapped once, by ordinal 0 on an empty
 * data directory, and only while the control plane creates the cluster (`bootstrap` = allowed);
 * OrderedReady starts ordinal 0 alone. Every other start joins the members in galera.cnf, so a
 * member that lost its volume later rejoins by SST instead of founding a second cluster.
 */
export function renderStartScript(clusterName: string): string {
  return [
    '#!/bin/sh',
    `# Starts one member of Galera cluster ${clusterName}. Written by the control plane: edits are overwritten.`,
    'set -eu',
    'case "$POD_IP" in *:*) address="[$POD_IP]" ;; *) address="$POD_IP" ;; esac',
    `set -- --defaults-extra-file=${CONFIG_MOUNT_PATH}/galera.cnf --${NODE_START_OPTIONS.name}="$POD_NAME" --${NODE_START_OPTIONS.address}="$address"`,
    `if [ "\${POD_NAME##*-}" = 0 ] && [ ! -e ${DATA_MOUNT_PATH}/grastate.dat ] && [ "$(cat ${CONFIG_MOUNT_PATH}/bootstrap)" = allowed ]; then`,
    '  set -- "$@" --wsrep-new-cluster',
    'fi',
    'exec docker-entrypoint.sh mariadbd "$@"',
    '',
  ].join('\n');
}

/**
 * Hash of what a pod reads at start, put on the pod template so that a change rolls the pods.
 * The member list is left out (rendered with a stand-in): Galera reads `wsrep_cluster_address`
 * only at start and running members learn each other from the group, so a scale must not restart
 * every member.
 */
export function configHash(input: Omit<ManifestInput, 'bootstrapAllowed' | 'replicas'>): string {
  const config = renderGaleraConfigText({ ...input, replicas: 1 }, ['membership-not-hashed']).text;
  return createHash('sha256')
    .update(JSON.stringify({ config, start: renderStartScript(input.clusterName) }))
    .digest('hex')
    .slice(0, 16);
}

function metadata(input: { clusterName: string; spec: ClusterSpec }, name: string) {
  return { name, namespace: kubernetesOf(input.spec).namespace, labels: clusterLabels(input.clusterName) };
}

/** The Secret with the root password. Created once and never rewritten (create-if-absent). */
export function renderSecret(input: { clusterName: string; spec: ClusterSpec }, rootPassword: string): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(input, objectNames(input.clusterName).secret),
    type: 'Opaque',
    data: { [ROOT_PASSWORD_KEY]: Buffer.from(rootPassword, 'utf8').toString('base64') },
  };
}

/** The ConfigMap: the shared Galera configuration, the start script and the bootstrap switch. */
export function renderConfigMap(input: ManifestInput): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(input, objectNames(input.clusterName).configMap),
    data: {
      'galera.cnf': renderGaleraConfigText(input).text,
      'start.sh': renderStartScript(input.clusterName),
      bootstrap: input.bootstrapAllowed ? 'allowed' : 'closed',
    },
  };
}

function servicePorts() {
  return GALERA_PORTS.map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: 'TCP' }));
}

/**
 * The headless Service of the members' stable DNS names. It publishes members that are not ready
 * yet: a joiner must reach its donor, and a starting member its peers, before any is Synced.
 */
export function renderPeerService(input: { clusterName: string; spec: ClusterSpec }): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(input, objectNames(input.clusterName).peerService),
    spec: {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: selectorLabels(input.clusterName),
      ports: servicePorts(),
    },
  };
}

/** The Service clients connect to: only members that pass the Galera health rule (ready) get traffic. */
export function renderClientService(input: { clusterName: string; spec: ClusterSpec }): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(input, objectNames(input.clusterName).clientService),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(input.clusterName),
      ports: [{ name: 'mysql', port: 3306, targetPort: 3306, protocol: 'TCP' }],
    },
  };
}

/** Voluntary disruptions (node drains) take one member at a time: Galera keeps quorum with one member gone. */
export function renderPodDisruptionBudget(input: { clusterName: string; spec: ClusterSpec }): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(input, objectNames(input.clusterName).podDisruptionBudget),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(input.clusterName) } },
  };
}

/**
 * The readiness probe: the Galera health rule (Primary, wsrep_ready ON, wsrep_connected ON,
 * Synced) as the server answers it, from the shared rule. The SQL is its own argv element, so no
 * shell quoting is involved; the client authenticates as root through MYSQL_PWD.
 */
export function readinessCommand(): string[] {
  const probe = nodeHealthProbe();
  return ['sh', '-c', `test "$(mariadb --protocol=socket -uroot -N -B -e "$1")" = ${probe.expected}`, 'galera-health', probe.sql];
}

function container(input: ManifestInput): V1Container {
  const k8s = kubernetesOf(input.spec);
  const names = objectNames(input.clusterName);
  const secretEnv = (name: string) => ({ name, valueFrom: { secretKeyRef: { name: names.secret, key: ROOT_PASSWORD_KEY } } });
  const requests: Record<string, string> = {};
  if (k8s.resources?.cpu) requests.cpu = k8s.resources.cpu;
  if (k8s.resources?.memory) requests.memory = k8s.resources.memory;
  const ping = ['mariadb-admin', '--protocol=socket', 'ping'];
  return {
    name: CONTAINER_NAME,
    image: k8s.image,
    command: ['sh', `${CONFIG_MOUNT_PATH}/start.sh`],
    ports: GALERA_PORTS.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
    env: [
      secretEnv('MARIADB_ROOT_PASSWORD'),
      // Read by the mariadb client of the probes; never printed.
      secretEnv('MYSQL_PWD'),
      // mysql@localhost over the unix socket, with what mariabackup SST needs (no SST password anywhere).
      { name: 'MARIADB_MYSQL_LOCALHOST_USER', value: '1' },
      { name: 'MARIADB_MYSQL_LOCALHOST_GRANTS', value: 'RELOAD, PROCESS, LOCK TABLES, BINLOG MONITOR' },
      // The member's own name and address, filled in at start (the shared config leaves them out).
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    ],
    volumeMounts: [
      { name: DATA_VOLUME, mountPath: DATA_MOUNT_PATH },
      { name: 'config', mountPath: CONFIG_MOUNT_PATH, readOnly: true },
    ],
    readinessProbe: { exec: { command: readinessCommand() }, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 3, successThreshold: 1 },
    // A joiner receiving a state transfer answers nothing for as long as the transfer lasts.
    startupProbe: { exec: { command: ping }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: STARTUP_WINDOW_SECONDS / 10 },
    livenessProbe: { exec: { command: ping }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
    ...(Object.keys(requests).length > 0 ? { resources: { requests, ...(requests.memory ? { limits: { memory: requests.memory } } : {}) } } : {}),
  };
}

/**
 * The StatefulSet: one pod per member, started and replaced one at a time (OrderedReady, rolling
 * update from the highest ordinal), members on different nodes, claims kept on scale-in and
 * deletion (a returning member rejoins by IST from its data).
 */
export function renderStatefulSet(input: ManifestInput): V1StatefulSet {
  const k8s = kubernetesOf(input.spec);
  const names = objectNames(input.clusterName);
  const selector = selectorLabels(input.clusterName);
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: metadata(input, names.statefulSet),
    spec: {
      replicas: input.replicas,
      serviceName: names.peerService,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: clusterLabels(input.clusterName),
          annotations: { [CONFIG_HASH_ANNOTATION]: configHash(input) },
        },
        spec: {
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          // Galera: one member per node, so losing a node loses one vote.
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector } }],
            },
          },
          containers: [container(input)],
          volumes: [{ name: 'config', configMap: { name: names.configMap, defaultMode: 0o555 } }],
        },
      },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: DATA_VOLUME, labels: selector },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(k8s.storageClassName ? { storageClassName: k8s.storageClassName } : {}),
            resources: { requests: { storage: k8s.storageSize } },
          },
        },
      ],
    },
  };
}

/** One object of a cluster, in the order they are written. */
export type ClusterObjectKind = 'Secret' | 'ConfigMap' | 'PeerService' | 'ClientService' | 'PodDisruptionBudget' | 'StatefulSet';

/**
 * Every object of a cluster, in write order (the Secret and ConfigMap the pods read before the
 * StatefulSet that starts them). `rootPassword` fills the Secret.
 */
export function renderClusterObjects(input: ManifestInput, rootPassword: string): { kind: ClusterObjectKind; object: V1Secret | V1ConfigMap | V1Service | V1PodDisruptionBudget | V1StatefulSet }[] {
  return [
    { kind: 'Secret', object: renderSecret(input, rootPassword) },
    { kind: 'ConfigMap', object: renderConfigMap(input) },
    { kind: 'PeerService', object: renderPeerService(input) },
    { kind: 'ClientService', object: renderClientService(input) },
    { kind: 'PodDisruptionBudget', object: renderPodDisruptionBudget(input) },
    { kind: 'StatefulSet', object: renderStatefulSet(input) },
  ];
}
