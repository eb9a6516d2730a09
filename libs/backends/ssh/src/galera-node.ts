/**
 * What the backend does to one Galera node over SSH: read its wsrep status, start it (bootstrap
 * or join) and wait until it is Synced, stop it cleanly, read its state files, recover its
 * position. The Galera judgements themselves come from @galera-cp/galera.
 */
import {
  assessNodeHealth,
  DEFAULT_LOG_ERROR_PATH,
  parseGrastate,
  parseGvwstate,
  parseRecoveredPosition,
  parseWsrepStatus,
  readGaleraConfig,
  type Grastate,
  type ReadGaleraConfig,
  type Gvwstate,
  type RecoveredPosition,
  type SstMethod,
  type WsrepStatus,
} from '@galera-cp/galera';
import { errorLogTailCommand, NO_SERVER_MARKER, observeCommand, parseObservation, parseStateFiles, recoverPositionCommand, serverProcessCommand, stateFilesCommand } from './mariadb-client';
import { hostPlatform } from './host-platform';
import type { RemoteHost, RunOptions } from './remote-host';
import { STARTUP_TIMEOUT_SECONDS } from './service-manager';
import { memberError } from './ssh-backend.errors';
import { BackendError } from '@galera-cp/backends';
import { setTimeout as delay } from 'node:timers/promises';

/** A node as one status read saw it. */
export interface NodeStatus {
  /** A mariadbd process runs on the host. */
  running: boolean;
  /** The server answered SQL. */
  answering: boolean;
  /** Its wsrep status, when it answered. */
  status?: WsrepStatus;
  /** Seconds since the server started, when it answered. */
  uptimeSeconds?: number;
  /** The running server's `wsrep_cluster_name`, when it answered with a Galera provider loaded. */
  clusterName?: string;
  /** The host's Galera option file (the one the control plane writes), read now, when present. */
  config?: ReadGaleraConfig;
}

/** Where either distribution family keeps the control plane's option file. */
const CONFIG_PATHS = [hostPlatform('debian').configPath, hostPlatform('rhel').configPath];

/** Reads a node's wsrep status, whether its server runs and its option file, in one round trip. */
export async function readNodeStatus(host: RemoteHost, options: Pick<RunOptions, 'timeoutMs'> = {}): Promise<NodeStatus> {
  const result = await host.run(observeCommand(CONFIG_PATHS), { log: 'quiet', what: 'reading the server status', ...options });
  const { rows, running, clusterName, configText } = parseObservation(result.stdout);
  const config = configText !== undefined ? { config: readGaleraConfig(configText) } : {};
  if (rows.length === 0) return { running, answering: false, ...config };
  const uptime = rows.find(([name]) => name.toLowerCase() === 'uptime')?.[1];
  const status = parseWsrepStatus(rows);
  return {
    running,
    answering: true,
    status,
    ...(uptime && /^\d+$/.test(uptime) ? { uptimeSeconds: Number(uptime) } : {}),
    // A server without a Galera provider (a standalone server) is no cluster's member.
    ...(clusterName !== undefined && status.providerName !== undefined ? { clusterName } : {}),
    ...config,
  };
}

/** Galera: a member that serves traffic: connected, Primary, ready and Synced. */
export function isSyncedMember(status: WsrepStatus | undefined): boolean {
  return status !== undefined && assessNodeHealth(status).healthy;
}

/** Sleeps, or rejects when the signal aborts. */
export const pause = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal });

/** The server's error log tail, for failure messages (empty when unreadable). */
export async function errorLogTail(host: RemoteHost, lines = 25): Promise<string> {
  try {
    const result = await host.run(errorLogTailCommand(DEFAULT_LOG_ERROR_PATH, lines), { log: 'quiet', allowedExitCodes: [0, 1], timeoutMs: 10_000 });
    return result.stdout.trim();
  } catch {
    return '';
  }
}

/** Options of {@link waitForSynced}. */
export interface WaitSyncedOptions {
  signal: AbortSignal;
  timeoutMs: number;
  pollMs: number;
  log: (message: string, level?: 'debug' | 'info' | 'warn' | 'error') => void;
  /** The start command's state, when this step launched it: once it failed, a node whose server is gone will not come. */
  startFailed?: () => Error | undefined;
}

/**
 * How long no server process may run while waiting before the start counts as failed: mysqld_safe
 * runs a short `--wsrep-recover` server first, so a gap of a second or two is normal.
 */
const NOT_RUNNING_GRACE_MS = 15_000;

/**
 * Polls `SHOW GLOBAL STATUS` until the node is Synced, Primary and ready ("the start command
 * returned" is not "joined"). Fails with NODE_START_FAILED (and the error log) when the server
 * process is gone after its start failed, or has not run for 15 s; with NODE_NOT_SYNCED (the last
 * state and the error log) at the bound.
 */
export async function waitForSynced(host: RemoteHost, options: WaitSyncedOptions): Promise<WsrepStatus> {
  const deadline = Date.now() + options.timeoutMs;
  let lastState = '';
  let notRunningSince: number | undefined;
  for (;;) {
    const read = await readNodeStatus(host);
    if (isSyncedMember(read.status)) return read.status as WsrepStatus;
    const state = read.status
      ? `${read.status.localStateComment ?? read.status.nodeState} (${read.status.clusterStatus}, size ${read.status.clusterSize ?? '?'})`
      : read.running
        ? 'server starting (not answering yet)'
        : 'server not running';
    if (state !== lastState) {
      options.log(`${host.node}: ${state}`, 'info');
      lastState = state;
    }
    notRunningSince = read.running ? undefined : (notRunningSince ?? Date.now());
    const failure = options.startFailed?.();
    if ((failure && !read.running) || (notRunningSince !== undefined && Date.now() - notRunningSince > NOT_RUNNING_GRACE_MS)) {
      const tail = await errorLogTail(host);
      const why = failure ? failure.message : `no server process for ${NOT_RUNNING_GRACE_MS / 1000} s`;
      throw memberError('NODE_START_FAILED', host.node, `the server did not start: ${why}${tail ? `\nerror log:\n${tail}` : ''}`, failure ? { cause: failure } : {});
    }
    if (Date.now() >= deadline) {
      const tail = await errorLogTail(host);
      throw memberError('NODE_NOT_SYNCED', host.node, `not Synced after ${Math.round(options.timeoutMs / 1000)} s; last state: ${state}${tail ? `\nerror log:\n${tail}` : ''}`);
    }
    await pause(options.pollMs, options.signal);
  }
}

/** Options of {@link launchStart}. */
export interface LaunchOptions {
  signal: AbortSignal;
  log: WaitSyncedOptions['log'];
  /** Bootstrap a new Primary component, or join the existing one. */
  mode: 'bootstrap' | 'join';
  /** Acceptable donors in preference order (join only). */
  sstDonor?: string;
  /** The SST method this join asks for, when it is not the option file's (join only). */
  sstMethod?: SstMethod;
}

/** A start under way: whether its command failed (while it may still run in the background). */
export interface LaunchedStart {
  failed(): Error | undefined;
}

/**
 * Launches the server's start through the host's service manager and returns once a server
 * process runs (or the start command failed first). The start command runs in a session of its
 * own (service-manager.ts), so the server never depends on it: nobody waits for the init
 * script's one-second polling loop; the command ends in the background of the pooled connection.
 */
export async function launchStart(host: RemoteHost, options: LaunchOptions): Promise<LaunchedStart> {
  const manager = await host.serviceManager();
  const command =
    options.mode === 'bootstrap' ? manager.bootstrap() : manager.start({ ...(options.sstDonor ? { sstDonor: options.sstDonor } : {}), ...(options.sstMethod ? { sstMethod: options.sstMethod } : {}) });
  const how = [...(options.sstDonor ? [`donors: ${options.sstDonor}`] : []), ...(options.sstMethod ? [`SST method: ${options.sstMethod}`] : [])].join('; ');
  options.log(`${host.node}: ${options.mode === 'bootstrap' ? 'bootstrapping a new Primary component' : `starting${how ? ` (${how})` : ''}`}`, 'info');
  let startError: Error | undefined;
  let finished = false;
  void host
    .run(command, { log: 'output', timeoutMs: (STARTUP_TIMEOUT_SECONDS + 60) * 1000, failedCode: 'NODE_START_FAILED' })
    .then(
      () => undefined,
      (error: Error) => {
        startError = error;
      },
    )
    .finally(() => (finished = true));
  for (let i = 0; i < 100 && !finished; i++) {
    const running = await host.run(serverProcessCommand(), { log: 'quiet', allowedExitCodes: [0, 1] });
    if (running.exitCode === 0) break;
    await pause(100, options.signal);
  }
  if (startError) {
    const running = await host.run(serverProcessCommand(), { log: 'quiet', allowedExitCodes: [0, 1] });
    if (running.exitCode !== 0) {
      const tail = await errorLogTail(host);
      throw memberError('NODE_START_FAILED', host.node, `the server did not start: ${(startError as Error).message}${tail ? `\nerror log:\n${tail}` : ''}`, { cause: startError });
    }
  }
  return { failed: () => startError };
}

/** Options of {@link startNode}. */
export interface StartNodeOptions extends Omit<WaitSyncedOptions, 'startFailed'>, LaunchOptions {}

/** Launches the server's start and waits until the node is Synced. */
export async function startNode(host: RemoteHost, options: StartNodeOptions): Promise<WsrepStatus> {
  const launched = await launchStart(host, options);
  return waitForSynced(host, { ...options, startFailed: launched.failed });
}

/** Stops the server cleanly (the node leaves its component; grastate.dat gets its seqno) and makes sure no process is left. */
export async function stopNode(host: RemoteHost, options: { signal: AbortSignal; log: WaitSyncedOptions['log'] }): Promise<void> {
  const manager = await host.serviceManager();
  options.log(`${host.node}: stopping the server cleanly`, 'info');
  await host.run(manager.stop(), { log: 'output', timeoutMs: (STARTUP_TIMEOUT_SECONDS + 60) * 1000, failedCode: 'NODE_STOP_FAILED' });
  for (let i = 0; i < 50; i++) {
    const running = await host.run(serverProcessCommand(), { log: 'quiet', allowedExitCodes: [0, 1] });
    if (running.exitCode === 1) return;
    await pause(200, options.signal);
  }
  throw memberError('NODE_STOP_FAILED', host.node, 'mariadbd still runs 10 s after the service stopped');
}

/** A node's Galera state files, read. */
export interface NodeStateFiles {
  running: boolean;
  grastate?: Grastate;
  grastateError?: string;
  gvwstate?: Gvwstate;
}

/** Reads grastate.dat and gvwstate.dat in the node's datadir. */
export async function readStateFiles(host: RemoteHost): Promise<NodeStateFiles> {
  const facts = await host.facts();
  const result = await host.run(stateFilesCommand(facts.datadir), { log: 'quiet' });
  const files = parseStateFiles(result.stdout);
  const out: NodeStateFiles = { running: files.running };
  if (files.grastate === undefined) out.grastateError = `no grastate.dat in ${facts.datadir}`;
  else {
    const parsed = parseGrastate(files.grastate);
    if (parsed.ok) out.grastate = parsed.value;
    else out.grastateError = parsed.message;
  }
  if (files.gvwstate !== undefined) {
    const parsed = parseGvwstate(files.gvwstate);
    if (parsed.ok) out.gvwstate = parsed.value;
  }
  return out;
}

/**
 * Recovers a crashed node's last committed position (`galera_recovery`). Refuses to run while a
 * mariadbd runs on the host (the recovery would start a second server on the same datadir).
 */
export async function recoverPosition(host: RemoteHost): Promise<{ position?: RecoveredPosition; error?: string }> {
  const result = await host.run(recoverPositionCommand(), { log: 'command', allowedExitCodes: [0, 1], timeoutMs: (STARTUP_TIMEOUT_SECONDS + 60) * 1000 });
  if (!result.stdout.includes(NO_SERVER_MARKER)) return { error: 'a mariadbd process runs on the host: stop it before recovering its position' };
  const parsed = parseRecoveredPosition(`${result.stdout}\n${result.stderr}`);
  return parsed.ok ? { position: parsed.value } : { error: `${parsed.code}: ${parsed.message}` };
}

/** True when an error is a transport failure (the host did not answer), not a refusal. */
export function isUnreachable(error: unknown): boolean {
  return error instanceof BackendError && ['SSH_UNREACHABLE', 'SSH_DISCONNECTED', 'SSH_TIMEOUT', 'SSH_HANDSHAKE_FAILED', 'SSH_CHANNEL_OPEN_FAILED'].includes(error.code);
}
