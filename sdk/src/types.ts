import type { components } from './schema';

export type { components, operations, paths } from './schema';

type Schemas = components['schemas'];

/** A Galera cluster: `spec` written by clients, `status` written by the control plane. */
export type Cluster = Schemas['Cluster'];
/** One Galera member of a cluster. */
export type Node = Schemas['Node'];
/** A long-running change: steps, progress, and a typed result once SUCCEEDED. */
export type Operation = Schemas['Operation'];
/** PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLING or CANCELLED. */
export type OperationState = Operation['state'];
/** The dotted verb of an operation (`cluster.create`, `cluster.scale`, ...). */
export type OperationType = Operation['type'];
/** One step of an operation. */
export type OperationStep = Schemas['OperationStep'];
/** Any typed result (discriminated by `type`). */
export type OperationResult = NonNullable<Operation['result']>;
/** The result of one operation type, e.g. `OperationResultOf<'cluster.create'>`. */
export type OperationResultOf<T extends OperationResult['type']> = Extract<OperationResult, { type: T }>;
/** What a dry run (`dryRun=true`) answers instead of starting an operation. */
export type Plan = Schemas['Plan'];
/** Metadata of a stored credential (the secret is never returned). */
export type Credential = Schemas['Credential'];
/** An RFC 9457 problem body (`application/problem+json`). */
export type Problem = Schemas['Problem'];
/** A field-level error of a problem (`pointer` is a JSON pointer into the request). */
export type ProblemFieldError = Schemas['ProblemFieldError'];
export type CreateClusterRequest = Schemas['CreateClusterRequest'];
export type CreateCredentialRequest = Schemas['CreateCredentialRequest'];
/** One page of a keyset-paginated list. */
export interface Page<T> {
  items: T[];
  nextPageToken?: string | null;
}
