/** Bad flags, arguments, spec files or configuration: the command sent nothing (exit 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A cluster or credential named on the command line does not exist (exit 4, like a 404). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    /** A stable UPPER_SNAKE code, as the API would answer (`CLUSTER_NOT_FOUND`). */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The user interrupted the command (Ctrl-C) while it waited (exit 130). */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}

/**
 * The server did not answer within the request timeout. A TypeError, as fetch's own network
 * errors are, so the SDK retries it where a retry is safe (GET, keyed POST).
 */
export class RequestTimeoutError extends TypeError {
  override readonly name = 'RequestTimeoutError';
}

/** An event stream dropped and could not be resumed within the reconnect budget (exit 6). */
export class StreamLostError extends Error {
  override readonly name = 'StreamLostError';
}
