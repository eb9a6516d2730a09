/**
 * The shapes every rule in this library answers with: a stable UPPER_SNAKE code plus a human
 * message, and per-field errors an API can turn into a 400 problem body.
 */

/** A rule's verdict or complaint: a stable code for machines and a sentence for people. */
export interface GaleraProblem {
  /** Stable UPPER_SNAKE code, e.g. `QUORUM_WOULD_BE_LOST`. */
  code: string;
  /** Human explanation, ready to show in a plan or an error body. */
  message: string;
}

/** One invalid field of an input, shaped like an RFC 9457 `errors[]` entry. */
export interface FieldError {
  /** JSON Pointer (RFC 6901) to the offending field, e.g. `/parameters/max_connections`. */
  pointer: string;
  /** What is wrong and what would be accepted. */
  detail: string;
  /** Stable UPPER_SNAKE code, e.g. `PARAMETER_UNKNOWN`. */
  code: string;
}

/** Result of a parser: the value, or why the text could not be read. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/**
 * Thrown when a caller hands this library input it must never receive (for example a negative
 * write rate, or a configuration that failed {@link FieldError validation}). Decisions about
 * operator input and cluster evidence are returned, not thrown.
 */
export class GaleraRuleError extends Error {
  /** Stable UPPER_SNAKE code. */
  readonly code: string;
  /** Per-field errors, when the input had fields. */
  readonly errors: readonly FieldError[];

  constructor(code: string, message: string, errors: readonly FieldError[] = []) {
    super(message);
    this.name = 'GaleraRuleError';
    this.code = code;
    this.errors = errors;
  }
}

/** Escapes one JSON Pointer reference token (RFC 6901: `~` -> `~0`, `/` -> `~1`). */
export function pointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
