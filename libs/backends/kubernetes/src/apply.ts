/**
 * Writes and reads with bounded retries. A 409 Conflict is retried after re-reading the object (a
 * stale write, or another writer between our read and write); 429, 500, 502, 503, 504 and network
 * failures are retried with exponential backoff (honouring Retry-After). After the last attempt the
 * failure becomes a retryable BackendError, so the operation engine may try the whole step again;
 * answers no retry can change (401, 403, 404, 422) fail at once.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { describeRef, KubeClient, refOf, statusOf, type ObjectRef } from './kube-client';
import { kubernetesErrors } from './kubernetes.errors';
import { setTimeout as delay } from 'node:timers/promises';

/** How writes and reads are retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Backoff before the second attempt, doubled each time. */
  initialDelayMs: number;
  /** Longest backoff. */
  maxDelayMs: number;
}

/** The default: 8 attempts, 100 ms doubling to at most 3 s (about 10 s in all before the engine takes over). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 8, initialDelayMs: 100, maxDelayMs: 3000 };

/** Where a call runs: its retry policy, cancellation and log. */
export interface CallContext {
  policy: RetryPolicy;
  signal: AbortSignal;
  log?: (message: string, level?: 'debug' | 'info' | 'warn' | 'error') => void;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** Waits `ms`, or rejects when the signal aborts. */
export const sleep = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal });

function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { headers?: Record<string, string> } | null)?.headers;
  const value = headers?.['retry-after'] ?? headers?.['Retry-After'];
  const seconds = value === undefined ? NaN : Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** A network failure (no HTTP answer at all): connection refused or reset, DNS, TLS, timeout. */
function isNetworkFailure(error: unknown): boolean {
  return statusOf(error) === undefined && error instanceof Error && (error.name === 'FetchError' || typeof (error as { code?: unknown }).code === 'string');
}

/**
 * Runs `call` until it succeeds, within the policy. `onConflict` runs before retrying a 409 (re-read
 * the object; it may also answer a value that ends the retries, e.g. "it exists now").
 */
export async function withRetries<T>(what: string, call: () => Promise<T>, context: CallContext, onConflict?: () => Promise<{ done: T } | undefined>): Promise<T> {
  const { policy, signal } = context;
  for (let attempt = 1; ; attempt += 1) {
    signal.throwIfAborted();
    try {
      return await call();
    } catch (error) {
      signal.throwIfAborted();
      const status = statusOf(error);
      const conflict = status === 409;
      const transient = conflict || (status !== undefined && RETRYABLE_STATUS.has(status)) || isNetworkFailure(error);
      if (!transient) throw kubernetesErrors.refused(what, error);
      if (attempt >= policy.attempts) {
        throw conflict ? kubernetesErrors.conflict(what, attempt, error) : kubernetesErrors.unavailable(what, attempt, error);
      }
      const backoff = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
      // Jitter spreads retries of writers that collided; Retry-After (429) is honoured up to the cap.
      const delay = Math.min(policy.maxDelayMs, Math.max(retryAfterMs(error) ?? 0, Math.round(backoff * (0.5 + Math.random() / 2))));
      context.log?.(
        `${what}: ${status ?? 'no answer'}${conflict ? ' Conflict' : ''} (attempt ${attempt}/${policy.attempts}); ${conflict ? 're-reading and re-applying' : 'retrying'} in ${delay} ms`,
        'warn',
      );
      await sleep(delay, signal);
      if (conflict && onConflict) {
        const outcome = await onConflict();
        if (outcome) return outcome.done;
      }
    }
  }
}

/** Reads an object (undefined when absent), retrying overload and network failures. */
export function readObject<T extends KubernetesObject>(client: KubeClient, ref: ObjectRef, context: CallContext): Promise<T | undefined> {
  return withRetries(`read ${describeRef(ref)}`, () => client.read<T>(ref), context);
}

/** Lists objects by label selector, retrying overload and network failures. */
export function listObjects<T extends KubernetesObject>(client: KubeClient, apiVersion: string, kind: string, namespace: string, selector: string, context: CallContext): Promise<T[]> {
  return withRetries(`list ${kind} in ${namespace} (${selector})`, () => client.list<T>(apiVersion, kind, namespace, selector), context);
}

/**
 * Server-side apply of an object the backend owns (force: the backend's fields are its own, even
 * if someone changed them by hand). Idempotent: applying the same object again writes nothing. On
 * a 409 the object is re-read and the apply sent again.
 */
export function applyObject<T extends KubernetesObject>(client: KubeClient, object: T, fieldManager: string, context: CallContext): Promise<T> {
  const ref = refOf(object);
  return withRetries(
    `apply ${describeRef(ref)}`,
    () => client.apply(object, fieldManager, true),
    context,
    async () => {
      await client.read(ref).catch(() => undefined);
      return undefined;
    },
  );
}

/**
 * Creates an object only if it does not exist (the root password Secret: generated once, never
 * rewritten). Answers whether it was created. A 409 is settled by reading: the object exists
 * (AlreadyExists, or a write that landed before a lost answer) or the create is sent again.
 */
export async function createIfAbsent<T extends KubernetesObject>(client: KubeClient, object: T, fieldManager: string, context: CallContext): Promise<{ created: boolean }> {
  const ref = refOf(object);
  if (await readObject(client, ref, context)) return { created: false };
  return withRetries<{ created: boolean }>(
    `create ${describeRef(ref)}`,
    async () => {
      await client.create(object, fieldManager);
      return { created: true };
    },
    context,
    async () => ((await client.read(ref).catch(() => undefined)) ? { done: { created: false } } : undefined),
  );
}

/** A JSON merge patch by a field manager, re-read and re-sent on a 409. */
export function mergePatchObject<T extends KubernetesObject>(client: KubeClient, ref: ObjectRef, patch: Record<string, unknown>, fieldManager: string, context: CallContext): Promise<T> {
  return withRetries(
    `patch ${describeRef(ref)}`,
    () => client.mergePatch<T>(ref, patch, fieldManager),
    context,
    async () => {
      await client.read(ref).catch(() => undefined);
      return undefined;
    },
  );
}

/** Deletes an object if it exists; answers whether a delete was sent. Idempotent. */
export function deleteIfPresent(client: KubeClient, ref: ObjectRef, context: CallContext, propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background'): Promise<boolean> {
  return withRetries(
    `delete ${describeRef(ref)}`,
    () => client.delete(ref, propagationPolicy),
    context,
    async () => ((await client.read(ref).catch(() => ({}))) ? undefined : { done: false }),
  );
}
