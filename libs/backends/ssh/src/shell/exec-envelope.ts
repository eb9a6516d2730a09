import { RemoteCommand, mintCommand, reviewedScript, sequence } from './command';
import { quoteShellArg } from './quote';
import { InvalidShellArgumentError } from './shell.errors';

/**
 * How a command gets root rights on a host where the login user is not root:
 * - `nopasswd`: `sudo -n` (the sudoers rule has NOPASSWD; fails instead of prompting);
 * - `password`: `sudo -S` with the password written to the command's stdin after sudo asked
 *   for it, never on the command line.
 */
export type SudoMode = 'nopasswd' | 'password';

/** Text markers the executor watches for on stderr; none of them reaches the caller. */
export interface ExecMarkers {
  /** Starts the first stderr line, followed by the remote process group id (the login shell's `$$`). */
  readonly processGroup: string;
  /** sudo's password prompt (`sudo -S -p`), written to stderr without a newline. */
  readonly sudoPrompt: string;
  /** A whole stderr line printed by the root shell once sudo has let it run. */
  readonly sudoReady: string;
}

/** The markers of every envelope. Fixed strings: a command printing them itself changes nothing, only the first occurrence counts. */
export const EXEC_MARKERS: ExecMarkers = Object.freeze({
  processGroup: '__galera_cp_process_group__=',
  sudoPrompt: '__galera_cp_sudo_password__:',
  sudoReady: '__galera_cp_sudo_ready__',
});

/** A command as it goes over the wire, with what the executor needs to drive it. */
export interface ExecEnvelope {
  /** The text sent in the SSH `exec` request. */
  readonly command: RemoteCommand;
  /** Set when the command runs through sudo. */
  readonly sudo?: SudoMode;
}

/**
 * Wraps a command for one SSH exec:
 *
 * `printf '%s%s\n' <pgid marker> "$$" >&2; <command>` — sshd starts every exec in its own
 * session (setsid), so the login shell's PID is the process group of everything the command
 * starts; reporting it lets the executor kill the whole group on abort, including processes
 * that run as root under sudo, which an SSH `signal` request (sent as the login user) cannot
 * reach.
 *
 * With sudo: `... ; sudo -n -- sh -c '<ready marker>; <command>'` (or `sudo -S -p <prompt>`).
 * The whole command runs in one root shell, so redirections and every part of a pipeline are
 * root's (`sudo cat > /etc/x` would open the file as the login user). The ready marker tells the
 * executor that sudo accepted, so it can tell "sudo refused" from "the command failed", and
 * holds the command's stdin back until the password has been consumed.
 */
export function execEnvelope(value: RemoteCommand, sudo?: SudoMode): ExecEnvelope {
  if (!RemoteCommand.isRemoteCommand(value)) {
    throw new InvalidShellArgumentError('the command must be a RemoteCommand built by the shell builders', 'command');
  }
  const report = mintCommand(`printf '%s%s\\n' ${quoteShellArg(EXEC_MARKERS.processGroup)} "$$" >&2`, 0);
  if (!sudo) return { command: sequence(report, value) };
  const rootScript = `printf '%s\\n' ${quoteShellArg(EXEC_MARKERS.sudoReady)} >&2\n${value.text}`;
  const sudoOptions = sudo === 'password' ? `-S -p ${quoteShellArg(EXEC_MARKERS.sudoPrompt)}` : '-n';
  const elevated = mintCommand(`sudo ${sudoOptions} -- sh -c ${quoteShellArg(rootScript)}`, 0);
  return { command: sequence(report, elevated), sudo };
}

/**
 * Kills every process of a remote process group (`kill -s KILL -- -PGID`), used when an exec
 * is aborted or timed out. Run it with the same `sudo` mode as the command it stops.
 */
export function killProcessGroupCommand(processGroupId: number): RemoteCommand {
  if (!Number.isInteger(processGroupId) || processGroupId <= 1) {
    throw new InvalidShellArgumentError('a process group id is an integer above 1', 'processGroupId');
  }
  return reviewedScript('sh', 'kill -s KILL -- "-$1"', 'kill-process-group', [String(processGroupId)]);
}
