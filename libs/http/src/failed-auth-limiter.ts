import { DomainError } from '@galera-cp/core';
import type { NextFunction, Response } from 'express';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { RequestWithContext } from './request-context';

/** Answers a request refused before routing (as a problem, audited when a mutation). */
export type EarlyRefusal = (request: RequestWithContext, response: Response, error: unknown) => void;

/** Settings of the {@link FailedAuthLimiter} (AUTH_FAILURE_LIMIT, AUTH_FAILURE_WINDOW_SECONDS). */
export interface FailedAuthLimits {
  /** Failed authentications allowed per window and client address; 0 turns the limiter off. */
  limit: number;
  /** The window, and how long an address over the limit is refused. */
  windowSeconds: number;
}

/**
 * Slows token guessing down: every 401 answered on `/v1` counts against the client's address
 * (the socket's peer; behind a proxy, the proxy's); past `limit` in a window, that address's
 * `/v1` requests answer 429 RATE_LIMITED with `Retry-After` for a window, whatever token they
 * carry (a guess that happens to be right is refused too, so it teaches nothing). Requests with
 * good tokens never count. The counters live in this process (rate-limiter-flexible's memory
 * store): with N API processes an address gets up to N times the limit.
 */
export class FailedAuthLimiter {
  private readonly limiter?: RateLimiterMemory;

  constructor(private readonly limits: FailedAuthLimits) {
    if (limits.limit > 0) this.limiter = new RateLimiterMemory({ keyPrefix: 'auth-failures', points: limits.limit, duration: limits.windowSeconds, blockDuration: limits.windowSeconds });
  }

  /** Express middleware: refuses an address over the limit (through `refuse`), counts the 401s of the others. */
  middleware(refuse: EarlyRefusal) {
    return (request: RequestWithContext, response: Response, next: NextFunction): void => {
      const limiter = this.limiter;
      if (!limiter || !(request.path.startsWith('/v1/') || request.path === '/metrics')) return next();
      const address = request.socket.remoteAddress ?? 'unknown';
      limiter.get(address).then(
        (state) => {
          if (state && state.consumedPoints >= this.limits.limit) {
            const seconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
            refuse(
              request,
              response,
              new DomainError('rate_limited', 'TOO_MANY_FAILED_AUTHENTICATIONS', `Too many failed authentications from this address; retry after ${seconds} s`, {
                headers: { 'Retry-After': String(seconds) },
              }),
            );
            return;
          }
          response.on('finish', () => {
            if (response.statusCode === 401) limiter.consume(address).catch(() => undefined);
          });
          next();
        },
        () => next(),
      );
    };
  }
}
