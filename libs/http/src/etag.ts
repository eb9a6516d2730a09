import { DomainError } from '@galera-cp/core';

/** The ETag of a resource: its spec generation (status changes do not change it). */
export function etagOf(generation: number): string {
  return `"${generation}"`;
}

/**
 * Honours `If-Match` on writes: absent passes; `*` passes; otherwise one of the listed tags must
 * equal the current one, or the write is refused with 412 and changes nothing.
 */
export function assertIfMatch(ifMatch: string | undefined, generation: number): void {
  if (ifMatch === undefined || ifMatch.trim() === '' || ifMatch.trim() === '*') return;
  const current = etagOf(generation);
  const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes(current)) {
    throw new DomainError('precondition_failed', 'PRECONDITION_FAILED', `If-Match ${ifMatch} does not match the current ETag ${current}`, {
      extensions: { currentEtag: current },
    });
  }
}
