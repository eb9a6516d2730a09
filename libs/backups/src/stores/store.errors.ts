import { DomainError, type ErrorKind } from '@galera-cp/core';

/** Stable codes a store driver fails with (registered in libs/core's problem codes). */
export type BackupStoreErrorCode = 'BACKUP_STORE_UNREACHABLE' | 'BACKUP_STORE_ACCESS_DENIED' | 'BACKUP_STORE_MISCONFIGURED' | 'BACKUP_OBJECT_NOT_FOUND';

/**
 * How each code surfaces over HTTP: a store that does not answer is `unavailable` (503, worth a
 * retry later); a refused secret or a wrong bucket/directory is the caller's to fix, so
 * `unprocessable` (422: the request is well formed, the store it describes is not usable).
 */
const KINDS: Record<BackupStoreErrorCode, ErrorKind> = {
  BACKUP_STORE_UNREACHABLE: 'unavailable',
  BACKUP_STORE_ACCESS_DENIED: 'unprocessable',
  BACKUP_STORE_MISCONFIGURED: 'unprocessable',
  BACKUP_OBJECT_NOT_FOUND: 'not_found',
};

/** A store driver's failure, with a stable code and whether trying again may help. */
export class BackupStoreError extends DomainError {
  declare readonly code: BackupStoreErrorCode;
  /** True when the same call may succeed later unchanged (the store did not answer). */
  readonly retryable: boolean;

  constructor(code: BackupStoreErrorCode, detail: string, options: { cause?: unknown } = {}) {
    super(KINDS[code], code, detail, { cause: options.cause });
    this.name = 'BackupStoreError';
    this.retryable = code === 'BACKUP_STORE_UNREACHABLE';
  }
}

/** Keys: `/`-separated segments of `[A-Za-z0-9._-]`, no empty, `.` or `..` segment, at most 1024 characters. */
const KEY_SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * Refuses a key outside the interface's alphabet before any driver uses it, so a key can never
 * climb out of an SSH store's directory or address another prefix of a bucket.
 */
export function assertValidKey(key: string, { allowEmpty = false }: { allowEmpty?: boolean } = {}): void {
  if (allowEmpty && key === '') return;
  const segments = key.split('/');
  // a list prefix may end with "/" (its last segment is then empty)
  const checked = allowEmpty && key.endsWith('/') ? segments.slice(0, -1) : segments;
  const ok = key.length <= 1024 && checked.length > 0 && checked.every((s) => KEY_SEGMENT.test(s) && s !== '.' && s !== '..');
  if (!ok) throw new DomainError('invalid', 'VALIDATION_FAILED', `object key ${JSON.stringify(key.slice(0, 80))} is not made of [A-Za-z0-9._-] segments separated by "/"`);
}
