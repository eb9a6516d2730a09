import { HttpAnswer, RequestWithContext } from '@galera-cp/http';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, map } from 'rxjs';
import { PREVIEWABLE, PreviewOptions, REDACTED } from './auth.decorators';

/**
 * Masks, in the answer of a dry run let through for a role below the real call's, the fields
 * the route names (`@Previewable({ redact })`): a viewer's preview of a webhook change does not
 * show its URL, of a token revocation not the token's prefix. Secrets never reach a dry-run
 * answer in the first place (credentials, webhook secrets, issued tokens).
 */
@Injectable()
export class PreviewInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<RequestWithContext>();
    const redact = this.reflector.get<PreviewOptions | undefined>(PREVIEWABLE, context.getHandler())?.redact ?? [];
    if (!request.previewBelowRole || redact.length === 0) return next.handle();
    return next.handle().pipe(map((result) => (result instanceof HttpAnswer ? new HttpAnswer(mask(result.body, redact), result.status, result.headers) : mask(result, redact))));
  }
}

function mask(body: unknown, fields: string[]): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of fields) if (out[field] !== undefined && out[field] !== null) out[field] = REDACTED;
  return out;
}
