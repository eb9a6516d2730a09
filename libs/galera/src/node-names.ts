/**
 * The one fixed order of node names used wherever a rule needs a tie-break or a stable plan.
 */

/**
 * Compares node names in natural order: runs of digits compare as numbers (`db-2` before
 * `db-10`, `galera-0` before `galera-1`), everything else by UTF-16 code unit, so the result
 * never depends on the locale. Equal-looking names (`db-01` and `db-1`) fall back to a plain
 * comparison so the order stays total.
 */
export function compareNodeNames(a: string, b: string): number {
  const left = a.match(/\d+|\D+/g) ?? [];
  const right = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i];
    const y = right[i];
    const bothDigits = /^\d/.test(x) && /^\d/.test(y);
    if (bothDigits) {
      // Compare without Number() so long digit runs keep their precision.
      const xs = x.replace(/^0+(?=\d)/, '');
      const ys = y.replace(/^0+(?=\d)/, '');
      if (xs.length !== ys.length) return xs.length - ys.length;
      if (xs !== ys) return xs < ys ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  if (left.length !== right.length) return left.length - right.length;
  return a === b ? 0 : a < b ? -1 : 1;
}
