/**
 * Member ordinals (`<cluster>-<ordinal>`): both backends grow a cluster at the top and shrink it
 * from the top, like a StatefulSet, so names stay dense and a removed member's name is the one
 * a later scale-out reuses.
 */

/** The ordinal the next new member gets: one above the highest in use, 0 when there is none. */
export function nextOrdinal(ordinals: Iterable<number>): number {
  let highest = -1;
  for (const o of ordinals) if (o > highest) highest = o;
  return highest + 1;
}

/** The `count` members a scale-in removes: the highest ordinals, highest first. */
export function highestOrdinals<T extends { ordinal: number }>(members: readonly T[], count: number): T[] {
  if (count <= 0) return [];
  return [...members].sort((a, b) => b.ordinal - a.ordinal).slice(0, count);
}
