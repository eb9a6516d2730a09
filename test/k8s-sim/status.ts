import { qualifiedKind, qualifiedResource, type ResourceType } from './resources';

/** metav1.StatusCause: one reason an object was refused. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** metav1.Status as the API server writes it for failures (and some successes). */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** An API failure carrying the Status body the server answers with. */
export class ApiError extends Error {
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Record<string, string>;

  constructor(
    readonly status: StatusBody,
    headers: Record<string, string> = {},
  ) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.headers = headers;
  }

  get code(): number {
    return this.status.code;
  }
}

function failure(code: number, reason: string, message: string, details?: StatusBody['details']): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function resourceDetails(type: ResourceType, name: string): StatusBody['details'] {
  return { name, ...(type.group ? { group: type.group } : {}), kind: type.plural };
}

/** 404 NotFound: `pods "x" not found`. */
export function notFound(type: ResourceType, name: string): ApiError {
  return new ApiError(failure(404, 'NotFound', `${qualifiedResource(type)} "${name}" not found`, resourceDetails(type, name)));
}

/** 409 AlreadyExists: `configmaps "x" already exists`. */
export function alreadyExists(type: ResourceType, name: string): ApiError {
  return new ApiError(failure(409, 'AlreadyExists', `${qualifiedResource(type)} "${name}" already exists`, resourceDetails(type, name)));
}

/** 409 Conflict for an optimistic-concurrency failure (stale resourceVersion). */
export function conflict(type: ResourceType, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
  return new ApiError(failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(type)} "${name}": ${why}`, resourceDetails(type, name)));
}

/** 409 Conflict for server-side apply field-manager conflicts. */
export function applyConflict(type: ResourceType, name: string, conflicts: Array<{ manager: string; apiVersion: string; field: string }>): ApiError {
  const lines = conflicts.map((c) => `conflict with "${c.manager}" using ${c.apiVersion}: ${c.field}`);
  const message = conflicts.length === 1 ? `Apply failed with 1 conflict: ${lines[0]}` : `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  return new ApiError(
    failure(409, 'Conflict', message, {
      ...resourceDetails(type, name),
      causes: conflicts.map((c) => ({
        reason: 'FieldManagerConflict',
        message: `conflict with "${c.manager}" using ${c.apiVersion}`,
        field: c.field,
      })),
    }),
  );
}

/** 422 Invalid with one cause per refused field. */
export function invalid(type: ResourceType, name: string, causes: StatusCause[]): ApiError {
  const rendered = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const summary = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
  return new ApiError(
    failure(422, 'Invalid', `${qualifiedKind(type)} "${name}" is invalid: ${summary}`, {
      name,
      ...(type.group ? { group: type.group } : {}),
      kind: type.kind,
      causes,
    }),
  );
}

/** 400 BadRequest. */
export function badRequest(message: string): ApiError {
  return new ApiError(failure(400, 'BadRequest', message));
}

/** 401 Unauthorized. */
export function unauthorized(): ApiError {
  return new ApiError(failure(401, 'Unauthorized', 'Unauthorized'));
}

/** 403 Forbidden. */
export function forbidden(message: string, type?: ResourceType, name?: string): ApiError {
  return new ApiError(failure(403, 'Forbidden', message, type && name !== undefined ? resourceDetails(type, name) : undefined));
}

/** 404 for a URL that names no resource. */
export function pathNotFound(): ApiError {
  return new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource'));
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(method: string): ApiError {
  return new ApiError(failure(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource: ${method}`));
}

/** 410 Gone: a watch or continue token older than the retained history. */
export function expired(message: string): ApiError {
  return new ApiError(failure(410, 'Expired', message));
}

/** 415 UnsupportedMediaType. */
export function unsupportedMediaType(contentType: string, accepted: string[]): ApiError {
  return new ApiError(failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format (${contentType || 'none'}) - accepted media types include: ${accepted.join(', ')}`));
}

/** 413 RequestEntityTooLarge. */
export function tooLarge(): ApiError {
  return new ApiError(failure(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
}

/** 429 TooManyRequests (eviction refused by a disruption budget, or an injected throttle). */
export function tooManyRequests(message: string, causes?: StatusCause[], retryAfterSeconds?: number): ApiError {
  return new ApiError(
    failure(429, 'TooManyRequests', message, {
      ...(causes ? { causes } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    }),
    retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {},
  );
}

/** 500 InternalError. */
export function internalError(message: string): ApiError {
  return new ApiError(failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ reason: 'UnexpectedServerResponse', message }] }));
}

/** 503 ServiceUnavailable. */
export function serviceUnavailable(message: string): ApiError {
  return new ApiError(failure(503, 'ServiceUnavailable', message));
}

/** A Status Success body for deletions answered without the object. */
export function deletedStatus(type: ResourceType, name: string, uid: string | undefined): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, ...(type.group ? { group: type.group } : {}), kind: type.plural, ...(uid ? { uid } : {}) },
    code: 200,
  };
}
