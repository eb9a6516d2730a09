/**
 * Event type patterns, shared by event lists, event streams and webhook subscriptions: an exact
 * type (`cluster.ready`), a prefix ending in a dot (`cluster.`, `operation.`), or `*` for every
 * event.
 */
export const EVENT_TYPE_PATTERN = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.?)$/;

/** True when `pattern` is a valid exact type, prefix or `*`. */
export function isEventTypePattern(pattern: string): boolean {
  return pattern.length <= 100 && EVENT_TYPE_PATTERN.test(pattern);
}

/** True when `type` matches one of `patterns` (an empty list matches nothing). */
export function matchesEventType(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.') && type.startsWith(p)));
}

/** What to read of the event log; every field narrows it. */
export interface EventFilter {
  clusterId?: string;
  operationId?: string;
  /** Type patterns (exact, prefix ending in a dot, or `*`); absent or empty: every type. */
  types?: string[];
}

/** A stable text of a filter (for page tokens bound to their filters). */
export function describeEventFilter(filter: EventFilter): string {
  return `${filter.clusterId ?? ''}|${filter.operationId ?? ''}|${[...(filter.types ?? [])].sort().join(',')}`;
}

/** True when an event with these facts passes the filter. */
export function eventPasses(filter: EventFilter, event: { type: string; clusterId: string | null; operationId: string | null }): boolean {
  if (filter.clusterId && event.clusterId !== filter.clusterId) return false;
  if (filter.operationId && event.operationId !== filter.operationId) return false;
  return !filter.types || filter.types.length === 0 || matchesEventType(filter.types, event.type);
}

/** A LIKE pattern that matches values starting with `prefix` literally. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
