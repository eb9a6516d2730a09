import { monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** Prefixes of the opaque resource ids: the kind of a resource is readable from its id. */
export const ID_PREFIX = {
  cluster: 'cl',
  node: 'nd',
  operation: 'op',
  credential: 'cr',
  token: 'tk',
  backup: 'bk',
  backupStore: 'bs',
  backupSchedule: 'bsc',
  webhook: 'wh',
  delivery: 'dl',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

/**
 * A new id such as `cl_01JD3...`: a prefix and a ULID (time-ordered), so ordering by id is
 * ordering by creation, which keyset pagination relies on.
 */
export function newId(kind: IdKind): string {
  return `${ID_PREFIX[kind]}_${next().toLowerCase()}`;
}

/** True when `value` looks like an id of the given kind (used to answer 404 early on garbage). */
export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIX[kind]}_[0-9a-hjkmnp-tv-z]{26}$`).test(value);
}
