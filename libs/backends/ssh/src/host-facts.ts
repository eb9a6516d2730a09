/**
 * Host facts: what a host is (distribution, service manager, packages, datadir, disk, memory,
 * listening ports, whether our Galera runs there) gathered in one remote command, and the checks
 * a host must pass before it becomes a member. Parsing and checking are pure (unit-tested);
 * only {@link hostFactsCommand}'s output comes from the host.
 */
import { GALERA_PORT_NUMBERS, parseByteSize, parseGrastate, readGaleraConfig, type ExistingData, type ReadGaleraConfig, type SstMethod } from '@galera-cp/galera';
import { hostPlatform, type DistributionFamily, type HostPlatform } from './host-platform';
import type { ServiceManagerKind } from './service-manager';
import { and, command, commandExists, discardOutput, not, or, sequence, type RemoteCommand } from './shell';

/** Debian's and MariaDB's default datadir. */
export const DEFAULT_DATADIR = '/var/lib/mysql';

/** Every package name the facts query asks about (both families, both SST methods). */
const QUERIED_PACKAGES = ['mariadb-server', 'galera-4', 'mariadb-backup', 'rsync', 'socat', 'MariaDB-server', 'MariaDB-backup'];

/** /etc/os-release, read. */
export interface OsRelease {
  id: string;
  idLike: string[];
  versionId: string;
  prettyName: string;
  family: DistributionFamily;
}

/** One listening TCP socket. */
export interface ListeningPort {
  port: number;
  /** The process holding it, when ss could tell (root). */
  process?: string;
}

/** Everything the backend knows about a host. */
export interface HostFacts {
  os: OsRelease;
  /** systemd when PID 1 is systemd (`/run/systemd/system`), else the SysV init script when present. */
  serviceManager: ServiceManagerKind | 'none';
  /** Installed state per queried package (only the names the host's package database knows). */
  packages: Record<string, boolean>;
  /** The server's datadir (`my_print_defaults --mysqld`), default {@link DEFAULT_DATADIR}. */
  datadir: string;
  /** Free space where the datadir lives, bytes; undefined when df could not tell. */
  diskAvailableBytes?: number;
  /** MemTotal and MemAvailable, bytes. */
  memory?: { totalBytes: number; availableBytes: number };
  /** Listening TCP sockets. */
  listening: ListeningPort[];
  /** PIDs of running mariadbd processes. */
  mariadbdPids: number[];
  /** The control plane's Galera option file on this host, read back, when present. */
  galeraConfig?: ReadGaleraConfig;
}

function sectionOf(nonce: string, name: string, body: RemoteCommand): RemoteCommand {
  // A leading newline keeps the marker on its own line whatever the previous section printed;
  // the nonce keeps a file's content from passing for a marker.
  return sequence(command('printf', '\\n@@%s:%s\\n', nonce, name), or(body, command('true')));
}

/**
 * One command that prints every fact, section by section (`@@name` lines); run it as root (ss
 * names the processes holding ports only for root). Missing programs leave their section empty.
 */
export function hostFactsCommand(nonce: string): RemoteCommand {
  if (!/^[0-9a-f]{4,32}$/.test(nonce)) throw new RangeError('the nonce must be 4-32 hex digits');
  const configPaths = [hostPlatform('debian').configPath, hostPlatform('rhel').configPath];
  const section = (name: string, body: RemoteCommand) => sectionOf(nonce, name, body);
  return sequence(
    section('os-release', command('cat', '--', '/etc/os-release')),
    section('systemd', and(command('test', '-d', '/run/systemd/system'), command('printf', 'yes'))),
    section('sysv', and(command('test', '-x', '/etc/init.d/mariadb'), command('printf', 'yes'))),
    section('dpkg', and(discardOutput(commandExists('dpkg-query')), command('dpkg-query', '-W', '-f', '${Package}\\t${db:Status-Status}\\n', '--', ...QUERIED_PACKAGES))),
    // On a Debian host with rpm installed as a tool, the dpkg database is the truth.
    section('rpm', and(not(discardOutput(commandExists('dpkg-query'))), discardOutput(commandExists('rpm')), command('rpm', '-q', '--qf', '%{NAME}\\tinstalled\\n', '--', ...QUERIED_PACKAGES))),
    section('meminfo', command('cat', '--', '/proc/meminfo')),
    // The server's options as it would read them (my_print_defaults is far lighter than mariadbd --print-defaults).
    section('defaults', command('my_print_defaults', '--mysqld')),
    section('df', command('df', '-Pk', '--', DEFAULT_DATADIR)),
    section('listening', command('ss', '-Htlnp')),
    section('mariadbd', command('pgrep', '-x', 'mariadbd')),
    ...configPaths.map((path, i) => section(`config-${i}`, and(command('test', '-f', path), command('cat', '--', path)))),
  );
}

/**
 * What a datadir holds (read before a host becomes a member, for `judgeExistingData`):
 * grastate.dat, the names of its subdirectories and the files of a `test` schema, in sections
 * like {@link hostFactsCommand}.
 */
export function existingDataCommand(datadir: string, nonce: string): RemoteCommand {
  if (!/^[0-9a-f]{4,32}$/.test(nonce)) throw new RangeError('the nonce must be 4-32 hex digits');
  const base = datadir.replace(/\/+$/, '') || '/';
  const grastate = `${base === '/' ? '' : base}/grastate.dat`;
  return sequence(
    sectionOf(nonce, 'grastate', and(command('test', '-f', grastate), command('cat', '--', grastate))),
    sectionOf(nonce, 'directories', and(command('test', '-d', base), command('ls', '-1Ap', '--', base))),
    sectionOf(nonce, 'test-schema', and(command('test', '-d', `${base === '/' ? '' : base}/test`), command('ls', '-1A', '--', `${base === '/' ? '' : base}/test`))),
  );
}

/** Reads {@link existingDataCommand}'s output. An unreadable grastate.dat counts as none. */
export function parseExistingData(stdout: string, nonce: string, datadir: string): ExistingData {
  const s = splitSections(stdout, nonce);
  const grastateText = s.get('grastate') ?? '';
  const parsed = grastateText.trim() === '' ? undefined : parseGrastate(grastateText);
  // `ls -p` marks directories with a trailing slash; files are left out.
  const directories = (s.get('directories') ?? '')
    .split('\n')
    .filter((l) => l.endsWith('/') && l.length > 1)
    .map((l) => l.slice(0, -1));
  const testSchemaFiles = (s.get('test-schema') ?? '').split('\n').filter((l) => l !== '');
  return { datadir, directories, ...(directories.includes('test') ? { testSchemaFiles } : {}), ...(parsed?.ok ? { grastate: parsed.value } : {}) };
}

/** Splits the sectioned output of {@link hostFactsCommand}. */
export function splitSections(stdout: string, nonce: string): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = `\n${stdout}`.split(new RegExp(`\\n@@${nonce}:([a-z0-9-]+)\\n`));
  for (let i = 1; i < parts.length; i += 2) sections.set(parts[i], parts[i + 1] ?? '');
  return sections;
}

/** Reads /etc/os-release (shell-style `KEY=value`, values optionally quoted). */
export function parseOsRelease(text: string): OsRelease {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    fields.set(m[1], m[2].replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1'));
  }
  const id = (fields.get('ID') ?? '').toLowerCase();
  const idLike = (fields.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const family: DistributionFamily = [id, ...idLike].some((x) => x === 'debian' || x === 'ubuntu')
    ? 'debian'
    : [id, ...idLike].some((x) => ['rhel', 'fedora', 'centos', 'rocky', 'almalinux'].includes(x))
      ? 'rhel'
      : 'unknown';
  return { id, idLike, versionId: fields.get('VERSION_ID') ?? '', prettyName: fields.get('PRETTY_NAME') ?? id, family };
}

/** Reads `dpkg-query -W -f '${Package}\t${db:Status-Status}\n'` or `rpm -q --qf '%{NAME}\tinstalled\n'` lines. */
export function parsePackageStates(text: string): Record<string, boolean> {
  const states: Record<string, boolean> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9][A-Za-z0-9+._-]*)\t(\S+)$/.exec(line.trim());
    if (m) states[m[1]] = m[2] === 'installed';
  }
  return states;
}

/** Reads MemTotal and MemAvailable from /proc/meminfo. */
export function parseMeminfo(text: string): { totalBytes: number; availableBytes: number } | undefined {
  const kib = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = kib('MemTotal');
  if (total === undefined) return undefined;
  return { totalBytes: total, availableBytes: kib('MemAvailable') ?? kib('MemFree') ?? 0 };
}

/** Reads `df -Pk` output: the available bytes of the last data line. */
export function parseDfAvailable(text: string): number | undefined {
  const rows = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('Filesystem'));
  const last = rows[rows.length - 1];
  if (!last) return undefined;
  const fields = last.split(/\s+/);
  // Filesystem, 1024-blocks, Used, Available, Capacity, Mounted on (a long device name may wrap).
  const available = fields.length >= 6 ? fields[fields.length - 3] : undefined;
  return available !== undefined && /^\d+$/.test(available) ? Number(available) * 1024 : undefined;
}

/** Reads the datadir from `my_print_defaults --mysqld` or `mariadbd --print-defaults` (the last `--datadir=` wins, as for mariadbd). */
export function parseDatadir(text: string): string {
  const all = [...text.matchAll(/--datadir=(\S+)/g)].map((m) => m[1]);
  const last = all[all.length - 1];
  return last ? last.replace(/\/+$/, '') || '/' : DEFAULT_DATADIR;
}

/** Reads `ss -Htlnp`: the local port and, when shown, the process name of each listening socket. */
export function parseListeningPorts(text: string): ListeningPort[] {
  const ports: ListeningPort[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4) continue;
    // State Recv-Q Send-Q Local:Port Peer:Port [Process]; the local address is the first field with a port.
    const local = fields.find((f, i) => i >= 3 && /:(\d+)$/.test(f));
    const port = local ? Number(/:(\d+)$/.exec(local)?.[1]) : NaN;
    if (!Number.isInteger(port)) continue;
    const process = /users:\(\("([^"]+)"/.exec(line)?.[1];
    ports.push(process ? { port, process } : { port });
  }
  return ports;
}

/** Reads the whole output of {@link hostFactsCommand}. */
export function parseHostFacts(stdout: string, nonce: string): HostFacts {
  const s = splitSections(stdout, nonce);
  const get = (name: string) => s.get(name) ?? '';
  const os = parseOsRelease(get('os-release'));
  const serviceManager: HostFacts['serviceManager'] = get('systemd').trim() === 'yes' ? 'systemd' : get('sysv').trim() === 'yes' ? 'sysv' : 'none';
  const packages = { ...parsePackageStates(get('rpm')), ...parsePackageStates(get('dpkg')) };
  const configText = [get('config-0'), get('config-1')].find((t) => t.trim() !== '');
  const memory = parseMeminfo(get('meminfo'));
  const diskAvailableBytes = parseDfAvailable(get('df'));
  return {
    os,
    serviceManager,
    packages,
    datadir: parseDatadir(get('defaults')),
    ...(diskAvailableBytes !== undefined ? { diskAvailableBytes } : {}),
    ...(memory ? { memory } : {}),
    listening: parseListeningPorts(get('listening')),
    mariadbdPids: get('mariadbd')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^\d+$/.test(l))
      .map(Number),
    ...(configText !== undefined ? { galeraConfig: readGaleraConfig(configText) } : {}),
  };
}

/** A reason a host cannot become (or stay) a member. */
export interface HostProblem {
  /** Stable code: PORT_IN_USE, DISK_SPACE_LOW, MEMORY_TOO_LOW, SERVICE_MANAGER_UNSUPPORTED, CLUSTER_CONFLICT. */
  code: string;
  message: string;
}

/** Which cluster a host should belong to. */
export interface ClusterIdentity {
  /** The cluster's name (`wsrep_cluster_name`). */
  clusterName: string;
  /** The control plane's id of the cluster (the owner our configuration files name). */
  clusterId: string;
}

/** What a host is checked against. */
export interface HostExpectations extends ClusterIdentity {
  /** Least free disk space at the datadir. */
  minFreeDiskBytes: number;
  /** The spec's buffer pool: the host needs at least this much memory plus a margin. */
  bufferPoolSize: string;
  sstMethod: SstMethod;
}

/** Memory a server needs beyond its buffer pool (connections, gcache index, the OS). */
const MEMORY_MARGIN_BYTES = 256 * 1024 ** 2;

/** The platform a host's facts point to. */
export function platformOf(facts: HostFacts): HostPlatform {
  return hostPlatform(facts.os.family);
}

/**
 * Whether the host's Galera configuration is this cluster's: its name, and the owner its header
 * names (a file without one, written before owners were recorded, goes by the name alone).
 */
export function configuredForUs(facts: HostFacts, cluster: ClusterIdentity): boolean {
  const config = facts.galeraConfig;
  if (config?.clusterName !== cluster.clusterName) return false;
  return config.ownerId === undefined || config.ownerId === cluster.clusterId;
}

/** Whether the server running on the host (if any) is a member of this cluster. */
export function runsOurGalera(facts: HostFacts, cluster: ClusterIdentity): boolean {
  return facts.mariadbdPids.length > 0 && configuredForUs(facts, cluster);
}

/** Packages the host still needs. */
export function missingPackages(facts: HostFacts, sstMethod: SstMethod): string[] {
  return platformOf(facts)
    .packagesFor(sstMethod)
    .filter((p) => !facts.packages[p]);
}

/**
 * The checks of a host before it becomes a member: a known service manager, free Galera ports
 * (unless our own server of this cluster holds them: a retried step), no other Galera cluster's
 * configuration, free disk, enough memory for the buffer pool.
 */
export function checkHostFacts(facts: HostFacts, expect: HostExpectations): HostProblem[] {
  const problems: HostProblem[] = [];
  if (facts.serviceManager === 'none') {
    problems.push({ code: 'SERVICE_MANAGER_UNSUPPORTED', message: 'neither systemd nor the MariaDB SysV init script (/etc/init.d/mariadb) was found' });
  }
  const config = facts.galeraConfig;
  if (config?.clusterName !== undefined && config.clusterName !== expect.clusterName) {
    problems.push({ code: 'CLUSTER_CONFLICT', message: `the host is configured for another Galera cluster (wsrep_cluster_name ${config.clusterName})` });
  } else if (config?.clusterName !== undefined && !configuredForUs(facts, expect)) {
    problems.push({
      code: 'CLUSTER_CONFLICT',
      message: `the host is configured for another cluster of the same name (control-plane cluster ${config.ownerId}): delete that cluster, or remove its configuration, first`,
    });
  }
  if (!runsOurGalera(facts, expect)) {
    const held = facts.listening.filter((l) => GALERA_PORT_NUMBERS.includes(l.port));
    const ports = [...new Set(held.map((l) => `${l.port}${l.process ? ` (${l.process})` : ''}`))];
    if (ports.length > 0) problems.push({ code: 'PORT_IN_USE', message: `Galera ports already in use: ${ports.join(', ')}` });
  }
  if (facts.diskAvailableBytes !== undefined && facts.diskAvailableBytes < expect.minFreeDiskBytes) {
    problems.push({ code: 'DISK_SPACE_LOW', message: `${mib(facts.diskAvailableBytes)} free at ${facts.datadir}; at least ${mib(expect.minFreeDiskBytes)} needed` });
  }
  const pool = parseByteSize(expect.bufferPoolSize) ?? 0;
  if (facts.memory && facts.memory.totalBytes < pool + MEMORY_MARGIN_BYTES) {
    problems.push({ code: 'MEMORY_TOO_LOW', message: `${mib(facts.memory.totalBytes)} of memory; the ${expect.bufferPoolSize} buffer pool needs at least ${mib(pool + MEMORY_MARGIN_BYTES)}` });
  }
  return problems;
}

function mib(bytes: number): string {
  return `${Math.floor(bytes / 1024 ** 2)} MiB`;
}
