/**
 * The Kubernetes backend's failures, each with a stable code. Retryable ones (conflicts and
 * overload that outlasted the backend's own retries, an unreachable API server) let the operation
 * engine try the step again; the others fail the operation with the reason.
 */
import { BackendError } from '@galera-cp/backends';
import { DomainError } from '@galera-cp/core';

/** The Status reason and message of a failed API call (client-node puts the Status JSON text in `body`). */
export function apiStatusOf(error: unknown): { code?: number; reason?: string; message: string; causes?: unknown } {
  const e = error as { code?: unknown; body?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'number' ? e.code : undefined;
  let status: { reason?: string; message?: string; details?: { causes?: unknown } } = {};
  if (typeof e?.body === 'string' && e.body.startsWith('{')) {
    try {
      status = JSON.parse(e.body) as typeof status;
    } catch {
      status = {};
    }
  } else if (e?.body && typeof e.body === 'object') {
    status = e.body as typeof status;
  }
  const message = status.message ?? (error instanceof Error ? error.message : String(error));
  return { code, reason: status.reason, message, causes: status.details?.causes };
}

/** Constructors of the backend's errors. */
export const kubernetesErrors = {
  /** A write kept being answered 409 Conflict after every retry. */
  conflict: (what: string, attempts: number, cause: unknown) =>
    new BackendError('KUBERNETES_CONFLICT', `${what}: still 409 Conflict after ${attempts} attempts (re-read and re-applied each time)`, { retryable: true, cause }),
  /** 429/5xx or a network failure that outlasted the retries. */
  unavailable: (what: string, attempts: number, cause: unknown) => {
    const status = apiStatusOf(cause);
    return new BackendError('KUBERNETES_UNAVAILABLE', `${what}: the Kubernetes API did not answer successfully after ${attempts} attempts (last: ${status.code ?? 'no answer'} ${status.message})`, {
      retryable: true,
      cause,
    });
  },
  /** An answer no retry can change (401, 403, 404 of a namespace, 422, ...). */
  refused: (what: string, cause: unknown) => {
    const status = apiStatusOf(cause);
    const code =
      status.code === 401
        ? 'KUBERNETES_UNAUTHORIZED'
        : status.code === 403
          ? 'KUBERNETES_FORBIDDEN'
          : status.code === 404
            ? 'KUBERNETES_NOT_FOUND'
            : status.code === 422
              ? 'KUBERNETES_INVALID_OBJECT'
              : 'KUBERNETES_REQUEST_FAILED';
    return new BackendError(code, `${what}: ${status.code ?? ''} ${status.reason ?? ''} ${status.message}`.replace(/\s+/g, ' ').trim(), {
      retryable: false,
      cause,
      details: { httpStatus: status.code ?? null, reason: status.reason ?? null, ...(status.causes ? { causes: status.causes } : {}) },
    });
  },
  credentialKind: (kind: string) => new BackendError('CREDENTIAL_KIND_MISMATCH', `a Kubernetes cluster needs a kubeconfig credential, not ${kind}`),
  kubeconfigInvalid: (what: string, cause: unknown) =>
    new BackendError('KUBECONFIG_INVALID', `${what} cannot be loaded: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`, { cause }),
  /** A member's pod did not become Ready in its time budget. */
  podNotReady: (pod: string, seconds: number, state: string, details: Record<string, unknown>) =>
    new BackendError('POD_NOT_READY', `${pod} did not become Ready within ${seconds} s: ${state}`, { retryable: false, node: pod, details }),
  /** A member's pod was not removed in its time budget. */
  podNotDeleted: (pod: string, seconds: number, state: string) => new BackendError('POD_NOT_DELETED', `${pod} was not removed within ${seconds} s: ${state}`, { retryable: false, node: pod }),
  /** After every member's wait succeeded, the cluster is still not Ready by the shared rule (retryable: it may settle). */
  clusterNotReady: (cluster: string, status: string, message: string) => new BackendError('CLUSTER_NOT_READY', `${cluster} is ${status}: ${message}`, { retryable: true }),
  /** The StatefulSet is not there (deleted behind the control plane's back). */
  statefulSetMissing: (namespace: string, name: string) => new BackendError('STATEFULSET_NOT_FOUND', `StatefulSet ${namespace}/${name} does not exist`, { retryable: false }),
  /**
   * A change this backend refuses at planning. A DomainError (kind `invalid`), so a dry run
   * answers 400 NOT_SUPPORTED with the reason, as the control plane's own refusals do; an
   * operation keeps the code.
   */
  notSupported: (what: string, why: string) => new DomainError('invalid', 'NOT_SUPPORTED', `${what} is not supported on Kubernetes: ${why}`),
};
