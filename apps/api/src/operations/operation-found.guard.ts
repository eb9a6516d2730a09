import type { RequestWithContext } from '@galera-cp/http';
import { OperationsService } from '@galera-cp/operations';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';

/**
 * For event streams: the operation of the `:id` path parameter must exist before the answer
 * starts. An @Sse() handler's answer begins (200, text/event-stream) before its promise settles,
 * so its own 404 would become an `event: error`; guards run before that, and their errors are
 * problem answers.
 */
@Injectable()
export class OperationFoundGuard implements CanActivate {
  constructor(private readonly operations: OperationsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const id = context.switchToHttp().getRequest<RequestWithContext>().params.id;
    await this.operations.get(typeof id === 'string' && !id.includes('\0') ? id : '');
    return true;
  }
}
