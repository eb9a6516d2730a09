import { Previewable, PreviewOptions } from '@galera-cp/auth';
import { ProblemDto } from '@galera-cp/http';
import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiQuery, ApiResponse, getSchemaPath } from '@nestjs/swagger';

const DESCRIPTIONS: Record<number, string> = {
  503: 'A dependency (the database) does not answer; retry later',
  400: 'Invalid request (problem+json with field pointers)',
  401: 'Missing or invalid bearer token',
  403: 'The token lacks the role this needs',
  404: 'No such resource',
  409: 'Conflicts with the current state (e.g. OPERATION_IN_PROGRESS)',
  412: 'If-Match did not match the current ETag',
  413: 'Request body too large',
  422: 'Idempotency-Key reused with another request',
};

/** Documents the problem+json answers of a route. */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error', content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } } }),
    ),
  );
}

/** The common answers of a mutating POST with an optional Idempotency-Key. */
export function ApiIdempotentPost() {
  return applyDecorators(
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes the POST safe to retry: the same key and body replay the first answer; another body is 422; a duplicate in flight is 409' }),
    ApiProblems(400, 401, 403, 409, 422),
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
