/**
 * @galera-cp/sdk: the generated types of the Galera control plane API (schema.d.ts), a typed
 * client on openapi-fetch with auth, idempotency keys and retries, and helpers for problems,
 * operations and pagination.
 */
export { createGaleraClient, DEFAULT_RETRY } from './client';
export type { GaleraClient, GaleraClientOptions, RetryOptions } from './client';
export { OperationFailedError, OperationWaitError, ProblemError, unwrap } from './errors';
export type { FetchResult } from './errors';
export { isPlan, isTerminal, paginate, waitForOperation } from './helpers';
export type { WaitForOperationOptions } from './helpers';
export type * from './types';
