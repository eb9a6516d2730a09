/**
 * What kind of failure an error is. The HTTP layer maps kinds to status codes; the rest of the
 * code never speaks HTTP.
 */
export type ErrorKind =
  | 'invalid' // 400: the request is malformed or breaks a rule
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409: the state of the resource does not allow it now
  | 'gone' // 410
  | 'precondition_failed' // 412: If-Match did not match
  | 'too_large' // 413
  | 'unprocessable' // 422: well-formed but cannot be processed (e.g. an Idempotency-Key reused)
  | 'rate_limited' // 429
  | 'unavailable' // 503
  | 'internal'; // 500: never leaks detail

/** A field-level problem, located by a JSON pointer into the request. */
export interface FieldError {
  pointer: string;
  detail: string;
}

/**
 * An error the domain expects: a stable UPPER_SNAKE `code`, a kind, a human `detail` and
 * optional extensions (e.g. `activeOperationId`) that end up in the problem body.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly detail: string;
  readonly errors?: FieldError[];
  readonly extensions?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(kind: ErrorKind, code: string, detail: string, options: { errors?: FieldError[]; extensions?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.kind = kind;
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    this.extensions = options.extensions;
    this.headers = options.headers;
  }
}

/** Shorthands for the common kinds. */
export const errors = {
  invalid: (code: string, detail: string, fieldErrors?: FieldError[]) => new DomainError('invalid', code, detail, { errors: fieldErrors }),
  notFound: (what: string, id: string) => new DomainError('not_found', `${what.toUpperCase().replace(/[^A-Z]+/g, '_')}_NOT_FOUND`, `${what} ${id} does not exist`),
  conflict: (code: string, detail: string, extensions?: Record<string, unknown>) => new DomainError('conflict', code, detail, { extensions }),
};
