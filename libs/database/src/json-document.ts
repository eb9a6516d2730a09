/**
 * The TypeScript type of a `jsonb` column holding an object. Values are `any` at this one
 * boundary because TypeORM's deep-partial update types cannot follow `unknown`; code that reads
 * a document maps it to a real type (ClusterSpec, ClusterStatus, ...) right away.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonDocument = { [key: string]: any };
