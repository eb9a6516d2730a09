/**
 * Byte sizes as MariaDB option files write them (`128M`, `1G`, plain bytes).
 */

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * Reads a size such as `512M`, `2G` or `1048576` (suffixes K, M, G, T, case-insensitive, powers
 * of 1024 as MariaDB reads them). Undefined when the text is not such a size.
 */
export function parseByteSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const m = /^(\d+)([KMGT]?)$/i.exec(value.trim());
  if (!m) return undefined;
  const bytes = Number(m[1]) * UNITS[m[2].toUpperCase()];
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Writes a byte count in the largest unit that divides it exactly (`1073741824` -> `1G`). */
export function formatByteSize(bytes: number): string {
  for (const unit of ['T', 'G', 'M', 'K']) {
    if (bytes > 0 && bytes % UNITS[unit] === 0) return `${bytes / UNITS[unit]}${unit}`;
  }
  return String(bytes);
}
