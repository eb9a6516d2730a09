import type { Operation, Problem, ProblemFieldError } from './types';

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && typeof (body as Problem).code === 'string' && typeof (body as Problem).status === 'number';
}

/** An answer that is not 2xx. `code` is the API's stable UPPER_SNAKE code (`HTTP_<status>` when the body was no problem). */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly requestId?: string;
  /** Field-level problems (validation), each with a JSON `pointer` into the request. */
  readonly errors: ProblemFieldError[];
  /** With OPERATION_IN_PROGRESS: the operation that holds the cluster. */
  readonly activeOperationId?: string;
  /** The problem body as sent, when it was one. */
  readonly problem?: Problem;

  constructor(
    readonly response: Response,
    body: unknown,
  ) {
    const problem = isProblem(body) ? body : undefined;
    const detail = problem?.detail ?? (typeof body === 'string' && body ? body.slice(0, 500) : response.statusText);
    const code = problem?.code ?? `HTTP_${response.status}`;
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

/** What openapi-fetch answers: the data of a 2xx, or the error body, and the response. */
export interface FetchResult<T> {
  data?: T;
  error?: unknown;
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
