import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { renderProblem } from './problem';
import type { RequestWithContext } from './request-context';

/** Hook the audit trail uses to record refused mutations (401/403 happen before any interceptor). */
export type DeniedRequestRecorder = (request: RequestWithContext, status: number, code: string) => Promise<void>;

/** The one global filter: every error becomes an `application/problem+json` answer. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(private readonly recordDenied?: DeniedRequestRecorder) {}

  async catch(error: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const request = http.getRequest<RequestWithContext>();
    const response = http.getResponse<Response>();
    const problem = renderProblem(error, request.originalUrl?.split('?')[0] ?? request.url, request.requestId ?? 'unknown');
    if (problem.status >= 500) {
      this.logger.error({ msg: 'request failed', requestId: request.requestId, err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
    }
    if ((problem.status === 401 || problem.status === 403) && this.recordDenied && request.method !== 'GET' && request.method !== 'HEAD') {
      await this.recordDenied(request, problem.status, problem.body.code).catch(() => undefined);
    }
    if (response.headersSent) return;
    for (const [name, value] of Object.entries(problem.headers)) response.setHeader(name, value);
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.body));
  }
}
