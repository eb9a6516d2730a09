import type { ProblemCode } from '@galera-cp/core';
import { Previewable, PreviewOptions } from '@galera-cp/auth';
import { ProblemDto } from '@galera-cp/http';
import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiQuery, getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';

/** Where @nestjs/swagger keeps a route's responses (`DECORATORS.API_RESPONSE`). */
const API_RESPONSE = 'swagger/apiResponse';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (problem+json with field pointers)',
  401: 'Missing or invalid bearer token',
  403: 'The token lacks the role this needs',
  404: 'No such resource',
  409: 'Conflicts with the current state (e.g. OPERATION_IN_PROGRESS)',
  412: 'If-Match did not match the current ETag',
  413: 'Request body too large',
  415: 'Request body is not JSON, or is compressed',
  422: 'Idempotency-Key reused with another request',
  429: 'Too many failed authentications from this address; retry after Retry-After',
  503: 'A dependency (the database) does not answer; retry later',
};

/** Codes any route answering a status can give, whatever it does (validation, auth, preconditions). */
const CODES_OF_STATUS: Partial<Record<number, readonly ProblemCode[]>> = {
  400: ['VALIDATION_FAILED', 'BAD_REQUEST', 'MALFORMED_JSON', 'BODY_TOO_DEEP'],
  401: ['UNAUTHENTICATED', 'INVALID_TOKEN'],
  403: ['FORBIDDEN'],
  412: ['PRECONDITION_FAILED'],
  413: ['PAYLOAD_TOO_LARGE'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'UNSUPPORTED_CONTENT_ENCODING'],
  422: ['IDEMPOTENCY_KEY_REUSED'],
  503: ['DATABASE_UNAVAILABLE'],
};

/** The problem codes a route answers, by HTTP status. */
export type ProblemCodesByStatus = Partial<Record<number, readonly ProblemCode[]>>;

interface ResponseEntry {
  description?: string;
  content?: { 'application/problem+json'?: { schema?: { allOf?: { properties?: { code?: { enum?: string[] } } }[] } } };
}

/** The codes a problem response of an earlier decorator already lists. */
function listedCodes(entry: ResponseEntry | undefined): string[] {
  return entry?.content?.['application/problem+json']?.schema?.allOf?.[1]?.properties?.code?.enum ?? [];
}

/** A problem response whose `code` is one of `codes` (so the generated SDK types carry the union). */
function problemResponse(status: number, codes: readonly string[], description: string | undefined) {
  const schema = {
    allOf: [{ $ref: getSchemaPath(ProblemDto) }, { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: [...codes] } } }],
  };
  return { description: description || (DESCRIPTIONS[status] ?? 'Error'), content: { 'application/problem+json': { schema } } };
}

/**
 * Documents the problem+json answers of a route: a status alone lists the codes every route gives
 * with it (CODES_OF_STATUS); `{ 404: ['CLUSTER_NOT_FOUND'] }` adds the route's own. Repeated
 * decorators on one route merge their codes per status.
 */
export function ApiProblems(...items: (number | ProblemCodesByStatus)[]): MethodDecorator & ClassDecorator {
  const wanted = new Map<number, Set<string>>();
  for (const item of items) {
    const entries: [number, readonly string[]][] = typeof item === 'number' ? [[item, []]] : Object.entries(item).map(([status, codes]) => [Number(status), codes ?? []]);
    for (const [status, codes] of entries) {
      const set = wanted.get(status) ?? new Set<string>(CODES_OF_STATUS[status] ?? []);
      for (const code of codes) set.add(code);
      wanted.set(status, set);
    }
  }
  // Every route that authenticates can be refused while its client is locked out for failed
  // authentications (libs/http's failed-auth limiter).
  if (wanted.has(401)) wanted.set(429, new Set([...(wanted.get(429) ?? []), 'TOO_MANY_FAILED_AUTHENTICATIONS']));
  const document = (holder: object) => {
    const responses: Record<string, ResponseEntry> = { ...(Reflect.getMetadata(API_RESPONSE, holder) as Record<string, ResponseEntry> | undefined) };
    for (const [status, codes] of wanted) {
      const merged = new Set([...listedCodes(responses[status]), ...codes]);
      responses[status] = problemResponse(status, [...merged].sort(), responses[status]?.description);
    }
    Reflect.defineMetadata(API_RESPONSE, responses, holder);
  };
  return applyDecorators(ApiExtraModels(ProblemDto), (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    document(descriptor ? (descriptor.value as object) : target);
    return descriptor ?? target;
  }) as MethodDecorator & ClassDecorator;
}

/**
 * What every route can answer whatever it does, because the global request checks run before it
 * (libs/http: a NUL or an over-long value in the path or query, a compressed body), and what every
 * route that takes a body can answer (the body's size, syntax, nesting and media type).
 */
const EVERY_ROUTE: ProblemCodesByStatus = { 400: ['VALIDATION_FAILED', 'BAD_REQUEST'], 415: ['UNSUPPORTED_CONTENT_ENCODING'] };
const EVERY_BODY: ProblemCodesByStatus = { 400: ['MALFORMED_JSON', 'BODY_TOO_DEEP'], 413: ['PAYLOAD_TOO_LARGE'], 415: ['UNSUPPORTED_MEDIA_TYPE'] };

/** Adds the answers of the global request checks to every operation of a generated document. */
export function documentGlobalProblems(paths: OpenAPIObject['paths']): void {
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item) as unknown[]) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const op = operation as { responses: Record<string, ResponseEntry>; requestBody?: unknown };
      for (const extra of op.requestBody ? [EVERY_ROUTE, EVERY_BODY] : [EVERY_ROUTE]) {
        for (const [status, codes] of Object.entries(extra)) {
          const merged = new Set([...listedCodes(op.responses[status]), ...(codes ?? [])]);
          op.responses[status] = problemResponse(Number(status), [...merged].sort(), op.responses[status]?.description);
        }
      }
    }
  }
}

/** The common answers of a mutating POST with an optional Idempotency-Key. */
export function ApiIdempotentPost() {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409',
    }),
    ApiProblems(401, 403, 413, 415, 422, { 400: ['INVALID_IDEMPOTENCY_KEY'], 409: ['IDEMPOTENCY_KEY_IN_FLIGHT'] }),
  );
}

/**
 * The `dryRun` query parameter of every mutating endpoint. A dry run needs only the viewer role
 * (it changes nothing); `redact` names answer fields a principal below the real call's role may
 * not read.
 */
export function ApiDryRun(preview: PreviewOptions = {}) {
  return applyDecorators(
    ApiQuery({ name: 'dryRun', required: false, type: Boolean, description: 'Answer the plan (200) without changing anything; the viewer role may dry-run' }),
    Previewable(preview),
  );
}

export { ProblemDto };
