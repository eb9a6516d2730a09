import { DomainError } from '@galera-cp/core';

/** Errors of the clusters context. */
export const clusterErrors = {
  notFound: (id: string) => new DomainError('not_found', 'CLUSTER_NOT_FOUND', `Cluster ${id} does not exist`),
  nodeNotFound: (id: string) => new DomainError('not_found', 'NODE_NOT_FOUND', `Node ${id} does not exist in this cluster`),
  nameTaken: (name: string) => new DomainError('conflict', 'CLUSTER_NAME_TAKEN', `A cluster named ${name} already exists`),
  deletionProtected: (id: string) => new DomainError('conflict', 'DELETION_PROTECTED', `Cluster ${id} has deletion protection; turn policy.deletionProtection off first`),
  backendUnavailable: (kind: string) => new DomainError('invalid', 'BACKEND_UNAVAILABLE', `The ${kind} backend is not available in this control plane`),
  notSupported: (what: string, why: string) => new DomainError('invalid', 'NOT_SUPPORTED', `${what} is not supported: ${why}`),
  wrongState: (id: string, state: string, wanted: string) => new DomainError('conflict', 'CLUSTER_STATE_CONFLICT', `Cluster ${id} is ${state}; this needs it to be ${wanted}`),
};
