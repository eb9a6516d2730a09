import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Response } from 'express';
import { Observable, map } from 'rxjs';

/**
 * A handler's answer when its status or headers depend on the outcome (202 with an Operation
 * and a Location header, or 200 with a dry-run plan).
 */
export class HttpAnswer<T> {
  constructor(
    readonly body: T,
    readonly status: number,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** Sets the status Nest will send, overriding the route's static one. */
export function overrideStatus(response: Response, status: number): void {
  response.locals.statusOverride = status;
  response.status(status);
}

/**
 * Nest sends every reply with the route's static status code; this adapter lets a response
 * carry its own (set through {@link overrideStatus}).
 */
export class ControlPlaneExpressAdapter extends ExpressAdapter {
  override reply(response: Response, body: unknown, statusCode?: number): unknown {
    const override = (response.locals as { statusOverride?: number } | undefined)?.statusOverride;
    return super.reply(response, body, override ?? statusCode);
  }
}

/** Unwraps {@link HttpAnswer}s: applies their status and headers, sends their body. */
@Injectable()
export class HttpAnswerInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((value) => {
        if (!(value instanceof HttpAnswer)) return value;
        overrideStatus(response, value.status);
        for (const [name, header] of Object.entries(value.headers)) response.setHeader(name, header);
        return value.body;
      }),
    );
  }
}
