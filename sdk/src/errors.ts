import type { Operation, Plan, Problem, ProblemCode, ProblemFieldError } from './types';

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).code === 'string' && typeof (body as Problem).status === 'number';
}

/** An answer that is not 2xx. `code` is the API's stable UPPER_SNAKE code (`HTTP_<status>` when the body was no problem). */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  /** The HTTP status. */
  readonly status: number;
  /** The API's code (each endpoint's OpenAPI responses list the ones it answers), or `HTTP_<status>`. */
  readonly code: ProblemCode | `HTTP_${number}`;
  /** Human explanation. */
  readonly detail: string;
  /** The request's id (the problem's `requestId`, else the `X-Request-Id` header), for the logs. */
  readonly requestId?: string | undefined;
  /** Field-level problems (validation), each with a JSON `pointer` into the request. */
  readonly errors: ProblemFieldError[];
  /** With OPERATION_IN_PROGRESS: the operation that holds the cluster. */
  readonly activeOperationId?: string | undefined;
  /** The problem body as sent, when it was one. */
  readonly problem?: Problem | undefined;

  constructor(
    /** The answer (headers included). */
    readonly response: Response,
    body: unknown,
  ) {
    const problem = isProblem(body) ? body : undefined;
    const detail = problem?.detail ?? (typeof body === 'string' && body ? body.slice(0, 500) : response.statusText);
    const code: ProblemError['code'] = problem?.code ?? `HTTP_${response.status}`;
    super(`${response.status} ${code}: ${detail}`);
    this.status = response.status;
    this.code = code;
    this.detail = detail;
    this.requestId = problem?.requestId ?? response.headers.get('x-request-id') ?? undefined;
    this.errors = problem?.errors ?? [];
    this.activeOperationId = problem?.activeOperationId;
    this.problem = problem;
  }
}

/**
 * The API could not be reached: the connection failed (`unreachable`: refused, reset, DNS, TLS)
 * or no answer came within the client's `timeoutMs` (`timeout`). Raised instead of fetch's bare
 * `TypeError: fetch failed`, after the retries a repeatable request gets.
 */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    /** Whether the connection failed or the answer took too long. */
    readonly reason: 'unreachable' | 'timeout',
    /** The request's method. */
    readonly method: string,
    /** The request's URL. */
    readonly url: string,
    /** What went wrong, in a few words. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${method} ${url}: ${reason === 'timeout' ? 'timed out' : 'unreachable'} (${detail})`, options);
  }
}

/** What openapi-fetch answers: the data of a 2xx, or the error body, and the response. */
export interface FetchResult<T> {
  /** The parsed body of a 2xx. */
  data?: T;
  /** The parsed body of another answer. */
  error?: unknown;
  /** The answer (status, headers). */
  response: Response;
}

/** The data of a 2xx with what its headers say. */
export interface Unwrapped<T> {
  /** The parsed body. */
  data: T;
  /** The `ETag` header (a cluster's generation, for `If-Match`), if sent. */
  etag: string | undefined;
  /** The `X-Request-Id` header, the request's id in the server's logs. */
  requestId: string | undefined;
  /** The answer itself, for any other header (`Location`, `Idempotent-Replayed`, ...). */
  response: Response;
}

/**
 * The data of an openapi-fetch answer, or a {@link ProblemError} when it is not 2xx:
 * `const cluster = await unwrap(client.GET('/v1/clusters/{id}', { params: { path: { id } } }))`.
 * Also takes an answer already awaited (when its headers matter too).
 */
export async function unwrap<T>(answer: FetchResult<T> | Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await answer;
  if (!response.ok) throw new ProblemError(response, error);
  return data as T;
}

/**
 * Like {@link unwrap}, and the answer's headers too:
 * `const { data: cluster, etag } = await unwrapWithHeaders(client.GET('/v1/clusters/{id}', { params: { path: { id } } }))`.
 */
export async function unwrapWithHeaders<T>(answer: FetchResult<T> | Promise<FetchResult<T>>): Promise<Unwrapped<T>> {
  const awaited = await answer;
  const data = await unwrap(awaited);
  const { headers } = awaited.response;
  return { data, etag: headers.get('etag') ?? undefined, requestId: headers.get('x-request-id') ?? undefined, response: awaited.response };
}

/** A mutation answered the other kind of 2xx than the caller asked for (a plan instead of an operation, or back). */
export class UnexpectedAnswerError extends Error {
  override readonly name = 'UnexpectedAnswerError';
  constructor(
    /** What was expected. */
    readonly expected: 'operation' | 'plan',
    /** The answer (headers included). */
    readonly response: Response,
  ) {
    super(
      `expected ${expected === 'plan' ? 'a dry-run plan (200)' : 'an operation (202)'}, got HTTP ${response.status}${expected === 'plan' ? ' (did the request set dryRun: true?)' : ' (a plan: was dryRun set?)'}`,
    );
  }
}

function isPlanBody(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { dryRun?: unknown }).dryRun === true;
}

/**
 * The operation a mutation started (202), for calls without `dryRun`:
 * `const op = await unwrapOperation(client.POST('/v1/clusters/{id}/scale', { params: { path: { id } }, body: { replicas: 5 } }))`.
 * Throws a {@link ProblemError} on a problem and an {@link UnexpectedAnswerError} when a plan came back.
 */
export async function unwrapOperation(answer: FetchResult<Operation | Plan> | Promise<FetchResult<Operation | Plan>>): Promise<Operation> {
  const awaited = await answer;
  const data = await unwrap(awaited);
  if (isPlanBody(data)) throw new UnexpectedAnswerError('operation', awaited.response);
  return data as Operation;
}

/**
 * The plan of a dry run (200), for calls with `params: { query: { dryRun: true } }`; nothing changed.
 * Throws a {@link ProblemError} on a problem and an {@link UnexpectedAnswerError} when an operation started.
 */
export async function unwrapPlan(answer: FetchResult<Operation | Plan> | Promise<FetchResult<Operation | Plan>>): Promise<Plan> {
  const awaited = await answer;
  const data = await unwrap(awaited);
  if (!isPlanBody(data)) throw new UnexpectedAnswerError('plan', awaited.response);
  return data as Plan;
}

/** {@link waitForOperation} gave up: `reason` says whether its time ran out or its signal aborted. */
export class OperationWaitError extends Error {
  override readonly name = 'OperationWaitError';
  constructor(
    readonly reason: 'timeout' | 'aborted',
    readonly operationId: string,
    /** The operation as last seen (undefined when no poll answered). */
    readonly lastSeen: Operation | undefined,
    options?: { cause?: unknown },
  ) {
    super(`Stopped waiting for operation ${operationId} (${reason}${lastSeen ? `; it was ${lastSeen.state}` : ''})`, options);
  }
}

/** With `throwOnFailure`: the operation ended FAILED or CANCELLED. */
export class OperationFailedError extends Error {
  override readonly name = 'OperationFailedError';
  constructor(readonly operation: Operation) {
    super(`Operation ${operation.id} (${operation.type}) ended ${operation.state}${operation.error ? `: ${operation.error.code}: ${operation.error.detail}` : ''}`);
  }
}
