import { assessBudget, podsCoveredBy } from './disruption';
import type { ObjectStore, StoreEvent } from './object-store';
import { parseQuantity } from './quantity';
import type { Registry } from './registry';
import { RESOURCE_TYPES, resourceByKind } from './resources';
import { WorkQueue, type Scheduler } from './scheduler';
import { cloneJson, jsonEqual, kubeTime, type KubeObject } from './types';

const pvcProtection = 'kubernetes.io/pvc-protection';

/**
 * The small controllers around the StatefulSet one:
 * - namespace: empties a Terminating namespace, then removes it;
 * - volumes: binds each new claim to a made-up volume (Bound at once, capacity = request) and
 *   lifts the pvc-protection finalizer once no pod uses a deleted claim;
 * - disruption: keeps PodDisruptionBudget status (expected/healthy pods, disruptionsAllowed).
 */
export class ClusterControllers {
  readonly #namespaces: WorkQueue;
  readonly #claims: WorkQueue;
  readonly #budgets: WorkQueue;
  #unsubscribe: () => void = () => {};

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: Registry,
    scheduler: Scheduler,
  ) {
    this.#namespaces = new WorkQueue(scheduler, (name) => this.#finalizeNamespace(name));
    this.#claims = new WorkQueue(scheduler, (key) => this.#reconcileClaim(key));
    this.#budgets = new WorkQueue(scheduler, (namespace) => this.#reconcileBudgets(namespace));
  }

  start(): void {
    this.#unsubscribe = this.store.subscribe((event) => this.#onEvent(event));
  }

  stop(): void {
    this.#unsubscribe();
  }

  #onEvent(event: StoreEvent): void {
    const object = event.object;
    const namespace = object.metadata.namespace ?? '';
    switch (event.resource.kind) {
      case 'Namespace':
        if (event.type !== 'DELETED' && object.metadata.deletionTimestamp) this.#namespaces.enqueue(object.metadata.name!);
        break;
      case 'PersistentVolumeClaim':
        if (event.type !== 'DELETED') this.#claims.enqueue(`${namespace}/${object.metadata.name}`);
        break;
      case 'Pod':
        this.#budgets.enqueue(namespace);
        if (event.type === 'DELETED') {
          for (const claim of claimNamesOf(object)) this.#claims.enqueue(`${namespace}/${claim}`);
        }
        break;
      case 'PodDisruptionBudget':
      case 'StatefulSet':
        if (event.type !== 'DELETED') this.#budgets.enqueue(namespace);
        break;
    }
  }

  #finalizeNamespace(name: string): void {
    const namespaceType = resourceByKind('Namespace');
    const ns = this.store.get(namespaceType, undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    for (const type of RESOURCE_TYPES.filter((t) => t.namespaced)) {
      for (const object of this.store.list(type, name)) this.store.delete(type, name, object.metadata.name!);
    }
    this.store.delete(namespaceType, undefined, name);
  }

  #reconcileClaim(key: string): void {
    const [namespace, name] = key.split('/') as [string, string];
    const claimType = resourceByKind('PersistentVolumeClaim');
    const claim = this.store.get(claimType, namespace, name);
    if (!claim) return;
    if (claim.metadata.deletionTimestamp) {
      const inUse = this.store.list(resourceByKind('Pod'), namespace).some((pod) => claimNamesOf(pod).includes(name) && !['Succeeded', 'Failed'].includes(pod.status?.phase));
      if (inUse || !(claim.metadata.finalizers ?? []).includes(pvcProtection)) return;
      const released = cloneJson(claim);
      released.metadata.finalizers = (released.metadata.finalizers ?? []).filter((f) => f !== pvcProtection);
      this.registry.writeAsSystem(claimType, released, 'kube-controller-manager');
      return;
    }
    if (claim.status?.phase === 'Bound') {
      // Volume expansion: the made-up volume grows to whatever a larger request asks for.
      const requested = claim.spec?.resources?.requests?.storage;
      const capacity = claim.status?.capacity?.storage;
      if (requested && (parseQuantity(requested) ?? 0) > (parseQuantity(capacity) ?? 0)) {
        this.registry.writeAsSystem(claimType, { ...claim, status: { ...claim.status, capacity: { ...claim.status.capacity, storage: requested } } }, 'kube-controller-manager', 'status');
      }
      return;
    }
    const bound = cloneJson(claim);
    bound.spec = { ...bound.spec, volumeName: bound.spec?.volumeName ?? `pvc-${claim.metadata.uid}` };
    bound.metadata.annotations = {
      ...bound.metadata.annotations,
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
    };
    const written = this.registry.writeAsSystem(claimType, bound, 'kube-controller-manager');
    const storage = written.spec?.resources?.requests?.storage;
    this.registry.writeAsSystem(
      claimType,
      { ...written, status: { phase: 'Bound', accessModes: written.spec?.accessModes ?? [], ...(storage ? { capacity: { storage } } : {}) } },
      'kube-controller-manager',
      'status',
    );
  }

  #reconcileBudgets(namespace: string): void {
    const budgetType = resourceByKind('PodDisruptionBudget');
    const pods = this.store.list(resourceByKind('Pod'), namespace);
    for (const budget of this.store.list(budgetType, namespace)) {
      const covered = podsCoveredBy(budget, pods);
      const assessment = assessBudget(budget, covered, (pod) => this.registry.controllerReplicas(pod));
      const allowed = assessment.disruptionsAllowed > 0;
      const before = ((budget.status?.conditions ?? []) as Array<Record<string, unknown>>).find((c) => c.type === 'DisruptionAllowed');
      const status = allowed ? 'True' : 'False';
      const conditionEntry = {
        type: 'DisruptionAllowed',
        status,
        reason: allowed ? 'SufficientPods' : 'InsufficientPods',
        message: '',
        observedGeneration: budget.metadata.generation,
        lastTransitionTime: before && before.status === status ? before.lastTransitionTime : kubeTime(),
      };
      const next = {
        observedGeneration: budget.metadata.generation,
        disruptionsAllowed: assessment.disruptionsAllowed,
        currentHealthy: assessment.currentHealthy,
        desiredHealthy: assessment.desiredHealthy,
        expectedPods: assessment.expectedPods,
        conditions: [conditionEntry],
      };
      if (jsonEqual(next, budget.status)) continue;
      this.registry.writeAsSystem(budgetType, { ...budget, status: next } as KubeObject, 'kube-controller-manager', 'status');
    }
  }
}

function claimNamesOf(pod: KubeObject): string[] {
  return ((pod.spec?.volumes ?? []) as Array<{ persistentVolumeClaim?: { claimName?: string } }>).map((v) => v.persistentVolumeClaim?.claimName).filter((c): c is string => typeof c === 'string');
}
