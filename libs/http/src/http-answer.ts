import { ExpressAdapter } from '@nestjs/platform-express';
import type { Response } from 'express';

/**
 * A handler's answer when its status or headers depend on the outcome (202 with an Operation
 * and a Location header, or 200 with a dry-run plan). The adapter sends it; interceptors that
 * record answers (idempotency, audit) read its status from it.
 */
export class HttpAnswer<T> {
  constructor(
    readonly body: T,
    readonly status: number,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** The status a handler's result will be sent with: its own for an {@link HttpAnswer}, else the route's. */
export function statusOf(result: unknown, response: Response): number {
  return result instanceof HttpAnswer ? result.status : response.statusCode;
}

/** The body a handler's result will be sent with. */
export function bodyOf(result: unknown): unknown {
  return result instanceof HttpAnswer ? result.body : result;
}

/**
 * Nest sends every reply with the route's static status code; this adapter sends an
 * {@link HttpAnswer} with its own status and headers instead (done here, at the one place that
 * replies, rather than by one more interceptor on every request).
 */
export class ControlPlaneExpressAdapter extends ExpressAdapter {
  override reply(response: Response, body: unknown, statusCode?: number): unknown {
    if (body instanceof HttpAnswer) {
      for (const [name, value] of Object.entries(body.headers)) response.setHeader(name, value);
      return super.reply(response, body.body, body.status);
    }
    return super.reply(response, body, statusCode);
  }
}
