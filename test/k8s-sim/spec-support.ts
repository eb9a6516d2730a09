import { randomBytes } from 'node:crypto';
import type { V1StatefulSet } from '@kubernetes/client-node';

/** A Kubernetes Status answer, as the API server sends it on failures. */
export interface StatusAnswer {
  code: number;
  reason?: string;
  message?: string;
  details?: { name?: string; kind?: string; causes?: Array<{ reason: string; message: string; field?: string }> };
}

/**
 * Awaits a client-node call that must fail and returns the HTTP code and parsed Status body
 * (client-node 1.x throws ApiException with the raw body text).
 */
export async function apiFailure(call: Promise<unknown>): Promise<StatusAnswer> {
  try {
    await call;
  } catch (error) {
    const e = error as { code?: number; body?: unknown };
    if (typeof e.code !== 'number') throw error;
    const body = typeof e.body === 'string' && e.body.length > 0 ? (JSON.parse(e.body) as StatusAnswer) : ({} as StatusAnswer);
    return { ...body, code: e.code };
  }
  throw new Error('expected the API call to fail, but it succeeded');
}

/** A namespace name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** A small Galera-like StatefulSet with one claim template named "data". */
export function galeraStatefulSet(name: string, replicas: number, extra: { annotations?: Record<string, string> } = {}): V1StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
        spec: {
          containers: [
            {
              name: 'mariadb',
              image: 'mariadb:11.4',
              ports: [
                { name: 'mysql', containerPort: 3306 },
                { name: 'galera', containerPort: 4567 },
              ],
              env: [{ name: 'MARIADB_GALERA_CLUSTER_NAME', value: name }],
              volumeMounts: [{ name: 'data', mountPath: '/var/lib/mysql' }],
            },
          ],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
}
