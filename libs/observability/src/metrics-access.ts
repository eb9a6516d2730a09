import { DomainError } from '@galera-cp/core';
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Who may scrape `/metrics`: anyone when no METRICS_TOKEN is set; else a request with
 * `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time). Throws 401 otherwise.
 */
export function assertMetricsAccess(metricsToken: string | undefined, authorization: string | undefined): void {
  if (!metricsToken) return;
  const given = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (given !== undefined && timingSafeEqual(digest(given), digest(metricsToken))) return;
  throw new DomainError('unauthenticated', 'UNAUTHENTICATED', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>', {
    headers: { 'WWW-Authenticate': 'Bearer realm="galera-cp-metrics"' },
  });
}
