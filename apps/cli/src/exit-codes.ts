import { ConnectionError, OperationWaitError, ProblemError } from '@galera-cp/sdk';
import { InterruptedError, NotFoundError, StreamLostError, UsageError } from './cli-errors';

/**
 * The exit codes of galeractl. Scripts rely on them: never renumber; add new ones at the end.
 * The same table is in apps/cli/README.md (a unit test keeps the two in step).
 */
export const EXIT = {
  /** The command did what it was asked; a waited-for operation SUCCEEDED. */
  OK: 0,
  /** A waited-for (or followed) operation ended FAILED or CANCELLED. */
  OPERATION_FAILED: 1,
  /** Bad flags or arguments, an unreadable spec file or configuration: nothing was sent. */
  USAGE: 2,
  /** The API refused the request (a 4xx problem other than 401, 403, 404: validation, conflict, precondition). */
  REFUSED: 3,
  /** What the command names does not exist (404, or no cluster/credential by that name). */
  NOT_FOUND: 4,
  /** Authentication or authorization failed (401, 403). */
  AUTH: 5,
  /** The API could not be reached or failed (network error, 5xx, 429 after retries), or waiting timed out. */
  UNAVAILABLE: 6,
  /** A bug in galeractl itself (an unexpected exception). */
  INTERNAL: 7,
  /** Interrupted (Ctrl-C, SIGINT) while waiting; the operation goes on. 128 + SIGINT, as shells do. */
  INTERRUPTED: 130,
} as const;

/** One of the documented exit codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code of an HTTP status answered as a problem. */
export function exitCodeOfStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.AUTH;
  if (status === 404) return EXIT.NOT_FOUND;
  // 429 is only seen once the SDK's retries gave up: try again later, as with a 503.
  if (status === 429 || status >= 500 || status < 400) return EXIT.UNAVAILABLE;
  return EXIT.REFUSED;
}

/** Whether an error is fetch failing to reach the server (connection refused, DNS, reset, headers timeout). */
export function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof ConnectionError) return true;
  // undici rejects with TypeError('fetch failed') and the socket error as its cause.
  if (error instanceof TypeError && /fetch failed|terminated|network/i.test(error.message)) return true;
  return error.name === 'TimeoutError' || error.name === 'RequestTimeoutError';
}

/** The exit code an error ends the command with. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.USAGE;
  if (error instanceof NotFoundError) return EXIT.NOT_FOUND;
  if (error instanceof InterruptedError) return EXIT.INTERRUPTED;
  if (error instanceof ProblemError) return exitCodeOfStatus(error.status);
  if (error instanceof OperationWaitError) return error.reason === 'aborted' ? EXIT.INTERRUPTED : EXIT.UNAVAILABLE;
  if (error instanceof StreamLostError) return EXIT.UNAVAILABLE;
  if (isNetworkError(error)) return EXIT.UNAVAILABLE;
  return EXIT.INTERNAL;
}
