/**
 * The allow-list of server parameters a user may set, how each is validated, and whether it
 * applies at once (`SET GLOBAL`) or needs a restart.
 */
import { formatByteSize, parseByteSize } from './byte-size';
import { pointerToken, type FieldError } from './problems';

/** A parameter value as it arrives in a JSON request. */
export type ParameterValue = string | number | boolean;

/** Bounds of a list parameter unless it sets its own (a list is one server option line). */
const LIST_MAX_ITEMS = 32;
const LIST_MAX_ITEM_LENGTH = 64;

/** How a parameter's value is checked. */
export type ParameterType =
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'size'; min: number; max: number }
  | { kind: 'decimal'; min: number; max: number }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'list'; item: RegExp; itemDescription: string; upperCase?: boolean; maxItems?: number; maxItemLength?: number }
  | { kind: 'identifier'; pattern: RegExp; description: string };

/** One allow-listed parameter. */
export interface ParameterSpec {
  /** Canonical spelling, as written in the config file. */
  name: string;
  /** Value check. */
  type: ParameterType;
  /** `dynamic`: applied with `SET GLOBAL` at once; `restart`: applied by a rolling restart. */
  apply: 'dynamic' | 'restart';
  /** What it controls. */
  description: string;
}

const KIB = 1024;
const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
const int = (min: number, max: number): ParameterType => ({ kind: 'integer', min, max });
const size = (min: number, max: number): ParameterType => ({ kind: 'size', min, max });
const bool: ParameterType = { kind: 'boolean' };

/** Every parameter a user may set (MariaDB 10.11, Galera 26.4), sorted by name. */
export const PARAMETER_SPECS: readonly ParameterSpec[] = [
  { name: 'character_set_server', type: { kind: 'enum', values: ['utf8mb4', 'utf8mb3', 'latin1'] }, apply: 'dynamic', description: 'Default character set of new databases.' },
  {
    name: 'collation_server',
    type: { kind: 'identifier', pattern: /^[a-z0-9]+_[a-z0-9_]+$/, description: 'a collation name such as utf8mb4_unicode_ci' },
    apply: 'dynamic',
    description: 'Default collation of new databases.',
  },
  {
    name: 'innodb_flush_method',
    type: { kind: 'enum', values: ['fsync', 'O_DSYNC', 'O_DIRECT', 'O_DIRECT_NO_FSYNC'] },
    apply: 'restart',
    description: 'How InnoDB flushes data files (the unsafe nosync/littlesync are not offered).',
  },
  { name: 'innodb_io_capacity', type: int(100, 1_000_000), apply: 'dynamic', description: 'Background I/O operations per second InnoDB may use.' },
  { name: 'innodb_io_capacity_max', type: int(100, 1_000_000), apply: 'dynamic', description: 'Upper bound of background I/O under pressure.' },
  { name: 'innodb_lock_wait_timeout', type: int(0, 100_000_000), apply: 'dynamic', description: 'Seconds a transaction waits for a row lock.' },
  { name: 'innodb_log_buffer_size', type: size(2 * MIB, GIB), apply: 'restart', description: 'Size of the redo log buffer.' },
  { name: 'innodb_log_file_size', type: size(4 * MIB, 512 * GIB), apply: 'dynamic', description: 'Size of the redo log (resizable online since MariaDB 10.9).' },
  { name: 'innodb_print_all_deadlocks', type: bool, apply: 'dynamic', description: 'Log every deadlock to the error log.' },
  { name: 'interactive_timeout', type: int(1, 31_536_000), apply: 'dynamic', description: 'Seconds an idle interactive connection is kept.' },
  { name: 'join_buffer_size', type: size(128, GIB), apply: 'dynamic', description: 'Buffer per join without an index.' },
  { name: 'lock_wait_timeout', type: int(1, 31_536_000), apply: 'dynamic', description: 'Seconds to wait for a metadata lock.' },
  { name: 'long_query_time', type: { kind: 'decimal', min: 0, max: 31_536_000 }, apply: 'dynamic', description: 'Seconds after which a query counts as slow.' },
  { name: 'max_allowed_packet', type: size(16 * KIB, GIB), apply: 'dynamic', description: 'Largest packet or row; also bounds a replicated write-set.' },
  { name: 'max_connect_errors', type: int(1, 4_294_967_295), apply: 'dynamic', description: 'Failed connects from a host before it is blocked.' },
  { name: 'max_connections', type: int(10, 100_000), apply: 'dynamic', description: 'Simultaneous client connections.' },
  { name: 'max_heap_table_size', type: size(16 * KIB, 64 * GIB), apply: 'dynamic', description: 'Largest MEMORY table.' },
  { name: 'performance_schema', type: bool, apply: 'restart', description: 'Enable the Performance Schema.' },
  { name: 'skip_name_resolve', type: bool, apply: 'restart', description: 'Match clients by IP only, never by DNS name.' },
  { name: 'slow_query_log', type: bool, apply: 'dynamic', description: 'Write slow queries to the slow log.' },
  { name: 'sort_buffer_size', type: size(32 * KIB, GIB), apply: 'dynamic', description: 'Buffer per sort.' },
  {
    name: 'sql_mode',
    type: { kind: 'list', item: /^[A-Z_]+$/, itemDescription: 'SQL mode names such as STRICT_TRANS_TABLES', upperCase: true },
    apply: 'dynamic',
    description: 'Default SQL mode (comma-separated).',
  },
  { name: 'table_definition_cache', type: int(400, 2_097_152), apply: 'dynamic', description: 'Table definitions kept in cache.' },
  { name: 'table_open_cache', type: int(10, 1_048_576), apply: 'dynamic', description: 'Open tables kept for all threads.' },
  { name: 'thread_cache_size', type: int(0, 16_384), apply: 'dynamic', description: 'Threads kept for reuse.' },
  { name: 'tmp_table_size', type: size(16 * KIB, 64 * GIB), apply: 'dynamic', description: 'Largest in-memory temporary table.' },
  { name: 'wait_timeout', type: int(1, 31_536_000), apply: 'dynamic', description: 'Seconds an idle connection is kept.' },
  { name: 'wsrep_certify_nonPK', type: bool, apply: 'dynamic', description: 'Generate keys for tables without a primary key so they can be certified.' },
  { name: 'wsrep_log_conflicts', type: bool, apply: 'dynamic', description: 'Log certification conflicts.' },
  { name: 'wsrep_max_ws_size', type: int(1024, 2_147_483_647), apply: 'dynamic', description: 'Largest write-set (bytes) a transaction may replicate.' },
  { name: 'wsrep_retry_autocommit', type: int(0, 10_000), apply: 'dynamic', description: 'Retries of an autocommit statement that failed certification.' },
  { name: 'wsrep_slave_threads', type: int(1, 512), apply: 'dynamic', description: 'Parallel applier threads.' },
  {
    name: 'wsrep_sst_donor',
    type: { kind: 'list', item: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, itemDescription: 'node names', maxItems: 16, maxItemLength: 64 },
    apply: 'dynamic',
    description: 'Preferred SST donors, by wsrep_node_name, in order.',
  },
  { name: 'wsrep_sync_wait', type: int(0, 15), apply: 'dynamic', description: 'Causality checks before reads (bitmask; 1 = reads see all committed writes).' },
];

/** Why the generated configuration keeps a safe default (Galera rules, safe defaults). */
const SAFE_DEFAULT_REASONS: Record<string, string> = {
  innodb_flush_log_at_trx_commit: 'must stay 1: without it committed writes were lost on crash (Jepsen)',
  binlog_format: 'must stay ROW: Galera replicates row events only',
  innodb_autoinc_lock_mode: 'must stay 2 (interleaved): Galera applies write-sets in parallel',
  default_storage_engine: 'must stay InnoDB: Galera replicates InnoDB tables only',
  wsrep_on: 'must stay ON: it is what makes the node a Galera member',
  wsrep_forced_binlog_format: 'would force a binlog format other than ROW',
  innodb_doublewrite: 'must stay on: without it a crash can leave torn pages',
  wsrep_osu_method: 'an operational switch (RSU changes the schema on one node only), not configuration',
  wsrep_desync: 'an operational switch, not configuration',
  wsrep_reject_queries: 'an operational switch, not configuration',
};

/** Parameters set from dedicated fields of the configuration input, never as free parameters. */
const MANAGED: Record<string, string> = {
  wsrep_provider: 'providerPath',
  wsrep_provider_options: 'gcacheSize (other provider options are not user-settable)',
  wsrep_cluster_address: 'members',
  wsrep_cluster_name: 'clusterName',
  wsrep_node_name: 'node.name',
  wsrep_node_address: 'node.address',
  wsrep_sst_method: 'sstMethod',
  wsrep_sst_auth: 'sstAuth',
  bind_address: 'bindAddress',
  port: 'port',
  log_error: 'logErrorPath',
  innodb_buffer_pool_size: 'bufferPoolSize',
};

/** Every refused parameter with the reason, sorted by name. */
export const REFUSED_PARAMETERS: Readonly<Record<string, string>> = Object.fromEntries(
  [...Object.entries(SAFE_DEFAULT_REASONS), ...Object.entries(MANAGED).map(([name, field]) => [name, `managed by the control plane: set it through ${field}`] as const)].sort(([a], [b]) =>
    a < b ? -1 : 1,
  ),
);

/** Settings that MariaDB 10.11 rejects or that Galera clusters must not use: dropped with a warning. */
export const DROPPED_PARAMETERS: readonly { match: string; prefix: boolean; reason: string }[] = [
  {
    match: 'innodb_additional_mem_pool_size',
    prefix: false,
    reason: 'removed in MariaDB 10.2; the server refuses to start with it',
  },
  {
    match: 'query_cache_',
    prefix: true,
    reason: 'the query cache is off by default since MariaDB 10.1.7 and serialises queries on a global lock; the generated configuration leaves it off',
  },
];

/** Normalises an option name as MariaDB reads it: case-insensitive, `-` and `_` interchangeable. */
export function normalizeParameterName(name: string): string {
  return name.trim().toLowerCase().replace(/-/g, '_');
}

const SPEC_BY_NAME = new Map(PARAMETER_SPECS.map((s) => [normalizeParameterName(s.name), s]));

/** The allow-list entry for a name in any spelling, or undefined. */
export function findParameterSpec(name: string): ParameterSpec | undefined {
  return SPEC_BY_NAME.get(normalizeParameterName(name));
}

/** A parameter that passed validation. */
export interface ValidatedParameter {
  /** Canonical name. */
  name: string;
  /** Canonical value as written in the config file (sizes keep their suffix, booleans are ON/OFF). */
  value: string;
  /** Dynamic (`SET GLOBAL`) or needs a restart. */
  apply: 'dynamic' | 'restart';
}

/** A parameter that was dropped rather than refused. */
export interface ParameterWarning {
  /** Always `PARAMETER_DROPPED`. */
  code: 'PARAMETER_DROPPED';
  /** JSON Pointer of the dropped field. */
  pointer: string;
  /** The name as given. */
  name: string;
  /** Why it was dropped. */
  detail: string;
}

/** Result of {@link validateParameters}. */
export interface ParameterValidation {
  /** True when there is no error (warnings allowed). */
  ok: boolean;
  /** The accepted parameters, sorted by name. */
  parameters: ValidatedParameter[];
  /** Dropped settings. */
  warnings: ParameterWarning[];
  /** Per-field errors for a 400 answer. */
  errors: FieldError[];
}

/** Options of {@link validateParameters}. */
export interface ValidateParametersOptions {
  /** JSON Pointer of the parameters object in the request. Default `/parameters`. */
  pointerPrefix?: string;
}

/** Printable ASCII only: no control character can reach the config file. */
const PRINTABLE = /^[\x20-\x7e]*$/;

function checkValue(spec: ParameterSpec, raw: unknown): { value: string } | { error: string } {
  const t = spec.type;
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    return { error: 'must be a string, number or boolean' };
  }
  if (typeof raw === 'string' && !PRINTABLE.test(raw)) return { error: 'must contain printable ASCII characters only' };
  const text = String(raw).trim();
  switch (t.kind) {
    case 'integer': {
      if (typeof raw === 'boolean' || !/^-?\d+$/.test(text)) return { error: `must be an integer from ${t.min} to ${t.max}` };
      const n = Number(text);
      return n >= t.min && n <= t.max ? { value: String(n) } : { error: `must be from ${t.min} to ${t.max}, got ${text}` };
    }
    case 'size': {
      const bytes = typeof raw === 'boolean' ? undefined : parseByteSize(typeof raw === 'number' ? raw : text);
      const range = `from ${formatByteSize(t.min)} to ${formatByteSize(t.max)}`;
      if (bytes === undefined) return { error: `must be a size such as 64M or 1G (bytes, or K/M/G/T suffix), ${range}` };
      return bytes >= t.min && bytes <= t.max ? { value: text.toUpperCase() } : { error: `must be ${range}, got ${text}` };
    }
    case 'decimal': {
      if (typeof raw === 'boolean' || !/^\d+(\.\d+)?$/.test(text)) return { error: `must be a number from ${t.min} to ${t.max}` };
      const n = Number(text);
      return n >= t.min && n <= t.max ? { value: text } : { error: `must be from ${t.min} to ${t.max}, got ${text}` };
    }
    case 'boolean': {
      const v = text.toUpperCase();
      if (v === 'ON' || v === 'TRUE' || v === '1') return { value: 'ON' };
      if (v === 'OFF' || v === 'FALSE' || v === '0') return { value: 'OFF' };
      return { error: 'must be ON or OFF (or true/false, 1/0)' };
    }
    case 'enum': {
      const match = t.values.find((v) => v.toLowerCase() === text.toLowerCase());
      return match !== undefined ? { value: match } : { error: `must be one of ${t.values.join(', ')}` };
    }
    case 'list': {
      if (typeof raw !== 'string') return { error: `must be a comma-separated string of ${t.itemDescription}` };
      const items = text === '' ? [] : text.split(',').map((i) => (t.upperCase ? i.trim().toUpperCase() : i.trim()));
      const maxItems = t.maxItems ?? LIST_MAX_ITEMS;
      const maxItemLength = t.maxItemLength ?? LIST_MAX_ITEM_LENGTH;
      if (items.length > maxItems) return { error: `must list at most ${maxItems} ${t.itemDescription}` };
      const long = items.find((i) => i.length > maxItemLength);
      if (long !== undefined) return { error: `must list ${t.itemDescription} of at most ${maxItemLength} characters each` };
      const bad = items.find((i) => !t.item.test(i));
      return bad === undefined ? { value: items.join(',') } : { error: `must list ${t.itemDescription}; ${JSON.stringify(bad)} is not one` };
    }
    case 'identifier':
      return typeof raw === 'string' && t.pattern.test(text.toLowerCase()) ? { value: text.toLowerCase() } : { error: `must be ${t.description}` };
  }
}

/**
 * Validates user parameters against the allow-list. Names are read as MariaDB reads them
 * (case-insensitive, `-` = `_`). Unknown names, refused names (they would break a safe default or
 * are managed through a dedicated field), duplicates and bad values become per-field errors;
 * settings MariaDB rejects or ignores (`innodb_additional_mem_pool_size`, `query_cache_*`) are
 * dropped with a warning.
 */
export function validateParameters(params: unknown, options: ValidateParametersOptions = {}): ParameterValidation {
  const prefix = options.pointerPrefix ?? '/parameters';
  const result: ParameterValidation = { ok: true, parameters: [], warnings: [], errors: [] };
  if (params === undefined || params === null) return result;
  if (typeof params !== 'object' || Array.isArray(params)) {
    result.errors.push({ pointer: prefix, code: 'PARAMETERS_NOT_AN_OBJECT', detail: 'parameters must be an object of name: value' });
    result.ok = false;
    return result;
  }
  const seen = new Map<string, string>();
  for (const [given, raw] of Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const pointer = `${prefix}/${pointerToken(given)}`;
    const name = normalizeParameterName(given);
    const error = (code: string, detail: string): void => {
      result.errors.push({ pointer, code, detail });
    };
    if (!/^[a-z][a-z0-9_]*$/.test(name)) {
      error('PARAMETER_UNKNOWN', `${JSON.stringify(given)} is not a parameter name`);
      continue;
    }
    const dropped = DROPPED_PARAMETERS.find((d) => (d.prefix ? name.startsWith(d.match) : name === d.match));
    if (dropped) {
      result.warnings.push({ code: 'PARAMETER_DROPPED', pointer, name: given, detail: `${given} dropped: ${dropped.reason}` });
      continue;
    }
    const refused = REFUSED_PARAMETERS[name];
    if (refused !== undefined) {
      error('PARAMETER_REFUSED', `${given} cannot be set: ${refused}`);
      continue;
    }
    const spec = findParameterSpec(name);
    if (!spec) {
      error('PARAMETER_UNKNOWN', `${given} is not in the allow-list of settable parameters`);
      continue;
    }
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      error('PARAMETER_DUPLICATE', `${given} names the same parameter as ${earlier}`);
      continue;
    }
    seen.set(name, given);
    const checked = checkValue(spec, raw);
    if ('error' in checked) error('PARAMETER_INVALID_VALUE', `${spec.name} ${checked.error}`);
    else result.parameters.push({ name: spec.name, value: checked.value, apply: spec.apply });
  }
  result.parameters.sort((a, b) => (a.name < b.name ? -1 : 1));
  checkCollation(result, prefix, seen);
  checkRedoLogSizes(result, prefix, seen);
  result.ok = result.errors.length === 0;
  return result;
}

/**
 * MariaDB refuses to start when `collation_server` does not belong to `character_set_server`, and
 * the server's own default character set differs between packagings (Debian's 50-server.cnf says
 * utf8mb4, the compiled default is latin1): a collation is accepted only beside its character set.
 */
function checkCollation(result: ParameterValidation, prefix: string, given: Map<string, string>): void {
  const collation = result.parameters.find((p) => p.name === 'collation_server');
  if (!collation) return;
  const charset = result.parameters.find((p) => p.name === 'character_set_server');
  const pointer = `${prefix}/${pointerToken(given.get('collation_server') ?? 'collation_server')}`;
  if (!charset) {
    result.errors.push({ pointer, code: 'PARAMETER_INVALID_VALUE', detail: 'collation_server needs character_set_server set beside it' });
  } else if (!collation.value.startsWith(`${charset.value}_`)) {
    result.errors.push({
      pointer,
      code: 'PARAMETER_INVALID_VALUE',
      detail: `collation_server ${collation.value} does not belong to character_set_server ${charset.value}; the server would refuse to start`,
    });
  } else return;
  result.parameters = result.parameters.filter((p) => p !== collation);
}

/** MariaDB 10.11 defaults the checks below compare against when a size is not given. */
const DEFAULT_LOG_BUFFER_BYTES = 16 * MIB;
const DEFAULT_LOG_FILE_BYTES = 96 * MIB;

/**
 * MariaDB refuses an `innodb_log_file_size` smaller than `innodb_log_buffer_size` (checked on
 * 10.11: `SET GLOBAL` answers error 1210), so the pair is checked together, against the server
 * defaults for the one not given.
 */
function checkRedoLogSizes(result: ParameterValidation, prefix: string, given: Map<string, string>): void {
  const file = result.parameters.find((p) => p.name === 'innodb_log_file_size');
  const buffer = result.parameters.find((p) => p.name === 'innodb_log_buffer_size');
  if (!file && !buffer) return;
  const fileBytes = file ? (parseByteSize(file.value) as number) : DEFAULT_LOG_FILE_BYTES;
  const bufferBytes = buffer ? (parseByteSize(buffer.value) as number) : DEFAULT_LOG_BUFFER_BYTES;
  if (fileBytes >= bufferBytes) return;
  const blamed = file ?? (buffer as ValidatedParameter);
  result.errors.push({
    pointer: `${prefix}/${pointerToken(given.get(blamed.name) ?? blamed.name)}`,
    code: 'PARAMETER_INVALID_VALUE',
    detail: `innodb_log_file_size (${formatByteSize(fileBytes)}) must be at least innodb_log_buffer_size (${formatByteSize(bufferBytes)})`,
  });
  result.parameters = result.parameters.filter((p) => p !== blamed);
}

/** One parameter change between two validated sets. */
export interface ParameterChange {
  /** Canonical name. */
  name: string;
  /** Previous value, absent when newly set. */
  from?: string;
  /** New value, absent when removed (back to the server default). */
  to?: string;
  /** `dynamic`: apply with {@link ParameterChange.statement}; `restart`: needs a rolling restart. */
  apply: 'dynamic' | 'restart';
  /** The `SET GLOBAL` statement for a dynamic change (sizes in bytes, as SQL needs). */
  statement?: string;
}

/** Result of {@link planParameterChanges}. */
export interface ParameterChangePlan {
  /** Changes sorted by name. */
  changes: ParameterChange[];
  /** True when any change needs a rolling restart. */
  restartRequired: boolean;
}

function sqlValue(spec: ParameterSpec, value: string): string {
  switch (spec.type.kind) {
    case 'integer':
    case 'decimal':
    case 'boolean':
      return value;
    case 'size':
      // SQL does not read K/M/G suffixes: SET GLOBAL takes bytes.
      return String(parseByteSize(value));
    default:
      // Validated values contain no quote or backslash.
      return `'${value}'`;
  }
}

/**
 * Compares two validated parameter sets (before and after) and says how each change applies:
 * dynamic ones with a `SET GLOBAL` statement (the config file is rewritten too, so a restart
 * keeps them), the others by a rolling restart.
 */
export function planParameterChanges(current: readonly ValidatedParameter[], desired: readonly ValidatedParameter[]): ParameterChangePlan {
  const before = new Map(current.map((p) => [p.name, p.value]));
  const after = new Map(desired.map((p) => [p.name, p.value]));
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: ParameterChange[] = [];
  for (const name of names) {
    const from = before.get(name);
    const to = after.get(name);
    if (from === to) continue;
    const spec = findParameterSpec(name);
    const apply = spec?.apply ?? 'restart';
    const change: ParameterChange = { name, apply, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
    if (spec && apply === 'dynamic') {
      change.statement = `SET GLOBAL ${spec.name} = ${to === undefined ? 'DEFAULT' : sqlValue(spec, to)}`;
    }
    changes.push(change);
  }
  return { changes, restartRequired: changes.some((c) => c.apply === 'restart') };
}
