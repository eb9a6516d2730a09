import { DomainError, ErrorKind, FieldError, PROBLEM_CODE_LIST } from '@galera-cp/core';
import { HttpException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** HTTP status of each error kind. */
export const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  precondition_failed: 412,
  too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

const TITLE_OF_STATUS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  431: 'Request Header Fields Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A field-level problem in a problem body. */
@ApiSchema({ name: 'ProblemFieldError' })
export class ProblemFieldErrorDto {
  /** JSON pointer to the offending field of the request (RFC 6901), e.g. `/ssh/hosts/0/address`. */
  @ApiProperty({ example: '/replicas' })
  pointer!: string;

  /** What is wrong with it. */
  @ApiProperty({ example: 'replicas must not be less than 1' })
  detail!: string;
}

/** An error answer (RFC 9457 problem details, `application/problem+json`). */
@ApiSchema({ name: 'Problem' })
export class ProblemDto {
  /** A URI reference naming the problem type. */
  @ApiProperty({ example: 'urn:galera-cp:problem:operation-in-progress' })
  type!: string;

  /** Short summary of the HTTP status. */
  @ApiProperty({ example: 'Conflict' })
  title!: string;

  /** HTTP status code. */
  @ApiProperty({ type: 'integer', example: 409 }) status!: number;

  /** Human explanation of this occurrence. */
  @ApiProperty({ example: 'Operation op_01jd… (cluster.scale) is still running on this cluster' })
  detail!: string;

  /** The request path. */
  @ApiProperty({ example: '/v1/clusters/cl_01jd…/restart' })
  instance!: string;

  /** Stable, machine-readable UPPER_SNAKE code (each endpoint documents the ones it answers). */
  @ApiProperty({ enum: PROBLEM_CODE_LIST, enumName: 'ProblemCode', example: 'OPERATION_IN_PROGRESS' })
  code!: string;

  /** Id of the request, as in the X-Request-Id header and the logs. */
  @ApiProperty({ example: 'req_01jd…' })
  requestId!: string;

  /** Field-level problems, for validation errors. */
  @ApiPropertyOptional({ type: [ProblemFieldErrorDto] })
  errors?: ProblemFieldErrorDto[];

  /** For OPERATION_IN_PROGRESS: the operation that holds the cluster. */
  @ApiPropertyOptional({ example: 'op_01jd…' })
  activeOperationId?: string;
}

/** The body of a problem, plus headers to send with it. */
export interface RenderedProblem {
  status: number;
  body: Record<string, unknown> & { code: string; status: number };
  headers: Record<string, string>;
}

function kebab(code: string): string {
  return code.toLowerCase().replace(/_/g, '-');
}

const NEST_CODE_OF_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

/** Longest `detail` of a problem, and of each field error; longest pointer; most field errors. */
const BOUNDS = { detail: 2_000, fieldDetail: 500, pointer: 256, errors: 50 };

function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Anything thrown, as a problem body. A 5xx never leaks internal detail. Bodies are bounded
 * (detail, field errors, pointers): a message that echoes a huge submitted value must not make a
 * huge answer, nor a huge remembered Idempotency-Key answer.
 */
export function renderProblem(error: unknown, instance: string, requestId: string): RenderedProblem {
  let status = 500;
  let code = 'INTERNAL';
  let detail = 'An internal error occurred; the request id identifies it in the logs.';
  let fieldErrors: FieldError[] | undefined;
  let extensions: Record<string, unknown> = {};
  let headers: Record<string, string> = {};

  if (error instanceof DomainError) {
    status = STATUS_OF_KIND[error.kind];
    code = error.code;
    if (status < 500 || error.kind === 'unavailable') detail = error.detail;
    fieldErrors = error.errors;
    extensions = error.extensions ?? {};
    headers = error.headers ?? {};
  } else if (error instanceof HttpException) {
    status = error.getStatus();
    const response = error.getResponse();
    code = NEST_CODE_OF_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
    if (status < 500) {
      const message = typeof response === 'object' && response && 'message' in response ? (response as { message: unknown }).message : error.message;
      detail = Array.isArray(message) ? message.join('; ') : String(message);
      if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE)/.test(detail)) detail = `No route ${detail.replace(/^Cannot /, '')}`;
    }
  } else if (isBodyParserError(error)) {
    status = error.status ?? error.statusCode ?? 400;
    if (error.type === 'entity.too.large') {
      code = 'PAYLOAD_TOO_LARGE';
      detail = `The request body exceeds the limit of ${error.limit} bytes`;
    } else if (error.type === 'entity.parse.failed') {
      code = 'MALFORMED_JSON';
      detail = 'The request body is not valid JSON';
    } else if (error.type === 'encoding.unsupported') {
      code = 'UNSUPPORTED_CONTENT_ENCODING';
      detail = error.message;
    } else {
      code = status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
      detail = error.message;
    }
  }

  const errors = fieldErrors?.slice(0, BOUNDS.errors).map((e) => ({ pointer: bounded(e.pointer, BOUNDS.pointer), detail: bounded(e.detail, BOUNDS.fieldDetail) }));
  const body: RenderedProblem['body'] = {
    type: `urn:galera-cp:problem:${kebab(code)}`,
    title: TITLE_OF_STATUS[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    detail: bounded(detail, BOUNDS.detail),
    instance: bounded(instance, BOUNDS.pointer),
    code,
    requestId,
    ...(errors && errors.length > 0 ? { errors } : {}),
    ...extensions,
  };
  return { status, body, headers };
}

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  limit?: number;
  message: string;
  expose?: boolean;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && typeof (error as BodyParserError).type === 'string' && ('status' in error || 'statusCode' in error) && 'expose' in error;
}
