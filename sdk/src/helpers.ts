import type { GaleraClient } from './client';
import { OperationFailedError, OperationWaitError, unwrap } from './errors';
import type { Operation, OperationState, Page, Plan } from './types';

const TERMINAL: readonly OperationState[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** Whether an operation has ended (SUCCEEDED, FAILED or CANCELLED). */
export function isTerminal(operation: Operation): boolean {
  return TERMINAL.includes(operation.state);
}

/** Whether a mutation answered a dry-run plan (200) rather than an operation (202). */
export function isPlan<T extends Operation | Plan>(answer: T): answer is Extract<T, { dryRun: true }> {
  return 'dryRun' in answer && answer.dryRun === true;
}

export interface WaitForOperationOptions {
  /** Give up after this long (default 10 minutes): rejects with an OperationWaitError, reason 'timeout'. */
  timeoutMs?: number;
  /** Pause between two polls (default 1000 ms). */
  pollIntervalMs?: number;
  /** Aborting rejects with an OperationWaitError, reason 'aborted'. */
  signal?: AbortSignal;
  /** Called with the operation after every poll. */
  onProgress?: (operation: Operation) => void;
  /** Reject with an OperationFailedError when it ends FAILED or CANCELLED (default false: resolve with it). */
  throwOnFailure?: boolean;
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
