/**
 * The MariaDB option file that makes a server a Galera member, rendered from validated inputs.
 * The same text serves an SSH host (a file under /etc/mysql/mariadb.conf.d/) and Kubernetes (a
 * ConfigMap key): nothing in it depends on the host beyond the inputs.
 */
import { formatByteSize, parseByteSize } from './byte-size';
import { findParameterSpec, normalizeParameterName, validateParameters, type ParameterValue, type ParameterWarning, type ValidatedParameter } from './parameters';
import { GaleraRuleError, type FieldError } from './problems';

/** Where Debian's MariaDB packages read extra server configuration; sorts after 50-server.cnf, so it overrides it. */
export const DEBIAN_GALERA_CONFIG_PATH = '/etc/mysql/mariadb.conf.d/60-galera.cnf';
/** Debian's path of the Galera 4 provider library. */
export const DEBIAN_GALERA_PROVIDER_PATH = '/usr/lib/galera/libgalera_smm.so';
/** Default error log path (Debian's `/var/log/mysql`, owned mysql:adm, must exist). */
export const DEFAULT_LOG_ERROR_PATH = '/var/log/mysql/error.log';

/** State snapshot transfer method. */
export type SstMethod = 'mariabackup' | 'rsync';

/** Everything one node's Galera configuration is rendered from. */
export interface GaleraConfigInput {
  /** `wsrep_cluster_name`: equal on every member. Letters, digits, `_ . -`, up to 64. */
  clusterName: string;
  /**
   * The control plane's id of the cluster (`cl_...`), written into the header so a host tells which
   * cluster record configured it: a leftover of another record with the same name is not ours.
   */
  ownerId?: string;
  /** This node. */
  node: {
    /** `wsrep_node_name` (what `wsrep_sst_donor` lists). Letters, digits, `_ . -`, up to 64. */
    name: string;
    /** `wsrep_node_address`: IPv4, `[IPv6]` or host name, optional `:port`. */
    address: string;
  };
  /** Addresses of every member (this node included): the `gcomm://` list, in the given order. */
  members: readonly string[];
  /** SST method: `mariabackup` (default, does not block the donor) or `rsync` (blocks the donor). */
  sstMethod?: SstMethod;
  /** `wsrep_sst_auth`, when the SST method needs a database user (not with unix-socket auth). */
  sstAuth?: {
    /** Database user for SST. */
    user: string;
    /** Its password. The rendered file then holds a secret: write it readable by root and mysql only. */
    password?: string;
  };
  /** `gcache.size`, e.g. `1G` or bytes; size it with `recommendGcacheSize`. */
  gcacheSize: string | number;
  /** `innodb_buffer_pool_size`, e.g. `4G` or bytes; omitted -> the server default. */
  bufferPoolSize?: string | number;
  /** SQL port. Default 3306. */
  port?: number;
  /** `bind_address`. Default `0.0.0.0` (members and clients connect over the network). */
  bindAddress?: string;
  /** `wsrep_provider`. Default {@link DEBIAN_GALERA_PROVIDER_PATH}. */
  providerPath?: string;
  /** `log_error` (under [mysqld] and [mysqld_safe]). Default {@link DEFAULT_LOG_ERROR_PATH}. */
  logErrorPath?: string;
  /** User parameters, checked against the allow-list (see `validateParameters`). */
  parameters?: Readonly<Record<string, ParameterValue>>;
}

/** A rendered configuration. */
export interface RenderedGaleraConfig {
  /** The option file's text. */
  text: string;
  /** Settings dropped from the user parameters, with why. */
  warnings: ParameterWarning[];
  /** The user parameters that were written, sorted by name. */
  parameters: ValidatedParameter[];
}

/** Result of {@link validateGaleraConfigInput}. */
export interface GaleraConfigValidation {
  /** True when there is no error. */
  ok: boolean;
  /** Per-field errors (pointers relative to the input object, under `pointerPrefix`). */
  errors: FieldError[];
  /** Dropped parameters. */
  warnings: ParameterWarning[];
  /** Accepted user parameters. */
  parameters: ValidatedParameter[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9A-Fa-f]*:[0-9A-Fa-f:.]*$/;
const PATH = /^\/[A-Za-z0-9._/-]+$/;
const SST_USER = /^[A-Za-z0-9_]{1,80}$/;
/** Printable ASCII without whitespace, quotes, backslash, backtick or dollar: safe in the file and in SST scripts. */
const SST_PASSWORD = /^[!#%&(-[\]-_a-~]{1,128}$/;

function isIpv4(host: string): boolean {
  const parts = host.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function isHost(host: string): boolean {
  return isIpv4(host) || (!/^[\d.]+$/.test(host) && HOSTNAME.test(host));
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`. */
function isAddress(address: string): boolean {
  const m = /^(\[([^\]]+)\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(address);
  if (!m) return false;
  const port = m[3];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  return m[2] !== undefined ? IPV6.test(m[2]) : isHost(m[1]);
}

function isPath(path: string): boolean {
  return PATH.test(path) && !path.split('/').includes('..');
}

/**
 * Checks a configuration input field by field, so an API can answer 400 with every problem at
 * once. `pointerPrefix` is the input object's own pointer in the request (default empty).
 */
export function validateGaleraConfigInput(input: GaleraConfigInput, pointerPrefix = ''): GaleraConfigValidation {
  const errors: FieldError[] = [];
  const fail = (path: string, code: string, detail: string): void => {
    errors.push({ pointer: `${pointerPrefix}${path}`, code, detail });
  };
  const str = (v: unknown): v is string => typeof v === 'string';

  if (!str(input.clusterName) || !NAME.test(input.clusterName)) {
    fail('/clusterName', 'CLUSTER_NAME_INVALID', 'must be 1-64 letters, digits, _ . - starting with a letter or digit');
  }
  if (!str(input.node?.name) || !NAME.test(input.node.name)) {
    fail('/node/name', 'NODE_NAME_INVALID', 'must be 1-64 letters, digits, _ . - starting with a letter or digit');
  }
  if (!str(input.node?.address) || !isAddress(input.node.address)) {
    fail('/node/address', 'ADDRESS_INVALID', 'must be an IPv4 address, [IPv6] address or host name, with an optional :port');
  }
  if (!Array.isArray(input.members) || input.members.length === 0) {
    fail('/members', 'MEMBERS_INVALID', 'must list the address of every member');
  } else {
    input.members.forEach((m, i) => {
      if (!str(m) || !isAddress(m)) fail(`/members/${i}`, 'ADDRESS_INVALID', 'must be an IPv4 address, [IPv6] address or host name, with an optional :port');
      else if (input.members.indexOf(m) !== i) fail(`/members/${i}`, 'MEMBER_DUPLICATE', `${m} is listed twice`);
    });
  }
  if (input.sstMethod !== undefined && input.sstMethod !== 'mariabackup' && input.sstMethod !== 'rsync') {
    fail('/sstMethod', 'SST_METHOD_INVALID', 'must be mariabackup or rsync');
  }
  if (input.sstAuth !== undefined) {
    if (!str(input.sstAuth.user) || !SST_USER.test(input.sstAuth.user)) {
      fail('/sstAuth/user', 'SST_USER_INVALID', 'must be 1-80 letters, digits or _');
    }
    if (input.sstAuth.password !== undefined && (!str(input.sstAuth.password) || !SST_PASSWORD.test(input.sstAuth.password))) {
      fail('/sstAuth/password', 'SST_PASSWORD_INVALID', 'must be 1-128 printable ASCII characters without spaces, quotes, backslash, backtick or $');
    }
  }
  const gcache = parseByteSize(input.gcacheSize);
  if (gcache === undefined || gcache < 1024 ** 2 || gcache > 1024 ** 4) {
    fail('/gcacheSize', 'GCACHE_SIZE_INVALID', 'must be a size from 1M to 1T, e.g. 512M or 2G');
  }
  if (input.bufferPoolSize !== undefined) {
    const pool = parseByteSize(input.bufferPoolSize);
    if (pool === undefined || pool < 8 * 1024 ** 2 || pool > 1024 ** 4) {
      fail('/bufferPoolSize', 'BUFFER_POOL_SIZE_INVALID', 'must be a size from 8M to 1T, e.g. 4G');
    }
  }
  if (input.ownerId !== undefined && (!str(input.ownerId) || !OWNER_ID.test(input.ownerId))) {
    fail('/ownerId', 'OWNER_ID_INVALID', 'must be 1-64 letters, digits, _ or -');
  }
  if (input.port !== undefined && (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535)) {
    fail('/port', 'PORT_INVALID', 'must be an integer from 1 to 65535');
  }
  if (input.bindAddress !== undefined && (!str(input.bindAddress) || !(isHost(input.bindAddress) || IPV6.test(input.bindAddress)))) {
    fail('/bindAddress', 'ADDRESS_INVALID', 'must be an IPv4 address, IPv6 address (no brackets) or host name');
  }
  for (const [field, value] of [
    ['providerPath', input.providerPath],
    ['logErrorPath', input.logErrorPath],
  ] as const) {
    if (value !== undefined && (!str(value) || !isPath(value))) {
      fail(`/${field}`, 'PATH_INVALID', 'must be an absolute path of letters, digits and . _ - /');
    }
  }
  const params = validateParameters(input.parameters, { pointerPrefix: `${pointerPrefix}/parameters` });
  errors.push(...params.errors);
  return { ok: errors.length === 0, errors, warnings: params.warnings, parameters: params.parameters };
}

/** The control plane's cluster ids (`cl_` and a ULID today): a token safe in a comment line. */
const OWNER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Characters that need no quoting in an option file value. */
const BARE = /^[A-Za-z0-9_./:,@+=-]+$/;

/**
 * Writes one option value. Values reaching here were validated: printable ASCII without quote or
 * backslash, so double quotes make them one literal value and no value can start a new line or
 * section. The check is repeated here so a future caller cannot skip it.
 */
function optionValue(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value) || /["\\]/.test(value)) {
    throw new GaleraRuleError('CONFIG_VALUE_UNSAFE', `refusing to write an option value with a quote, backslash or control character: ${JSON.stringify(value)}`);
  }
  return BARE.test(value) ? value : `"${value}"`;
}

function sizeText(value: string | number): string {
  return typeof value === 'number' ? formatByteSize(value) : value.trim().toUpperCase();
}

/**
 * Renders one node's Galera option file. Deterministic: fixed section and line order, user
 * parameters sorted by name. Always writes the safe defaults (Galera rules):
 * `innodb_flush_log_at_trx_commit = 1`, `binlog_format = ROW`, `innodb_autoinc_lock_mode = 2`,
 * `default_storage_engine = InnoDB`, `wsrep_on = ON`, `pc.recovery=TRUE`; and, for Debian's init
 * script, `log_error` under both [mysqld] and [mysqld_safe], `skip_syslog`, and
 * `[sst] sst-syslog = -1`. Throws `GALERA_CONFIG_INVALID` with per-field errors when
 * {@link validateGaleraConfigInput} finds any.
 */
export function renderGaleraConfig(input: GaleraConfigInput): RenderedGaleraConfig {
  const validation = validateGaleraConfigInput(input);
  if (!validation.ok) {
    throw new GaleraRuleError('GALERA_CONFIG_INVALID', `invalid Galera configuration: ${validation.errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')}`, validation.errors);
  }
  const logError = input.logErrorPath ?? DEFAULT_LOG_ERROR_PATH;
  const line = (name: string, value: string): string => `${name} = ${optionValue(value)}`;
  const providerOptions = [`gcache.size=${sizeText(input.gcacheSize)}`, 'pc.recovery=TRUE'].join(';');
  const auth = input.sstAuth ? (input.sstAuth.password !== undefined ? `${input.sstAuth.user}:${input.sstAuth.password}` : input.sstAuth.user) : undefined;

  const lines = [
    `# Galera configuration of node ${input.node.name} in cluster ${input.clusterName}.`,
    input.ownerId !== undefined ? `# Written by the control plane for cluster ${input.ownerId}: manual edits are overwritten.` : '# Written by the control plane: manual edits are overwritten.',
    '',
    '[mysqld]',
    '# Safe defaults, not user-settable.',
    '# Galera replicates row events of InnoDB tables only, and applies them in parallel.',
    line('binlog_format', 'ROW'),
    line('default_storage_engine', 'InnoDB'),
    line('innodb_autoinc_lock_mode', '2'),
    '# Durable commits: without this, committed writes were lost on crash (Jepsen).',
    line('innodb_flush_log_at_trx_commit', '1'),
    '',
    '# Server',
    line('bind_address', input.bindAddress ?? '0.0.0.0'),
    line('port', String(input.port ?? 3306)),
    line('log_error', logError),
    ...(input.bufferPoolSize !== undefined ? [line('innodb_buffer_pool_size', sizeText(input.bufferPoolSize))] : []),
    '',
    '# Galera',
    line('wsrep_on', 'ON'),
    line('wsrep_provider', input.providerPath ?? DEBIAN_GALERA_PROVIDER_PATH),
    '# gcache sized for the longest planned outage, so a returning node rejoins by IST;',
    '# pc.recovery lets a fully crashed cluster restore its Primary component when all members return.',
    line('wsrep_provider_options', providerOptions),
    line('wsrep_cluster_name', input.clusterName),
    line('wsrep_cluster_address', `gcomm://${input.members.join(',')}`),
    line('wsrep_node_name', input.node.name),
    line('wsrep_node_address', input.node.address),
    line('wsrep_sst_method', input.sstMethod ?? 'mariabackup'),
    ...(auth !== undefined ? [line('wsrep_sst_auth', auth)] : []),
    ...(validation.parameters.length > 0 ? ['', '# User parameters (allow-listed and validated)', ...validation.parameters.map((p) => line(p.name, p.value))] : []),
    '',
    '[mysqld_safe]',
    "# Debian's mysqld_safe passes --skip-log-error: repeat log_error here, and keep syslog off",
    '# (messages sent to a missing syslog are lost).',
    line('log_error', logError),
    'skip_syslog',
    '',
    '[sst]',
    '# Keep SST script messages in the error log instead of syslog.',
    line('sst-syslog', '-1'),
    '',
  ];
  return { text: lines.join('\n'), warnings: validation.warnings, parameters: validation.parameters };
}

/** What {@link readGaleraConfig} finds in an option file. */
export interface ReadGaleraConfig {
  /** True when the file carries the control plane's header (rendered by {@link renderGaleraConfig}). */
  managed: boolean;
  /** The control plane's id of the cluster that wrote the file (its header), when it says. */
  ownerId?: string;
  /** `wsrep_cluster_name`. */
  clusterName?: string;
  /** Addresses of the `gcomm://` member list, in order. */
  members?: string[];
  /** `wsrep_node_name`. */
  nodeName?: string;
  /** `wsrep_node_address`. */
  nodeAddress?: string;
  /** `wsrep_sst_method`. */
  sstMethod?: string;
  /** The allow-listed user parameters the file sets, by canonical name, values as written. */
  parameters: Record<string, string>;
}

/**
 * Reads a Galera option file back (the inverse of {@link renderGaleraConfig} for what a backend
 * needs to compare): cluster name, member list, node, SST method and the allow-listed parameters
 * under `[mysqld]`. Values lose their double quotes; lines of other sections and settings outside
 * the allow-list (the safe defaults) are not reported as parameters. Never throws.
 */
export function readGaleraConfig(text: string): ReadGaleraConfig {
  const result: ReadGaleraConfig = { managed: /^# Written by the control plane/m.test(text), parameters: {} };
  const owner = /^# Written by the control plane for cluster ([A-Za-z0-9_-]{1,64}):/m.exec(text)?.[1];
  if (owner !== undefined && OWNER_ID.test(owner)) result.ownerId = owner;
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1].trim().toLowerCase();
      continue;
    }
    if (section !== 'mysqld' && section !== 'galera' && section !== 'mariadb') continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const name = normalizeParameterName(line.slice(0, eq));
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    switch (name) {
      case 'wsrep_cluster_name':
        result.clusterName = value;
        break;
      case 'wsrep_cluster_address':
        result.members = value
          .replace(/^gcomm:\/\//, '')
          .split(',')
          .map((m) => m.trim())
          .filter((m) => m !== '');
        break;
      case 'wsrep_node_name':
        result.nodeName = value;
        break;
      case 'wsrep_node_address':
        result.nodeAddress = value;
        break;
      case 'wsrep_sst_method':
        result.sstMethod = value;
        break;
      default: {
        const spec = findParameterSpec(name);
        if (spec) result.parameters[spec.name] = value;
      }
    }
  }
  return result;
}
