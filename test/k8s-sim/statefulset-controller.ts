import { createHash } from 'node:crypto';
import { isPodReady } from './disruption';
import type { ObjectStore, StoreEvent } from './object-store';
import type { Registry } from './registry';
import { resourceByKind } from './resources';
import { matchesLabels, selectorFromSpec, type LabelSelectorSpec } from './selectors';
import type { Scheduler } from './scheduler';
import { WorkQueue } from './scheduler';
import { cloneJson, jsonEqual, type KubeObject } from './types';

const manager = 'kube-controller-manager';
const revisionLabel = 'controller-revision-hash';
const podNameLabel = 'statefulset.kubernetes.io/pod-name';
const podIndexLabel = 'apps.kubernetes.io/pod-index';

/** One entry of the controller's trace: what it did to which pod, and when. */
export interface ControllerAction {
  time: number;
  action: 'create-pod' | 'delete-pod' | 'create-claim' | 'delete-claim';
  namespace: string;
  statefulSet: string;
  name: string;
  ordinal: number;
  revision?: string;
}

/** A hash of the pod template, in the shape Kubernetes uses for controller-revision-hash. */
export function templateRevision(statefulSetName: string, template: unknown): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const digest = createHash('sha256')
    .update(JSON.stringify(canonical(template)))
    .digest();
  let hash = '';
  for (let i = 0; i < 10; i += 1) hash += alphabet[digest[i]! % alphabet.length];
  return `${statefulSetName}-${hash}`;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

function ordinalOf(statefulSetName: string, podName: string): number | undefined {
  const prefix = `${statefulSetName}-`;
  if (!podName.startsWith(prefix)) return undefined;
  const rest = podName.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : undefined;
}

/**
 * The StatefulSet controller, after pkg/controller/statefulset: stable pod names `<sts>-<ordinal>`,
 * claims `<template>-<sts>-<ordinal>` that outlive their pods, OrderedReady (one pod at a time,
 * each waiting for its predecessors to be Running and Ready) or Parallel management, scale-in from
 * the highest ordinal, RollingUpdate from the highest ordinal down to the partition, OnDelete, and a
 * truthful status.
 */
export class StatefulSetController {
  readonly #queue: WorkQueue;
  /** Pod templates by revision name, per StatefulSet uid (the ControllerRevisions of the real thing). */
  readonly #revisions = new Map<string, Map<string, unknown>>();
  readonly #actions: ControllerAction[] = [];
  #unsubscribe: () => void = () => {};

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: Registry,
    scheduler: Scheduler,
  ) {
    this.#queue = new WorkQueue(scheduler, (key) => this.#reconcile(key));
  }

  start(): void {
    this.#unsubscribe = this.store.subscribe((event) => this.#onEvent(event));
    for (const sts of this.store.list(resourceByKind('StatefulSet'))) this.#queue.enqueue(keyOf(sts));
  }

  stop(): void {
    this.#unsubscribe();
  }

  /** What the controller did, oldest first. */
  actions(): ControllerAction[] {
    return this.#actions.map((a) => ({ ...a }));
  }

  /** Reconcile every StatefulSet again (after settings changed). */
  resyncAll(): void {
    for (const sts of this.store.list(resourceByKind('StatefulSet'))) this.#queue.enqueue(keyOf(sts));
  }

  #onEvent(event: StoreEvent): void {
    const object = event.object;
    switch (event.resource.kind) {
      case 'StatefulSet':
        if (event.type === 'DELETED') this.#revisions.delete(object.metadata.uid ?? '');
        else this.#queue.enqueue(keyOf(object));
        break;
      case 'Pod': {
        const ref = (object.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'StatefulSet');
        if (ref) this.#queue.enqueue(`${object.metadata.namespace}/${ref.name}`);
        break;
      }
      case 'PersistentVolumeClaim':
        for (const sts of this.store.list(resourceByKind('StatefulSet'), object.metadata.namespace)) this.#queue.enqueue(keyOf(sts));
        break;
    }
  }

  #reconcile(key: string): void {
    const [namespace, name] = key.split('/') as [string, string];
    const sts = this.store.get(resourceByKind('StatefulSet'), namespace, name);
    if (!sts || sts.metadata.deletionTimestamp) return;
    const spec = sts.spec ?? {};
    const uid = sts.metadata.uid!;
    const updateRevision = templateRevision(name, spec.template);
    let history = this.#revisions.get(uid);
    if (!history) {
      history = new Map();
      this.#revisions.set(uid, history);
    }
    history.set(updateRevision, cloneJson(spec.template));
    let currentRevision: string = sts.status?.currentRevision ?? updateRevision;
    if (!history.has(currentRevision)) currentRevision = updateRevision;

    const replicas: number = spec.replicas ?? 1;
    const start: number = spec.ordinals?.start ?? 0;
    const parallel = spec.podManagementPolicy === 'Parallel';
    const rolling = (spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const partition: number = rolling ? (spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;

    const pods = this.#ownedPods(sts);
    const byOrdinal = new Map<number, KubeObject>();
    const condemned: Array<{ ordinal: number; pod: KubeObject }> = [];
    for (const pod of pods) {
      const ordinal = ordinalOf(name, pod.metadata.name ?? '');
      if (ordinal === undefined) continue;
      if (ordinal >= start && ordinal < start + replicas) byOrdinal.set(ordinal, pod);
      else condemned.push({ ordinal, pod });
    }
    condemned.sort((a, b) => b.ordinal - a.ordinal);

    let blocked = false;
    // 1. Failed pods are deleted (and so recreated).
    for (const [ordinal, pod] of byOrdinal) {
      if (pod.status?.phase === 'Failed' && !pod.metadata.deletionTimestamp) {
        this.#deletePod(sts, pod, ordinal);
        byOrdinal.delete(ordinal);
        if (!parallel) blocked = true;
      }
    }
    // 2. Create missing replicas in ordinal order; OrderedReady waits for each to be Running and Ready.
    for (let ordinal = start; ordinal < start + replicas && !blocked; ordinal += 1) {
      const pod = byOrdinal.get(ordinal);
      if (!pod) {
        const revision = rolling && ordinal - start < partition ? currentRevision : updateRevision;
        if (!this.#ensureClaims(sts, ordinal)) {
          if (!parallel) blocked = true;
          continue;
        }
        this.#createPod(sts, ordinal, revision, history.get(revision) ?? spec.template);
        if (!parallel) blocked = true;
        continue;
      }
      if (!parallel && (pod.metadata.deletionTimestamp || !isRunningAndReady(pod))) blocked = true;
    }
    // 3. Scale in: the highest ordinal first, one at a time unless Parallel.
    if (!blocked) {
      for (const { ordinal, pod } of condemned) {
        if (pod.metadata.deletionTimestamp) {
          if (!parallel) {
            blocked = true;
            break;
          }
          continue;
        }
        this.#deletePod(sts, pod, ordinal);
        if (spec.persistentVolumeClaimRetentionPolicy?.whenScaled === 'Delete') this.#deleteClaims(sts, ordinal);
        if (!parallel) {
          blocked = true;
          break;
        }
      }
    }
    // 4. Rolling update: from the highest ordinal down to the partition, one pod at a time.
    if (!blocked && rolling && condemned.length === 0) {
      for (let ordinal = start + replicas - 1; ordinal >= start + partition; ordinal -= 1) {
        const pod = byOrdinal.get(ordinal);
        if (!pod || pod.metadata.deletionTimestamp) break;
        if (pod.metadata.labels?.[revisionLabel] !== updateRevision) {
          this.#deletePod(sts, pod, ordinal);
          break;
        }
        if (!isRunningAndReady(pod)) break;
      }
    }
    this.#writeStatus(sts, currentRevision, updateRevision);
  }

  /** The pods this StatefulSet controls; orphans with its name pattern and labels are adopted, as the real controller does. */
  #ownedPods(sts: KubeObject): KubeObject[] {
    const selector = selectorFromSpec(sts.spec?.selector as LabelSelectorSpec | undefined);
    const owned: KubeObject[] = [];
    for (const pod of this.store.list(resourceByKind('Pod'), sts.metadata.namespace)) {
      const refs = pod.metadata.ownerReferences ?? [];
      if (refs.some((r) => r.controller && r.uid === sts.metadata.uid)) {
        owned.push(pod);
        continue;
      }
      const orphan = !refs.some((r) => r.controller);
      if (!orphan || pod.metadata.deletionTimestamp || selector.length === 0 || !matchesLabels(selector, pod.metadata.labels)) continue;
      if (ordinalOf(sts.metadata.name!, pod.metadata.name ?? '') === undefined) continue;
      const adopted = cloneJson(pod);
      adopted.metadata.ownerReferences = [...refs, ownerReference(sts, true)];
      owned.push(this.registry.writeAsSystem(resourceByKind('Pod'), adopted, manager));
    }
    return owned;
  }

  /** Creates the pod's missing claims; false while one of them is still being deleted. */
  #ensureClaims(sts: KubeObject, ordinal: number): boolean {
    const claimType = resourceByKind('PersistentVolumeClaim');
    const name = sts.metadata.name!;
    for (const template of (sts.spec?.volumeClaimTemplates ?? []) as KubeObject[]) {
      const claimName = `${template.metadata.name}-${name}-${ordinal}`;
      const existing = this.store.get(claimType, sts.metadata.namespace, claimName);
      if (existing) {
        if (existing.metadata.deletionTimestamp) return false;
        continue;
      }
      const ownedOnDelete = sts.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
      this.registry.createAsSystem(
        claimType,
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name: claimName,
            namespace: sts.metadata.namespace,
            labels: { ...template.metadata.labels, ...(sts.spec?.selector?.matchLabels ?? {}) },
            ...(template.metadata.annotations ? { annotations: template.metadata.annotations } : {}),
            ...(ownedOnDelete ? { ownerReferences: [ownerReference(sts, false)] } : {}),
          },
          spec: cloneJson(template.spec),
        },
        manager,
      );
      this.#trace('create-claim', sts, claimName, ordinal);
    }
    return true;
  }

  #deleteClaims(sts: KubeObject, ordinal: number): void {
    const claimType = resourceByKind('PersistentVolumeClaim');
    for (const template of (sts.spec?.volumeClaimTemplates ?? []) as KubeObject[]) {
      const claimName = `${template.metadata.name}-${sts.metadata.name}-${ordinal}`;
      if (!this.store.get(claimType, sts.metadata.namespace, claimName)) continue;
      this.registry.delete(claimType, sts.metadata.namespace, claimName);
      this.#trace('delete-claim', sts, claimName, ordinal);
    }
  }

  #createPod(sts: KubeObject, ordinal: number, revision: string, template: any): void {
    const name = `${sts.metadata.name}-${ordinal}`;
    const claims = (sts.spec?.volumeClaimTemplates ?? []) as KubeObject[];
    const claimVolumes = claims.map((c) => ({ name: c.metadata.name!, persistentVolumeClaim: { claimName: `${c.metadata.name}-${sts.metadata.name}-${ordinal}` } }));
    const templateVolumes = ((template?.spec?.volumes ?? []) as Array<{ name: string }>).filter((v) => !claimVolumes.some((c) => c.name === v.name));
    const spec = cloneJson(template?.spec ?? {});
    spec.volumes = [...claimVolumes, ...templateVolumes];
    if (spec.volumes.length === 0) delete spec.volumes;
    spec.hostname = name;
    if (sts.spec?.serviceName) spec.subdomain = sts.spec.serviceName;
    this.registry.createAsSystem(
      resourceByKind('Pod'),
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: sts.metadata.namespace,
          labels: { ...(template?.metadata?.labels ?? {}), [revisionLabel]: revision, [podNameLabel]: name, [podIndexLabel]: String(ordinal) },
          ...(template?.metadata?.annotations ? { annotations: cloneJson(template.metadata.annotations) } : {}),
          ownerReferences: [ownerReference(sts, true)],
        },
        spec,
      },
      manager,
    );
    this.#trace('create-pod', sts, name, ordinal, revision);
  }

  #deletePod(sts: KubeObject, pod: KubeObject, ordinal: number): void {
    this.registry.delete(resourceByKind('Pod'), pod.metadata.namespace, pod.metadata.name!);
    this.#trace('delete-pod', sts, pod.metadata.name!, ordinal, pod.metadata.labels?.[revisionLabel]);
  }

  #trace(action: ControllerAction['action'], sts: KubeObject, name: string, ordinal: number, revision?: string): void {
    this.#actions.push({ time: Date.now(), action, namespace: sts.metadata.namespace!, statefulSet: sts.metadata.name!, name, ordinal, ...(revision ? { revision } : {}) });
    if (this.#actions.length > 10_000) this.#actions.shift();
  }

  #writeStatus(sts: KubeObject, currentRevisionIn: string, updateRevision: string): void {
    const live = this.store.get(resourceByKind('StatefulSet'), sts.metadata.namespace, sts.metadata.name!);
    if (!live) return;
    const pods = this.#ownedPods(live).filter((p) => !p.metadata.deletionTimestamp);
    const minReadySeconds: number = live.spec?.minReadySeconds ?? 0;
    const ready = pods.filter(isPodReady);
    const now = Date.now();
    let nextAvailableCheck: number | undefined;
    const available = ready.filter((pod) => {
      if (minReadySeconds <= 0) return true;
      const since = Date.parse(((pod.status?.conditions ?? []) as Array<{ type: string; lastTransitionTime?: string }>).find((c) => c.type === 'Ready')?.lastTransitionTime ?? '');
      const due = since + minReadySeconds * 1000;
      if (due <= now) return true;
      nextAvailableCheck = Math.min(nextAvailableCheck ?? Infinity, due - now);
      return false;
    });
    if (nextAvailableCheck !== undefined) this.#queue.enqueue(keyOf(live), nextAvailableCheck + 5);
    const updated = pods.filter((p) => p.metadata.labels?.[revisionLabel] === updateRevision).length;
    let currentRevision = currentRevisionIn;
    let current = pods.filter((p) => p.metadata.labels?.[revisionLabel] === currentRevision).length;
    // A finished rollout (every pod on the update revision and Ready) makes it the current one.
    if (updated === pods.length && ready.length === pods.length) {
      currentRevision = updateRevision;
      current = updated;
    }
    // Zero counts are left out, as the Go types' omitempty does (replicas and availableReplicas stay).
    const status: Record<string, unknown> = {
      observedGeneration: live.metadata.generation,
      replicas: pods.length,
      ...(ready.length > 0 ? { readyReplicas: ready.length } : {}),
      ...(current > 0 ? { currentReplicas: current } : {}),
      ...(updated > 0 ? { updatedReplicas: updated } : {}),
      availableReplicas: available.length,
      currentRevision,
      updateRevision,
    };
    if (jsonEqual(status, live.status)) return;
    this.registry.writeAsSystem(resourceByKind('StatefulSet'), { ...live, status }, manager, 'status');
  }
}

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace}/${object.metadata.name}`;
}

function isRunningAndReady(pod: KubeObject): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

function ownerReference(sts: KubeObject, controller: boolean): NonNullable<KubeObject['metadata']['ownerReferences']>[number] {
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', name: sts.metadata.name!, uid: sts.metadata.uid!, controller, blockOwnerDeletion: true };
}
