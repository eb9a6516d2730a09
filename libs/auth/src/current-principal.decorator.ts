import type { Principal } from '@galera-cp/core';
import type { RequestWithContext } from '@galera-cp/http';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** The authenticated principal of the request (set by AuthGuard). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<RequestWithContext>();
  if (!request.principal) throw new Error('CurrentPrincipal used on a public route');
  return request.principal;
});
