import type { ResourceType } from './resources';
import { isPlainObject, type KubeObject } from './types';

type Obj = Record<string, any>;

function setDefault(target: Obj, key: string, value: unknown): void {
  if (target[key] === undefined) target[key] = value;
}

function imagePullPolicyFor(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  const withoutDigest = image.split('@')[0]!;
  const lastSegment = withoutDigest.split('/').pop() ?? '';
  const tag = lastSegment.includes(':') ? lastSegment.split(':').pop() : undefined;
  return image.includes('@') ? 'IfNotPresent' : tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: unknown): void {
  if (!isPlainObject(probe)) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  if (isPlainObject(probe.httpGet)) setDefault(probe.httpGet, 'scheme', 'HTTP');
}

function defaultContainer(container: unknown): void {
  if (!isPlainObject(container)) return;
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  setDefault(container, 'imagePullPolicy', imagePullPolicyFor(container.image));
  setDefault(container, 'resources', {});
  for (const port of Array.isArray(container.ports) ? container.ports : []) {
    if (isPlainObject(port)) setDefault(port, 'protocol', 'TCP');
  }
  for (const env of Array.isArray(container.env) ? container.env : []) {
    const fieldRef = isPlainObject(env) && isPlainObject(env.valueFrom) ? env.valueFrom.fieldRef : undefined;
    if (isPlainObject(fieldRef)) setDefault(fieldRef, 'apiVersion', 'v1');
  }
  defaultProbe(container.livenessProbe);
  defaultProbe(container.readinessProbe);
  defaultProbe(container.startupProbe);
}

/** SetDefaults_PodSpec and friends, for the fields a Galera workload uses. */
function defaultPodSpec(spec: unknown): void {
  if (!isPlainObject(spec)) return;
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'enableServiceLinks', true);
  for (const list of ['containers', 'initContainers']) {
    for (const container of Array.isArray(spec[list]) ? spec[list] : []) defaultContainer(container);
  }
  for (const volume of Array.isArray(spec.volumes) ? spec.volumes : []) {
    if (!isPlainObject(volume)) continue;
    for (const source of ['configMap', 'secret']) {
      if (isPlainObject(volume[source])) setDefault(volume[source], 'defaultMode', 420);
    }
  }
}

function defaultPvcSpec(spec: unknown): void {
  if (isPlainObject(spec)) setDefault(spec, 'volumeMode', 'Filesystem');
}

/**
 * Applies the API server's defaults for a kind (on every write, as the real server does on decode),
 * so stored objects look like what `kubectl get -o yaml` shows.
 */
export function applyDefaults(type: ResourceType, object: KubeObject): void {
  const spec = object.spec as Obj | undefined;
  switch (type.kind) {
    case 'StatefulSet': {
      if (!isPlainObject(spec)) return;
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'podManagementPolicy', 'OrderedReady');
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'updateStrategy', { type: 'RollingUpdate' });
      if (isPlainObject(spec.updateStrategy)) {
        setDefault(spec.updateStrategy, 'type', 'RollingUpdate');
        if (spec.updateStrategy.type === 'RollingUpdate') {
          setDefault(spec.updateStrategy, 'rollingUpdate', {});
          if (isPlainObject(spec.updateStrategy.rollingUpdate)) setDefault(spec.updateStrategy.rollingUpdate, 'partition', 0);
        }
      }
      setDefault(spec, 'persistentVolumeClaimRetentionPolicy', {});
      if (isPlainObject(spec.persistentVolumeClaimRetentionPolicy)) {
        setDefault(spec.persistentVolumeClaimRetentionPolicy, 'whenDeleted', 'Retain');
        setDefault(spec.persistentVolumeClaimRetentionPolicy, 'whenScaled', 'Retain');
      }
      if (isPlainObject(spec.template)) defaultPodSpec(spec.template.spec);
      for (const claim of Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []) {
        if (!isPlainObject(claim)) continue;
        setDefault(claim, 'apiVersion', 'v1');
        setDefault(claim, 'kind', 'PersistentVolumeClaim');
        defaultPvcSpec(claim.spec);
      }
      return;
    }
    case 'Pod':
      defaultPodSpec(spec);
      if (isPlainObject(spec)) setDefault(spec, 'serviceAccountName', 'default');
      return;
    case 'Service': {
      if (!isPlainObject(spec)) return;
      setDefault(spec, 'type', 'ClusterIP');
      setDefault(spec, 'sessionAffinity', 'None');
      if (spec.type !== 'ExternalName') {
        setDefault(spec, 'internalTrafficPolicy', 'Cluster');
        setDefault(spec, 'ipFamilies', ['IPv4']);
        setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
      }
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setDefault(spec, 'externalTrafficPolicy', 'Cluster');
      for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
        if (!isPlainObject(port)) continue;
        setDefault(port, 'protocol', 'TCP');
        setDefault(port, 'targetPort', port.port);
      }
      return;
    }
    case 'Secret': {
      setDefault(object, 'type', 'Opaque');
      // stringData is write-only: the API server folds it into data.
      if (isPlainObject(object.stringData)) {
        const data: Obj = isPlainObject(object.data) ? object.data : {};
        for (const [key, value] of Object.entries(object.stringData)) data[key] = Buffer.from(String(value), 'utf8').toString('base64');
        object.data = data;
      }
      delete object.stringData;
      return;
    }
    case 'Namespace': {
      object.spec = isPlainObject(spec) ? spec : {};
      setDefault(object.spec, 'finalizers', ['kubernetes']);
      object.metadata.labels = { ...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name ?? '' };
      return;
    }
    case 'PersistentVolumeClaim':
      defaultPvcSpec(spec);
      return;
  }
}

function qosClass(podSpec: Obj | undefined): string {
  const containers = Array.isArray(podSpec?.containers) ? podSpec.containers : [];
  let anyResources = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const requests = c?.resources?.requests ?? {};
    const limits = c?.resources?.limits ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) anyResources = true;
    for (const resource of ['cpu', 'memory']) {
      const limit = limits[resource];
      const request = requests[resource] ?? limit;
      if (limit === undefined || String(request) !== String(limit)) guaranteed = false;
    }
  }
  return !anyResources ? 'BestEffort' : guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The status an object starts with: whatever a client sent in `status` on create is dropped. */
export function initialStatus(type: ResourceType, object: KubeObject): Obj | undefined {
  switch (type.kind) {
    case 'Pod':
      return { phase: 'Pending', qosClass: qosClass(object.spec as Obj | undefined) };
    case 'PersistentVolumeClaim':
      return { phase: 'Pending' };
    case 'Namespace':
      return { phase: 'Active' };
    case 'Service':
      return { loadBalancer: {} };
    case 'StatefulSet':
      return { replicas: 0, availableReplicas: 0 };
    case 'PodDisruptionBudget':
      return { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    default:
      return object.status as Obj | undefined;
  }
}
