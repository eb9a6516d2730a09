import { EventSourceParserStream, type EventSourceMessage } from 'eventsource-parser/stream';
import type { GaleraClient } from './client';
import { ConnectionError, ProblemError } from './errors';
import type { Event, EventType } from './types';

/** Which events a stream carries. */
export interface EventFilter {
  /** Only this cluster's events. */
  clusterId?: string | undefined;
  /** Only this operation's events. */
  operationId?: string | undefined;
  /** Event types: exact (`cluster.ready`) or prefixes ending in a dot (`operation.`). */
  types?: readonly (EventType | `${string}.`)[] | undefined;
}

/** Backoff between reconnections: it doubles from `minDelayMs` up to `maxDelayMs`, with jitter. */
export interface StreamBackoff {
  /** First pause (default 500 ms). */
  minDelayMs: number;
  /** Longest pause (default 30 000 ms). */
  maxDelayMs: number;
}

/** Options of {@link streamEvents}. Where it starts: `after` an event id, `fromNow`, or (neither) the start of the stored log. */
export interface StreamEventsOptions {
  /** Which events. */
  filter?: EventFilter | undefined;
  /** Start after this event id (the `id` of the last event handled). */
  after?: number | undefined;
  /** Start with what happens from now on, skipping the stored log. */
  fromNow?: boolean | undefined;
  /** Aborting ends the iteration (without an error). */
  signal?: AbortSignal | undefined;
  /** Pauses between reconnections (see {@link StreamBackoff}). */
  backoff?: Partial<StreamBackoff> | undefined;
  /** Called before each reconnection with why the stream dropped and where it resumes. */
  onReconnect?: ((info: { attempt: number; error: unknown; after: number | undefined }) => void) | undefined;
}

/** The backoff unless {@link StreamEventsOptions.backoff} changes it. */
export const DEFAULT_STREAM_BACKOFF: StreamBackoff = { minDelayMs: 500, maxDelayMs: 30_000 };

/** Answers worth reconnecting after: the server is busy or briefly away. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/**
 * The event log as an async iterator: `for await (const event of streamEvents(client, { fromNow: true, filter: { clusterId } }))`.
 * Events come in id order, each typed by `type` (`if (event.type === 'cluster.degraded') event.data.healthy`).
 * A dropped connection (or a 429/5xx) is reopened after a backoff, resuming after the last event
 * seen (Last-Event-ID), so none is skipped or repeated; other problems (401, 400, ...) reject with a
 * {@link ProblemError}. It never ends by itself: break out of the loop or abort `signal`.
 */
export async function* streamEvents(client: GaleraClient, options: StreamEventsOptions = {}): AsyncGenerator<Event, void, undefined> {
  const backoff = { ...DEFAULT_STREAM_BACKOFF, ...options.backoff };
  const filter = options.filter ?? {};
  let after = options.after;
  let fromNow = after === undefined && options.fromNow === true;
  let failures = 0;
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  try {
    while (!signal.aborted) {
      let failure: unknown;
      try {
        const {
          data: body,
          error,
          response,
        } = await client.GET('/v1/events/stream', {
          params: {
            query: {
              ...(filter.clusterId ? { clusterId: filter.clusterId } : {}),
              ...(filter.operationId ? { operationId: filter.operationId } : {}),
              ...(filter.types?.length ? { type: filter.types.join(',') } : {}),
              ...(after !== undefined ? { after } : fromNow ? { from: 'now' as const } : {}),
            },
            header: after !== undefined ? { 'Last-Event-ID': String(after) } : {},
          },
          parseAs: 'stream',
          signal,
        });
        if (!response.ok || !body) {
          const problem = new ProblemError(response, error);
          if (!RETRYABLE_STATUSES.has(response.status)) throw problem;
          failure = problem;
        } else {
          failures = 0;
          const messages = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
          try {
            for (;;) {
              const { value, done } = await messages.read();
              if (done) break;
              const event = toEvent(value);
              if (value.id !== undefined && /^\d+$/.test(value.id)) after = Number(value.id);
              fromNow = false;
              if (event) yield event;
            }
          } finally {
            await messages.cancel().catch(() => undefined);
          }
          failure = new ConnectionError('unreachable', 'GET', response.url, 'the event stream ended');
        }
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ProblemError) throw error;
        failure = error;
      }
      failures += 1;
      options.onReconnect?.({ attempt: failures, error: failure, after });
      if (!(await pause(delayOf(backoff, failures), signal))) return;
    }
  } finally {
    stop.abort();
  }
}

/** The event a message carries; undefined for the stream's own messages (`position`). */
function toEvent(message: EventSourceMessage): Event | undefined {
  if (message.event === 'position') return undefined;
  return JSON.parse(message.data) as Event;
}

/** Exponential backoff with equal jitter: between half and all of min·2^(failures-1), capped. */
function delayOf(backoff: StreamBackoff, failures: number): number {
  const ceiling = Math.min(backoff.maxDelayMs, backoff.minDelayMs * 2 ** (failures - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Waits `ms`; false when the signal aborted first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
