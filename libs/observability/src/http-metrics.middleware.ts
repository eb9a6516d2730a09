import type { RequestWithContext } from '@galera-cp/http';
import type { NextFunction, Response } from 'express';
import type { JsonLogger } from './json-logger';
import type { MetricsService } from './metrics.service';

/**
 * Times every request into the latency histogram (labelled by the route pattern, never the raw
 * path, so ids do not explode the series) and writes one JSON access-log line with its request id.
 */
export function httpObservabilityMiddleware(metrics: MetricsService, logger: JsonLogger, options: { accessLog: boolean }) {
  return (request: RequestWithContext, response: Response, next: NextFunction): void => {
    const start = process.hrtime.bigint();
    response.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // Only route templates become labels: a request no route matched (unknown, undecodable or
      // refused before routing) is one series, whatever its path.
      const route = request.route?.path ? `${request.baseUrl ?? ''}${String(request.route.path)}` : 'unmatched';
      metrics.httpDuration.observe({ method: request.method, route, status: String(response.statusCode) }, seconds);
      if (options.accessLog) {
        logger.request({ requestId: request.requestId, method: request.method, route, status: response.statusCode, ms: Math.round(seconds * 10_000) / 10, principal: request.principal?.id });
      }
    });
    next();
  };
}
