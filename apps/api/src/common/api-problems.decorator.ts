import type { ProblemCode } from '@galera-cp/core';
import { ProblemDto } from '@galera-cp/http';
import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiQuery, getSchemaPath } from '@nestjs/swagger';

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
  415: 'Request body is not JSON',
  422: 'Idempotency-Key reused with another request',
  503: 'A dependency (the database) does not answer; retry later',
};

/** Codes any route answering a status can give, whatever it does (validation, auth, preconditions). */
const CODES_OF_STATUS: Partial<Record<number, readonly ProblemCode[]>> = {
  400: ['VALIDATION_FAILED', 'BAD_REQUEST', 'MALFORMED_JSON'],
  401: ['UNAUTHENTICATED', 'INVALID_TOKEN'],
  403: ['FORBIDDEN'],
  412: ['PRECONDITION_FAILED'],
  413: ['PAYLOAD_TOO_LARGE'],
  415: ['UNSUPPORTED_MEDIA_TYPE'],
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

/** The common answers of a mutating POST with an optional Idempotency-Key. */
export function ApiIdempotentPost() {
  return applyDecorators(
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409' }),
    ApiProblems(401, 403, 413, 415, 422, { 400: ['INVALID_IDEMPOTENCY_KEY'], 409: ['IDEMPOTENCY_KEY_IN_FLIGHT'] }),
  );
}

/** The `dryRun` query parameter of every mutating endpoint. */
export function ApiDryRun() {
  return ApiQuery({ name: 'dryRun', required: false, type: Boolean, description: 'Answer the plan (200) without changing anything' });
}

export { ProblemDto };
