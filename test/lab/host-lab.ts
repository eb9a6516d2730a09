// The host lab: real Debian "hosts" (sshd + the machine's MariaDB Galera packages) living in
// network, mount, UTS and PID namespaces of this machine, so the SSH backend can be tested
// against real servers without docker. Facts it relies on: /work/shared/lab-notes.md.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access, appendFile, chmod, mkdir, open as openFile, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';

/** Where labs keep their state unless `HostLabOptions.root` says otherwise. */
export const DEFAULT_LAB_ROOT = '/var/lib/gcp-lab';
/** The lab every command uses unless it is given another name. */
export const DEFAULT_LAB_NAME = 'gcp';
/** The port sshd listens on inside every lab host. */
export const LAB_SSH_PORT = 22;
/** The non-root user with passwordless sudo that every lab host has. */
export const LAB_SUDO_USER = 'galera-admin';
/** Highest host index: host i gets address .(10 + i) of the lab subnet. */
export const MAX_LAB_HOSTS = 200;

const NAME_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;
const SUBNET_PREFIX = '10.250';
/** Every lab subnet lies in this range. */
export const LAB_RANGE = `${SUBNET_PREFIX}.0.0/16`;
const PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
// Host directories that replace the machine's: [directory in the host's state, mount point].
const PRIVATE_DIRS: ReadonlyArray<readonly [string, string]> = [
  ['etc', '/etc'],
  ['var-lib-mysql', '/var/lib/mysql'],
  ['var-log', '/var/log'],
  ['root', '/root'],
  ['home', '/home'],
  ['srv', '/srv'],
];
const HOST_KEY_FILE = 'ssh_host_ed25519_key';
const CLOCK_SKEW_CONF = '10-lab-clock-skew.conf';

/** Error codes of the lab; every failure names one. */
export type LabErrorCode =
  | 'LAB_NOT_ROOT'
  | 'LAB_INVALID_NAME'
  | 'LAB_INVALID_ARGUMENT'
  | 'LAB_HOST_NOT_FOUND'
  | 'LAB_HOST_NOT_RUNNING'
  | 'LAB_SUBNET_EXHAUSTED'
  | 'LAB_MISSING_PACKAGE'
  | 'LAB_COMMAND_FAILED'
  | 'LAB_BOOT_FAILED'
  | 'LAB_TIMEOUT'
  | 'LAB_BUSY';

/** A lab failure, with a code and a message that says what to do. */
export class LabError extends Error {
  constructor(
    /** What went wrong, as an UPPER_SNAKE code. */
    readonly code: LabErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LabError';
  }
}

/** Options of {@link HostLab.open}. */
export interface HostLabOptions {
  /** Lab instance name (`[a-z][a-z0-9-]{0,15}`); it determines netns, bridge and subnet. Default `gcp`. */
  name?: string;
  /** Directory holding every lab's state. Default `/var/lib/gcp-lab`. */
  root?: string;
}

/** How to log in to the lab's hosts; the same for every host of a lab. */
export interface LabCredentials {
  /** `root`: logs in with the client key only (no password). */
  rootUser: string;
  /** Non-root user with passwordless sudo (`galera-admin`): logs in with the key or the password. */
  sudoUser: string;
  /** Password of {@link LabCredentials.sudoUser} (SSH password login and sudo). */
  sudoPassword: string;
  /** Path of the client's private key (OpenSSH format, ed25519, no passphrase). */
  privateKeyPath: string;
  /** Contents of the client's private key. */
  privateKey: string;
  /** The client's public key, as in authorized_keys. */
  publicKey: string;
}

/** One lab host as the kernel and the lab directory show it now. */
export interface LabHost {
  /** Host index, from 1. */
  index: number;
  /** Host name inside the host (`<lab>-<index>`). */
  hostname: string;
  /** IPv4 address on the lab bridge. */
  address: string;
  /** SSH port (22). */
  sshPort: number;
  /** Network namespace name. */
  netns: string;
  /** Whether the host's init (sshd, PID 1 of its namespace) is alive. */
  running: boolean;
  /** PID, in this machine's PID namespace, of the host's PID 1; null when powered off. */
  pid: number | null;
  /** SHA256 fingerprint of the host key sshd serves, as OpenSSH prints it (`SHA256:...`). */
  fingerprint: string;
  /** The host's public key line (`ssh-ed25519 AAAA...`), e.g. for known_hosts. */
  publicKey: string;
  /** The raw public key blob (what an ssh2 `hostVerifier` receives). */
  publicKeyBlob: Buffer;
  /** Fingerprint of the stable key of this index (kept across lab re-creation). */
  stableFingerprint: string;
  /** True while {@link HostLab.rotateHostKey} replaced the stable key. */
  hostKeyRotated: boolean;
  /** Clock skew (seconds) applied to new SSH sessions, 0 when none. */
  clockSkewSeconds: number;
}

/** What `status` reports about a lab. */
export interface LabStatus {
  /** Lab name. */
  name: string;
  /** Lab subnet in CIDR notation. */
  subnet: string;
  /** Bridge device in this machine's network namespace. */
  bridge: string;
  /** Whether the bridge exists. */
  bridgeUp: boolean;
  /** The control plane's address on the bridge. */
  controlPlaneAddress: string;
  /** Directory holding the lab's state. */
  directory: string;
  /** Login material. */
  credentials: LabCredentials;
  /** Every host of the lab, by index. */
  hosts: LabHost[];
}

/** Result of a command run by the lab. */
export interface LabCommandResult {
  /** Exit status. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

interface RunOptions {
  timeoutMs?: number;
  input?: string;
  allowFailure?: boolean;
}

/** Quotes one argument for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** SHA256 fingerprint of a raw SSH public key blob, in OpenSSH's format (`SHA256:<base64, no padding>`). */
export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

function parsePublicKeyLine(line: string): { publicKey: string; blob: Buffer } {
  const [type, base64] = line.trim().split(/\s+/);
  if (!type || !base64) throw new LabError('LAB_COMMAND_FAILED', `not an SSH public key: ${line.slice(0, 80)}`);
  return { publicKey: `${type} ${base64}`, blob: Buffer.from(base64, 'base64') };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<LabCommandResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: PATH_ENV, LANG: 'C.UTF-8' } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new LabError('LAB_COMMAND_FAILED', `${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = [command, ...args].join(' ');
      if (timedOut) {
        reject(new LabError('LAB_TIMEOUT', `\`${line.slice(0, 300)}\` did not finish within ${timeoutMs} ms`));
        return;
      }
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (result.code !== 0 && !options.allowFailure) {
        reject(new LabError('LAB_COMMAND_FAILED', `\`${line.slice(0, 300)}\` exited with ${result.code}: ${(stderr || stdout).trim().slice(-2000)}`));
        return;
      }
      resolve(result);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Polls `probe` until it returns a value other than undefined, or fails with a LAB_TIMEOUT naming `what`. */
async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new LabError('LAB_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Resolves true when `address:port` sends an SSH banner within `timeoutMs`. */
export function sshBannerAnswers(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    let received = '';
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.includes('\n')) done(received.startsWith('SSH-'));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

async function nsPids(pid: number): Promise<number[] | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const line = status.split('\n').find((l) => l.startsWith('NSpid:'));
    return line?.slice('NSpid:'.length).trim().split(/\s+/).map(Number);
  } catch {
    return undefined;
  }
}

/**
 * Runs `action` holding an exclusive lock file (create-exclusive, holding the PID). A lock whose
 * holder is dead is stale and taken over; waiting is bounded (LAB_BUSY).
 */
async function withFileLock<T>(lockPath: string, what: string, action: () => Promise<T>): Promise<T> {
  await mkdir(dirname(lockPath), { recursive: true });
  await waitFor(`the lock ${lockPath} (another command is changing ${what})`, 120_000, async () => {
    try {
      const handle = await openFile(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      // A holder that died leaves a stale lock; an empty lock is being filled in (or was left
      // by a crash between create and write: stale after 2 s).
      const age = Date.now() - (await stat(lockPath).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if ((holder && !(await exists(`/proc/${holder}`))) || (!holder && age > 2_000)) await unlink(lockPath).catch(() => {});
      return undefined;
    }
  }).catch((error: unknown) => {
    if (error instanceof LabError && error.code === 'LAB_TIMEOUT') throw new LabError('LAB_BUSY', error.message);
    throw error;
  });
  try {
    return await action();
  } finally {
    await unlink(lockPath).catch(() => {});
  }
}

/**
 * A named host lab. Every method that changes something is idempotent and serialised by a lock
 * file in the lab directory, so a CLI and a test never interleave changes to one lab.
 */
export class HostLab {
  /** Lab name. */
  readonly name: string;
  /** Directory holding this lab's state. */
  readonly directory: string;
  /** Third octet of the lab subnet (`10.250.<octet>.0/24`). */
  readonly octet: number;
  /** Lab subnet in CIDR notation. */
  readonly subnet: string;
  /** Bridge device carrying the control plane's address. */
  readonly bridge: string;
  /** The control plane's address on the bridge (`.1`). */
  readonly controlPlaneAddress: string;
  /** SSH port of every host. */
  readonly sshPort = LAB_SSH_PORT;

  private readonly root: string;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(root: string, name: string, octet: number) {
    this.root = root;
    this.name = name;
    this.directory = join(root, name);
    this.octet = octet;
    this.subnet = `${SUBNET_PREFIX}.${octet}.0/24`;
    this.bridge = `gcp${octet}br`;
    this.controlPlaneAddress = `${SUBNET_PREFIX}.${octet}.1`;
  }

  /**
   * Opens (and on first use registers) a lab: checks root, picks the lab's subnet (kept in the
   * lab directory, never shared with another lab) and makes sure the client key and the sudo
   * user's password exist. Starts nothing.
   */
  static async open(options: HostLabOptions = {}): Promise<HostLab> {
    const name = options.name ?? DEFAULT_LAB_NAME;
    if (!NAME_PATTERN.test(name)) {
      throw new LabError('LAB_INVALID_NAME', `lab name "${name}" must match ${NAME_PATTERN.source}`);
    }
    if (process.getuid?.() !== 0) {
      throw new LabError('LAB_NOT_ROOT', 'the host lab needs root (network namespaces, bridges, mounts): run it as root, e.g. `sudo node -r @swc-node/register test/lab/cli.ts up`');
    }
    const root = options.root ?? DEFAULT_LAB_ROOT;
    const identity = join(root, name, 'identity');
    await mkdir(identity, { recursive: true, mode: 0o700 });
    // Two labs opened at the same time must not pick the same subnet.
    const octet = await withFileLock(join(root, '.subnets.lock'), 'the lab subnets', () => HostLab.subnetOctet(root, name));
    const lab = new HostLab(root, name, octet);
    await lab.withLock(() => lab.ensureIdentity());
    await HostLab.ensureLabRangeBlackhole();
    return lab;
  }

  /** Names of every lab registered under `root` (default `/var/lib/gcp-lab`), e.g. to find leftovers. */
  static async list(options: { root?: string } = {}): Promise<string[]> {
    const root = options.root ?? DEFAULT_LAB_ROOT;
    const names: string[] = [];
    for (const entry of await readdir(root).catch(() => [] as string[])) {
      if (NAME_PATTERN.test(entry) && (await exists(join(root, entry, 'identity', 'lab.json')))) names.push(entry);
    }
    return names.sort();
  }

  // The subnet is chosen once and stored: the default lab gets 10.250.0.0/24, others a hash of
  // their name, moved on while another lab or any route of this machine already uses it.
  private static async subnetOctet(root: string, name: string): Promise<number> {
    const file = join(root, name, 'identity', 'lab.json');
    try {
      const saved = JSON.parse(await readFile(file, 'utf8')) as { octet?: unknown };
      if (typeof saved.octet === 'number') return saved.octet;
    } catch {
      // not registered yet
    }
    const used = new Set<number>();
    for (const other of await readdir(root).catch(() => [] as string[])) {
      if (other === name) continue;
      try {
        const saved = JSON.parse(await readFile(join(root, other, 'identity', 'lab.json'), 'utf8')) as { octet?: unknown };
        if (typeof saved.octet === 'number') used.add(saved.octet);
      } catch {
        // not a lab
      }
    }
    const routes = await run('ip', ['-4', 'route', 'show', 'table', 'all']);
    // The blackhole route for the whole range (see ensureLabRangeBlackhole) holds no subnet.
    const subnetRoutes = routes.stdout.split('\n').filter((line) => !line.startsWith('blackhole'));
    for (const match of subnetRoutes.join('\n').matchAll(/\b10\.250\.(\d+)\.\d+/g)) used.add(Number(match[1]));
    const hash = createHash('sha256').update(name).digest().readUInt32BE(0);
    const first = name === DEFAULT_LAB_NAME ? 0 : 1 + (hash % 254);
    for (let step = 0; step < 255; step++) {
      const octet = (first + step) % 255;
      if (!used.has(octet)) {
        await writeFile(file, `${JSON.stringify({ name, octet }, null, 2)}\n`);
        return octet;
      }
    }
    throw new LabError('LAB_SUBNET_EXHAUSTED', `no free 10.250.X.0/24 subnet left for lab "${name}"`);
  }

  /** Login material shared by every host of this lab. */
  async credentials(): Promise<LabCredentials> {
    const identity = join(this.directory, 'identity');
    return {
      rootUser: 'root',
      sudoUser: LAB_SUDO_USER,
      sudoPassword: (await readFile(join(identity, 'sudo-password'), 'utf8')).trim(),
      privateKeyPath: join(identity, 'client_ed25519'),
      privateKey: await readFile(join(identity, 'client_ed25519'), 'utf8'),
      publicKey: (await readFile(join(identity, 'client_ed25519.pub'), 'utf8')).trim(),
    };
  }

  /** Network namespace name of host `index`. */
  netnsOf(index: number): string {
    return `gcplab-${this.name}-${index}`;
  }

  /** IPv4 address of host `index`. */
  addressOf(index: number): string {
    return `${SUBNET_PREFIX}.${this.octet}.${10 + index}`;
  }

  /** Host name of host `index`. */
  hostnameOf(index: number): string {
    return `${this.name}-${index}`;
  }

  /**
   * Converges to hosts 1..count existing and running: creates the missing ones, boots the
   * powered-off ones, leaves running ones alone. Never removes hosts above `count`. On failure,
   * removes the hosts this call created and rethrows.
   */
  async up(count: number): Promise<LabHost[]> {
    if (!Number.isInteger(count) || count < 1 || count > MAX_LAB_HOSTS) {
      throw new LabError('LAB_INVALID_ARGUMENT', `host count must be an integer from 1 to ${MAX_LAB_HOSTS}, got ${count}`);
    }
    return this.withLock(async () => {
      const wanted = Array.from({ length: count }, (_, i) => i + 1);
      await this.converge(wanted);
      const all = await this.listHosts();
      return all.filter((host) => host.index <= count);
    });
  }

  /** Creates and boots one more host, with the next free index. */
  async addHost(): Promise<LabHost> {
    return this.withLock(async () => {
      const indices = await this.hostIndices();
      const index = indices.length === 0 ? 1 : Math.max(...indices) + 1;
      if (index > MAX_LAB_HOSTS) throw new LabError('LAB_INVALID_ARGUMENT', `a lab holds at most ${MAX_LAB_HOSTS} hosts`);
      await this.converge([index]);
      return this.describeHost(index);
    });
  }

  /** Hard power-off: SIGKILL of the host's PID 1, which takes every process of the host down. Its files stay. */
  async powerOff(index: number): Promise<void> {
    await this.withLock(async () => {
      await this.requireHost(index);
      await this.killHost(index);
    });
  }

  /** Boots a powered-off host with the files it had; a running host is left alone. */
  async boot(index: number): Promise<LabHost> {
    return this.withLock(async () => {
      await this.requireHost(index);
      await this.ensureBridge();
      await this.startHosts([index]);
      return this.describeHost(index);
    });
  }

  /** Powers a host off and deletes it: namespace, veth and files. Its stable host key is kept. */
  async removeHost(index: number): Promise<void> {
    await this.withLock(() => this.destroyHost(index));
  }

  /**
   * Tears the lab down: every host's processes, namespaces, veths, the bridge and the state
   * files. Keeps the lab's identity (client key, password, stable host keys, subnet) unless
   * `purge` is set. Safe on a lab that does not exist.
   */
  async down(options: { purge?: boolean } = {}): Promise<void> {
    await this.withLock(async () => {
      const indices = new Set(await this.hostIndices());
      const netnsList = await run('ip', ['netns', 'list']);
      const prefix = `gcplab-${this.name}-`;
      for (const line of netnsList.stdout.split('\n')) {
        const ns = line.split(' ')[0] ?? '';
        const index = Number(ns.slice(prefix.length));
        if (ns.startsWith(prefix) && Number.isInteger(index) && index > 0) indices.add(index);
      }
      for (const index of [...indices].sort((a, b) => a - b)) await this.destroyHost(index);
      const links = await run('ip', ['-o', 'link', 'show']);
      for (const match of links.stdout.matchAll(new RegExp(`^\\d+: (gcp${this.octet}v\\d+)[@:]`, 'gm'))) {
        await run('ip', ['link', 'del', match[1]!], { allowFailure: true });
      }
      if (await this.linkExists(this.bridge)) await run('ip', ['link', 'del', this.bridge]);
      await rm(join(this.directory, 'hosts'), { recursive: true, force: true });
      await rm(join(this.directory, 'template'), { recursive: true, force: true });
      await rm(join(this.directory, 'policy-rc.d'), { force: true });
      await rm(join(this.directory, 'install-db.log'), { force: true });
    });
    if (options.purge) await rm(this.directory, { recursive: true, force: true });
  }

  /** The lab as the kernel and the lab directory show it now. */
  async status(): Promise<LabStatus> {
    return {
      name: this.name,
      subnet: this.subnet,
      bridge: this.bridge,
      bridgeUp: await this.linkExists(this.bridge),
      controlPlaneAddress: this.controlPlaneAddress,
      directory: this.directory,
      credentials: await this.credentials(),
      hosts: await this.listHosts(),
    };
  }

  /** Every host of the lab, running or not, by index. */
  async hosts(): Promise<LabHost[]> {
    return this.listHosts();
  }

  /** One host. */
  async host(index: number): Promise<LabHost> {
    await this.requireHost(index);
    return this.describeHost(index);
  }

  /**
   * Gives host `index` a new random host key (to provoke HOST_KEY_MISMATCH) and reloads its
   * sshd. {@link HostLab.restoreHostKey} puts the stable key back.
   */
  async rotateHostKey(index: number): Promise<LabHost> {
    return this.withLock(async () => {
      await this.requireHost(index);
      const keyPath = join(this.hostDir(index), 'etc', 'ssh', HOST_KEY_FILE);
      await rm(keyPath, { force: true });
      await rm(`${keyPath}.pub`, { force: true });
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${this.hostnameOf(index)}`, '-f', keyPath]);
      await this.reloadSshd(index);
      return this.describeHost(index);
    });
  }

  /** Puts the stable host key of `index` back and reloads sshd. */
  async restoreHostKey(index: number): Promise<LabHost> {
    return this.withLock(async () => {
      await this.requireHost(index);
      await this.installHostKey(index);
      await this.reloadSshd(index);
      return this.describeHost(index);
    });
  }

  /**
   * Makes new SSH sessions on host `index` see a clock skewed by `seconds` (libfaketime through
   * sshd's SetEnv; the kernel clock and running daemons are untouched). 0 clears the skew.
   */
  async setClockSkew(index: number, seconds: number): Promise<LabHost> {
    if (!Number.isInteger(seconds)) throw new LabError('LAB_INVALID_ARGUMENT', `clock skew must be whole seconds, got ${seconds}`);
    return this.withLock(async () => {
      await this.requireHost(index);
      const conf = join(this.hostDir(index), 'etc', 'ssh', 'sshd_config.d', CLOCK_SKEW_CONF);
      if (seconds === 0) {
        await rm(conf, { force: true });
      } else {
        const library = await this.fakeTimeLibrary();
        const offset = `${seconds > 0 ? '+' : ''}${seconds}s`;
        await writeFile(conf, ['# Host lab: new SSH sessions see a skewed clock (libfaketime); cleared by setClockSkew(index, 0).', `SetEnv LD_PRELOAD=${library} FAKETIME=${offset}`, ''].join('\n'));
      }
      await this.reloadSshd(index);
      return this.describeHost(index);
    });
  }

  /**
   * Runs a command inside host `index`'s namespaces (not over SSH), as root; for tests that
   * need to look at a host from outside. Throws on a non-zero exit unless `allowFailure`.
   */
  async exec(index: number, argv: readonly string[], options: { timeoutMs?: number; allowFailure?: boolean } = {}): Promise<LabCommandResult> {
    const pid = await this.initPid(index);
    if (pid === undefined) throw new LabError('LAB_HOST_NOT_RUNNING', `host ${index} of lab "${this.name}" is powered off`);
    return run('nsenter', ['-t', String(pid), '-m', '-u', '-n', '-p', '-r', '-w', '--', ...argv], options);
  }

  /** PIDs (this machine's numbering) of every process in host `index`'s network namespace. */
  async processesOf(index: number): Promise<number[]> {
    const ns = this.netnsOf(index);
    if (!(await exists(join('/run/netns', ns)))) return [];
    const result = await run('ip', ['netns', 'pids', ns], { allowFailure: true });
    return result.stdout
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => Number.isInteger(pid) && pid > 0);
  }

  // ---- internals -------------------------------------------------------------------------

  private hostDir(index: number): string {
    return join(this.directory, 'hosts', String(index));
  }

  private vethOf(index: number): string {
    return `gcp${this.octet}v${index}`;
  }

  private async hostIndices(): Promise<number[]> {
    const entries = await readdir(join(this.directory, 'hosts')).catch(() => [] as string[]);
    return entries
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .sort((a, b) => a - b);
  }

  private async requireHost(index: number): Promise<void> {
    if (!Number.isInteger(index) || index < 1 || !(await exists(join(this.hostDir(index), 'etc')))) {
      throw new LabError('LAB_HOST_NOT_FOUND', `lab "${this.name}" has no host ${index}`);
    }
  }

  // Serialises this instance's calls in-process, and every process's calls through the lock file.
  private withLock<T>(action: () => Promise<T>): Promise<T> {
    const result = this.queue.then(() => withFileLock(join(this.directory, '.lock'), `lab "${this.name}"`, action));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async ensureIdentity(): Promise<void> {
    const identity = join(this.directory, 'identity');
    const key = join(identity, 'client_ed25519');
    if (!(await exists(key)) || !(await exists(`${key}.pub`))) {
      await rm(key, { force: true });
      await rm(`${key}.pub`, { force: true });
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `gcp-lab-${this.name}-client`, '-f', key]);
    }
    const password = join(identity, 'sudo-password');
    if (!(await exists(password))) {
      await writeFile(password, `${randomBytes(12).toString('base64url')}\n`, { mode: 0o600 });
    }
  }

  private async ensureStableHostKey(index: number): Promise<string> {
    const dir = join(this.directory, 'identity', `host-${index}`);
    const key = join(dir, HOST_KEY_FILE);
    if (!(await exists(key)) || !(await exists(`${key}.pub`))) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await rm(key, { force: true });
      await rm(`${key}.pub`, { force: true });
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${this.hostnameOf(index)}`, '-f', key]);
    }
    return key;
  }

  private async installHostKey(index: number): Promise<void> {
    const stable = await this.ensureStableHostKey(index);
    const target = join(this.hostDir(index), 'etc', 'ssh', HOST_KEY_FILE);
    await run('install', ['-m', '600', '-o', 'root', '-g', 'root', stable, target]);
    await run('install', ['-m', '644', '-o', 'root', '-g', 'root', `${stable}.pub`, `${target}.pub`]);
  }

  private async fakeTimeLibrary(): Promise<string> {
    for (const dir of await readdir('/usr/lib').catch(() => [] as string[])) {
      const candidate = join('/usr/lib', dir, 'faketime', 'libfaketime.so.1');
      if (await exists(candidate)) return candidate;
    }
    throw new LabError('LAB_MISSING_PACKAGE', 'libfaketime is not installed: run `npm run lab:setup` (test/lab/setup.sh)');
  }

  private async linkExists(device: string): Promise<boolean> {
    return (await run('ip', ['link', 'show', 'dev', device], { allowFailure: true })).code === 0;
  }

  /**
   * Traffic to a lab address never leaves the machine: a blackhole route for the whole lab range
   * (kept for good; metric 4000, so a lab's own connected /24 wins while its bridge is up) makes a
   * packet to a torn-down lab's host (a monitor of a leftover cluster record, a test that outlived
   * its lab) die here instead of following the default route out.
   */
  private static async ensureLabRangeBlackhole(): Promise<void> {
    await run('ip', ['route', 'replace', 'blackhole', LAB_RANGE, 'metric', '4000']);
  }

  private async ensureBridge(): Promise<void> {
    if (!(await this.linkExists(this.bridge))) {
      await run('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
    }
    await run('ip', ['addr', 'replace', `${this.controlPlaneAddress}/24`, 'dev', this.bridge]);
    await run('ip', ['link', 'set', this.bridge, 'up']);
  }

  // Hosts get a veth into the bridge and no default route: only the lab subnet and loopback.
  private async ensureNetwork(index: number): Promise<void> {
    const ns = this.netnsOf(index);
    const veth = this.vethOf(index);
    if (!(await exists(join('/run/netns', ns)))) await run('ip', ['netns', 'add', ns]);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    const inside = await run('ip', ['-n', ns, 'link', 'show', 'dev', 'eth0'], { allowFailure: true });
    if (inside.code !== 0) {
      await run('ip', ['link', 'del', veth], { allowFailure: true });
      await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    }
    await run('ip', ['link', 'set', veth, 'master', this.bridge]);
    await run('ip', ['link', 'set', veth, 'up']);
    await run('ip', ['-n', ns, 'addr', 'replace', `${this.addressOf(index)}/24`, 'dev', 'eth0']);
    await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  }

  // The pieces every host starts from, built once per lab: a copy of the machine's /etc with the
  // lab's users, sshd settings and MariaDB disabled, and a datadir from mariadb-install-db.
  private async ensureTemplate(): Promise<string> {
    const template = join(this.directory, 'template');
    if (await exists(join(template, '.complete'))) return template;
    await rm(template, { recursive: true, force: true });
    await mkdir(template, { recursive: true });
    for (const [dir] of PRIVATE_DIRS) await mkdir(join(template, dir));
    await run('cp', ['-a', '/etc/.', join(template, 'etc')], { timeoutMs: 60_000 });
    await chmod(join(template, 'root'), 0o700);
    await run('chown', ['mysql:mysql', join(template, 'var-lib-mysql')]);
    const credentials = await this.credentials();
    const hash = (await run('openssl', ['passwd', '-6', '-stdin'], { input: `${credentials.sudoPassword}\n` })).stdout.trim();
    const sshdConf = join(template, 'etc', 'ssh', 'sshd_config.d', '00-lab.conf');
    await mkdir(join(template, 'etc', 'ssh', 'sshd_config.d'), { recursive: true });
    await writeFile(
      sshdConf,
      [
        '# Host lab (test/lab/host-lab.ts): one ed25519 host key per host index; root by key only;',
        `# ${LAB_SUDO_USER} by key or password.`,
        `HostKey /etc/ssh/${HOST_KEY_FILE}`,
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'PasswordAuthentication yes',
        'UseDNS no',
        'MaxStartups 100:30:200',
        'MaxSessions 64',
        '',
      ].join('\n'),
    );
    const sudoers = `${LAB_SUDO_USER} ALL=(ALL:ALL) NOPASSWD: ALL`;
    const installLog = join(this.directory, 'install-db.log');
    // Run the admin tools a real host would use, inside a private mount namespace where the
    // template's directories are the real paths, so nothing touches the machine's own files.
    const script = [
      'set -eu',
      ...PRIVATE_DIRS.map(([dir, target]) => `mount --bind ${shellQuote(join(template, dir))} ${target}`),
      'rm -f /etc/ssh/ssh_host_*',
      // Fresh Debian: the package enables mariadb at runlevels 2-5; the lab starts with it disabled
      // so nothing starts until the control plane enables it, and without /etc/default/mariadb.
      'update-rc.d mariadb disable',
      'rm -f /etc/default/mariadb',
      'cp -a /etc/skel/. /root/',
      'install -d -m 700 /root/.ssh',
      `printf '%s\\n' ${shellQuote(credentials.publicKey)} > /root/.ssh/authorized_keys`,
      'chmod 600 /root/.ssh/authorized_keys',
      `id ${LAB_SUDO_USER} >/dev/null 2>&1 || useradd -m -s /bin/bash -c 'Galera lab admin' -p ${shellQuote(hash)} ${LAB_SUDO_USER}`,
      `install -d -m 700 -o ${LAB_SUDO_USER} -g ${LAB_SUDO_USER} /home/${LAB_SUDO_USER}/.ssh`,
      `printf '%s\\n' ${shellQuote(credentials.publicKey)} > /home/${LAB_SUDO_USER}/.ssh/authorized_keys`,
      `chown ${LAB_SUDO_USER}:${LAB_SUDO_USER} /home/${LAB_SUDO_USER}/.ssh/authorized_keys`,
      `chmod 600 /home/${LAB_SUDO_USER}/.ssh/authorized_keys`,
      `printf '%s\\n' ${shellQuote(sudoers)} > /etc/sudoers.d/${LAB_SUDO_USER}`,
      `chmod 440 /etc/sudoers.d/${LAB_SUDO_USER}`,
      `visudo -cq -f /etc/sudoers.d/${LAB_SUDO_USER}`,
      'install -d -o mysql -g adm -m 2750 /var/log/mysql',
      'for f in wtmp btmp lastlog; do : > /var/log/$f; done',
      'chgrp utmp /var/log/wtmp /var/log/btmp /var/log/lastlog; chmod 664 /var/log/wtmp /var/log/lastlog; chmod 660 /var/log/btmp',
      `mariadb-install-db --user=mysql --skip-test-db --datadir=/var/lib/mysql >${shellQuote(installLog)} 2>&1 || { cat ${shellQuote(installLog)} >&2; exit 1; }`,
    ].join('\n');
    await run('unshare', ['--mount', '--propagation', 'private', '/bin/sh', '-c', script], { timeoutMs: 120_000 });
    await writeFile(join(template, '.complete'), `${new Date().toISOString()}\n`);
    return template;
  }

  // A real Debian host has no policy-rc.d; the build machine's (exit 101) is shared through /usr.
  // Lab hosts see this non-executable file in its place, which invoke-rc.d treats as "no policy".
  private async ensurePolicyFile(): Promise<string> {
    const file = join(this.directory, 'policy-rc.d');
    await writeFile(
      file,
      ["# Host lab: hides the build machine's policy-rc.d (exit 101) inside lab hosts.", '# Not executable on purpose: invoke-rc.d then behaves as on a host without policy-rc.d.', ''].join('\n'),
    );
    await chmod(file, 0o644);
    return file;
  }

  private async createHostFiles(index: number, template: string): Promise<void> {
    const dir = this.hostDir(index);
    if (await exists(join(dir, '.complete'))) return;
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(this.directory, 'hosts'), { recursive: true });
    // The fresh datadir is ~110 MB, mostly the zero-filled redo log: sparse copies keep each
    // host at a few MB of disk and of I/O (InnoDB allocates the holes when it writes).
    await run('cp', ['-a', '--sparse=always', template, dir], { timeoutMs: 120_000 });
    await rm(join(dir, '.complete'), { force: true });
    const hostname = this.hostnameOf(index);
    await writeFile(join(dir, 'etc', 'hostname'), `${hostname}\n`);
    await writeFile(join(dir, 'etc', 'hosts'), `127.0.0.1\tlocalhost\n${this.addressOf(index)}\t${hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
    await writeFile(join(dir, 'etc', 'machine-id'), `${randomBytes(16).toString('hex')}\n`);
    await this.installHostKey(index);
    await writeFile(join(dir, '.complete'), `${new Date().toISOString()}\n`);
  }

  private async converge(indices: readonly number[]): Promise<void> {
    const created: number[] = [];
    try {
      await this.ensureBridge();
      const template = await this.ensureTemplate();
      for (const index of indices) {
        if (!(await exists(join(this.hostDir(index), '.complete')))) created.push(index);
      }
      await Promise.all(created.map((index) => this.createHostFiles(index, template)));
      await this.startHosts(indices);
    } catch (error) {
      for (const index of created) await this.destroyHost(index).catch(() => {});
      throw error;
    }
  }

  private async startHosts(indices: readonly number[]): Promise<void> {
    const policy = await this.ensurePolicyFile();
    const pending: Array<{ index: number; exited: () => boolean }> = [];
    for (const index of indices) {
      if ((await this.initPid(index)) !== undefined) continue;
      await this.ensureNetwork(index);
      pending.push({ index, exited: await this.spawnHost(index, policy) });
    }
    await Promise.all(pending.map(({ index, exited }) => this.waitForBoot(index, exited)));
  }

  // PID 1 of the host: a shell that mounts the host's private directories, emulates the SysV
  // boot of MariaDB, then becomes sshd (`unshare --fork` ignores SIGTERM: power-off is SIGKILL).
  private async spawnHost(index: number, policy: string): Promise<() => boolean> {
    const dir = this.hostDir(index);
    const q = shellQuote;
    const script = [
      'set -eu',
      // This mount namespace began as a copy of the machine's: drop the copies of the lab netns
      // handles, or a removed host's namespace would stay pinned by the hosts started after it.
      'umount -l /run/netns 2>/dev/null || true',
      ...PRIVATE_DIRS.map(([sub, target]) => `mount --bind ${q(join(dir, sub))} ${target}`),
      `if [ -e /usr/sbin/policy-rc.d ]; then mount --bind ${q(policy)} /usr/sbin/policy-rc.d; fi`,
      'mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run',
      'mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm',
      'install -d -m 755 /run/sshd /run/user',
      'install -d -m 1777 /run/lock',
      'install -d -m 755 -o mysql -g root /run/mysqld',
      'install -d -m 2750 -o mysql -g adm /var/log/mysql',
      `hostname ${q(this.hostnameOf(index))}`,
      // Hosts must not see the lab's state (their own and other hosts' files).
      `mount -t tmpfs -o mode=700,size=1m tmpfs ${q(this.root)}`,
      'mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp',
      // SysV boot emulation: once sshd listens (it writes its pid file after binding), start
      // mariadb in the background if it is enabled at runlevel 2, as a Debian boot would.
      '( for i in $(seq 1 100); do [ -s /run/sshd.pid ] && break; sleep 0.1; done',
      '  if ls /etc/rc2.d/S??mariadb >/dev/null 2>&1; then',
      '    echo "lab boot: starting mariadb (enabled at runlevel 2)"; /etc/init.d/mariadb start',
      '  fi ) </dev/null >/var/log/lab-boot.log 2>&1 &',
      'exec /usr/sbin/sshd -D -e',
    ].join('\n');
    const console = join(dir, 'console.log');
    await appendFile(console, `--- boot ${new Date().toISOString()}\n`);
    const handle = await openFile(console, 'a');
    try {
      const child = spawn(
        'ip',
        [
          'netns',
          'exec',
          this.netnsOf(index),
          'unshare',
          '--mount',
          '--uts',
          '--pid',
          '--fork',
          '--kill-child',
          '--mount-proc',
          '--propagation',
          'private',
          '/bin/sh',
          '-c',
          script,
          `lab-host-${index}`,
        ],
        { detached: true, stdio: ['ignore', handle.fd, handle.fd], env: { PATH: PATH_ENV, LANG: 'C.UTF-8', HOME: '/root' } },
      );
      let exited = false;
      child.on('error', () => (exited = true));
      child.on('exit', () => (exited = true));
      child.unref();
      // `ip netns exec` execs unshare, which lives as long as the host: its exit means the host died.
      return () => exited;
    } finally {
      await handle.close();
    }
  }

  private async consoleTail(index: number): Promise<string> {
    const text = await readFile(join(this.hostDir(index), 'console.log'), 'utf8').catch(() => '');
    return text.split('\n').slice(-15).join('\n');
  }

  private async waitForBoot(index: number, exited: () => boolean): Promise<void> {
    const address = this.addressOf(index);
    try {
      await waitFor(`host ${index} (${address}) to answer SSH on port ${LAB_SSH_PORT}`, 20_000, async () => {
        if (exited()) {
          throw new LabError('LAB_BOOT_FAILED', `host ${index} of lab "${this.name}" stopped while booting`);
        }
        return (await sshBannerAnswers(address, LAB_SSH_PORT, 1_000)) ? true : undefined;
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new LabError('LAB_BOOT_FAILED', `${message}; console (${join(this.hostDir(index), 'console.log')}):\n${await this.consoleTail(index)}`);
    }
  }

  /** PID of the host's PID 1 (the process of its netns whose PID inside its namespace is 1). */
  private async initPid(index: number): Promise<number | undefined> {
    for (const pid of await this.processesOf(index)) {
      const ids = await nsPids(pid);
      if (ids && ids.length > 1 && ids[ids.length - 1] === 1) return pid;
    }
    return undefined;
  }

  private async killHost(index: number): Promise<void> {
    const init = await this.initPid(index);
    if (init !== undefined) {
      try {
        process.kill(init, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const started = Date.now();
    await waitFor(`the processes of host ${index} to exit`, 15_000, async () => {
      const left = await this.processesOf(index);
      if (left.length === 0) return true;
      // Anything else in the netns (a process entered from outside) goes too, by PID, after a grace period.
      if (Date.now() - started > 2_000) {
        for (const pid of left) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      return undefined;
    });
  }

  private async destroyHost(index: number): Promise<void> {
    await this.killHost(index);
    const ns = this.netnsOf(index);
    if (await exists(join('/run/netns', ns))) await run('ip', ['netns', 'del', ns]);
    if (await this.linkExists(this.vethOf(index))) await run('ip', ['link', 'del', this.vethOf(index)], { allowFailure: true });
    await rm(this.hostDir(index), { recursive: true, force: true });
  }

  // sshd re-executes itself on SIGHUP and rewrites its pid file once it listens again, so a
  // changed pid file means the new configuration and host key are in effect.
  private async reloadSshd(index: number): Promise<void> {
    const init = await this.initPid(index);
    if (init === undefined) return;
    const pidFile = `/proc/${init}/root/run/sshd.pid`;
    const before = (await stat(pidFile, { bigint: true }).catch(() => undefined))?.mtimeNs;
    process.kill(init, 'SIGHUP');
    await waitFor(`sshd of host ${index} to reload`, 10_000, async () => {
      const now = (await stat(pidFile, { bigint: true }).catch(() => undefined))?.mtimeNs;
      if (now === undefined || now === before) return undefined;
      return (await sshBannerAnswers(this.addressOf(index), LAB_SSH_PORT, 1_000)) ? true : undefined;
    });
  }

  private async describeHost(index: number): Promise<LabHost> {
    const dir = this.hostDir(index);
    const current = parsePublicKeyLine(await readFile(join(dir, 'etc', 'ssh', `${HOST_KEY_FILE}.pub`), 'utf8'));
    const stable = parsePublicKeyLine(await readFile(join(this.directory, 'identity', `host-${index}`, `${HOST_KEY_FILE}.pub`), 'utf8'));
    const skewConf = await readFile(join(dir, 'etc', 'ssh', 'sshd_config.d', CLOCK_SKEW_CONF), 'utf8').catch(() => '');
    const skew = /FAKETIME=([+-]?\d+)s/.exec(skewConf);
    const pid = await this.initPid(index);
    return {
      index,
      hostname: this.hostnameOf(index),
      address: this.addressOf(index),
      sshPort: LAB_SSH_PORT,
      netns: this.netnsOf(index),
      running: pid !== undefined,
      pid: pid ?? null,
      fingerprint: sshFingerprint(current.blob),
      publicKey: current.publicKey,
      publicKeyBlob: current.blob,
      stableFingerprint: sshFingerprint(stable.blob),
      hostKeyRotated: !current.blob.equals(stable.blob),
      clockSkewSeconds: skew ? Number(skew[1]) : 0,
    };
  }

  private async listHosts(): Promise<LabHost[]> {
    const hosts: LabHost[] = [];
    for (const index of await this.hostIndices()) {
      if (await exists(join(this.hostDir(index), '.complete'))) hosts.push(await this.describeHost(index));
    }
    return hosts;
  }
}
