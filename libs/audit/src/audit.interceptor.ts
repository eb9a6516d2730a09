import type { RequestWithContext } from '@galera-cp/http';
import { bodyOf, renderProblem, statusOf } from '@galera-cp/http';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { Observable, from, lastValueFrom } from 'rxjs';
import { AuditService } from './audit.service';

export const AUDIT_ACTION = 'galera-cp:audit-action';

/** Names the audited action of a mutating route (e.g. `cluster.scale`) and its target type. */
export const Audited = (action: string, targetType: string) => SetMetadata(AUDIT_ACTION, { action, targetType });

/**
 * The handler writes its own audit records (one per action it takes, with the identity it
 * verified itself, e.g. a chat user); the interceptor adds none.
 */
export const AuditedByHandler = () => SetMetadata(AUDIT_ACTION, { byHandler: true });

/**
 * Writes an audit record for every mutating request that reached its handler, succeeded or
 * failed, before the answer leaves (so an answered mutation always has its record). Refused
 * requests (401/403) are recorded by the problem filter.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<RequestWithContext>();
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return next.handle();
    const meta = this.reflector.get<{ action: string; targetType: string; byHandler?: boolean } | undefined>(AUDIT_ACTION, context.getHandler());
    if (meta?.byHandler) return next.handle();
    const action = meta?.action ?? `${request.method} ${request.route?.path ?? request.path}`;
    const response = context.switchToHttp().getResponse<Response>();
    // A dry run is audited as one (`<action>.dry-run`), refused or not: it changed nothing.
    const recorded = request.query?.dryRun === 'true' ? `${action}.dry-run` : action;
    return from(
      (async () => {
        try {
          const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
          await this.audit.record({
            actor: request.principal ?? null,
            action: recorded,
            target: request.auditTarget ?? targetFrom(meta?.targetType, request, bodyOf(result)),
            outcome: 'succeeded',
            statusCode: statusOf(result, response),
            requestId: request.requestId,
            detail: request.auditDetail,
          });
          return result;
        } catch (error) {
          const problem = renderProblem(error, request.path, request.requestId);
          await this.audit
            .record({
              actor: request.principal ?? null,
              action: recorded,
              target: request.auditTarget ?? targetFrom(meta?.targetType, request, undefined),
              outcome: 'failed',
              statusCode: problem.status,
              requestId: request.requestId,
              detail: { code: problem.body.code, ...(request.auditDetail ?? {}) },
            })
            .catch(() => undefined);
          throw error;
        }
      })(),
    );
  }
}

function targetFrom(type: string | undefined, request: RequestWithContext, result: unknown): { type: string; id: string } | undefined {
  if (!type) return undefined;
  const params = request.params ?? {};
  const param = params.id ?? params.clusterId ?? params.operationId;
  const id = (Array.isArray(param) ? param[0] : param) ?? (result && typeof result === 'object' && 'id' in result ? String((result as { id: unknown }).id) : undefined);
  return id ? { type, id } : undefined;
}
