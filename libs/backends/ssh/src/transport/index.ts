export { SshConnector, type HostKeyPolicy, type SshAuth, type SshConnectOptions, type SshSudoSettings, type SshTarget } from './ssh-connector';
export { SshSession, type ExecOptions, type ExecResult, type OutputStreamName } from './ssh-session';
export { HostKeyMismatchError, SshCommandFailedError, SshError, SshExecError, type SshEndpoint, type SshErrorCode, type SshExecErrorDetails } from './ssh.errors';
export { REDACTED, Redactor } from './redactor';
export { describeHostKey, hostKeyFingerprint, normalizeFingerprint, type HostKeyInfo } from './host-key';
