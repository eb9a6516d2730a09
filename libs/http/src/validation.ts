import { DomainError, FieldError } from '@galera-cp/core';
import { ValidationError, ValidationPipe } from '@nestjs/common';

function escapePointer(segment: string | undefined): string {
  return (segment ?? '').replace(/~/g, '~0').replace(/\//g, '~1');
}

/** class-validator errors as JSON pointers into the request. */
export function toFieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const pointer = error.property === undefined || error.property === '' ? prefix : `${prefix}/${escapePointer(error.property)}`;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      out.push({
        pointer,
        detail: constraint === 'whitelistValidation' ? `${error.property} is not a known field` : message,
      });
    }
    if (error.children?.length) out.push(...toFieldErrors(error.children, pointer));
  }
  return out;
}

/**
 * The global validation: DTOs are transformed, unknown fields are refused (not silently
 * dropped), and failures answer 400 VALIDATION_FAILED with one pointer per problem.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    // Bodies are always transformed to their DTO class, so "unknown values" cannot reach
    // validation; this only let empty DTOs (restart, stop, start) fail. Unknown fields are still
    // refused by forbidNonWhitelisted.
    forbidUnknownValues: false,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = toFieldErrors(errors);
      return new DomainError('invalid', 'VALIDATION_FAILED', fieldErrors.map((e) => `${e.pointer}: ${e.detail}`).join('; ') || 'The request is not valid', {
        errors: fieldErrors,
      });
    },
  });
}
