import type { components } from './schema';

export type { components, operations, paths } from './schema';

/** A Galera cluster: `spec` written by clients, `status` written by the control plane. */
export type Cluster = components['schemas']['Cluster'];
/** One Galera member of a cluster. */
export type Node = components['schemas']['Node'];
/** A long-running change: steps, progress, and a typed result once SUCCEEDED. */
export type Operation = components['schemas']['Operation'];
/** PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLING or CANCELLED. */
export type OperationState = Operation['state'];
/** The dotted verb of an operation (`cluster.create`, `cluster.scale`, ...). */
export type OperationType = Operation['type'];
/** One step of an operation. */
export type OperationStep = components['schemas']['OperationStep'];
/** Any typed result (discriminated by `type`). */
export type OperationResult = NonNullable<Operation['result']>;
/** The result of one operation type, e.g. `OperationResultOf<'cluster.create'>`. */
export type OperationResultOf<T extends OperationResult['type']> = Extract<OperationResult, { type: T }>;
/** What a dry run (`dryRun=true`) answers instead of starting an operation. */
export type Plan = components['schemas']['Plan'];
/** One step of a dry run's plan (`key`, `action`, `title`, `node`). */
export type PlanStep = components['schemas']['PlanStep'];
/** What a plan tells before anything runs: quorum before and after, bootstrap node, donors, evidence, warnings. */
export type PlanDetails = components['schemas']['PlanDetails'];
/** Voters and quorum before and after a change. */
export type QuorumChange = components['schemas']['QuorumChange'];
/** Something that happened to a cluster or an operation: a union discriminated by `type`, each with its `data`. */
export type Event = components['schemas']['Event'];
/** Every event type (`operation.succeeded`, `cluster.degraded`, `node.down`, ...). */
export type EventType = Event['type'];
/** The event of one type, e.g. `EventOf<'cluster.degraded'>['data'].healthy`. */
export type EventOf<T extends EventType> = Extract<Event, { type: T }>;
/** Every stable problem code of the API; each endpoint's responses list the ones it answers. */
export type ProblemCode = components['schemas']['ProblemCode'];
/** Metadata of a stored credential (the secret is never returned). */
export type Credential = components['schemas']['Credential'];
/** An RFC 9457 problem body (`application/problem+json`). */
export type Problem = components['schemas']['Problem'];
/** A field-level error of a problem (`pointer` is a JSON pointer into the request). */
export type ProblemFieldError = components['schemas']['ProblemFieldError'];
/** The body of `POST /v1/clusters`. */
export type CreateClusterRequest = components['schemas']['CreateClusterRequest'];
/** The body of `POST /v1/credentials`. */
export type CreateCredentialRequest = components['schemas']['CreateCredentialRequest'];
/** One page of a keyset-paginated list. */
export interface Page<T> {
  /** The items of the page. */
  items: T[];
  /** The token of the next page; absent or null on the last one. */
  nextPageToken?: string | null | undefined;
}
