import { FetchResult, GaleraClient, ProblemError, unwrap } from '@galera-cp/sdk';
import { InterruptedError, StreamLostError } from '../cli-errors';

/** One server-sent event: `event:` (the event type, or `log`), `id:` (the resume cursor) and its data. */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/**
 * An incremental text/event-stream parser (the WHATWG rules that matter here): blocks end with a
 * blank line; `data:` lines join with newlines; lines starting with `:` are comments (keep-alives);
 * `\r\n`, `\r` and `\n` all end a line. Feed it chunks as they arrive.
 */
export class SseParser {
  private buffer = '';
  private id?: string;
  private event?: string;
  private data: string[] = [];

  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const messages: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      if (!match || (match[0] === '\r' && match.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      if (line === '') {
        if (this.data.length > 0 || this.event) messages.push({ ...(this.id !== undefined ? { id: this.id } : {}), event: this.event ?? 'message', data: this.data.join('\n') });
        this.event = undefined;
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id' && !value.includes('\0')) this.id = value;
    }
    return messages;
  }
}

/** The event types that end an operation's stream. */
export const TERMINAL_EVENTS = ['operation.succeeded', 'operation.failed', 'operation.cancelled'] as const;

/** How {@link followOperationEvents} starts, resumes and gives up. */
export interface FollowOptions {
  /** Resume after this id (as a previous stream sent it). */
  lastEventId?: string;
  signal?: AbortSignal;
  /** Reconnects in a row without receiving anything before giving up (default 5). */
  maxReconnects?: number;
  /** First pause before a reconnect (default 250 ms); doubles each time, up to 5 s. */
  reconnectDelayMs?: number;
  /** Told about each reconnect: the cursor it resumes from and the error that ended the last connection. */
  onReconnect?: (info: { lastEventId?: string; attempt: number; cause: unknown }) => void;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What a followed stream is: how to open it (resuming after an id), and when it has ended. */
interface StreamSource {
  /** Opens the stream, resuming after `lastEventId` when set. */
  open(lastEventId: string | undefined, signal: AbortSignal | undefined): Promise<FetchResult<unknown>>;
  /** Whether a message ends the stream (none does for an endless one). */
  isEnd(message: SseMessage): boolean;
  /** What is followed, for messages: `operation op_…`, `the event stream`. */
  what: string;
  /** The error to throw when the user interrupts. */
  interrupted(): InterruptedError;
}

/**
 * A server-sent event stream, resumed after a dropped connection (a network error, a 5xx, or the
 * stream ending before its end message) with `Last-Event-ID` set to the last id received, so
 * nothing is lost or repeated. A 4xx answer (401, 403, 404) is thrown as a ProblemError at once;
 * running out of reconnects throws a StreamLostError.
 */
async function* followStream(source: StreamSource, options: FollowOptions): AsyncGenerator<SseMessage, void, undefined> {
  const maxReconnects = options.maxReconnects ?? 5;
  let lastEventId = options.lastEventId;
  let failures = 0;
  for (;;) {
    let cause: unknown = new Error(`the stream ended before ${source.what} did`);
    try {
      const body = (await unwrap(source.open(lastEventId, options.signal))) as unknown as ReadableStream<Uint8Array> | undefined;
      if (!body) throw new Error('the event stream answered no body');
      const parser = new SseParser();
      const decoder = new TextDecoder();
      const reader = body.getReader();
      // Stop reading as soon as the user interrupts, whether or not the abort reaches the socket.
      const stop = () => void reader.cancel().catch(() => undefined);
      options.signal?.addEventListener('abort', stop, { once: true });
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const message of parser.push(decoder.decode(value, { stream: true }))) {
            if (message.id) lastEventId = message.id;
            failures = 0;
            yield message;
            if (source.isEnd(message)) return;
          }
        }
      } finally {
        options.signal?.removeEventListener('abort', stop);
        await reader.cancel().catch(() => undefined);
      }
      if (options.signal?.aborted) throw source.interrupted();
    } catch (error) {
      if (options.signal?.aborted) throw source.interrupted();
      // A refusal will not change by asking again; a 5xx or a dropped connection may.
      if (error instanceof ProblemError && error.status < 500 && error.status !== 429) throw error;
      cause = error;
    }
    failures += 1;
    if (failures > maxReconnects) {
      throw new StreamLostError(`lost ${source.what} and could not resume it after ${maxReconnects} attempts: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    options.onReconnect?.({ lastEventId, attempt: failures, cause });
    await sleep(Math.min(5000, (options.reconnectDelayMs ?? 250) * 2 ** (failures - 1)), options.signal).catch(() => {
      throw source.interrupted();
    });
  }
}

/**
 * The events and log lines of an operation, from `GET /v1/operations/{id}/events`, until the
 * terminal event, resuming after a dropped connection (see {@link followStream}).
 */
export function followOperationEvents(client: GaleraClient, operationId: string, options: FollowOptions = {}): AsyncGenerator<SseMessage, void, undefined> {
  return followStream(
    {
      open: (lastEventId, signal) =>
        client.GET('/v1/operations/{id}/events', {
          params: { path: { id: operationId }, header: lastEventId ? { 'Last-Event-ID': lastEventId } : undefined },
          headers: { Accept: 'text/event-stream' },
          parseAs: 'stream',
          signal,
        }),
      isEnd: (message) => (TERMINAL_EVENTS as readonly string[]).includes(message.event),
      what: `the event stream of ${operationId}`,
      interrupted: () => new InterruptedError(`Stopped following operation ${operationId}; it goes on (galeractl operations wait ${operationId})`),
    },
    options,
  );
}

/** Filters of the event stream (`GET /v1/events/stream`). */
export interface EventStreamFilter {
  clusterId?: string;
  operationId?: string;
  /** Event types: exact or a prefix ending in a dot, comma-separated. */
  type?: string;
  /** Start after this event id (older events are replayed first). */
  after?: number;
}

/**
 * Every event passing the filters, from `GET /v1/events/stream`: the stored ones after `after`,
 * then live ones, with no end (until the user interrupts), resuming after a dropped connection.
 */
export function followEvents(client: GaleraClient, filter: EventStreamFilter, options: FollowOptions = {}): AsyncGenerator<SseMessage, void, undefined> {
  return followStream(
    {
      open: (lastEventId, signal) =>
        client.GET('/v1/events/stream', {
          params: { query: filter, header: lastEventId ? { 'Last-Event-ID': lastEventId } : undefined },
          headers: { Accept: 'text/event-stream' },
          parseAs: 'stream',
          signal,
        }),
      isEnd: () => false,
      what: 'the event stream',
      interrupted: () => new InterruptedError('Stopped following the event stream'),
    },
    options,
  );
}
