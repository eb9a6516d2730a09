import type { GaleraClient } from './client';
import { OperationFailedError, OperationWaitError, ProblemError, unwrap } from './errors';
import type { Cluster, Operation, OperationState, Page, Plan } from './types';

const TERMINAL: readonly OperationState[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** Whether an operation has ended (SUCCEEDED, FAILED or CANCELLED). */
export function isTerminal(operation: Operation): boolean {
  return TERMINAL.includes(operation.state);
}

/** Whether a mutation answered a dry-run plan (200) rather than an operation (202). */
export function isPlan<T extends Operation | Plan>(answer: T): answer is Extract<T, { dryRun: true }> {
  return 'dryRun' in answer && answer.dryRun === true;
}

/** Options of {@link waitForOperation}. */
export interface WaitForOperationOptions {
  /** Give up after this long (default 10 minutes): rejects with an OperationWaitError, reason 'timeout'. */
  timeoutMs?: number | undefined;
  /** Pause between two polls (default 1000 ms). */
  pollIntervalMs?: number | undefined;
  /** Aborting rejects with an OperationWaitError, reason 'aborted'. */
  signal?: AbortSignal | undefined;
  /** Called with the operation after every poll. */
  onProgress?: ((operation: Operation) => void) | undefined;
  /** Reject with an OperationFailedError when it ends FAILED or CANCELLED (default false: resolve with it). */
  throwOnFailure?: boolean | undefined;
}

/**
 * Polls an operation until it ends and resolves with it. FAILED and CANCELLED resolve too (check
 * `state` and `error`) unless `throwOnFailure` is set. An answer other than 2xx rejects with a ProblemError.
 */
export async function waitForOperation(client: GaleraClient, id: string, options: WaitForOperationOptions = {}): Promise<Operation> {
  const { timeoutMs = 600_000, pollIntervalMs = 1000, signal, onProgress } = options;
  const deadline = Date.now() + timeoutMs;
  let lastSeen: Operation | undefined;
  const stopped = (cause?: unknown) => new OperationWaitError(signal?.aborted ? 'aborted' : 'timeout', id, lastSeen, { cause: signal?.aborted ? signal.reason : cause });
  for (;;) {
    const remaining = deadline - Date.now();
    if (signal?.aborted || remaining <= 0) throw stopped();
    // One signal for this round: the caller's, or the time left, whichever comes first.
    const round = signal ? AbortSignal.any([signal, AbortSignal.timeout(remaining)]) : AbortSignal.timeout(remaining);
    try {
      lastSeen = await unwrap(client.GET('/v1/operations/{id}', { params: { path: { id } }, signal: round }));
    } catch (error) {
      if (round.aborted) throw stopped(error);
      throw error;
    }
    onProgress?.(lastSeen);
    if (isTerminal(lastSeen)) {
      if (options.throwOnFailure && lastSeen.state !== 'SUCCEEDED') throw new OperationFailedError(lastSeen);
      return lastSeen;
    }
    const pause = Math.min(pollIntervalMs, deadline - Date.now());
    if (pause > 0 && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pause);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }
}

/**
 * Every item of a keyset-paginated list, fetching pages as the loop needs them:
 * `for await (const c of paginate((pageToken) => unwrap(client.GET('/v1/clusters', { params: { query: { pageToken } } })))) ...`
 */
export async function* paginate<T>(fetchPage: (pageToken: string | undefined) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let pageToken: string | undefined;
  do {
    const page = await fetchPage(pageToken);
    yield* page.items;
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
}

/** A cluster id as the API issues them (`cl_` + 26 characters). */
const CLUSTER_ID = /^cl_[0-9a-z]{26}$/;

/**
 * A cluster by its id (`cl_…`) or its name: `const cluster = await getCluster(client, 'orders')`.
 * A name that no cluster has rejects with a {@link ProblemError} of code `CLUSTER_NOT_FOUND`
 * (404), as an unknown id does.
 */
export async function getCluster(client: GaleraClient, idOrName: string, options: { signal?: AbortSignal | undefined } = {}): Promise<Cluster> {
  const signal = options.signal;
  if (CLUSTER_ID.test(idOrName)) return unwrap(client.GET('/v1/clusters/{id}', { params: { path: { id: idOrName } }, ...(signal ? { signal } : {}) }));
  const answer = await client.GET('/v1/clusters', { params: { query: { name: idOrName, pageSize: 1 } }, ...(signal ? { signal } : {}) });
  const [cluster] = (await unwrap(answer)).items;
  if (cluster) return cluster;
  const problem = {
    type: 'urn:galera-cp:problem:cluster-not-found',
    title: 'Not Found',
    status: 404,
    detail: `No cluster is named ${idOrName}`,
    instance: '/v1/clusters',
    code: 'CLUSTER_NOT_FOUND',
    requestId: answer.response.headers.get('x-request-id') ?? '',
  };
  throw new ProblemError(new Response(JSON.stringify(problem), { status: 404, headers: { 'content-type': 'application/problem+json' } }), problem);
}
