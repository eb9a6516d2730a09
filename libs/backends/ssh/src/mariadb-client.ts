/**
 * Talking to the local MariaDB server of a host: the `mariadb` client as root over the unix
 * socket (Debian's root authenticates by socket; non-root logins go through sudo), and the
 * Galera state files in the datadir. Command builders and parsers only; no I/O here.
 */
import { and, command, discardOutput, not, or, sequence, type RemoteCommand } from './shell';

/** Seconds the client waits for the server's socket before giving up (a stopped server answers at once). */
const CONNECT_TIMEOUT_SECONDS = 3;

/** `SHOW GLOBAL STATUS` for every wsrep variable, plus Uptime (a just-restarted node is a poor donor). */
export const WSREP_STATUS_SQL = "SHOW GLOBAL STATUS WHERE Variable_name LIKE 'wsrep\\_%' OR Variable_name = 'Uptime'";

/** The running server's `wsrep_cluster_name` (a variable, not a status): which cluster it is a member of. */
export const CLUSTER_NAME_SQL = "SHOW GLOBAL VARIABLES WHERE Variable_name = 'wsrep_cluster_name'";

/** Runs {@link WSREP_STATUS_SQL} and {@link CLUSTER_NAME_SQL}; exits non-zero when the server does not answer. */
export function wsrepStatusCommand(): RemoteCommand {
  return command('mariadb', `--connect-timeout=${CONNECT_TIMEOUT_SECONDS}`, '--batch', '--skip-column-names', '-e', `${WSREP_STATUS_SQL}; ${CLUSTER_NAME_SQL}`);
}

/** Runs the SQL given on stdin (statements built from validated parts only), batch output. */
export function sqlCommand(): RemoteCommand {
  return command('mariadb', `--connect-timeout=${CONNECT_TIMEOUT_SECONDS}`, '--batch', '--skip-column-names');
}

/** Reads tab-separated `--batch --skip-column-names` output into rows. */
export function parseBatchRows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t'));
}

/** `pgrep -x mariadbd`: exit 0 and PIDs when a server process runs. */
export function serverProcessCommand(): RemoteCommand {
  return command('pgrep', '-x', 'mariadbd');
}

/** Marker printed by {@link observeCommand} after the status rows. */
export const PROCESS_MARKER = '@@mariadbd';
/** Marker printed by {@link observeCommand} before the Galera option file. */
export const CONFIG_MARKER = '@@galera-config';

/**
 * One round trip for an observation: the wsrep status rows and the running server's
 * `wsrep_cluster_name` (none when the server does not answer), `@@mariadbd running|stopped`,
 * then `@@galera-config` and the first of `configPaths` that exists (the host's owner).
 */
export function observeCommand(configPaths: readonly string[]): RemoteCommand {
  return sequence(
    or(wsrepStatusCommand(), command('true')),
    or(and(discardOutput(serverProcessCommand()), command('printf', '%s running\\n', PROCESS_MARKER)), command('printf', '%s stopped\\n', PROCESS_MARKER)),
    command('printf', '%s\\n', CONFIG_MARKER),
    or(...configPaths.map((path) => and(command('test', '-f', path), command('cat', '--', path))), command('true')),
  );
}

/** What {@link observeCommand} printed. */
export interface Observation {
  /** The wsrep status rows (without the cluster name). */
  rows: [string, string][];
  running: boolean;
  /** The running server's `wsrep_cluster_name`, when it answered. */
  clusterName?: string;
  /** The Galera option file's text, when the host has one. */
  configText?: string;
}

/** Reads {@link observeCommand}'s output. */
export function parseObservation(stdout: string): Observation {
  const rows: [string, string][] = [];
  let running = false;
  let clusterName: string | undefined;
  const [head, ...configParts] = stdout.split(`\n${CONFIG_MARKER}\n`);
  for (const line of head.split('\n')) {
    if (line.startsWith(PROCESS_MARKER)) running = line.slice(PROCESS_MARKER.length).trim() === 'running';
    else if (line.includes('\t')) {
      const [name, ...rest] = line.split('\t');
      if (name.toLowerCase() === 'wsrep_cluster_name') clusterName = rest.join('\t');
      else rows.push([name, rest.join('\t')]);
    }
  }
  const configText = configParts.join(`\n${CONFIG_MARKER}\n`);
  return { rows, running, ...(clusterName !== undefined && rows.length > 0 ? { clusterName } : {}), ...(configText.trim() !== '' ? { configText } : {}) };
}

/** Paths of Galera's state files in a datadir. */
export function stateFilePaths(datadir: string): { grastate: string; gvwstate: string } {
  const base = datadir.replace(/\/+$/, '');
  return { grastate: `${base}/grastate.dat`, gvwstate: `${base}/gvwstate.dat` };
}

/** Prints one file between markers, or a missing marker: `@@file <name>` ... or `@@missing <name>`. */
function printFile(name: string, path: string): RemoteCommand {
  return or(and(command('test', '-f', path), command('printf', '\\n@@file %s\\n', name), command('cat', '--', path)), command('printf', '\\n@@missing %s\\n', name));
}

/** Reads grastate.dat and gvwstate.dat (either may be missing) and whether a server runs. */
export function stateFilesCommand(datadir: string): RemoteCommand {
  const paths = stateFilePaths(datadir);
  return sequence(
    printFile('grastate', paths.grastate),
    printFile('gvwstate', paths.gvwstate),
    or(and(discardOutput(serverProcessCommand()), command('printf', '\\n%s running\\n', PROCESS_MARKER)), command('printf', '\\n%s stopped\\n', PROCESS_MARKER)),
  );
}

/** Reads {@link stateFilesCommand}'s output. */
export function parseStateFiles(stdout: string): { grastate?: string; gvwstate?: string; running: boolean } {
  const result: { grastate?: string; gvwstate?: string; running: boolean } = { running: false };
  let current: 'grastate' | 'gvwstate' | undefined;
  for (const line of stdout.split('\n')) {
    const file = /^@@(file|missing) (grastate|gvwstate)$/.exec(line);
    if (file) {
      current = file[1] === 'file' ? (file[2] as 'grastate' | 'gvwstate') : undefined;
      if (current) result[current] = '';
      continue;
    }
    const process = /^@@mariadbd (running|stopped)$/.exec(line);
    if (process) {
      result.running = process[1] === 'running';
      current = undefined;
      continue;
    }
    if (current) result[current] += `${line}\n`;
  }
  return result;
}

/** Marker printed by {@link recoverPositionCommand} once it made sure no server runs. */
export const NO_SERVER_MARKER = '@@no-server-running';

/**
 * Recovers the last committed position after a crash (`galera_recovery`, which runs
 * `mariadbd --wsrep-recover`), but only when no mariadbd runs: recovering a running server's
 * datadir would start a second server on it.
 */
export function recoverPositionCommand(): RemoteCommand {
  return and(not(discardOutput(serverProcessCommand())), command('printf', '%s\\n', NO_SERVER_MARKER), command('galera_recovery'));
}

/** The last lines of the server's error log (for failure messages). */
export function errorLogTailCommand(path: string, lines = 30): RemoteCommand {
  return command('tail', '-n', String(lines), '--', path);
}
