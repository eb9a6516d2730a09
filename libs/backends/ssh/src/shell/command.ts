import { quoteShellArg } from './quote';
import { InvalidShellArgumentError } from './shell.errors';

/**
 * Programs a remote command may start. Every remote command of the product begins with one of
 * these; each argument after it goes through {@link quoteShellArg}.
 *
 * Left out on purpose, because they run another program named by their arguments and would
 * turn the list into "anything": `sudo`, `sh`, `bash`, `env`, `timeout`, `command`, `nice`,
 * `nohup`, `setsid`, `xargs`, `su`, `find`, `awk`, `rsync`, `tar`. The ones the backend needs
 * have reviewed builders instead ({@link withTimeout}, {@link withEnv}, {@link commandExists},
 * {@link tcpProbeCommand}, {@link inNewSession}, `writeFileCommand`, `emptyDirectoryCommand`,
 * and the session's `sudo` option).
 *
 * Quoting stops shell injection; what a program makes of its arguments stays the caller's
 * concern: `sed` scripts and `mariadb -e` statements must be constants or built from
 * validated parts, and operands that may start with `-` go after `--`.
 */
export const REMOTE_PROGRAMS = [
  // Package managers: the install step only (mariadb-server, galera-4, mariadb-backup, rsync, socat).
  'apt-get',
  'cat',
  'chmod',
  'chown',
  'cp',
  'date',
  'df',
  'dnf',
  'dpkg-query',
  'du',
  'false',
  'free',
  'galera_new_cluster',
  'galera_recovery',
  'getent',
  'grep',
  'head',
  'hostname',
  'id',
  'install',
  'ip',
  'kill',
  'killall',
  'ln',
  'ls',
  'mariabackup',
  'mariadb',
  'mariadb-admin',
  'mariadbd',
  'mbstream',
  'mkdir',
  'mktemp',
  'mv',
  'my_print_defaults',
  'nproc',
  'pgrep',
  'printf',
  'ps',
  'readlink',
  'rm',
  'rpm',
  'sed',
  'service',
  'sha256sum',
  'sleep',
  'ss',
  'stat',
  'sync',
  'systemctl',
  'tail',
  'test',
  'touch',
  'true',
  'uname',
  'update-rc.d',
  'wc',
  'yum',
] as const;

/** One program of {@link REMOTE_PROGRAMS}. */
export type RemoteProgram = (typeof REMOTE_PROGRAMS)[number];

const ALLOWED_PROGRAMS: ReadonlySet<string> = new Set(REMOTE_PROGRAMS);

// How tightly a rendered command binds, so composition adds a `{ ...; }` group exactly where
// the shell grammar would otherwise regroup the parts (`a && b || c` is `(a && b) || c`).
const SIMPLE = 0;
const PIPELINE = 1;
const AND_OR = 2;
const SEQUENCE = 3;
type Binding = typeof SIMPLE | typeof PIPELINE | typeof AND_OR | typeof SEQUENCE;

// Only this module can mint commands: the constructor checks for this value at run time, and
// the type cannot be named outside, so a raw string never becomes a RemoteCommand.
const MINT: unique symbol = Symbol('RemoteCommand.mint');

/**
 * A shell command line for a remote POSIX shell, built only by this module's builders from an
 * allow-listed program and quoted arguments. The executor accepts nothing else, so a raw
 * string cannot reach a remote shell by accident.
 */
export class RemoteCommand {
  readonly #text: string;
  readonly #binding: Binding;

  /** @internal Use the builders ({@link command}, {@link pipeline}, ...). */
  constructor(mint: typeof MINT, text: string, binding: Binding) {
    if (mint !== MINT) throw new TypeError('RemoteCommand is built only by the shell command builders');
    this.#text = text;
    this.#binding = binding;
  }

  /** The rendered shell text, exactly as it is sent to the remote shell. */
  get text(): string {
    return this.#text;
  }

  /** @internal How tightly this command binds; used by the composition helpers. */
  get binding(): Binding {
    return this.#binding;
  }

  /** The rendered shell text (for logs; pass the command itself to the executor). */
  toString(): string {
    return this.#text;
  }

  /** True when `value` was built by this module (a brand check, not a shape check). */
  static isRemoteCommand(value: unknown): value is RemoteCommand {
    return typeof value === 'object' && value !== null && #text in value;
  }
}

/**
 * A single program with its arguments and nothing else (no redirection, no environment
 * prefix), so it can be wrapped by `timeout` or given an environment.
 */
export class ProgramCommand extends RemoteCommand {
  readonly #program: string;

  /** @internal Use {@link command}. */
  constructor(mint: typeof MINT, program: string, text: string) {
    super(mint, text, SIMPLE);
    this.#program = program;
  }

  /** The program this command starts. */
  get program(): string {
    return this.#program;
  }
}

/** @internal Mints a command from shell text this module (or a reviewed sibling) rendered. */
export function mintCommand(text: string, binding: Binding): RemoteCommand {
  return new RemoteCommand(MINT, text, binding);
}

/** @internal Mints a program command whose text was rendered from quoted parts. */
export function mintProgramCommand(program: string, text: string): ProgramCommand {
  return new ProgramCommand(MINT, program, text);
}

function assertCommand(value: unknown, what: string): asserts value is RemoteCommand {
  if (!RemoteCommand.isRemoteCommand(value)) {
    throw new InvalidShellArgumentError(`${what} must be a RemoteCommand built by the shell builders`, 'command');
  }
}

/** The operand's text, wrapped in a brace group when it binds more loosely than `maxBinding`. */
function operand(value: RemoteCommand, maxBinding: Binding): string {
  assertCommand(value, 'an operand');
  return value.binding <= maxBinding ? value.text : `{ ${value.text}; }`;
}

/**
 * One allow-listed program with quoted arguments: `command('service', 'mariadb', 'start')`
 * renders `service mariadb start`; `command('cat', '--', "/etc/it's")` renders
 * `cat -- '/etc/it'\''s'`.
 *
 * @throws InvalidShellArgumentError when the program is not in {@link REMOTE_PROGRAMS} or an
 *   argument cannot be quoted.
 */
export function command(program: RemoteProgram, ...args: readonly string[]): ProgramCommand {
  if (!ALLOWED_PROGRAMS.has(program)) {
    throw new InvalidShellArgumentError('the program is not in the remote command vocabulary', 'program');
  }
  return mintProgramCommand(program, [program, ...args.map(quoteShellArg)].join(' '));
}

/** `a | b | c`: each command's stdout feeds the next one's stdin. The exit status is the last one's (dash has no pipefail). */
export function pipeline(...commands: readonly RemoteCommand[]): RemoteCommand {
  if (commands.length < 2) throw new InvalidShellArgumentError('a pipeline needs at least two commands', 'commands');
  return mintCommand(commands.map((c) => operand(c, SIMPLE)).join(' | '), PIPELINE);
}

/** `a && b && c`: runs each command only when the previous one succeeded. */
export function and(...commands: readonly RemoteCommand[]): RemoteCommand {
  if (commands.length < 2) throw new InvalidShellArgumentError('"and" needs at least two commands', 'commands');
  return mintCommand(commands.map((c) => operand(c, PIPELINE)).join(' && '), AND_OR);
}

/** `a || b || c`: runs each command only when the previous one failed. */
export function or(...commands: readonly RemoteCommand[]): RemoteCommand {
  if (commands.length < 2) throw new InvalidShellArgumentError('"or" needs at least two commands', 'commands');
  return mintCommand(commands.map((c) => operand(c, PIPELINE)).join(' || '), AND_OR);
}

/** `a; b; c`: runs every command in turn; the exit status is the last one's. */
export function sequence(...commands: readonly RemoteCommand[]): RemoteCommand {
  if (commands.length < 2) throw new InvalidShellArgumentError('a sequence needs at least two commands', 'commands');
  return mintCommand(commands.map((c) => operand(c, SEQUENCE)).join('; '), SEQUENCE);
}

/** `! a`: succeeds when the command fails and the other way round. */
export function not(value: RemoteCommand): RemoteCommand {
  return mintCommand(`! ${operand(value, PIPELINE)}`, PIPELINE);
}

/** Which output streams a redirection takes. */
export type OutputStream = 'stdout' | 'stderr' | 'both';

/** Options of {@link redirectOutput}. */
export interface RedirectOutputOptions {
  /** Append instead of truncating the file. Default false. */
  readonly append?: boolean;
  /** Which streams go to the file. Default `stdout`. */
  readonly stream?: OutputStream;
}

function assertAbsolutePath(path: string, parameter: string): void {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new InvalidShellArgumentError(`${parameter} must be an absolute path`, parameter);
  }
}

/** `a > '/path'` (or `>>`, `2>`, `> file 2>&1`): sends output to a quoted absolute path. */
export function redirectOutput(value: RemoteCommand, path: string, options: RedirectOutputOptions = {}): RemoteCommand {
  assertAbsolutePath(path, 'path');
  const op = options.append ? '>>' : '>';
  const target = quoteShellArg(path);
  const stream = options.stream ?? 'stdout';
  const redirection = stream === 'stdout' ? `${op} ${target}` : stream === 'stderr' ? `2${op} ${target}` : `${op} ${target} 2>&1`;
  return mintCommand(`${operand(value, SIMPLE)} ${redirection}`, SIMPLE);
}

/** `a < '/path'`: reads stdin from a quoted absolute path. */
export function redirectInput(value: RemoteCommand, path: string): RemoteCommand {
  assertAbsolutePath(path, 'path');
  return mintCommand(`${operand(value, SIMPLE)} < ${quoteShellArg(path)}`, SIMPLE);
}

/** `a 2>&1`: merges stderr into stdout. */
export function mergeStderrIntoStdout(value: RemoteCommand): RemoteCommand {
  return mintCommand(`${operand(value, SIMPLE)} 2>&1`, SIMPLE);
}

/** `a >/dev/null 2>&1`: discards all output (the exit status still counts). */
export function discardOutput(value: RemoteCommand): RemoteCommand {
  return mintCommand(`${operand(value, SIMPLE)} >/dev/null 2>&1`, SIMPLE);
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Names that make the dynamic loader or a shell run code of the caller's choosing.
const FORBIDDEN_ENV_NAME = /^(LD_[A-Z_]*|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|PS4|IFS|BASH_FUNC_.*)$/;

/**
 * `NAME='value' program args`: runs one program with extra environment variables. Names are
 * validated (`[A-Za-z_][A-Za-z0-9_]*`, and not one of the loader or shell start-up variables
 * such as `LD_PRELOAD` or `BASH_ENV`); values are quoted.
 */
export function withEnv(env: Readonly<Record<string, string>>, program: ProgramCommand): RemoteCommand {
  assertCommand(program, 'the command');
  if (!(program instanceof ProgramCommand)) {
    throw new InvalidShellArgumentError('withEnv applies to a single program command', 'command');
  }
  const names = Object.keys(env);
  if (names.length === 0) return program;
  const assignments = names.map((name) => {
    if (!ENV_NAME.test(name) || FORBIDDEN_ENV_NAME.test(name)) {
      throw new InvalidShellArgumentError('invalid or forbidden environment variable name', 'env name');
    }
    return `${name}=${quoteShellArg(env[name])}`;
  });
  return mintCommand(`${assignments.join(' ')} ${program.text}`, SIMPLE);
}

/** Options of {@link withTimeout}. */
export interface WithTimeoutOptions {
  /** Seconds between the TERM and a KILL when the program ignores TERM. Default 5. */
  readonly killAfterSeconds?: number;
}

function assertPositiveSeconds(value: number, parameter: string): void {
  if (!Number.isFinite(value) || value <= 0 || value > 86_400 * 7) {
    throw new InvalidShellArgumentError(`${parameter} must be a positive number of seconds`, parameter);
  }
}

/**
 * `timeout --kill-after=5 30 program args` (GNU coreutils): a remote-side deadline, useful when
 * the remote process must stop even if the SSH connection is lost.
 */
export function withTimeout(seconds: number, program: ProgramCommand, options: WithTimeoutOptions = {}): ProgramCommand {
  assertCommand(program, 'the command');
  if (!(program instanceof ProgramCommand)) {
    throw new InvalidShellArgumentError('withTimeout applies to a single program command', 'command');
  }
  assertPositiveSeconds(seconds, 'seconds');
  const killAfter = options.killAfterSeconds ?? 5;
  assertPositiveSeconds(killAfter, 'killAfterSeconds');
  return mintProgramCommand('timeout', `timeout --kill-after=${killAfter} ${seconds} ${program.text}`);
}

/**
 * `setsid -f -w program args` (util-linux): runs the program in a session and process group of
 * its own and waits for it, passing its exit status through. Killing the exec's process group
 * (what an aborted or timed-out exec does) then stops only the waiting `setsid`, never the
 * program: for service commands, whose daemons must outlive an aborted SSH command.
 */
export function inNewSession(program: ProgramCommand): ProgramCommand {
  assertCommand(program, 'the command');
  if (!(program instanceof ProgramCommand)) {
    throw new InvalidShellArgumentError('inNewSession applies to a single program command', 'command');
  }
  return mintProgramCommand('setsid', `setsid -f -w ${program.text}`);
}

/**
 * `command -v name`: exits 0 and prints the path when `name` is a program (or builtin) the
 * remote shell can run.
 */
export function commandExists(name: string): RemoteCommand {
  return mintCommand(`command -v ${quoteShellArg(name)}`, SIMPLE);
}

/** @internal Renders `interpreter -c <reviewed script> <name> <args...>`. */
export function reviewedScript(interpreter: 'sh' | 'bash', script: string, name: string, args: readonly string[]): ProgramCommand {
  // The script is a constant written in this folder and reviewed with it; values reach it only
  // as positional parameters ($1, $2, ...), never as script text.
  return mintProgramCommand(interpreter, [interpreter, '-c', quoteShellArg(script), quoteShellArg(name), ...args.map(quoteShellArg)].join(' '));
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

/** Validates a host name or IP address; the same rule the TCP probe applies. */
export function isValidHost(host: string): boolean {
  return typeof host === 'string' && (IPV4.test(host) || (host.includes(':') && IPV6.test(host)) || HOST_NAME.test(host));
}

// bash opens a TCP connection for a redirection from /dev/tcp/HOST/PORT (dash cannot). Host and
// port arrive as $1 and $2, never as script text.
const TCP_PROBE_SCRIPT = 'exec 3<>"/dev/tcp/$1/$2"';

/**
 * Exits 0 when the remote host can open a TCP connection to `host:port` within
 * `timeoutSeconds` (e.g. a joining node checking the Galera port 4567 of a donor). Renders
 * `timeout N bash -c 'exec 3<>"/dev/tcp/$1/$2"' tcp-probe HOST PORT`: needs bash and GNU
 * `timeout` on the remote host (both present on Debian, Ubuntu and RHEL family systems), and
 * no netcat.
 */
export function tcpProbeCommand(host: string, port: number, timeoutSeconds = 3): ProgramCommand {
  if (!isValidHost(host)) throw new InvalidShellArgumentError('host must be a host name or an IP address', 'host');
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidShellArgumentError('port must be an integer from 1 to 65535', 'port');
  }
  return withTimeout(timeoutSeconds, reviewedScript('bash', TCP_PROBE_SCRIPT, 'tcp-probe', [host, String(port)]), {
    killAfterSeconds: 1,
  });
}
