import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { FaultInjector, RequestLog, RequestLogEntry, Verb } from './faults';
import type { ObjectStore, StoreEvent } from './object-store';
import type { DeleteOptions, PatchType, Registry } from './registry';
import { route, type Route } from './router';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import { ApiError, badRequest, expired, internalError, methodNotAllowed, tooLarge, unauthorized, unsupportedMediaType } from './status';
import { isPlainObject, type KubeObject } from './types';

const maxBodyBytes = 3 * 1024 * 1024;

const patchTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** Answers control requests under /_sim/ (see control-api.ts). */
export type ControlHandler = (method: string, segments: string[], body: unknown) => { status: number; body: unknown };

/** What the HTTP layer needs. */
export interface ApiServerDependencies {
  store: ObjectStore;
  registry: Registry;
  faults: FaultInjector;
  requestLog: RequestLog;
  bearerToken: string;
  control: ControlHandler;
}

type ResourceRoute = Extract<Route, { kind: 'resource' }>;

/** An open watch stream. */
interface WatchStream {
  close(): void;
}

/**
 * The HTTP face of the simulator: authentication, routing, body decoding, fault injection,
 * request logging, and the verbs (including watch streams) on top of the registry.
 */
export class KubernetesApiHandler {
  readonly #watches = new Set<WatchStream>();

  constructor(private readonly deps: ApiServerDependencies) {}

  /** The request listener for node:https / node:http. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.#handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) this.#send(res, 500, internalError((error as Error).message).status);
      else res.destroy();
    });
  };

  /** Ends every open watch (used by close()). */
  closeWatches(): void {
    for (const watch of [...this.#watches]) watch.close();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://k8s-sim.invalid');
    const query = Object.fromEntries(url.searchParams.entries());
    const method = (req.method ?? 'GET').toUpperCase();
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const entry: RequestLogEntry = { time: Date.now(), method, path: url.pathname, query, status: 0, ...(contentType ? { contentType } : {}) };
    let isControl = false;
    const finish = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      entry.status = status;
      if (!isControl) this.deps.requestLog.add(entry);
      this.#send(res, status, body, headers);
    };
    try {
      const target = route(url.pathname);
      isControl = target.kind === 'control';
      const isPublic = target.kind === 'health' || (target.kind === 'document' && target.public);
      if (!isPublic && req.headers.authorization !== `Bearer ${this.deps.bearerToken}`) throw unauthorized();
      if (target.kind === 'health') {
        entry.status = 200;
        this.deps.requestLog.add(entry);
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok');
        return;
      }
      if (target.kind === 'document') {
        if (method !== 'GET') throw methodNotAllowed(method);
        finish(200, target.body);
        return;
      }
      const raw = await readBody(req);
      if (target.kind === 'control') {
        const answer = this.deps.control(method, target.segments, raw.length > 0 ? JSON.parse(raw) : undefined);
        finish(answer.status, answer.body);
        return;
      }
      const verb = verbOf(method, target, query);
      Object.assign(entry, {
        verb,
        resource: target.resource.plural,
        ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
        ...(target.name !== undefined ? { name: target.name } : {}),
        ...(target.subresource !== undefined ? { subresource: target.subresource } : {}),
        ...(query.fieldManager !== undefined ? { fieldManager: query.fieldManager } : {}),
      });
      const body = raw.length > 0 ? decodeBody(verb, contentType, raw) : undefined;
      if (body !== undefined) entry.body = body;
      const fault = this.deps.faults.draw({ verb, resource: target.resource, namespace: target.namespace, name: target.name, subresource: target.subresource });
      if (fault) {
        entry.injected = true;
        finish(fault.code, fault.status, fault.headers);
        return;
      }
      if (verb === 'watch') {
        this.#watch(req, res, target, query, entry);
        return;
      }
      const [status, answer] = this.#serve(verb, target, query, body, raw, contentType, req.headers['user-agent']);
      finish(status, answer);
    } catch (error) {
      if (error instanceof ApiError) finish(error.code, error.status, error.headers);
      else if (error instanceof SyntaxError) finish(400, badRequest(`error decoding request body: ${error.message}`).status);
      else finish(500, internalError((error as Error).message).status);
    }
  }

  #serve(verb: Verb, target: ResourceRoute, query: Record<string, string>, body: unknown, raw: string, contentType: string, userAgent: string | undefined): [number, unknown] {
    const { registry } = this.deps;
    const { resource, namespace, name, subresource } = target;
    const dryRun = dryRunOf(query);
    const fieldManager = query.fieldManager;
    const common = { dryRun, fieldManager, userAgent };
    switch (verb) {
      case 'get':
        if (subresource === 'scale') return [200, registry.getScale(resource, namespace, name!)];
        return [200, registry.get(resource, namespace, name!)];
      case 'list':
        return [200, registry.list(resource, namespace, listOptionsOf(query))];
      case 'create':
        if (subresource === 'eviction') {
          const answer = registry.evict(namespace!, name!, body);
          return [201, answer];
        }
        return [201, registry.create(resource, namespace, body, common)];
      case 'update':
        if (subresource === 'scale') return [200, registry.replaceScale(resource, namespace, name!, body, common)];
        return [200, registry.replace(resource, namespace, name!, body, { ...common, subresource: subresource === 'status' ? 'status' : undefined })];
      case 'patch': {
        const patchType = patchTypes[contentType];
        if (!patchType) throw unsupportedMediaType(contentType, Object.keys(patchTypes));
        if (subresource === 'scale') return [200, registry.patchScale(resource, namespace, name!, patchType, raw, common)];
        const force = query.force === undefined ? undefined : query.force === 'true';
        const result = registry.patch(resource, namespace, name!, patchType, raw, {
          ...common,
          force,
          subresource: subresource === 'status' ? 'status' : undefined,
        });
        return [result.created ? 201 : 200, result.object];
      }
      case 'delete':
        return [200, registry.delete(resource, namespace, name!, deleteOptionsOf(query, body))];
      case 'deletecollection':
        return [200, registry.deleteCollection(resource, namespace, listOptionsOf(query), deleteOptionsOf(query, body))];
      default:
        throw methodNotAllowed(verb);
    }
  }

  #watch(req: IncomingMessage, res: ServerResponse, target: ResourceRoute, query: Record<string, string>, entry: RequestLogEntry): void {
    const { store } = this.deps;
    const labels = parseLabelSelector(query.labelSelector);
    const fields = parseFieldSelector(query.fieldSelector, target.resource.kind);
    const matches = (object: KubeObject): boolean =>
      (target.namespace === undefined || object.metadata.namespace === target.namespace) &&
      (target.name === undefined || object.metadata.name === target.name) &&
      matchesLabels(labels, object.metadata.labels) &&
      matchesFields(fields, object);
    const requested = query.resourceVersion;
    const sendInitial = requested === undefined || requested === '' || requested === '0' || query.sendInitialEvents === 'true';
    let replay: StoreEvent[] = [];
    let tooOld: number | undefined;
    if (!sendInitial) {
      const since = Number(requested);
      if (!Number.isInteger(since) || since < 0) throw badRequest(`invalid resource version: ${requested}`);
      const history = store.eventsSince(target.resource, since);
      if ('expired' in history) tooOld = history.oldest;
      else replay = history.events;
    }

    entry.status = 200;
    this.deps.requestLog.add(entry);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    const write = (type: string, object: unknown): void => {
      res.write(`${JSON.stringify({ type, object })}\n`);
    };

    let closed = false;
    let unsubscribe: () => void = () => {};
    let timer: NodeJS.Timeout | undefined;
    const stream: WatchStream = {
      close: () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        if (timer) clearTimeout(timer);
        this.#watches.delete(stream);
        res.end();
      },
    };
    this.#watches.add(stream);
    req.on('close', () => stream.close());
    res.on('close', () => stream.close());

    if (tooOld !== undefined) {
      write('ERROR', expired(`too old resource version: ${requested} (${tooOld})`).status);
      stream.close();
      return;
    }
    const deliver = (event: StoreEvent): void => {
      if (closed || event.resource !== target.resource) return;
      const now = event.type !== 'DELETED' && matches(event.object);
      const before = event.previous !== undefined && matches(event.previous);
      if (event.type === 'ADDED' && now) write('ADDED', event.object);
      else if (event.type === 'MODIFIED' && now) write(before ? 'MODIFIED' : 'ADDED', event.object);
      else if (event.type === 'MODIFIED' && before) write('DELETED', event.object);
      else if (event.type === 'DELETED' && matches(event.object)) write('DELETED', event.object);
    };
    if (sendInitial) {
      for (const object of store.list(target.resource, target.namespace)) if (matches(object)) write('ADDED', object);
      if (query.sendInitialEvents === 'true' && query.allowWatchBookmarks === 'true') {
        write('BOOKMARK', {
          kind: target.resource.kind,
          apiVersion: target.resource.group ? `${target.resource.group}/${target.resource.version}` : target.resource.version,
          metadata: { resourceVersion: String(store.revision), annotations: { 'k8s.io/initial-events-end': 'true' } },
        });
      }
    } else {
      for (const event of replay) deliver(event);
    }
    unsubscribe = store.subscribe(deliver);
    const timeoutSeconds = Number(query.timeoutSeconds);
    if (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0) timer = setTimeout(() => stream.close(), timeoutSeconds * 1000);
  }

  #send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }
}

function verbOf(method: string, target: ResourceRoute, query: Record<string, string>): Verb {
  const watching = target.watchPath || query.watch === 'true' || query.watch === '1';
  switch (method) {
    case 'GET':
      if (watching) return 'watch';
      return target.name === undefined ? 'list' : 'get';
    case 'POST':
      if (target.name !== undefined && target.subresource !== 'eviction') throw methodNotAllowed(method);
      // The all-namespaces path of a namespaced resource only lists and watches.
      if (target.resource.namespaced && target.namespace === undefined) throw methodNotAllowed(method);
      return 'create';
    case 'PUT':
      if (target.name === undefined) throw methodNotAllowed(method);
      return 'update';
    case 'PATCH':
      if (target.name === undefined) throw methodNotAllowed(method);
      return 'patch';
    case 'DELETE':
      if (target.name !== undefined) return 'delete';
      if (target.resource.plural === 'namespaces' || (target.resource.namespaced && target.namespace === undefined)) throw methodNotAllowed(method);
      return 'deletecollection';
    default:
      throw methodNotAllowed(method);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(tooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Decodes a request body: JSON (or YAML) for writes; patch bodies by their patch content type. */
function decodeBody(verb: Verb, contentType: string, raw: string): unknown {
  if (verb === 'patch') {
    if (contentType === 'application/apply-patch+yaml') return parseYaml(raw);
    if (patchTypes[contentType]) return JSON.parse(raw);
    throw unsupportedMediaType(contentType, Object.keys(patchTypes));
  }
  if (contentType === '' || contentType === 'application/json' || contentType === '*/*') return JSON.parse(raw);
  if (contentType === 'application/yaml' || contentType === 'application/x-yaml') return parseYaml(raw);
  throw unsupportedMediaType(contentType, ['application/json', 'application/yaml']);
}

function dryRunOf(query: Record<string, string>): boolean {
  if (query.dryRun === undefined) return false;
  if (query.dryRun !== 'All') throw badRequest(`Invalid dryRun value "${query.dryRun}": only "All" is supported`);
  return true;
}

function listOptionsOf(query: Record<string, string>): { labelSelector?: string; fieldSelector?: string; limit?: number; continueToken?: string } {
  const limit = query.limit === undefined ? undefined : Number(query.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw badRequest(`invalid limit: ${query.limit}`);
  return { labelSelector: query.labelSelector, fieldSelector: query.fieldSelector, limit, continueToken: query.continue };
}

function deleteOptionsOf(query: Record<string, string>, body: unknown): DeleteOptions {
  const fromBody = isPlainObject(body) ? (body as Record<string, any>) : {};
  let policy: string | undefined = query.propagationPolicy ?? fromBody.propagationPolicy;
  const orphan: unknown = query.orphanDependents ?? fromBody.orphanDependents;
  if (policy === undefined && (orphan === true || orphan === 'true')) policy = 'Orphan';
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    const message = `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`;
    throw new ApiError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: ${message}`,
      reason: 'Invalid',
      details: { group: 'meta.k8s.io', kind: 'DeleteOptions', causes: [{ reason: 'FieldValueNotSupported', message, field: 'propagationPolicy' }] },
      code: 422,
    });
  }
  const grace = query.gracePeriodSeconds ?? fromBody.gracePeriodSeconds;
  const dryRun = query.dryRun === 'All' || (Array.isArray(fromBody.dryRun) && fromBody.dryRun.includes('All'));
  return {
    ...(policy ? { propagationPolicy: policy as DeleteOptions['propagationPolicy'] } : {}),
    ...(grace !== undefined ? { gracePeriodSeconds: Number(grace) } : {}),
    ...(isPlainObject(fromBody.preconditions) ? { preconditions: fromBody.preconditions } : {}),
    ...(dryRun ? { dryRun } : {}),
  };
}
