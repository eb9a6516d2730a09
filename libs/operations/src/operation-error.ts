import { DomainError } from '@galera-cp/core';

/** An operation's or step's error, as the problem object stored on it. */
export interface OperationError extends Record<string, unknown> {
  code: string;
  detail: string;
}

/**
 * Any error as an operation error: errors with a stable `code` (DomainError, BackendError) keep
 * it, with their node and details; others get the fallback code and their message.
 */
export function toOperationError(error: unknown, fallbackCode: string): OperationError {
  if (error instanceof DomainError) return { code: error.code, detail: error.detail, ...(error.extensions ?? {}) };
  if (error instanceof Error) {
    const coded = error as Error & { code?: unknown; options?: { node?: string; details?: Record<string, unknown> } };
    const code = typeof coded.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(coded.code) ? coded.code : fallbackCode;
    return {
      code,
      detail: error.message,
      ...(coded.options?.node ? { node: coded.options.node } : {}),
      ...(coded.options?.details ? { details: coded.options.details } : {}),
    };
  }
  return { code: fallbackCode, detail: String(error) };
}
