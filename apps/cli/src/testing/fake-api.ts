/**
 * Test doubles for galeractl's unit tests (never compiled into the build: scripts/build.mjs skips
 * `testing/` folders). The end-to-end suite runs the real CLI against the real API instead.
 */
import type { Cluster, Operation } from '@galera-cp/sdk';
import type { CliIo } from '../cli-context';

/** A request the fake API received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

/** What a route answers: a status and a JSON body (a problem for 4xx/5xx), or a Response as is. */
export type FakeAnswer = { status: number; body?: unknown; headers?: Record<string, string> } | Response;

/** A route of the fake API. */
export type FakeRoute = (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>;

/**
 * A fetch that answers from a table of `METHOD /path` routes (path parameters as `:name` are
 * matched, not captured) and records every request. Unknown routes answer 404 ROUTE_NOT_FOUND.
 */
export function fakeApi(routes: Record<string, FakeRoute>): { fetch: (request: Request) => Promise<Response>; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const table = Object.entries(routes).map(([key, route]) => {
    const [method, pattern] = key.split(' ');
    const regex = new RegExp(`^${pattern.replace(/:[a-zA-Z]+/g, '[^/]+')}$`);
    return { method, regex, route };
  });
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    const recorded: RecordedRequest = { method: request.method, path: url.pathname, query: url.searchParams, headers: request.headers, body: text ? JSON.parse(text) : undefined };
    requests.push(recorded);
    const match = table.find((entry) => entry.method === request.method && entry.regex.test(url.pathname));
    const answer: FakeAnswer = match ? await match.route(recorded) : problem(404, 'ROUTE_NOT_FOUND', `No route ${request.method} ${url.pathname}`);
    if (answer instanceof Response) return answer;
    const isProblem = answer.status >= 400;
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': isProblem ? 'application/problem+json' : 'application/json', ...(answer.headers ?? {}) },
    });
  };
  return { fetch, requests };
}

/** A problem answer, as the API sends one. */
export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): FakeAnswer {
  return { status, body: { type: `urn:galera-cp:problem:${code.toLowerCase()}`, title: 'Problem', status, detail, instance: '/', code, requestId: 'req_test', ...extra } };
}

/** A writable that keeps what is written. */
export class MemoryStream {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns?: number,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** An in-memory CliIo: captured stdout/stderr, a fixed clock, the given environment and stdin. */
export function memoryIo(options: { fetch?: CliIo['fetch']; env?: Record<string, string | undefined>; stdin?: string; homeDir?: string; now?: number; signal?: AbortSignal; tty?: boolean } = {}) {
  const stdout = new MemoryStream(options.tty ?? false, 100);
  const stderr = new MemoryStream(false);
  const io: CliIo = {
    stdout,
    stderr,
    readStdin: async () => options.stdin ?? '',
    env: { GALERA_URL: 'http://api.test', GALERA_TOKEN: 'gcp_secret_token_value', GALERACTL_CONFIG: '/nonexistent/galeractl.yaml', ...(options.env ?? {}) },
    homeDir: options.homeDir ?? '/nonexistent-home',
    now: () => options.now ?? Date.parse('2025-01-01T12:00:00Z'),
    fetch: options.fetch,
    signal: options.signal,
  };
  return { io, stdout, stderr };
}

const AT = '2025-01-01T11:59:00.000Z';

/** A cluster as the API answers it. */
export function clusterFixture(overrides: Partial<Cluster> & { id: string; name: string }): Cluster {
  return {
    generation: 1,
    spec: {
      backend: 'ssh',
      replicas: 3,
      engine: { flavor: 'mariadb', version: '10.11' },
      galera: {} as Cluster['spec']['galera'],
      policy: { autoRecovery: false, deletionProtection: false, donorServesTraffic: false },
    },
    status: { state: 'READY', conditions: [], observedGeneration: 1, size: { desired: 3, observed: 3, healthy: 3 }, activeOperationId: null, lastObservedAt: AT, message: '' },
    labels: {},
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

/** An operation as the API answers it. */
export function operationFixture(overrides: Partial<Operation> = {}): Operation {
  return {
    id: 'op_01test',
    type: 'cluster.scale',
    state: 'RUNNING',
    clusterId: 'cl_01test',
    params: {},
    progress: 0,
    steps: [],
    plan: null,
    approval: { state: 'NOT_REQUIRED', approvedBy: null, approvedAt: null },
    result: null,
    error: null,
    requestedBy: 'tk_01test',
    requestId: 'req_test',
    cancelRequestedBy: null,
    runs: 1,
    createdAt: AT,
    startedAt: AT,
    finishedAt: null,
    updatedAt: AT,
    ...overrides,
  };
}

/** A step of an operation. */
export function stepFixture(index: number, title: string, state: Operation['steps'][number]['state'], extra: Partial<Operation['steps'][number]> = {}): Operation['steps'][number] {
  return {
    index,
    key: `step:${index}`,
    action: 'test.step',
    title,
    node: null,
    state,
    attempts: state === 'PENDING' ? 0 : 1,
    maxAttempts: 3,
    startedAt: null,
    finishedAt: null,
    error: null,
    ...extra,
  };
}
