import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import type { NodeSSH } from 'node-ssh';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { RemoteCommand } from '../shell/command';
import { EXEC_MARKERS, execEnvelope, killProcessGroupCommand, type SudoMode } from '../shell/exec-envelope';
import { ChannelLimiter } from './channel-limiter';
import { ExecStderrFilter } from './exec-stderr-filter';
import type { HostKeyInfo } from './host-key';
import { OutputCollector } from './output-collector';
import { Redactor } from './redactor';
import { SshCommandFailedError, SshError, SshExecError, type SshEndpoint, type SshErrorCode } from './ssh.errors';

/** Which stream a line came from. */
export type OutputStreamName = 'stdout' | 'stderr';

/** Options of one {@link SshSession.exec}. */
export interface ExecOptions {
  /**
   * Longest time the command may run, from the channel request; then it is killed and the exec
   * fails with `SSH_TIMEOUT`. Waiting for a free channel does not count (use `signal` for that).
   */
  readonly timeoutMs: number;
  /** Aborting kills the command (or gives up waiting for a channel); the exec fails with `SSH_ABORTED`. */
  readonly signal?: AbortSignal;
  /** Written to the command's stdin, then end of file. Without it the command reads end of file at once. */
  readonly stdin?: string | Buffer;
  /**
   * Run as root: through sudo as set on the target (`sudo -n`, or `sudo -S` with the target's
   * sudo password); nothing changes when the login user is root.
   */
  readonly sudo?: boolean;
  /** Called with each complete output line (without newline), redacted. Exceptions it throws are ignored. */
  readonly onLine?: (stream: OutputStreamName, line: string) => void;
  /** Exit codes that count as success. Default `[0]`. */
  readonly allowedExitCodes?: readonly number[];
  /** Bytes kept per stream (the tail); default: the session's `maxOutputBytes`. */
  readonly maxOutputBytes?: number;
  /** More secrets to hide in this command's lines and errors (the session's are always hidden). */
  readonly redact?: readonly string[];
}

/** The outcome of a command that ended with an allowed exit code. */
export interface ExecResult {
  /** The command's exit code (one of `allowedExitCodes`). */
  readonly exitCode: number;
  /** Standard output, not redacted (the caller asked for it); its tail only when {@link stdoutTruncated}. */
  readonly stdout: string;
  /** Standard error, not redacted; its tail only when {@link stderrTruncated}. */
  readonly stderr: string;
  /** True when stdout exceeded the cap and its head was dropped. */
  readonly stdoutTruncated: boolean;
  /** True when stderr exceeded the cap and its head was dropped. */
  readonly stderrTruncated: boolean;
  /** Time from the channel request to the end of the command. */
  readonly durationMs: number;
}

/** How a session reaches root for `sudo: true` execs. */
export interface SessionSudo {
  readonly mode: SudoMode;
  readonly password?: string;
}

/** @internal Everything a session is built from; made by `SshConnector`. */
export interface SshSessionInit {
  /** Connected: its `connection` is the session's ssh2 client. */
  readonly ssh: NodeSSH;
  readonly endpoint: SshEndpoint;
  readonly username: string;
  readonly hostKey: HostKeyInfo;
  readonly hostKeyVerifiedBy: 'pinned' | 'trust-on-first-use';
  readonly maxChannels: number;
  readonly maxOutputBytes: number;
  readonly redactor: Redactor;
  readonly sudo: SessionSudo;
  readonly killTimeoutMs: number;
}

// How much of each stream an error carries.
const ERROR_TAIL_CHARS = 4096;

interface Running {
  /** Stops the command (killing it) and fails the exec with an error of this code. */
  stop(code: SshErrorCode, message: string, cause?: unknown): void;
}

/**
 * One authenticated SSH connection to one host. All its commands share the connection, at most
 * `maxChannels` at a time (the rest wait in order). Close it when the operation is done.
 */
export class SshSession {
  readonly #ssh: NodeSSH;
  // node-ssh forgets its client once it ends; the session keeps it for its events and for
  // destroying it, which node-ssh has no call for.
  readonly #client: Client;
  readonly #endpoint: SshEndpoint;
  readonly #username: string;
  readonly #limiter: ChannelLimiter;
  readonly #maxOutputBytes: number;
  readonly #redactor: Redactor;
  readonly #sudo: SessionSudo;
  readonly #killTimeoutMs: number;
  readonly #running = new Set<Running>();
  #closedBy: SshError | undefined;
  #clientClosed = false;
  #closing: Promise<void> | undefined;

  /** The host key this session verified. */
  readonly hostKey: HostKeyInfo;
  /** How the host key was accepted: it matched the pin, or it was the first seen (pin it now). */
  readonly hostKeyVerifiedBy: 'pinned' | 'trust-on-first-use';

  /** @internal Sessions are made by `SshConnector.connect`. */
  constructor(init: SshSessionInit) {
    if (!init.ssh.connection) throw new SshError('SSH_DISCONNECTED', 'the connection is not open', init.endpoint);
    this.#ssh = init.ssh;
    this.#client = init.ssh.connection;
    // Each exec waiting for its channel listens for connection errors (node-ssh), plus the kill
    // channels of stopped commands.
    this.#client.setMaxListeners(Math.max(10, 2 * init.maxChannels + 4));
    this.#endpoint = init.endpoint;
    this.#username = init.username;
    this.#limiter = new ChannelLimiter(init.maxChannels);
    this.#maxOutputBytes = init.maxOutputBytes;
    this.#redactor = init.redactor;
    this.#sudo = init.sudo;
    this.#killTimeoutMs = init.killTimeoutMs;
    this.hostKey = init.hostKey;
    this.hostKeyVerifiedBy = init.hostKeyVerifiedBy;
    this.#client.on('error', (error: Error & { level?: string }) => {
      const reason = error.message === 'Keepalive timeout' ? 'no keepalive answer' : 'connection error';
      this.#lose(new SshError('SSH_DISCONNECTED', `SSH ${reason}: ${error.message}`, this.#endpoint, { cause: error }));
    });
    this.#client.on('close', () => {
      this.#clientClosed = true;
      this.#lose(new SshError('SSH_DISCONNECTED', 'SSH connection closed', this.#endpoint));
    });
  }

  /** Host and port of this session. */
  get endpoint(): SshEndpoint {
    return this.#endpoint;
  }

  /** The login user. */
  get username(): string {
    return this.#username;
  }

  /** False once the session was closed or its connection lost. */
  get isOpen(): boolean {
    return this.#closedBy === undefined;
  }

  /** Commands running now (for observability and tests). */
  get activeChannels(): number {
    return this.#limiter.active;
  }

  /**
   * Runs one command and resolves when it ended with an allowed exit code.
   *
   * @throws SshCommandFailedError (`SSH_COMMAND_FAILED`) on another exit code or a signal;
   *   SshExecError with `SSH_TIMEOUT`, `SSH_ABORTED`, `SUDO_AUTH_FAILED`, `SUDO_FAILED`,
   *   `SSH_DISCONNECTED`, `SSH_CHANNEL_OPEN_FAILED`; SshError `SSH_DISCONNECTED` when the
   *   session is closed. A timed-out or aborted command's process group is killed before the
   *   promise settles.
   */
  async exec(command: RemoteCommand, options: ExecOptions): Promise<ExecResult> {
    if (!RemoteCommand.isRemoteCommand(command)) {
      throw new SshError('SSH_CONFIG_INVALID', 'exec takes a RemoteCommand built by the shell builders, not a string');
    }
    if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
      throw new SshError('SSH_CONFIG_INVALID', 'timeoutMs must be a positive number');
    }
    const maxOutputBytes = options.maxOutputBytes ?? this.#maxOutputBytes;
    if (!Number.isInteger(maxOutputBytes) || maxOutputBytes < 1) {
      throw new SshError('SSH_CONFIG_INVALID', 'maxOutputBytes must be a positive integer');
    }
    if (this.#closedBy) throw this.#closedBy;
    if (this.#closing) throw new SshError('SSH_DISCONNECTED', 'the session is closing', this.#endpoint);
    const redactor = this.#redactor.with(...(options.redact ?? []));
    const abortedWaiting = () =>
      new SshExecError(
        'SSH_ABORTED',
        'aborted while waiting for a channel',
        this.#endpoint,
        {
          command: redactor.redact(command.text),
          stdoutTail: '',
          stderrTail: '',
          durationMs: 0,
        },
        { cause: options.signal?.reason },
      );
    if (options.signal?.aborted) throw abortedWaiting();
    let release: () => void;
    try {
      release = await this.#limiter.acquire(options.signal);
    } catch {
      throw abortedWaiting();
    }
    try {
      if (this.#closedBy) throw this.#closedBy;
      const sudo = options.sudo && this.#username !== 'root' ? this.#sudo : undefined;
      return await this.#run(command, { ...options, maxOutputBytes }, redactor, sudo, true);
    } finally {
      release();
    }
  }

  /**
   * Closes the connection. Commands still running are killed first (their execs fail with
   * `SSH_DISCONNECTED`), so closing leaves nothing behind on the host.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closing = (async () => {
      const running = [...this.#running];
      const closedError = new SshError('SSH_DISCONNECTED', 'the session was closed', this.#endpoint);
      for (const run of running) run.stop('SSH_DISCONNECTED', 'the session was closed while the command ran');
      // Let the kills go out over the still-open connection before ending it.
      const deadline = Date.now() + this.#killTimeoutMs;
      while (this.#running.size > 0 && Date.now() < deadline && !this.#closedBy) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      this.#closedBy ??= closedError;
      if (this.#clientClosed) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#client.destroy();
          resolve();
        }, 2000);
        this.#client.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        this.#ssh.dispose();
      });
    })();
    return this.#closing;
  }

  /**
   * An SFTP channel over this session's connection, for streaming files (the SSH backup store).
   * It takes a channel outside the exec limiter: callers open one per session and end it.
   * @throws SshError `SSH_DISCONNECTED` when the session is closed.
   */
  async sftp(): Promise<SFTPWrapper> {
    if (this.#closedBy) throw this.#closedBy;
    try {
      return await this.#ssh.requestSFTP();
    } catch (error) {
      throw new SshError('SSH_CHANNEL_OPEN_FAILED', `SFTP is not available: ${(error as Error).message}`, this.#endpoint, { cause: error });
    }
  }

  #lose(error: SshError): void {
    this.#closedBy ??= error;
    for (const run of [...this.#running]) run.stop(error.code, 'the connection was lost while the command ran', error);
  }

  #run(command: RemoteCommand, options: ExecOptions & { maxOutputBytes: number }, redactor: Redactor, sudo: SessionSudo | undefined, killOnStop: boolean): Promise<ExecResult> {
    const endpoint = this.#endpoint;
    const ssh = this.#ssh;
    const envelope = execEnvelope(command, sudo?.mode);
    const lineRedactor = sudo?.password ? redactor.with(sudo.password) : redactor;
    const started = performance.now();
    const onLine = options.onLine;
    const emit = (stream: OutputStreamName) =>
      onLine
        ? (line: string) => {
            try {
              onLine(stream, lineRedactor.redact(line));
            } catch {
              // A logging callback must not break the command it observes.
            }
          }
        : undefined;
    const stdout = new OutputCollector(options.maxOutputBytes, emit('stdout'));
    const stderr = new OutputCollector(options.maxOutputBytes, emit('stderr'));
    const allowed = options.allowedExitCodes ?? [0];

    return new Promise<ExecResult>((resolve, reject) => {
      let channel: ClientChannel | undefined;
      let channelClosed = false;
      const closeWaiters: Array<() => void> = [];
      let processGroupId: number | undefined;
      const processGroupWaiters: Array<() => void> = [];
      let stopping: SshExecError | undefined;
      let settled = false;
      let stdinSent = false;
      let killing: Promise<void> | undefined;
      // The command's stdin, piped into the channel by node-ssh. It stays open until the
      // payload is written: with sudo, the password (after sudo's prompt) and the payload (after
      // sudo's ready line) go through it first.
      const input = new PassThrough();

      const details = () => ({
        command: lineRedactor.redact(command.text),
        stdoutTail: lineRedactor.redact(stdout.tail(ERROR_TAIL_CHARS)),
        stderrTail: lineRedactor.redact(stderr.tail(ERROR_TAIL_CHARS)),
        durationMs: Math.round(performance.now() - started),
      });
      const execError = (code: SshErrorCode, message: string, cause?: unknown) => new SshExecError(code, message, endpoint, details(), cause === undefined ? undefined : { cause });

      const filter = new ExecStderrFilter(EXEC_MARKERS, sudo !== undefined, {
        onProcessGroup: (id) => {
          processGroupId = id;
          for (const wake of processGroupWaiters.splice(0)) wake();
          // Stopped before the command reported its group (a slow channel open): kill it now.
          if (stopping && killOnStop && killing === undefined) void killGroup().then(() => channel?.close());
        },
        onSudoPrompt: (count) => {
          if (count === 1 && sudo?.password !== undefined) {
            // The password goes to sudo's stdin only after sudo asked for it, never in argv.
            input.write(`${sudo.password}\n`);
            return;
          }
          const reason = sudo?.password === undefined ? 'sudo asked for a password and none is set' : 'sudo rejected the password';
          // sudo reads the end of file as "no password" and exits; nothing else to kill.
          stop(execError('SUDO_AUTH_FAILED', reason), false);
        },
        onSudoReady: () => sendStdin(),
        onOutput: (chunk) => stderr.push(chunk),
      });

      const running: Running = { stop: (code, message, cause) => stop(execError(code, message, cause), killOnStop) };
      this.#running.add(running);

      const finish = (error: Error | undefined, result?: ExecResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.#running.delete(running);
        if (error) reject(error);
        else resolve(result!);
      };

      const waitFor = (done: () => boolean, waiters: Array<() => void>, ms: number) =>
        new Promise<void>((wake) => {
          if (done()) return wake();
          const t = setTimeout(wake, ms);
          waiters.push(() => {
            clearTimeout(t);
            wake();
          });
        });

      // sshd runs each exec in its own session, so the login shell's process group holds
      // everything the command started. Killing it through a second channel also reaches
      // processes running as root under sudo, which an SSH "signal" request cannot (and OpenSSH
      // refuses signal requests for root logins; ssh2 drops them once stdin is closed).
      const killGroup = () =>
        (killing ??=
          processGroupId === undefined || this.#closedBy
            ? Promise.resolve()
            : this.#run(killProcessGroupCommand(processGroupId), { timeoutMs: this.#killTimeoutMs, maxOutputBytes: 4096 }, redactor, sudo, false).then(
                () => undefined,
                () => undefined,
              ));

      const stop = (error: SshExecError, kill: boolean) => {
        if (settled || stopping) return;
        stopping = error;
        void (async () => {
          try {
            if (kill && !this.#closedBy) {
              await waitFor(() => processGroupId !== undefined || channelClosed, processGroupWaiters, this.#killTimeoutMs);
              if (processGroupId !== undefined && !channelClosed) await killGroup();
            } else if (channel && !channelClosed) {
              channel.eof();
            }
          } finally {
            if (channel && !channelClosed) {
              await waitFor(() => channelClosed, closeWaiters, Math.min(this.#killTimeoutMs, 1000));
              if (!channelClosed) channel.close();
            }
            finish(error);
          }
        })();
      };

      const timer = setTimeout(() => stop(execError('SSH_TIMEOUT', `command timed out after ${options.timeoutMs} ms`), killOnStop), options.timeoutMs);
      const onAbort = () => stop(execError('SSH_ABORTED', 'command aborted', options.signal?.reason), killOnStop);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted) onAbort();

      const sendStdin = () => {
        if (stdinSent) return;
        stdinSent = true;
        // Ending the input ends the channel's writing side (EOF) once the payload is out.
        if (options.stdin !== undefined && options.stdin.length > 0) input.end(options.stdin);
        else input.end();
      };

      const onClose = (exitCode: number | null, exitSignal: string | null) => {
        if (channelClosed) return;
        channelClosed = true;
        filter.end();
        stdout.finish();
        stderr.finish();
        for (const wake of closeWaiters.splice(0)) wake();
        for (const wake of processGroupWaiters.splice(0)) wake();
        if (stopping || settled) return;
        if (sudo && !filter.commandStarted) {
          const messages = lineRedactor.redact(filter.sudoMessages.trim());
          const authProblem = filter.sudoPrompts > 0 || /password is required|incorrect password|no password was provided|try again/i.test(messages);
          finish(
            new SshExecError(authProblem ? 'SUDO_AUTH_FAILED' : 'SUDO_FAILED', `sudo refused to run the command${messages ? ` (${messages.split('\n').pop()!.slice(0, 200)})` : ''}`, endpoint, {
              ...details(),
              stderrTail: messages.slice(-ERROR_TAIL_CHARS),
            }),
          );
          return;
        }
        if (exitCode === null && exitSignal === null) {
          finish(execError('SSH_DISCONNECTED', 'the channel closed without an exit status'));
          return;
        }
        if (exitCode !== null && allowed.includes(exitCode)) {
          finish(undefined, {
            exitCode,
            stdout: stdout.text(),
            stderr: stderr.text(),
            stdoutTruncated: stdout.truncated,
            stderrTruncated: stderr.truncated,
            durationMs: Math.round(performance.now() - started),
          });
          return;
        }
        finish(new SshCommandFailedError(endpoint, details(), exitCode, exitSignal ?? undefined));
      };

      const onOpenFailed = (error: unknown) => {
        if (channel) return;
        const message = error instanceof Error ? error.message : String(error);
        const lost = this.#closedBy !== undefined || !ssh.isConnected() || /No response|Not connected/i.test(message);
        channelClosed = true;
        for (const wake of processGroupWaiters.splice(0)) wake();
        if (stopping) return finish(stopping);
        finish(execError(lost ? 'SSH_DISCONNECTED' : 'SSH_CHANNEL_OPEN_FAILED', `could not open a channel: ${message}`, error));
      };

      // Without sudo the command's stdin can go at once; with sudo only after sudo is done
      // with stdin (the ready line), so a password prompt never reads the payload.
      if (!sudo) sendStdin();
      ssh
        .execCommand(envelope.command.text, {
          stdin: input,
          noTrim: true,
          onChannel: (opened) => {
            if (settled) {
              // The exec failed (the connection broke) while the channel was being opened.
              opened.close();
              return;
            }
            channel = opened;
            opened.on('data', (chunk: Buffer) => stdout.push(chunk));
            opened.stderr.on('data', (chunk: Buffer) => filter.push(chunk));
            dropNodeSshBuffers(opened);
          },
        })
        .then(
          (response) => onClose(response.code, response.signal),
          (error: unknown) => onOpenFailed(error),
        );
    });
  }
}

/**
 * node-ssh keeps a copy of every output chunk until the command ends, which would undo the
 * per-stream cap ({@link OutputCollector} keeps the tail only). It adds those listeners right
 * after `onChannel` returns; a microtask later they are removed (at most the packets of the
 * socket read that opened the channel reach them), while the session's own listeners, added
 * first, see everything. node-ssh's answer then carries only the exit code and signal, which is
 * all the session takes from it.
 */
function dropNodeSshBuffers(channel: ClientChannel): void {
  const ours = new Set([...channel.listeners('data'), ...channel.stderr.listeners('data')]);
  queueMicrotask(() => {
    for (const listener of channel.listeners('data')) if (!ours.has(listener)) channel.removeListener('data', listener as (chunk: Buffer) => void);
    for (const listener of channel.stderr.listeners('data')) if (!ours.has(listener)) channel.stderr.removeListener('data', listener as (chunk: Buffer) => void);
  });
}
