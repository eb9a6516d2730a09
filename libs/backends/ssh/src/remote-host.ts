/**
 * One member's host as a step sees it: an SSH session borrowed from the pool, with the step's
 * cancellation, bounded commands, root through sudo, redacted logging, stable error codes, and
 * the host's facts read once per session.
 */
import { parseHostFacts, hostFactsCommand, type HostFacts } from './host-facts';
import { markerNonce } from './marker-nonce';
import { serviceManager, type ServiceManager } from './service-manager';
import { toBackendError, type SshBackendErrorCode } from './ssh-backend.errors';
import type { SessionLease } from './session-pool';
import { SshCommandFailedError, SshError, SshExecError, type ExecResult, type Redactor, type SshSession } from './transport';
import type { RemoteCommand } from './shell';

/** How a step logs (the operation's log, redacted). */
export type StepLog = (message: string, level?: 'debug' | 'info' | 'warn' | 'error') => void;

/** Options of {@link RemoteHost.run}. */
export interface RunOptions {
  /** Run as root (sudo for a non-root login). Default true: nearly everything here needs root. */
  sudo?: boolean;
  /** Bound of this command. Default: the settings' command timeout. */
  timeoutMs?: number;
  /** Written to the command's stdin. */
  stdin?: string;
  /** Exit codes that count as success. Default [0]. */
  allowedExitCodes?: readonly number[];
  /** `quiet`: log nothing (polls); `command`: the command line; `output`: the command and its output lines. Default `command`. */
  log?: 'quiet' | 'command' | 'output';
  /** Code of the error when the command fails. Default REMOTE_COMMAND_FAILED. */
  failedCode?: SshBackendErrorCode;
  /**
   * What the command does, in words (`reading the server status`): a failure's message says this,
   * never the command line, which goes to the log. Default `a remote command`.
   */
  what?: string;
}

/** What a remote host needs from the step it serves. */
export interface RemoteHostContext {
  signal: AbortSignal;
  log: StepLog;
  commandTimeoutMs: number;
  redactor: Redactor;
}

/** A command line for the log: a reviewed script's body (`sh -c '...'`) is shown as `…`; its name and arguments follow. */
function loggable(text: string): string {
  return text.includes('\n') ? text.replace(/(sh|bash) -c '(?:[^']|'\\'')*'/g, "$1 -c '…'") : text;
}

// Facts are read once per connection: they do not change within an operation.
const FACTS = new WeakMap<SshSession, Promise<HostFacts>>();

/** A member's host, reached over a pooled SSH session. */
export class RemoteHost {
  constructor(
    /** Member name (`<cluster>-<ordinal>`). */
    readonly node: string,
    /** The address the control plane and the other members reach it at. */
    readonly address: string,
    private readonly lease: SessionLease<SshSession>,
    private readonly context: RemoteHostContext,
  ) {}

  /** The SSH session (host key, endpoint). */
  get session(): SshSession {
    return this.lease.session;
  }

  /**
   * Runs one command built by the vocabulary. Fails with a `BackendError` naming the member:
   * the transport's code (retryable when the host may come back), or `failedCode`.
   */
  async run(command: RemoteCommand, options: RunOptions = {}): Promise<ExecResult> {
    const mode = options.log ?? 'command';
    const { log, redactor } = this.context;
    if (mode !== 'quiet') log(`${this.node}$ ${redactor.redact(loggable(command.text))}`, 'debug');
    try {
      return await this.lease.session.exec(command, {
        timeoutMs: options.timeoutMs ?? this.context.commandTimeoutMs,
        signal: this.context.signal,
        sudo: options.sudo ?? true,
        ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
        ...(options.allowedExitCodes ? { allowedExitCodes: options.allowedExitCodes } : {}),
        ...(mode === 'output' ? { onLine: (stream: string, line: string) => log(`${this.node}${stream === 'stderr' ? '!' : '|'} ${line}`, 'debug') } : {}),
      });
    } catch (error) {
      // A lost connection or a timed-out command leaves the session in doubt: drop it.
      if (error instanceof SshError && !(error instanceof SshCommandFailedError) && !this.lease.session.isOpen) await this.lease.discard();
      // The command line belongs in the log; the error (status messages, problems) says it in words.
      if (error instanceof SshExecError) log(`${this.node}$ ${redactor.redact(loggable(command.text))}: ${error.reason}`, 'debug');
      throw toBackendError(error, this.node, options.failedCode, options.what);
    }
  }

  /** The host's facts, read once per session (they do not change within an operation, except `refresh`). */
  facts(refresh = false): Promise<HostFacts> {
    const session = this.lease.session;
    let facts = refresh ? undefined : FACTS.get(session);
    if (!facts) {
      const nonce = markerNonce();
      facts = this.run(hostFactsCommand(nonce), { log: 'quiet' }).then((r) => parseHostFacts(r.stdout, nonce));
      FACTS.set(session, facts);
      // A failed read is not cached.
      facts.catch(() => FACTS.delete(session));
    }
    return facts;
  }

  /** The host's service manager; fails with SERVICE_MANAGER_UNSUPPORTED when it has none we know. */
  async serviceManager(): Promise<ServiceManager> {
    const facts = await this.facts();
    if (facts.serviceManager === 'none') {
      throw toBackendError(new Error('neither systemd nor the MariaDB SysV init script (/etc/init.d/mariadb) was found'), this.node, 'SERVICE_MANAGER_UNSUPPORTED');
    }
    return serviceManager(facts.serviceManager);
  }

  /** Gives the session back to the pool (it stays open for the next step). */
  release(): void {
    this.lease.release();
  }
}
