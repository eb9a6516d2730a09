import type { ResourceType } from './resources';
import { cloneJson, type KubeObject } from './types';

/** What happened to one object; the unit of watch streams and controller triggers. */
export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceType;
  /** The object after the change (for DELETED: the last state, stamped with the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before the change (MODIFIED and DELETED). */
  previous?: KubeObject;
  resourceVersion: number;
}

/** Result of asking for the events after a resourceVersion. */
export type HistoryResult = { events: StoreEvent[] } | { expired: true; oldest: number };

function resourceKey(type: ResourceType): string {
  return `${type.group}/${type.plural}`;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/**
 * Objects by resource type, namespace and name, with one global resourceVersion counter (as etcd's
 * revision) and a bounded history of events so watches can resume from a resourceVersion.
 *
 * Objects are copied in and out: nothing outside can mutate what is stored.
 */
export class ObjectStore {
  #revision: number;
  readonly #buckets = new Map<string, Map<string, KubeObject>>();
  readonly #history: StoreEvent[] = [];
  /** Events at or below this revision are gone from the history. */
  #compactedThrough: number;
  readonly #listeners = new Set<(event: StoreEvent) => void>();

  constructor(
    private readonly historyLimit = 20_000,
    initialRevision = 1000,
  ) {
    this.#revision = initialRevision;
    this.#compactedThrough = initialRevision;
  }

  /** The newest resourceVersion handed out. */
  get revision(): number {
    return this.#revision;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.#bucket(type).get(objectKey(type.namespaced ? namespace : undefined, name));
    return found ? cloneJson(found) : undefined;
  }

  /** Objects of a type (optionally one namespace), in key order (namespace, then name) as etcd lists them. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    const items: KubeObject[] = [];
    for (const [key, object] of [...this.#bucket(type).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (namespace !== undefined && type.namespaced && !key.startsWith(`${namespace}/`)) continue;
      items.push(cloneJson(object));
    }
    return items;
  }

  /** Stores a new object, stamping its resourceVersion. */
  create(type: ResourceType, object: KubeObject): KubeObject {
    const stored = this.#stamp(object);
    this.#bucket(type).set(objectKey(stored.metadata.namespace, stored.metadata.name ?? ''), stored);
    this.#emit({ type: 'ADDED', resource: type, object: stored, resourceVersion: this.#revision });
    return cloneJson(stored);
  }

  /** Replaces a stored object, stamping a new resourceVersion. */
  update(type: ResourceType, object: KubeObject): KubeObject {
    const key = objectKey(object.metadata.namespace, object.metadata.name ?? '');
    const previous = this.#bucket(type).get(key);
    if (!previous) throw new Error(`k8s-sim store: update of missing ${key}`);
    const stored = this.#stamp(object);
    this.#bucket(type).set(key, stored);
    this.#emit({ type: 'MODIFIED', resource: type, object: stored, previous, resourceVersion: this.#revision });
    return cloneJson(stored);
  }

  /** Removes an object; the DELETED event carries it with the deletion's resourceVersion. */
  delete(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const previous = this.#bucket(type).get(key);
    if (!previous) return undefined;
    this.#bucket(type).delete(key);
    const last = this.#stamp(previous);
    this.#emit({ type: 'DELETED', resource: type, object: last, previous, resourceVersion: this.#revision });
    return cloneJson(last);
  }

  /** Events of one type after a resourceVersion, or `expired` when the history no longer reaches back that far. */
  eventsSince(type: ResourceType, resourceVersion: number): HistoryResult {
    if (resourceVersion < this.#compactedThrough) return { expired: true, oldest: this.#compactedThrough };
    const key = resourceKey(type);
    return {
      events: this.#history.filter((e) => e.resourceVersion > resourceVersion && resourceKey(e.resource) === key),
    };
  }

  /** Forgets the event history (as etcd compaction does): watches from older versions get 410 Gone. */
  compact(): void {
    this.#history.length = 0;
    this.#compactedThrough = this.#revision;
  }

  /** Calls the listener synchronously for every change; returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #bucket(type: ResourceType): Map<string, KubeObject> {
    const key = resourceKey(type);
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new Map();
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  #stamp(object: KubeObject): KubeObject {
    this.#revision += 1;
    const copy = cloneJson(object);
    copy.metadata.resourceVersion = String(this.#revision);
    return copy;
  }

  #emit(event: StoreEvent): void {
    this.#history.push(event);
    if (this.#history.length > this.historyLimit) {
      const dropped = this.#history.splice(0, this.#history.length - this.historyLimit);
      this.#compactedThrough = dropped[dropped.length - 1]!.resourceVersion;
    }
    for (const listener of [...this.#listeners]) {
      listener({ ...event, object: cloneJson(event.object), previous: event.previous ? cloneJson(event.previous) : undefined });
    }
  }
}
