import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { TargetPolicy, TargetRefusedError } from './target-policy';

/** Bytes of an answer's body kept for the delivery log. */
const ANSWER_EXCERPT_BYTES = 512;

/** What one POST got back. */
export interface OutboundAnswer {
  status: number;
  durationMs: number;
  /** The start of the answer's body (for the delivery log). */
  excerpt: string;
}

/** A POST that got no HTTP answer: refused by the policy, a network error, or a timeout. */
export class OutboundError extends Error {
  constructor(
    message: string,
    /** False when trying again cannot help (the target is refused). */
    readonly retryable: boolean,
    readonly durationMs: number,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

/** One POST to check and send. */
export interface OutboundPost {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/**
 * POSTs to targets that users gave, through a {@link TargetPolicy}: the host is resolved and
 * checked once, and the connection goes to exactly the checked addresses (the request's DNS
 * lookup is answered from them), so a DNS answer that changes in between cannot reach a refused
 * address. Redirects are not followed; the timeout bounds the whole exchange.
 */
export class OutboundHttp {
  constructor(private readonly policy: TargetPolicy) {}

  async post(post: OutboundPost): Promise<OutboundAnswer> {
    const started = Date.now();
    let target;
    try {
      target = await this.policy.check(post.url);
    } catch (error) {
      if (error instanceof TargetRefusedError) throw new OutboundError(`target refused: ${error.reason}`, false, Date.now() - started);
      throw error;
    }
    const pinned: LookupAddress[] = target.addresses.map((address) => ({ address, family: isIP(address) }));
    const lookup = (_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
      if (options?.all) callback(null, pinned);
      else callback(null, pinned[0].address, pinned[0].family);
    };
    const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<OutboundAnswer>((resolve, reject) => {
      let settled = false;
      const fail = (message: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new OutboundError(message, true, Date.now() - started));
      };
      const req = send(
        target.url,
        {
          method: 'POST',
          headers: { ...post.headers, 'content-length': String(Buffer.byteLength(post.body)) },
          lookup: lookup as never,
          agent: false,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            if (size < ANSWER_EXCERPT_BYTES) chunks.push(chunk);
            size += chunk.length;
          });
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, durationMs: Date.now() - started, excerpt: Buffer.concat(chunks).subarray(0, ANSWER_EXCERPT_BYTES).toString('utf8') });
          });
          res.on('error', (error) => fail(String(error.message)));
        },
      );
      const timer = setTimeout(() => {
        fail(`no answer within ${post.timeoutMs} ms`);
        req.destroy();
      }, post.timeoutMs);
      req.on('error', (error: NodeJS.ErrnoException) => fail(error.code ? `${error.code}: ${error.message}` : error.message));
      req.end(post.body);
    });
  }
}

/**
 * Milliseconds to wait before attempt `attempt + 1` after `attempt` failed: `base * 2^(attempt-1)`,
 * at most an hour, with ±20 % jitter so that retries of many deliveries do not arrive together.
 */
export function retryDelayMs(attempt: number, baseSeconds: number, random: () => number = Math.random): number {
  const exponential = Math.min(baseSeconds * 2 ** Math.max(0, attempt - 1), 3600) * 1000;
  return Math.round(exponential * (0.8 + 0.4 * random()));
}
