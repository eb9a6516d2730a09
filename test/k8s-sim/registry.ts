import { randomInt, randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { applyDefaults, initialStatus } from './defaults';
import { assessBudget, isPodReady, podsCoveredBy } from './disruption';
import { applyConfiguration, recordUpdate } from './managed-fields';
import type { ObjectStore } from './object-store';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, JsonPatchApplyError, parseJsonPatch } from './patch';
import { apiVersionOf, resourceByKind, type ResourceType } from './resources';
import { formatLabelSelector, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, selectorFromSpec, type LabelSelectorSpec } from './selectors';
import { alreadyExists, ApiError, applyConflict, badRequest, conflict, deletedStatus, expired, forbidden, internalError, invalid, notFound, tooManyRequests, type StatusBody } from './status';
import { cloneJson, isPlainObject, jsonEqual, kubeTime, type Json, type KubeObject } from './types';
import { validateObject, validateSchemaOnly } from './validation';

/** The four patch content types the API server accepts. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** Options shared by writes. */
export interface WriteOptions {
  /** fieldManager query parameter (defaults to the user agent's product name, as the API server does). */
  fieldManager?: string;
  userAgent?: string;
  dryRun?: boolean;
}

/** Options of a patch. */
export interface PatchOptions extends WriteOptions {
  force?: boolean;
}

/** Options of a list. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continueToken?: string;
}

/** metav1.DeleteOptions, as far as the simulator honours them. */
export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** A list response body. */
export interface ListBody {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KubeObject[];
}

/** Tuning of object life-cycle behaviour the registry owns. */
export interface RegistryOptions {
  /** > 0: a deleted pod lingers Terminating (the kubelet removes it); 0: pods vanish at once. */
  podTerminationGraceMs: () => number;
}

function defaultManager(userAgent: string | undefined): string {
  const product = (userAgent ?? '').split('/')[0]?.trim();
  return product && product.length > 0 ? product.slice(0, 128) : 'unknown';
}

function generatedSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let suffix = '';
  for (let i = 0; i < 5; i += 1) suffix += alphabet[randomInt(alphabet.length)];
  return suffix;
}

/** Keeps the cluster-assigned Service addresses (ClusterIPs, NodePorts) unique. */
class ServiceAddressAllocator {
  #nextIp = 10;
  #nextNodePort = 30000;

  constructor(private readonly inUse: () => KubeObject[]) {}

  allocate(service: KubeObject, previous: KubeObject | undefined): void {
    const spec = service.spec as Record<string, any>;
    if (!isPlainObject(spec)) return;
    const others = this.inUse().filter((s) => s.metadata.uid !== previous?.metadata.uid);
    if (previous?.spec?.clusterIP && !spec.clusterIP) spec.clusterIP = previous.spec.clusterIP;
    if (spec.type !== 'ExternalName') {
      if (!spec.clusterIP) {
        const taken = new Set(others.map((s) => s.spec?.clusterIP));
        let ip: string;
        do {
          ip = `10.96.${Math.floor(this.#nextIp / 250)}.${(this.#nextIp % 250) + 2}`;
          this.#nextIp += 1;
        } while (taken.has(ip));
        spec.clusterIP = ip;
      } else if (spec.clusterIP !== 'None' && spec.clusterIP !== previous?.spec?.clusterIP && others.some((s) => s.spec?.clusterIP === spec.clusterIP)) {
        throw invalid(resourceByKind('Service'), service.metadata.name ?? '', [
          { reason: 'FieldValueInvalid', message: `Invalid value: ["${spec.clusterIP}"]: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`, field: 'spec.clusterIPs' },
        ]);
      }
      spec.clusterIPs = [spec.clusterIP];
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      const taken = new Set(others.flatMap((s) => ((s.spec?.ports ?? []) as Array<{ nodePort?: number }>).map((p) => p.nodePort)));
      for (const [i, port] of ((spec.ports ?? []) as Array<Record<string, any>>).entries()) {
        const before = ((previous?.spec?.ports ?? []) as Array<Record<string, any>>).find((p) => p.port === port.port && p.protocol === port.protocol);
        if (port.nodePort === undefined && before?.nodePort) port.nodePort = before.nodePort;
        if (port.nodePort === undefined) {
          while (taken.has(this.#nextNodePort)) this.#nextNodePort += 1;
          port.nodePort = this.#nextNodePort;
          this.#nextNodePort += 1;
        } else if (taken.has(port.nodePort)) {
          throw invalid(resourceByKind('Service'), service.metadata.name ?? '', [
            { reason: 'FieldValueInvalid', message: `Invalid value: ${port.nodePort}: provided port is already allocated`, field: `spec.ports[${i}].nodePort` },
          ]);
        }
        taken.add(port.nodePort);
      }
    } else if (Array.isArray(spec.ports)) {
      for (const port of spec.ports as Array<Record<string, any>>) delete port.nodePort;
    }
  }
}

/** What one write asks of the common update path. */
interface CommitContext {
  manager: string;
  subresource?: 'status' | 'scale';
  dryRun?: boolean;
  /** Apply computed managedFields itself. */
  managedFields?: KubeObject['metadata']['managedFields'];
}

/**
 * The API semantics over the store: create/get/list/replace/patch/delete with defaulting,
 * validation, optimistic concurrency, generation, status and scale subresources, server-side
 * apply, garbage collection by ownerReferences, finalizers and eviction.
 *
 * Every method is synchronous: one request's read-check-write cannot interleave with another's.
 */
export class Registry {
  readonly #addresses: ServiceAddressAllocator;

  constructor(
    private readonly store: ObjectStore,
    private readonly options: RegistryOptions,
  ) {
    this.#addresses = new ServiceAddressAllocator(() => store.list(resourceByKind('Service')));
  }

  // ---- reads -------------------------------------------------------------------------------

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const object = this.store.get(type, namespace, name);
    if (!object) throw notFound(type, name);
    return object;
  }

  list(type: ResourceType, namespace: string | undefined, options: ListOptions = {}): ListBody {
    const labelSelector = parseLabelSelector(options.labelSelector);
    const fieldSelector = parseFieldSelector(options.fieldSelector, type.kind);
    const revision = this.store.revision;
    let items = this.store.list(type, namespace).filter((o) => matchesLabels(labelSelector, o.metadata.labels) && matchesFields(fieldSelector, o));
    let start = 0;
    if (options.continueToken) {
      const token = decodeContinue(options.continueToken);
      if ('expired' in this.store.eventsSince(type, token.rv)) {
        throw expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      }
      start = items.findIndex((o) => objectKey(o) > token.key);
      if (start < 0) start = items.length;
    }
    items = items.slice(start);
    const metadata: ListBody['metadata'] = { resourceVersion: String(revision) };
    if (options.limit !== undefined && options.limit > 0 && items.length > options.limit) {
      const page = items.slice(0, options.limit);
      metadata.continue = encodeContinue({ rv: revision, key: objectKey(page[page.length - 1]!) });
      metadata.remainingItemCount = items.length - page.length;
      items = page;
    }
    // The API server leaves apiVersion and kind out of list items.
    const stripped = items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest as KubeObject);
    return { apiVersion: apiVersionOf(type), kind: type.listKind, metadata, items: stripped };
  }

  // ---- create ------------------------------------------------------------------------------

  create(type: ResourceType, namespace: string | undefined, body: unknown, options: WriteOptions = {}): KubeObject {
    const object = this.#decode(type, body);
    if (type.namespaced) {
      if (object.metadata.namespace && namespace && object.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      object.metadata.namespace = namespace ?? object.metadata.namespace ?? 'default';
    } else if (object.metadata.namespace) {
      delete object.metadata.namespace;
    }
    return this.#create(type, object, { manager: options.fieldManager ?? defaultManager(options.userAgent), dryRun: options.dryRun });
  }

  #create(type: ResourceType, input: KubeObject, context: CommitContext): KubeObject {
    const object = cloneJson(input);
    const meta = object.metadata;
    if (type.namespaced) this.#checkNamespaceOpen(type, meta.namespace!, meta.name ?? meta.generateName ?? '');
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${generatedSuffix()}`;
    if (meta.resourceVersion) throw internalError('resourceVersion should not be set on objects to be created');
    if (meta.name && this.store.get(type, meta.namespace, meta.name)) throw alreadyExists(type, meta.name);
    validateSchemaOnly(type, object);
    meta.uid = randomUUID();
    meta.creationTimestamp = kubeTime();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.managedFields;
    if (type.hasGeneration) meta.generation = 1;
    else delete meta.generation;
    if (type.hasStatusSubresource) {
      const status = initialStatus(type, object);
      if (status === undefined) delete object.status;
      else object.status = status;
    }
    applyDefaults(type, object);
    if (type.kind === 'Service') this.#addresses.allocate(object, undefined);
    if (type.kind === 'PersistentVolumeClaim') {
      // The StorageObjectInUseProtection admission plugin: a claim in use is not deleted under its pod.
      meta.finalizers = [...new Set([...(meta.finalizers ?? []), 'kubernetes.io/pvc-protection'])];
    }
    validateObject(type, object);
    meta.managedFields = context.managedFields ?? recordUpdate(undefined, object, { manager: context.manager, apiVersion: apiVersionOf(type) });
    if (context.dryRun) return object;
    return this.store.create(type, object);
  }

  #checkNamespaceOpen(type: ResourceType, namespace: string, name: string): void {
    const ns = this.store.get(resourceByKind('Namespace'), undefined, namespace);
    if (!ns) throw notFound(resourceByKind('Namespace'), namespace);
    if (ns.metadata.deletionTimestamp) {
      const error = forbidden(`${type.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, type, name);
      error.status.details = { ...error.status.details, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] };
      throw error;
    }
  }

  // ---- replace -----------------------------------------------------------------------------

  replace(type: ResourceType, namespace: string | undefined, name: string, body: unknown, options: WriteOptions & { subresource?: 'status' } = {}): KubeObject {
    const object = this.#decode(type, body);
    this.#checkIdentity(type, object, namespace, name, true);
    const previous = this.get(type, namespace, name);
    if (object.metadata.resourceVersion && object.metadata.resourceVersion !== previous.metadata.resourceVersion) throw conflict(type, name);
    return this.#commit(type, previous, object, {
      manager: options.fieldManager ?? defaultManager(options.userAgent),
      subresource: options.subresource,
      dryRun: options.dryRun,
    });
  }

  /** Writes on behalf of a simulated controller or kubelet (no preconditions, no faults). */
  writeAsSystem(type: ResourceType, object: KubeObject, manager: string, subresource?: 'status'): KubeObject {
    const previous = this.get(type, object.metadata.namespace, object.metadata.name ?? '');
    return this.#commit(type, previous, object, { manager, subresource });
  }

  /** Creates on behalf of a simulated controller. */
  createAsSystem(type: ResourceType, object: KubeObject, manager: string): KubeObject {
    return this.#create(type, object, { manager });
  }

  #commit(type: ResourceType, previous: KubeObject, candidate: KubeObject, context: CommitContext): KubeObject {
    let next = cloneJson(candidate);
    if (context.subresource === 'status') {
      next = { ...cloneJson(previous), status: next.status };
    } else {
      const prevMeta = previous.metadata;
      next.metadata = {
        ...next.metadata,
        name: prevMeta.name,
        namespace: prevMeta.namespace,
        uid: prevMeta.uid,
        creationTimestamp: prevMeta.creationTimestamp,
        deletionTimestamp: prevMeta.deletionTimestamp,
        deletionGracePeriodSeconds: prevMeta.deletionGracePeriodSeconds,
        generation: prevMeta.generation,
        managedFields: prevMeta.managedFields,
      };
      if (!type.namespaced) delete next.metadata.namespace;
      if (type.hasStatusSubresource) {
        if (previous.status === undefined) delete next.status;
        else next.status = cloneJson(previous.status);
      }
      validateSchemaOnly(type, next);
      applyDefaults(type, next);
      if (type.kind === 'Service') this.#addresses.allocate(next, previous);
    }
    for (const key of Object.keys(next.metadata) as Array<keyof typeof next.metadata>) {
      if (next.metadata[key] === undefined) delete next.metadata[key];
    }
    validateObject(type, next, previous);
    if (type.hasGeneration && context.subresource !== 'status' && !jsonEqual(specOf(next), specOf(previous))) {
      next.metadata.generation = (previous.metadata.generation ?? 0) + 1;
    }
    if (jsonEqual(comparable(next), comparable(previous))) return previous;
    next.metadata.managedFields = context.managedFields ?? recordUpdate(previous, next, { manager: context.manager, apiVersion: apiVersionOf(type), subresource: context.subresource });
    if (context.dryRun) return next;
    next.metadata.resourceVersion = previous.metadata.resourceVersion;
    if (next.metadata.deletionTimestamp && (previous.metadata.finalizers ?? []).length > 0 && (next.metadata.finalizers ?? []).length === 0) {
      // The last finalizer is gone: the deletion that was asked for completes now.
      return this.store.delete(type, next.metadata.namespace, next.metadata.name ?? '') ?? next;
    }
    return this.store.update(type, next);
  }

  // ---- patch -------------------------------------------------------------------------------

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    rawBody: string,
    options: PatchOptions & { subresource?: 'status' } = {},
  ): { object: KubeObject; created: boolean } {
    const causes = [];
    if (options.force !== undefined && patchType !== 'apply') causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' });
    if (patchType === 'apply' && !options.fieldManager) causes.push({ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' });
    if (causes.length > 0) throw patchOptionsInvalid(causes);
    const manager = options.fieldManager ?? defaultManager(options.userAgent);
    const body = parsePatchBody(patchType, rawBody);
    const previous = this.store.get(type, namespace, name);

    if (patchType === 'apply' && options.subresource === 'status') {
      // Apply to /status: merged into the status only (no field ownership tracked for it).
      if (!previous) throw notFound(type, name);
      const applied = this.#decode(type, body);
      this.#checkIdentity(type, applied, namespace, name, false);
      const merged = applyStrategicMergePatch(previous as unknown as Json, { status: applied.status ?? {} } as Json) as unknown as KubeObject;
      return { object: this.#commit(type, previous, merged, { manager, subresource: 'status', dryRun: options.dryRun }), created: false };
    }
    if (patchType === 'apply') {
      const applied = this.#decode(type, body);
      this.#checkIdentity(type, applied, namespace, name, false);
      const appliedVersion = applied.metadata.resourceVersion;
      if (appliedVersion && appliedVersion !== previous?.metadata.resourceVersion) throw conflict(type, name);
      delete applied.metadata.resourceVersion;
      for (const key of ['uid', 'creationTimestamp', 'generation', 'managedFields', 'deletionTimestamp'] as const) delete applied.metadata[key];
      const result = applyConfiguration(
        previous,
        applied,
        { manager, apiVersion: apiVersionOf(type), force: options.force === true },
        (target, patch) => applyStrategicMergePatch(target as unknown as Json, patch as unknown as Json) as unknown as KubeObject,
      );
      if (result.conflicts.length > 0) throw applyConflict(type, name, result.conflicts);
      if (!previous) {
        result.object.metadata = { ...result.object.metadata, name, ...(type.namespaced ? { namespace } : {}) };
        return { object: this.#create(type, result.object, { manager, dryRun: options.dryRun, managedFields: result.object.metadata.managedFields }), created: true };
      }
      return {
        object: this.#commit(type, previous, result.object, { manager, dryRun: options.dryRun, managedFields: result.object.metadata.managedFields, subresource: options.subresource }),
        created: false,
      };
    }

    if (!previous) throw notFound(type, name);
    let patched: Json;
    try {
      switch (patchType) {
        case 'json':
          patched = applyJsonPatch(previous as unknown as Json, parseJsonPatch(body));
          break;
        case 'merge':
          patched = applyMergePatch(previous as unknown as Json, body as Json);
          break;
        case 'strategic':
          if (!isPlainObject(body)) throw badRequest('strategic merge patch body must be a JSON object');
          patched = applyStrategicMergePatch(previous as unknown as Json, body as Json) as Json;
          break;
      }
    } catch (error) {
      if (error instanceof JsonPatchApplyError) {
        throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: error.message, reason: 'Invalid', code: 422 });
      }
      throw error;
    }
    const object = this.#decode(type, patched);
    this.#checkIdentity(type, object, namespace, name, false);
    if (object.metadata.resourceVersion && object.metadata.resourceVersion !== previous.metadata.resourceVersion) throw conflict(type, name);
    return { object: this.#commit(type, previous, object, { manager, subresource: options.subresource, dryRun: options.dryRun }), created: false };
  }

  // ---- scale subresource ------------------------------------------------------------------

  getScale(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    return scaleOf(this.get(type, namespace, name));
  }

  replaceScale(type: ResourceType, namespace: string | undefined, name: string, body: unknown, options: WriteOptions = {}): KubeObject {
    const previous = this.get(type, namespace, name);
    if (!isPlainObject(body)) throw badRequest('the body of a Scale update must be a JSON object');
    const scale = body as KubeObject;
    const version = scale.metadata?.resourceVersion;
    if (version && version !== previous.metadata.resourceVersion) throw conflict(type, name);
    const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas ?? 0;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      const scaleType = { ...type, kind: 'Scale', group: 'autoscaling' };
      throw invalid(scaleType, name, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' }]);
    }
    const next = cloneJson(previous);
    next.spec = { ...next.spec, replicas };
    const written = this.#commit(type, previous, next, { manager: options.fieldManager ?? defaultManager(options.userAgent), subresource: 'scale', dryRun: options.dryRun });
    return scaleOf(written);
  }

  patchScale(type: ResourceType, namespace: string | undefined, name: string, patchType: PatchType, rawBody: string, options: WriteOptions = {}): KubeObject {
    const current = scaleOf(this.get(type, namespace, name)) as unknown as Json;
    const body = parsePatchBody(patchType, rawBody);
    let patched: Json;
    try {
      if (patchType === 'json') patched = applyJsonPatch(current, parseJsonPatch(body));
      else if (patchType === 'merge') patched = applyMergePatch(current, body as Json);
      else patched = applyStrategicMergePatch(current, body as Json) as Json;
    } catch (error) {
      if (error instanceof JsonPatchApplyError) throw badRequest(error.message);
      throw error;
    }
    return this.replaceScale(type, namespace, name, patched, options);
  }

  // ---- delete ------------------------------------------------------------------------------

  /** Deletes (or starts deleting) an object; answers what the API server answers: the object or a Status. */
  delete(type: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): KubeObject | StatusBody {
    const current = this.get(type, namespace, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw conflict(type, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(type, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
    }
    if (options.dryRun) return answersWithObject(type) ? current : deletedStatus(type, name, current.metadata.uid);

    if (type.kind === 'Namespace') {
      if (current.metadata.deletionTimestamp) return current;
      const terminating = cloneJson(current);
      terminating.metadata.deletionTimestamp = kubeTime();
      terminating.status = { ...terminating.status, phase: 'Terminating' };
      // The namespace controller empties it and removes it.
      return this.store.update(type, terminating);
    }

    const graceMs = this.options.podTerminationGraceMs();
    const graceful = type.kind === 'Pod' && options.gracePeriodSeconds !== 0 && graceMs > 0 && !isUnscheduledOrDone(current);
    const finalizers = current.metadata.finalizers ?? [];
    if (graceful || finalizers.length > 0) {
      if (type.kind === 'Pod' && current.metadata.deletionTimestamp && options.gracePeriodSeconds === 0 && finalizers.length === 0) {
        return this.#remove(type, current, options.propagationPolicy);
      }
      if (current.metadata.deletionTimestamp) return current;
      const marked = cloneJson(current);
      marked.metadata.deletionTimestamp = kubeTime(new Date(Date.now() + (graceful ? graceMs : 0)));
      if (graceful) marked.metadata.deletionGracePeriodSeconds = options.gracePeriodSeconds ?? current.spec?.terminationGracePeriodSeconds ?? 30;
      const updated = this.store.update(type, marked);
      this.#collectDependents(updated, options.propagationPolicy ?? 'Background');
      return updated;
    }
    const removed = this.#remove(type, current, options.propagationPolicy);
    return answersWithObject(type) ? removed : deletedStatus(type, name, current.metadata.uid);
  }

  /** DELETE on a collection: deletes every object the selectors pick and answers them as a list. */
  deleteCollection(type: ResourceType, namespace: string | undefined, listOptions: ListOptions, options: DeleteOptions = {}): ListBody {
    const selected = this.list(type, namespace, { labelSelector: listOptions.labelSelector, fieldSelector: listOptions.fieldSelector });
    const deleted: KubeObject[] = [];
    for (const item of selected.items) {
      const result = this.delete(type, item.metadata.namespace, item.metadata.name ?? '', options);
      deleted.push(result.kind === 'Status' ? item : (result as KubeObject));
    }
    return { ...selected, metadata: { resourceVersion: String(this.store.revision) }, items: deleted };
  }

  /** Removes an object now and garbage-collects what it owns. */
  removeNow(type: ResourceType, object: KubeObject): void {
    if (this.store.get(type, object.metadata.namespace, object.metadata.name ?? '')) this.#remove(type, object, 'Background');
  }

  #remove(type: ResourceType, object: KubeObject, policy: DeleteOptions['propagationPolicy']): KubeObject {
    const effective = policy ?? 'Background';
    if (effective === 'Foreground') this.#collectDependents(object, 'Foreground');
    const removed = this.store.delete(type, object.metadata.namespace, object.metadata.name ?? '') ?? object;
    if (effective !== 'Foreground') this.#collectDependents(object, effective);
    return removed;
  }

  /** The garbage collector, run inline: dependents of a deleted owner are deleted or orphaned. */
  #collectDependents(owner: KubeObject, policy: 'Orphan' | 'Background' | 'Foreground'): void {
    const uid = owner.metadata.uid;
    if (!uid) return;
    for (const candidateType of [
      resourceByKind('Pod'),
      resourceByKind('PersistentVolumeClaim'),
      resourceByKind('ConfigMap'),
      resourceByKind('Secret'),
      resourceByKind('Service'),
      resourceByKind('StatefulSet'),
      resourceByKind('PodDisruptionBudget'),
    ]) {
      for (const dependent of this.store.list(candidateType, owner.metadata.namespace)) {
        const refs = dependent.metadata.ownerReferences ?? [];
        if (!refs.some((r) => r.uid === uid)) continue;
        if (policy === 'Orphan') {
          const orphaned = cloneJson(dependent);
          orphaned.metadata.ownerReferences = refs.filter((r) => r.uid !== uid);
          if (orphaned.metadata.ownerReferences.length === 0) delete orphaned.metadata.ownerReferences;
          this.store.update(candidateType, orphaned);
        } else if (refs.every((r) => r.uid === uid || !this.#ownerExists(r.uid, dependent))) {
          // Only when no other live owner holds on to it, as the real garbage collector decides.
          if (!dependent.metadata.deletionTimestamp || candidateType.kind !== 'Pod') {
            this.delete(candidateType, dependent.metadata.namespace, dependent.metadata.name ?? '', { propagationPolicy: policy });
          }
        }
      }
    }
  }

  #ownerExists(uid: string, dependent: KubeObject): boolean {
    const ref = (dependent.metadata.ownerReferences ?? []).find((r) => r.uid === uid);
    if (!ref) return false;
    try {
      const ownerType = resourceByKind(ref.kind);
      return this.store.get(ownerType, dependent.metadata.namespace, ref.name)?.metadata.uid === uid;
    } catch {
      return false;
    }
  }

  // ---- eviction ----------------------------------------------------------------------------

  /** POST pods/{name}/eviction: deletes the pod unless a PodDisruptionBudget forbids it (429). */
  evict(namespace: string, name: string, body: unknown): StatusBody {
    const podType = resourceByKind('Pod');
    const pod = this.get(podType, namespace, name);
    const eviction = isPlainObject(body) ? (body as { deleteOptions?: DeleteOptions }) : {};
    const pods = this.store.list(podType, namespace);
    const budgets = this.store.list(resourceByKind('PodDisruptionBudget'), namespace).filter((pdb) => podsCoveredBy(pdb, [pod]).length > 0);
    if (budgets.length > 1) {
      throw internalError('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    }
    const budget = budgets[0];
    if (budget && !pod.metadata.deletionTimestamp) {
      const assessment = assessBudget(budget, podsCoveredBy(budget, pods), (p) => this.controllerReplicas(p));
      const podHealthy = isPodReady(pod);
      const allowed = podHealthy ? assessment.disruptionsAllowed > 0 : assessment.currentHealthy >= assessment.desiredHealthy;
      if (!allowed) {
        throw tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", [
          {
            reason: 'DisruptionBudget',
            message: `The disruption budget ${budget.metadata.name} needs ${assessment.desiredHealthy} healthy pods and has ${assessment.currentHealthy} currently`,
          },
        ]);
      }
    }
    this.delete(podType, namespace, name, eviction.deleteOptions ?? {});
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
  }

  /** The desired replicas of the StatefulSet that controls a pod, for disruption arithmetic. */
  controllerReplicas(pod: KubeObject): { key: string; replicas: number } | undefined {
    const ref = (pod.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'StatefulSet');
    if (!ref) return undefined;
    const owner = this.store.get(resourceByKind('StatefulSet'), pod.metadata.namespace, ref.name);
    if (!owner || owner.metadata.uid !== ref.uid) return undefined;
    return { key: ref.uid, replicas: (owner.spec?.replicas as number | undefined) ?? 1 };
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Checks and completes apiVersion/kind; 400 when the body is not an object of this type. */
  #decode(type: ResourceType, body: unknown): KubeObject {
    if (!isPlainObject(body)) throw badRequest("Object 'Kind' is missing in the request body: not a JSON object");
    const object = cloneJson(body) as KubeObject;
    const expectedVersion = apiVersionOf(type);
    if (object.apiVersion !== undefined && object.apiVersion !== expectedVersion) {
      throw badRequest(`the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${expectedVersion})`);
    }
    if (object.kind !== undefined && object.kind !== type.kind) {
      throw badRequest(`the kind in the data (${String(object.kind)}) does not match the expected kind (${type.kind})`);
    }
    object.apiVersion = expectedVersion;
    object.kind = type.kind;
    if (object.metadata === undefined || object.metadata === null) object.metadata = {};
    if (!isPlainObject(object.metadata)) throw badRequest('metadata must be a JSON object');
    return object;
  }

  #checkIdentity(type: ResourceType, object: KubeObject, namespace: string | undefined, name: string, fillName: boolean): void {
    if (!object.metadata.name && fillName) object.metadata.name = name;
    if (object.metadata.name !== name) {
      throw badRequest(`the name of the object (${object.metadata.name ?? ''}) does not match the name on the URL (${name})`);
    }
    if (type.namespaced) {
      if (object.metadata.namespace && object.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      object.metadata.namespace = namespace;
    }
  }
}

/** The API server answers a deletion of these with the object (their stores return the deleted object). */
function answersWithObject(type: ResourceType): boolean {
  return type.kind === 'Pod' || type.kind === 'Service' || type.kind === 'PersistentVolumeClaim';
}

function isUnscheduledOrDone(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return !pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed';
}

function specOf(object: KubeObject): unknown {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}

function comparable(object: KubeObject): unknown {
  const copy = cloneJson(object);
  delete copy.metadata.resourceVersion;
  delete copy.metadata.managedFields;
  return copy;
}

function objectKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;
}

function encodeContinue(token: { rv: number; key: string }): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.key }), 'utf8').toString('base64url');
}

function decodeContinue(token: string): { rv: number; key: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv: unknown; start: unknown };
    if (typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') throw new Error('shape');
    return { rv: parsed.rv, key: parsed.start };
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data or JSON');
  }
}

function patchOptionsInvalid(causes: Array<{ reason: string; message: string; field: string }>): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `PatchOptions.meta.k8s.io "" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
    reason: 'Invalid',
    details: { group: 'meta.k8s.io', kind: 'PatchOptions', causes },
    code: 422,
  });
}

/** Parses a patch body by its type: JSON for the three patch kinds, YAML (a JSON superset) for apply. */
function parsePatchBody(patchType: PatchType, raw: string): unknown {
  try {
    return patchType === 'apply' ? parseYaml(raw) : JSON.parse(raw);
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
}

/** The autoscaling/v1 Scale view of a StatefulSet. */
function scaleOf(object: KubeObject): KubeObject {
  const selector = selectorFromSpec(object.spec?.selector as LabelSelectorSpec | undefined);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: object.spec?.replicas ?? 0 },
    status: { replicas: object.status?.replicas ?? 0, selector: formatLabelSelector(selector) },
  };
}
