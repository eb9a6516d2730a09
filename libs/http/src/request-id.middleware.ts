import { randomBytes } from 'node:crypto';
import type { NextFunction, Response } from 'express';
import type { RequestWithContext } from './request-context';

const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id: the caller's `X-Request-Id` when it is sane, else a new one. The id
 * is echoed in the answer, written in logs, problems and audit records.
 */
export function requestIdMiddleware(request: RequestWithContext, response: Response, next: NextFunction): void {
  const given = request.header('x-request-id');
  request.requestId = given && ACCEPTED.test(given) ? given : `req_${randomBytes(10).toString('hex')}`;
  response.setHeader('X-Request-Id', request.requestId);
  next();
}
