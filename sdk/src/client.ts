import createClient, { type Client } from 'openapi-fetch';
import { ConnectionError } from './errors';
import type { paths } from './schema';

/** A fetch as the client calls it: the request, and the signal of the attempt (which may abort it). */
export type FetchFunction = (request: Request, init?: { signal?: AbortSignal }) => Promise<Response>;

/** The typed client: `client.GET('/v1/clusters')`, `client.POST('/v1/clusters', { body })`, ... */
export type GaleraClient = Client<paths>;

/** Retries of 429, 503 and network errors, with exponential backoff and jitter. */
export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0 turns retrying off). */
  retries: number;
  /** First backoff (default 200 ms); it doubles on each retry. */
  minDelayMs: number;
  /** Longest wait between attempts (default 5000 ms). A Retry-After asking for longer is not waited for: the answer is returned. */
  maxDelayMs: number;
}

/** How {@link createGaleraClient} reaches the API. Every optional field also takes `undefined` (e.g. `token: process.env.GALERA_TOKEN`). */
export interface GaleraClientOptions {
  /** Root of the API, e.g. `http://127.0.0.1:8080` (paths start with `/v1`); scripts read it from `GALERA_URL`. */
  baseUrl: string;
  /** API token (`gcp_…`), or a function answering the current one; scripts read it from `GALERA_TOKEN`. */
  token?: string | (() => string | Promise<string>) | undefined;
  /** The fetch to use (default: the global fetch); `init.signal`, when given, is the attempt's signal (timeout included). */
  fetch?: FetchFunction | undefined;
  /** Retries of 429, 503 and connection failures (see {@link RetryOptions}). */
  retry?: Partial<RetryOptions> | undefined;
  /**
   * Bound of one attempt until the answer's headers arrive (default 30 000 ms; 0 turns it off).
   * An attempt that takes longer fails with a {@link ConnectionError} of reason `timeout` (and is
   * retried like a connection failure when the request is repeatable). Event streams are bounded
   * only until they open.
   */
  timeoutMs?: number | undefined;
  /** The User-Agent header (default `galera-cp-sdk`). */
  userAgent?: string | undefined;
}

/** The retry policy unless {@link GaleraClientOptions.retry} changes it. */
export const DEFAULT_RETRY: RetryOptions = { retries: 3, minDelayMs: 200, maxDelayMs: 5000 };

/** The bound of one attempt unless {@link GaleraClientOptions.timeoutMs} changes it. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A client for the Galera control plane API. Every request carries the bearer token; every POST
 * carries an `Idempotency-Key` (a random UUID unless the caller sets one), which makes it safe to
 * retry. GET, HEAD and keyed POSTs are retried on 429, 503, connection failures and, for a POST,
 * 409 IDEMPOTENCY_KEY_IN_FLIGHT (the first attempt is still running), honouring `Retry-After`.
 * A connection that fails or times out rejects with a {@link ConnectionError}.
 */
export function createGaleraClient(options: GaleraClientOptions): GaleraClient {
  const baseFetch: FetchFunction = options.fetch ?? ((request, init) => globalThis.fetch(request, init));
  const attempt = bounded(baseFetch, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: retrying(attempt, { ...DEFAULT_RETRY, ...options.retry }) });
  const userAgent = options.userAgent ?? 'galera-cp-sdk';
  client.use({
    async onRequest({ request }) {
      const token = typeof options.token === 'function' ? await options.token() : options.token;
      if (token && !request.headers.has('authorization')) request.headers.set('Authorization', `Bearer ${token}`);
      if (request.method === 'POST' && !request.headers.has('idempotency-key')) request.headers.set('Idempotency-Key', crypto.randomUUID());
      request.headers.set('User-Agent', userAgent);
      return request;
    },
  });
  return client;
}

/** Whether a request may be sent again without risk of doing its work twice. */
function isRepeatable(request: Request): boolean {
  return request.method === 'GET' || request.method === 'HEAD' || (request.method === 'POST' && request.headers.has('idempotency-key'));
}

/** `Retry-After` in milliseconds (delta-seconds or an HTTP date), if present and readable. */
function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Exponential backoff with equal jitter: between half and all of min·2^attempt, capped. */
function backoffMs(policy: RetryOptions, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

async function isRetryableAnswer(request: Request, response: Response): Promise<boolean> {
  if (response.status === 429 || response.status === 503) return true;
  if (response.status !== 409 || request.method !== 'POST') return false;
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as { code?: unknown } | undefined;
  return body?.code === 'IDEMPOTENCY_KEY_IN_FLIGHT';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One attempt: a failed connection (fetch's `TypeError: fetch failed`) becomes a
 * {@link ConnectionError}, and an answer whose headers take longer than `timeoutMs` is abandoned.
 * The attempt's signal goes in fetch's init rather than into a new Request: undici holds a
 * Request's own signal only weakly, so after a garbage collection its abort might never arrive.
 */
function bounded(fetch: FetchFunction, timeoutMs: number): FetchFunction {
  return async (request, init) => {
    const timer = new AbortController();
    const timeout = timeoutMs > 0 ? setTimeout(() => timer.abort(), timeoutMs) : undefined;
    const callerSignal = init?.signal ?? request.signal;
    const signal = timeout ? AbortSignal.any([callerSignal, timer.signal]) : callerSignal;
    try {
      return await fetch(request, { signal });
    } catch (error) {
      if (callerSignal.aborted) throw error;
      if (timer.signal.aborted) throw new ConnectionError('timeout', request.method, request.url, `no answer within ${timeoutMs} ms`, { cause: error });
      // Only fetch's own failure (a plain TypeError); a custom fetch's errors pass as they are.
      if (error instanceof TypeError && error.name === 'TypeError') throw new ConnectionError('unreachable', request.method, request.url, describeCause(error), { cause: error });
      throw error;
    } finally {
      clearTimeout(timeout);
    }
  };
}

/** What made fetch fail, in a few words (`ECONNREFUSED 127.0.0.1:8080`, ...). */
function describeCause(error: TypeError): string {
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause && typeof cause.message === 'string') return typeof cause.code === 'string' && !cause.message.includes(cause.code) ? `${cause.code}: ${cause.message}` : cause.message;
  return error.message;
}

/** Wraps fetch with the retry policy. Each attempt sends a clone, so the body can be sent again. */
function retrying(fetch: (request: Request) => Promise<Response>, policy: RetryOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    if (!isRepeatable(request) || policy.retries <= 0) return fetch(request);
    for (let attempt = 0; ; attempt += 1) {
      const last = attempt >= policy.retries;
      let response: Response;
      try {
        response = await fetch(last ? request : request.clone());
      } catch (error) {
        // A failed or timed-out connection (a custom fetch's TypeError too) is worth another
        // attempt; an abort is the caller's wish.
        if (last || request.signal.aborted || !(error instanceof ConnectionError || error instanceof TypeError)) throw error;
        await sleep(backoffMs(policy, attempt), request.signal);
        continue;
      }
      if (last || !(await isRetryableAnswer(request, response))) return response;
      const wait = retryAfterMs(response) ?? backoffMs(policy, attempt);
      if (wait > policy.maxDelayMs) return response;
      await response.body?.cancel();
      await sleep(wait, request.signal);
    }
  };
}
