/**
 * The TypeScript type of a `jsonb` column holding an object. Values are `any` at this one
 * boundary because TypeORM's deep-partial update types cannot follow `unknown`; code that reads
 * a document maps it to a real type (ClusterSpec, ClusterStatus, ...) right away.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonDocument = { [key: string]: any };

/** The plan of an operation as stored: its summary and the details a person reads first. */
export interface OperationPlanDocument extends JsonDocument {
  summary: string;
  details: JsonDocument;
}

/** An operation's or a step's error as stored: a problem with a stable code and a detail. */
export interface ProblemDocument extends JsonDocument {
  code: string;
  detail: string;
}
