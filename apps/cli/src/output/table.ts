/** One column of a table: its header and how a row shows in it. */
export interface Column<T> {
  header: string;
  value: (row: T) => string;
  /** Right-align (numbers). */
  align?: 'left' | 'right';
}

/** The visible width of a string (ANSI colour codes take none). */
export function visibleWidth(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * A plain-text table: an upper-case header row, columns two spaces apart, no borders (easy to
 * read, and to cut or grep). The last column is not padded. Answers '' for no rows.
 */
export function renderTable<T>(columns: Column<T>[], rows: T[]): string {
  if (rows.length === 0) return '';
  const cells = rows.map((row) => columns.map((column) => column.value(row).replace(/\s*\n\s*/g, ' ')));
  const widths = columns.map((column, i) => Math.max(visibleWidth(column.header), ...cells.map((line) => visibleWidth(line[i]))));
  const line = (values: string[]) =>
    values
      .map((value, i) => (i === values.length - 1 && columns[i].align !== 'right' ? value : pad(value, widths[i], columns[i].align ?? 'left')))
      .join('  ')
      .trimEnd();
  return `${[line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n')}\n`;
}

/** `key: value` lines with the keys aligned; undefined values are left out. */
export function renderFields(fields: [string, string | undefined][]): string {
  const present = fields.filter((field): field is [string, string] => field[1] !== undefined);
  const width = Math.max(0, ...present.map(([key]) => key.length + 1));
  return present.map(([key, value]) => `${`${key}:`.padEnd(width)}  ${value}`).join('\n') + '\n';
}

/** How long ago `iso` was, the way kubectl says it: `45s`, `12m`, `3h`, `5d`. */
export function formatAge(iso: string | null | undefined, now: number): string {
  if (!iso) return '-';
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** A duration in milliseconds for people: `850ms`, `4.2s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, '0')}s`;
  const minutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Colours for a terminal; every function is the identity when colour is off. */
export interface Paint {
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/** Colours on (a terminal that wants them) or off. */
export function createPaint(enabled: boolean): Paint {
  const code = (open: number, close: number) => (text: string) => (enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { green: code(32, 39), red: code(31, 39), yellow: code(33, 39), cyan: code(36, 39), dim: code(2, 22), bold: code(1, 22) };
}

/** A state word coloured by what it means: green for done/healthy, red for failures, yellow for work in progress. */
export function paintState(paint: Paint, state: string): string {
  if (['SUCCEEDED', 'READY', 'Synced', 'True', 'APPROVED'].includes(state)) return paint.green(state);
  if (['FAILED', 'CANCELLED', 'DOWN', 'DEGRADED', 'False', 'Unreachable'].includes(state)) return paint.red(state);
  if (['RUNNING', 'PENDING', 'CANCELLING', 'CREATING', 'DELETING', 'WAITING', 'Joining', 'Donor/Desynced', 'Unknown', 'UNKNOWN'].includes(state)) return paint.yellow(state);
  return state;
}
