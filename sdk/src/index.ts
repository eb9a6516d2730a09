/**
 * @galera-cp/sdk: the generated types of the Galera control plane API (schema.d.ts), a typed
 * client on openapi-fetch with auth, idempotency keys, retries and timeouts, and helpers for
 * problems, dry runs, operations, event streams, pagination and name lookups.
 *
 * @packageDocumentation
 */
export { createGaleraClient, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS } from './client';
export type { FetchFunction, GaleraClient, GaleraClientOptions, RetryOptions } from './client';
export { ConnectionError, OperationFailedError, OperationWaitError, ProblemError, UnexpectedAnswerError, unwrap, unwrapOperation, unwrapPlan, unwrapWithHeaders } from './errors';
export type { FetchResult, Unwrapped } from './errors';
export { DEFAULT_STREAM_BACKOFF, streamEvents } from './events';
export type { EventFilter, StreamBackoff, StreamEventsOptions } from './events';
export { getCluster, isPlan, isTerminal, paginate, waitForOperation } from './helpers';
export type { WaitForOperationOptions } from './helpers';
export type * from './types';
