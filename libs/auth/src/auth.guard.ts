import { DomainError, Role, roleAllows } from '@galera-cp/core';
import type { RequestWithContext } from '@galera-cp/http';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiTokenService } from './api-token.service';
import { PREVIEWABLE, PreviewOptions, PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators';

/**
 * The global guard: every route needs a bearer token unless marked @Public(); the token's role
 * must be at least the route's (@RequireRole, or viewer for reads and operator for writes). A dry
 * run (`dryRun=true`) of a @Previewable route needs only viewer: it changes nothing.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<RequestWithContext>();
    const header = request.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new DomainError('unauthenticated', 'UNAUTHENTICATED', 'A bearer token is required (Authorization: Bearer <token>)', {
        headers: { 'WWW-Authenticate': 'Bearer realm="galera-cp"' },
      });
    }
    const principal = await this.tokens.authenticate(match[1]);
    if (!principal) {
      throw new DomainError('unauthenticated', 'INVALID_TOKEN', 'The bearer token is unknown, revoked or expired', {
        headers: { 'WWW-Authenticate': 'Bearer realm="galera-cp", error="invalid_token"' },
      });
    }
    request.principal = principal;
    const needed: Role = this.reflector.getAllAndOverride<Role>(REQUIRED_ROLE, targets) ?? (['GET', 'HEAD', 'OPTIONS'].includes(request.method) ? 'viewer' : 'operator');
    if (!roleAllows(principal.role, needed) && this.isPreview(context, request) && roleAllows(principal.role, 'viewer')) {
      request.previewBelowRole = true;
      return true;
    }
    if (!roleAllows(principal.role, needed)) {
      throw new DomainError('forbidden', 'FORBIDDEN', `This needs the ${needed} role; the token has ${principal.role}`);
    }
    return true;
  }

  private isPreview(context: ExecutionContext, request: RequestWithContext): boolean {
    const options = this.reflector.get<PreviewOptions | undefined>(PREVIEWABLE, context.getHandler());
    return options !== undefined && !['GET', 'HEAD', 'OPTIONS'].includes(request.method) && request.query?.dryRun === 'true';
  }
}
