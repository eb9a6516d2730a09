/**
 * The SSH backend's stable error codes, and how transport errors become `BackendError`s that
 * name the member and host. The operation engine retries `retryable` errors with backoff.
 */
import { BackendError } from '@galera-cp/backends';
import { HostKeyMismatchError, SshCommandFailedError, SshError, SshExecError, type SshErrorCode } from './transport';

/**
 * Codes the SSH backend raises, besides the transport's own (`HOST_KEY_MISMATCH`,
 * `SSH_AUTH_FAILED`, `SSH_UNREACHABLE`, `SSH_TIMEOUT`, `SUDO_AUTH_FAILED`, ...):
 *
 * - `CLOCK_SKEW_TOO_LARGE`: the host's clock is off by more than `settings.clockSkewMaxMs`.
 * - `PORT_IN_USE`, `DISK_SPACE_LOW`, `MEMORY_TOO_LOW`, `SERVICE_MANAGER_UNSUPPORTED`,
 *   `CLUSTER_CONFLICT`: preflight refused the host (see host-facts.ts).
 * - `HOST_HAS_DATA`: a new member's datadir holds another cluster's history or a standalone
 *   server's databases (see `judgeExistingData`).
 * - `HOST_OWNED_BY_OTHER_CLUSTER`: a member's host is configured for, or runs, another cluster
 *   (see `judgeHostOwner`): nothing is done to it on this cluster's behalf.
 * - `MEMBER_UNREACHABLE`: a member cannot open a TCP connection to another member.
 * - `PACKAGES_MISSING`: MariaDB/Galera packages are missing and could not be installed.
 * - `NODE_START_FAILED`: the server did not start (the error log's tail is in the message).
 * - `NODE_NOT_SYNCED`: the node did not reach Synced (Primary, ready) in time.
 * - `NODE_STOP_FAILED`: the server did not stop cleanly.
 * - `CLUSTER_SIZE_MISMATCH`: verification found another `wsrep_cluster_size` than the members.
 * - `QUORUM_WOULD_BE_LOST`: stopping this node now would leave the Primary component without quorum.
 * - `NOT_A_FULL_CRASH`: a member is still Primary; recovery would split the cluster.
 * - `BOOTSTRAP_REFUSED`: a bootstrap step found another member already Primary in another history.
 * - `GRASTATE_UNREADABLE`: grastate.dat is missing or invalid where a bootstrap needs it.
 * - `REMOTE_COMMAND_FAILED`: any other remote command failed (its stderr tail is in the message).
 * - `SSH_SPEC_INVALID`: the target lacks what an SSH cluster needs (ssh section, credential, pin).
 */
export type SshBackendErrorCode =
  | SshErrorCode
  | 'CLOCK_SKEW_TOO_LARGE'
  | 'PORT_IN_USE'
  | 'DISK_SPACE_LOW'
  | 'MEMORY_TOO_LOW'
  | 'SERVICE_MANAGER_UNSUPPORTED'
  | 'CLUSTER_CONFLICT'
  | 'HOST_HAS_DATA'
  | 'HOST_OWNED_BY_OTHER_CLUSTER'
  | 'MEMBER_UNREACHABLE'
  | 'PACKAGES_MISSING'
  | 'NODE_START_FAILED'
  | 'NODE_NOT_SYNCED'
  | 'NODE_STOP_FAILED'
  | 'CLUSTER_SIZE_MISMATCH'
  | 'QUORUM_WOULD_BE_LOST'
  | 'NOT_A_FULL_CRASH'
  | 'BOOTSTRAP_REFUSED'
  | 'GRASTATE_UNREADABLE'
  | 'REMOTE_COMMAND_FAILED'
  | 'SSH_SPEC_INVALID';

/** Transport failures worth another attempt: the network or the host may come back. */
const RETRYABLE: ReadonlySet<string> = new Set<SshErrorCode>(['SSH_UNREACHABLE', 'SSH_DISCONNECTED', 'SSH_CHANNEL_OPEN_FAILED', 'SSH_HANDSHAKE_FAILED', 'SSH_TIMEOUT']);

/** A backend error about one member. */
export function memberError(code: SshBackendErrorCode, node: string, message: string, options: { retryable?: boolean; details?: Record<string, unknown>; cause?: unknown } = {}): BackendError {
  return new BackendError(code, `${node}: ${message}`, { node, retryable: options.retryable ?? false, details: options.details, cause: options.cause });
}

/** A failed command's transport reason, in words a status message can carry. */
function inWords(error: SshExecError): string {
  if (error instanceof SshCommandFailedError) return `failed (${error.reason.replace(/^command /, '')})`;
  switch (error.code) {
    case 'SSH_ABORTED':
      return 'was cut short (out of time, or cancelled)';
    case 'SSH_TIMEOUT':
      return `did not finish in time (${error.reason.replace(/^command /, '')})`;
    case 'SSH_DISCONNECTED':
      return `lost the connection (${error.reason})`;
    default:
      return `failed (${error.reason})`;
  }
}

/**
 * Any error of a remote action as a `BackendError` naming the member: transport errors keep their
 * code (unreachable, lost connections and timeouts are retryable; a changed host key, a refused
 * credential or sudo are not), a failed command becomes `failedCode` with its stderr tail. The
 * message says what failed in words (`what`, e.g. `reading the server status`) and names the
 * host; the command line is not in it (the step's log has it).
 */
export function toBackendError(error: unknown, node: string, failedCode: SshBackendErrorCode = 'REMOTE_COMMAND_FAILED', what = 'a remote command'): BackendError {
  if (error instanceof BackendError) return error;
  if (error instanceof HostKeyMismatchError) {
    return memberError('HOST_KEY_MISMATCH', node, `${error.message}; the host may have been replaced or the connection intercepted: verify it, then update the pinned fingerprint`, {
      details: { address: error.endpoint?.host, expectedFingerprint: error.expectedFingerprint, actualFingerprint: error.actualFingerprint, keyType: error.actualKeyType },
      cause: error,
    });
  }
  const where = error instanceof SshError && error.endpoint ? ` (${error.endpoint.host}:${error.endpoint.port})` : '';
  if (error instanceof SshCommandFailedError) {
    return memberError(failedCode, node, `${what} ${inWords(error)}${where}`, { details: { exitCode: error.exitCode, stderrTail: error.stderrTail.slice(-2000) }, cause: error });
  }
  const sudo = error instanceof SshError && (error.code === 'SUDO_AUTH_FAILED' || error.code === 'SUDO_FAILED');
  if (error instanceof SshExecError && !sudo) {
    return memberError(error.code, node, `${what} ${inWords(error)}${where}`, { retryable: RETRYABLE.has(error.code), cause: error });
  }
  if (error instanceof SshError) {
    const hint =
      error.code === 'SSH_AUTH_FAILED'
        ? ': check the credential and the login user'
        : error.code === 'SUDO_AUTH_FAILED' || error.code === 'SUDO_FAILED'
          ? ': the login user needs sudo without a password (NOPASSWD) or the credential must be its password'
          : '';
    const message = error instanceof SshExecError ? `${what}: ${error.reason}${where}` : error.message;
    return memberError(error.code, node, `${message}${hint}`, { retryable: RETRYABLE.has(error.code), cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return memberError(failedCode, node, message, { cause: error });
}
