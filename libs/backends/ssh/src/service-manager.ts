/**
 * How the MariaDB service is driven on a host: Debian's SysV init script (`service mariadb ...`,
 * what the host lab has) or systemd (`systemctl`, `galera_new_cluster`). The backend detects
 * which one a host has (see host-facts.ts) and builds every service command here.
 */
import type { SstMethod } from '@galera-cp/galera';
import { and, command, inNewSession, or, sequence, type RemoteCommand } from './shell';

/** Service managers the backend can drive. */
export type ServiceManagerKind = 'systemd' | 'sysv';

/** The unit / init script name of Debian's and MariaDB's packages. */
export const MARIADB_SERVICE = 'mariadb';

/**
 * Seconds the init system waits for a starting server. Debian's init script waits 30 s by
 * default and systemd's unit 90 s; a state transfer of real data takes far longer, and a start
 * that gives up half-way leaves a node that a retry must clean up.
 */
export const STARTUP_TIMEOUT_SECONDS = 900;

/** Options of a start. */
export interface StartOptions {
  /** `wsrep_sst_donor` for this start only: acceptable donors in preference order (chooseDonor). */
  sstDonor?: string;
  /**
   * `wsrep_sst_method` for this start only (chooseSstMethod: rsync while a new cluster is
   * created). The option file keeps the configured method, so the next start asks for that one.
   */
  sstMethod?: SstMethod;
}

/** Builds the commands that drive the MariaDB service on one host. */
export interface ServiceManager {
  readonly kind: ServiceManagerKind;
  /** Starts the server as a joining member; returns once the init system says it is up. */
  start(options?: StartOptions): RemoteCommand;
  /** Starts the server as the first node of a new Primary component (`--wsrep-new-cluster`). */
  bootstrap(): RemoteCommand;
  /** Stops the server cleanly (the node leaves the component; grastate.dat gets its seqno). */
  stop(): RemoteCommand;
  /** Makes a reboot start the server. */
  enable(): RemoteCommand;
  /** Makes a reboot leave the server stopped. */
  disable(): RemoteCommand;
  /** A command whose output {@link ServiceManager.parseEnabled} reads. */
  enabledProbe(): RemoteCommand;
  /** Reads the enabled probe's output (and exit code). */
  parseEnabled(stdout: string, exitCode: number): boolean;
  /** Drop-in or defaults file that gives the server {@link STARTUP_TIMEOUT_SECONDS} to start. */
  startupTimeoutFile(): { path: string; reloadAfterWrite?: RemoteCommand };
  /** Applies {@link STARTUP_TIMEOUT_SECONDS} to the existing text of that file (undefined when absent). */
  withStartupTimeout(existing: string | undefined): string;
}

/**
 * Debian's SysV init script; `service` runs it under `env -i`, so settings go into
 * /etc/default/mariadb. The script starts mysqld_safe in the background of its own process
 * group: run it in a session of its own (inNewSession), so an aborted or timed-out SSH command
 * (whose process group is killed) never takes the server down with it.
 */
class SysvServiceManager implements ServiceManager {
  readonly kind = 'sysv' as const;

  start(options: StartOptions = {}): RemoteCommand {
    // The init script passes its extra arguments to mysqld_safe, and so to mariadbd.
    return inNewSession(command('service', MARIADB_SERVICE, 'start', ...startArguments(options)));
  }

  bootstrap(): RemoteCommand {
    // Debian's `bootstrap` verb is `start --wsrep-new-cluster` (galera_new_cluster needs systemd).
    return inNewSession(command('service', MARIADB_SERVICE, 'bootstrap'));
  }

  stop(): RemoteCommand {
    return inNewSession(command('service', MARIADB_SERVICE, 'stop'));
  }

  enable(): RemoteCommand {
    // `enable` needs the runlevel links to exist; a package installed with policy-rc.d may not
    // have made them yet, so `defaults` first in that case.
    return or(command('update-rc.d', MARIADB_SERVICE, 'enable'), and(command('update-rc.d', MARIADB_SERVICE, 'defaults'), command('update-rc.d', MARIADB_SERVICE, 'enable')));
  }

  disable(): RemoteCommand {
    return command('update-rc.d', MARIADB_SERVICE, 'disable');
  }

  enabledProbe(): RemoteCommand {
    return command('ls', '-1', '--', '/etc/rc2.d');
  }

  parseEnabled(stdout: string): boolean {
    // update-rc.d enable turns K01mariadb into S01mariadb (runlevel 2 is Debian's default).
    return stdout.split('\n').some((name) => /^S\d\dmariadb$/.test(name.trim()));
  }

  startupTimeoutFile(): { path: string } {
    return { path: '/etc/default/mariadb' };
  }

  withStartupTimeout(existing: string | undefined): string {
    return setShellVariable(existing, 'MYSQLD_STARTUP_TIMEOUT', String(STARTUP_TIMEOUT_SECONDS), ['# Written by the Galera control plane: a state transfer takes longer than the default 30 s.']);
  }
}

/** systemd: MariaDB's own unit; `galera_new_cluster` sets `_WSREP_NEW_CLUSTER` and starts it. */
class SystemdServiceManager implements ServiceManager {
  readonly kind = 'systemd' as const;

  start(options: StartOptions = {}): RemoteCommand {
    const start = command('systemctl', 'start', MARIADB_SERVICE);
    const args = startArguments(options);
    if (args.length === 0) return start;
    // The unit passes $MYSQLD_OPTS to mariadbd; set it for this start only.
    return sequence(
      command('systemctl', 'set-environment', `MYSQLD_OPTS=${args.join(' ')}`),
      or(and(start, command('systemctl', 'unset-environment', 'MYSQLD_OPTS')), and(command('systemctl', 'unset-environment', 'MYSQLD_OPTS'), command('false'))),
    );
  }

  bootstrap(): RemoteCommand {
    return command('galera_new_cluster');
  }

  stop(): RemoteCommand {
    return command('systemctl', 'stop', MARIADB_SERVICE);
  }

  enable(): RemoteCommand {
    return command('systemctl', 'enable', MARIADB_SERVICE);
  }

  disable(): RemoteCommand {
    return command('systemctl', 'disable', MARIADB_SERVICE);
  }

  enabledProbe(): RemoteCommand {
    return command('systemctl', 'is-enabled', MARIADB_SERVICE);
  }

  parseEnabled(stdout: string, exitCode: number): boolean {
    return exitCode === 0 && /^(enabled|enabled-runtime|alias|static)/.test(stdout.trim());
  }

  startupTimeoutFile(): { path: string; reloadAfterWrite: RemoteCommand } {
    return { path: '/etc/systemd/system/mariadb.service.d/galera-cp.conf', reloadAfterWrite: command('systemctl', 'daemon-reload') };
  }

  withStartupTimeout(): string {
    return ['# Written by the Galera control plane: a state transfer takes longer than the unit allows by default.', '[Service]', `TimeoutStartSec=${STARTUP_TIMEOUT_SECONDS}`, ''].join('\n');
  }
}

/** The server options of one start (validated: none can carry another option). */
function startArguments(options: StartOptions): string[] {
  return [...(options.sstDonor ? [`--wsrep_sst_donor=${donorList(options.sstDonor)}`] : []), ...(options.sstMethod ? [`--wsrep_sst_method=${sstMethodName(options.sstMethod)}`] : [])];
}

function sstMethodName(value: string): SstMethod {
  if (value !== 'rsync' && value !== 'mariabackup') throw new RangeError(`not an SST method: ${JSON.stringify(value)}`);
  return value;
}

const DONOR_LIST = /^[A-Za-z0-9][A-Za-z0-9_.-]*(,[A-Za-z0-9][A-Za-z0-9_.-]*)*$/;

function donorList(value: string): string {
  // Node names only (memberName), so the value can never carry another option.
  if (!DONOR_LIST.test(value)) throw new RangeError(`not a donor list: ${JSON.stringify(value)}`);
  return value;
}

/**
 * Sets `NAME=value` in a shell-variable file (Debian's /etc/default files), keeping every other
 * line: replaces an existing assignment, else appends one (with `header` comments).
 */
export function setShellVariable(existing: string | undefined, name: string, value: string, header: readonly string[] = []): string {
  const line = `${name}=${value}`;
  const lines = (existing ?? '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const at = lines.findIndex((l) => new RegExp(`^\\s*(export\\s+)?${name}=`).test(l));
  if (at >= 0) lines[at] = line;
  else lines.push(...header, line);
  return `${lines.join('\n')}\n`;
}

/** The service manager of a kind. */
export function serviceManager(kind: ServiceManagerKind): ServiceManager {
  return kind === 'systemd' ? new SystemdServiceManager() : new SysvServiceManager();
}
