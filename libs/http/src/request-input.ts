import { DomainError, FieldError } from '@galera-cp/core';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { RequestWithContext } from './request-context';

/** Deepest nesting of objects and arrays a JSON body may have (real bodies need fewer than 10). */
export const MAX_BODY_DEPTH = 32;

function pointerSegment(segment: string | number): string {
  const text = String(segment);
  return (text.length > 64 ? `${text.slice(0, 64)}…` : text).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The first problem of a parsed JSON body that the rest of the stack cannot take, found without
 * recursion: nesting deeper than {@link MAX_BODY_DEPTH} (class-transformer recurses and would
 * overflow the stack) or a NUL character in a string or a key (PostgreSQL refuses it in text and
 * jsonb). Null when there is none.
 */
export function bodyInputProblem(body: unknown): { code: 'BODY_TOO_DEEP' | 'VALIDATION_FAILED'; error: FieldError } | null {
  const stack: { value: unknown; pointer: string; depth: number }[] = [{ value: body, pointer: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, pointer, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\0')) return { code: 'VALIDATION_FAILED', error: { pointer, detail: 'must not contain a NUL character' } };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_BODY_DEPTH) return { code: 'BODY_TOO_DEEP', error: { pointer, detail: `nesting deeper than ${MAX_BODY_DEPTH} levels is refused` } };
    for (const [key, child] of Object.entries(value)) {
      const childPointer = `${pointer}/${pointerSegment(key)}`;
      if (key.includes('\0')) return { code: 'VALIDATION_FAILED', error: { pointer: childPointer, detail: 'a field name must not contain a NUL character' } };
      stack.push({ value: child, pointer: childPointer, depth: depth + 1 });
    }
  }
  return null;
}

/** The path parameters and query values of a request that hold a NUL character. */
function parameterWithNul(request: RequestWithContext): FieldError | null {
  for (const [name, value] of Object.entries(request.params ?? {})) {
    if ([value].flat().some((v) => typeof v === 'string' && v.includes('\0')))
      return { pointer: `/${pointerSegment(name)}`, detail: `path parameter ${pointerSegment(name)} must not contain a NUL character` };
  }
  for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (name.includes('\0') || [value].flat().some((v) => typeof v === 'string' && v.includes('\0')))
      return { pointer: `/${pointerSegment(name)}`, detail: `query parameter ${pointerSegment(name)} must not contain a NUL character` };
  }
  return null;
}

/**
 * Refuses, before any pipe transforms it, input the stack below cannot take: a NUL in a path
 * parameter, a query value or a body string (400 VALIDATION_FAILED), a body nested deeper than
 * {@link MAX_BODY_DEPTH} (400 BODY_TOO_DEEP). Registered after the audit interceptor, so the
 * refusal of a mutation is audited with its principal.
 */
@Injectable()
export class RequestInputInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<RequestWithContext>();
    const parameter = parameterWithNul(request);
    if (parameter) throw new DomainError('invalid', 'VALIDATION_FAILED', `${parameter.pointer}: ${parameter.detail}`, { errors: [parameter] });
    if (!Buffer.isBuffer(request.body)) {
      const problem = bodyInputProblem(request.body);
      if (problem) throw new DomainError('invalid', problem.code, `${problem.error.pointer || '/'}: ${problem.error.detail}`, { errors: [problem.error] });
    }
    return next.handle();
  }
}
