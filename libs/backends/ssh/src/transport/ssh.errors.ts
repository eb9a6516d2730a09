/**
 * Stable codes of the SSH transport's errors. Callers branch on these, never on messages.
 *
 * - `HOST_KEY_MISMATCH`: the host presented another key than the pinned one (audit it).
 * - `SSH_AUTH_FAILED`: the credential was refused, or the private key could not be used.
 * - `SSH_UNREACHABLE`: no SSH server answered: refused, no route, DNS, connect or handshake timeout.
 * - `SSH_HANDSHAKE_FAILED`: an SSH server answered but no secure channel could be agreed.
 * - `SSH_DISCONNECTED`: the connection was lost or closed (also: using a closed session).
 * - `SSH_CHANNEL_OPEN_FAILED`: the server refused a new channel (sshd `MaxSessions`).
 * - `SSH_TIMEOUT`: a command ran longer than its `timeoutMs`; it was killed.
 * - `SSH_ABORTED`: the caller aborted a command through its `AbortSignal`; it was killed.
 * - `SSH_COMMAND_FAILED`: a command ended with an exit code it was not allowed, or by a signal.
 * - `SUDO_AUTH_FAILED`: sudo wanted a password and had none, or the password was wrong.
 * - `SUDO_FAILED`: sudo refused otherwise (not in sudoers, needs a tty, not installed).
 * - `SSH_CONFIG_INVALID`: the target or the options are malformed (nothing was attempted).
 */
export type SshErrorCode =
  | 'HOST_KEY_MISMATCH'
  | 'SSH_AUTH_FAILED'
  | 'SSH_UNREACHABLE'
  | 'SSH_HANDSHAKE_FAILED'
  | 'SSH_DISCONNECTED'
  | 'SSH_CHANNEL_OPEN_FAILED'
  | 'SSH_TIMEOUT'
  | 'SSH_ABORTED'
  | 'SSH_COMMAND_FAILED'
  | 'SUDO_AUTH_FAILED'
  | 'SUDO_FAILED'
  | 'SSH_CONFIG_INVALID';

/** Where an error happened. */
export interface SshEndpoint {
  /** Host name or address as given in the target. */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
}

/** Any failure of the SSH transport. Messages never contain credentials. */
export class SshError extends Error {
  constructor(
    /** Stable code; see {@link SshErrorCode}. */
    readonly code: SshErrorCode,
    message: string,
    /** The host the error concerns, when there is one. */
    readonly endpoint?: SshEndpoint,
    options?: { cause?: unknown },
  ) {
    super(endpoint ? `${message} (${endpoint.host}:${endpoint.port})` : message, options);
    this.name = 'SshError';
  }
}

/** The host presented another key than the pinned one. No credential was sent, no command ran. */
export class HostKeyMismatchError extends SshError {
  constructor(
    endpoint: SshEndpoint,
    /** The pinned fingerprint (`SHA256:...`). */
    readonly expectedFingerprint: string,
    /** The fingerprint the host presented. */
    readonly actualFingerprint: string,
    /** The key type the host presented, e.g. `ssh-ed25519`. */
    readonly actualKeyType: string,
  ) {
    super('HOST_KEY_MISMATCH', `host key mismatch: expected ${expectedFingerprint}, got ${actualKeyType} ${actualFingerprint}`, endpoint);
    this.name = 'HostKeyMismatchError';
  }
}

/** What an exec error knows about the command; every text is redacted. */
export interface SshExecErrorDetails {
  /** The command as the caller built it (not the transport's envelope), redacted. */
  readonly command: string;
  /** Last part of stdout (at most a few KiB), redacted. */
  readonly stdoutTail: string;
  /** Last part of stderr (at most a few KiB), redacted. */
  readonly stderrTail: string;
  /** Time from the channel request to the error. */
  readonly durationMs: number;
}

/** A failure of one command: timeout, abort, sudo refusal, lost connection while it ran. */
export class SshExecError extends SshError implements SshExecErrorDetails {
  /** What went wrong, in words, without the command line (for messages people read). */
  readonly reason: string;
  readonly command: string;
  readonly stdoutTail: string;
  readonly stderrTail: string;
  readonly durationMs: number;

  constructor(code: SshErrorCode, message: string, endpoint: SshEndpoint, details: SshExecErrorDetails, options?: { cause?: unknown }) {
    super(code, `${message}: ${details.command}`, endpoint, options);
    this.name = 'SshExecError';
    this.reason = message;
    this.command = details.command;
    this.stdoutTail = details.stdoutTail;
    this.stderrTail = details.stderrTail;
    this.durationMs = details.durationMs;
  }
}

/** A command ended with an exit code outside `allowedExitCodes`, or was killed by a signal. */
export class SshCommandFailedError extends SshExecError {
  constructor(
    endpoint: SshEndpoint,
    details: SshExecErrorDetails,
    /** The exit code; null when a signal ended the command. */
    readonly exitCode: number | null,
    /** The signal that ended the command (`SIGKILL`, ...), if any. */
    readonly exitSignal?: string,
  ) {
    const how = exitCode === null ? `was killed by ${exitSignal ?? 'a signal'}` : `exited with code ${exitCode}`;
    const lastLine = details.stderrTail.trimEnd().split('\n').pop() ?? '';
    super('SSH_COMMAND_FAILED', `command ${how}${lastLine ? ` (${lastLine.slice(0, 200)})` : ''}`, endpoint, details);
    this.name = 'SshCommandFailedError';
  }
}
