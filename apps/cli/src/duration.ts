import { UsageError } from './cli-errors';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration flag in milliseconds: `90s`, `15m`, `1h30m`, `500ms`, or a bare number of seconds.
 * Anything else (or zero) is a usage error naming the flag.
 */
export function parseDuration(text: string, flag: string): number {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) {
    const ms = Number(value) * 1000;
    if (ms > 0) return ms;
  } else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(value)) {
    let total = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * UNITS[unit];
    if (total > 0) return Math.round(total);
  }
  throw new UsageError(`${flag}: "${text}" is not a duration (e.g. 90s, 15m, 1h30m, or seconds)`);
}
