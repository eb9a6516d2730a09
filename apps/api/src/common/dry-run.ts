import { DomainError } from '@galera-cp/core';

/** Reads the `dryRun` query flag strictly: true, false or absent. */
export function parseDryRun(value: unknown): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new DomainError('invalid', 'VALIDATION_FAILED', 'dryRun must be true or false', { errors: [{ pointer: '/dryRun', detail: 'must be true or false' }] });
}

/** Reads an optional boolean query flag strictly. */
export function parseFlag(name: string, value: unknown): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new DomainError('invalid', 'VALIDATION_FAILED', `${name} must be true or false`, { errors: [{ pointer: `/${name}`, detail: 'must be true or false' }] });
}
