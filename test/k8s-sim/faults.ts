import { conflict, internalError, serviceUnavailable, tooManyRequests, type ApiError } from './status';
import type { ResourceType } from './resources';

/** The API verbs a request can carry (Kubernetes RBAC vocabulary). */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** The write verbs: what a fault rule hits when it names no verbs. */
export const WRITE_VERBS: readonly Verb[] = ['create', 'update', 'patch', 'delete', 'deletecollection'];

/** A rule that answers some requests with an error instead of serving them (nothing is written). */
export interface FaultRule {
  /** HTTP status to answer: 409 (Conflict), 429 (TooManyRequests with Retry-After), 500 or 503. */
  status: 409 | 429 | 500 | 503;
  /** Share of matching requests that fail, 0..1 (drawn from the simulator's seeded generator). */
  fraction: number;
  /** Verbs hit; default: the write verbs. */
  verbs?: Verb[];
  /** Resources hit, by plural ('statefulsets') or kind ('StatefulSet'); default: all. */
  resources?: string[];
  /** Subresource hit ('status', 'scale', 'eviction'); default: any, including none. */
  subresource?: string;
  /** Namespaces hit; default: all. */
  namespaces?: string[];
  /** Object names hit; default: all. */
  names?: string[];
  /** Stop after failing this many requests; default: no limit. */
  times?: number;
}

/** What a request is about, for matching fault rules. */
export interface RequestTarget {
  verb: Verb;
  resource: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** How a pod misbehaves. */
export type PodFaultMode = 'crash' | 'never-ready';

/** mulberry32: a tiny deterministic generator, so a seed replays the same fault pattern. */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  reseed(seed: number): void {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

interface ActiveRule extends FaultRule {
  id: number;
  failed: number;
}

/** Holds the request fault rules and draws, per matching request, whether it fails. */
export class FaultInjector {
  readonly #rules = new Map<number, ActiveRule>();
  #nextId = 1;

  constructor(private readonly random: SeededRandom) {}

  /** Adds a rule; returns its id (for {@link remove}). */
  add(rule: FaultRule): number {
    if (!(rule.fraction >= 0 && rule.fraction <= 1)) throw new Error(`k8s-sim: fault fraction must be within 0..1, got ${rule.fraction}`);
    const id = this.#nextId++;
    this.#rules.set(id, { ...rule, id, failed: 0 });
    return id;
  }

  remove(id: number): void {
    this.#rules.delete(id);
  }

  clear(): void {
    this.#rules.clear();
  }

  /** The rules in force, with how many requests each has failed so far. */
  list(): Array<FaultRule & { id: number; failed: number }> {
    return [...this.#rules.values()].map((r) => ({ ...r }));
  }

  /** The error to answer instead of serving the request, if a rule draws it. */
  draw(target: RequestTarget): ApiError | undefined {
    for (const rule of this.#rules.values()) {
      if (!matches(rule, target)) continue;
      if (rule.times !== undefined && rule.failed >= rule.times) continue;
      if (this.random.next() >= rule.fraction) continue;
      rule.failed += 1;
      return errorFor(rule, target);
    }
    return undefined;
  }
}

function matches(rule: FaultRule, target: RequestTarget): boolean {
  const verbs = rule.verbs ?? WRITE_VERBS;
  if (!verbs.includes(target.verb)) return false;
  if (rule.resources && !rule.resources.some((r) => r === target.resource.plural || r === target.resource.kind)) return false;
  if (rule.subresource !== undefined && rule.subresource !== target.subresource) return false;
  if (rule.namespaces && !rule.namespaces.includes(target.namespace ?? '')) return false;
  if (rule.names && !rule.names.includes(target.name ?? '')) return false;
  return true;
}

function errorFor(rule: FaultRule, target: RequestTarget): ApiError {
  switch (rule.status) {
    case 409:
      return conflict(target.resource, target.name ?? '');
    case 429:
      return tooManyRequests('Too many requests, please try again later. (injected by k8s-sim)', undefined, 1);
    case 503:
      return serviceUnavailable('the server is currently unable to handle the request (injected by k8s-sim)');
    default:
      return internalError('injected by k8s-sim');
  }
}

/** One served request, as tests read it back. */
export interface RequestLogEntry {
  /** Milliseconds since the epoch when the request arrived. */
  time: number;
  method: string;
  /** URL path without the query. */
  path: string;
  query: Record<string, string>;
  contentType?: string;
  status: number;
  verb?: Verb;
  /** Plural resource name ('statefulsets'). */
  resource?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  fieldManager?: string;
  /** Parsed request body for writes (JSON, or YAML for apply). */
  body?: unknown;
  /** True when a fault rule answered this request. */
  injected?: boolean;
}

/** A bounded log of served requests (oldest dropped first). */
export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];

  constructor(private readonly limit = 10_000) {}

  add(entry: RequestLogEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.limit) this.#entries.splice(0, this.#entries.length - this.limit);
  }

  entries(): RequestLogEntry[] {
    return this.#entries.map((e) => ({ ...e }));
  }

  clear(): void {
    this.#entries.length = 0;
  }
}
