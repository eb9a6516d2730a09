import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';

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

export interface GaleraClientOptions {
  /** Root of the API, e.g. `http://127.0.0.1:8080` (paths start with `/v1`). */
  baseUrl: string;
  /** API token (`gcp_…`), or a function answering the current one. */
  token?: string | (() => string | Promise<string>);
  /** The fetch to use (default: the global fetch). */
  fetch?: (request: Request) => Promise<Response>;
  retry?: Partial<RetryOptions>;
  userAgent?: string;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 3, minDelayMs: 200, maxDelayMs: 5000 };

/**
 * A client for the Galera control plane API. Every request carries the bearer token; every POST
 * carries an `Idempotency-Key` (a random UUID unless the caller sets one), which makes it safe to
 * retry. GET, HEAD and keyed POSTs are retried on 429, 503, network errors and, for a POST,
 * 409 IDEMPOTENCY_KEY_IN_FLIGHT (the first attempt is still running), honouring `Retry-After`.
 */
export function createGaleraClient(options: GaleraClientOptions): GaleraClient {
  const baseFetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: retrying(baseFetch, { ...DEFAULT_RETRY, ...options.retry }) });
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
  const body = (await response.clone().json().catch(() => undefined)) as { code?: unknown } | undefined;
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
        // fetch rejects with a TypeError when the connection fails; an abort is the caller's wish.
        if (last || request.signal.aborted || !(error instanceof TypeError)) throw error;
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
