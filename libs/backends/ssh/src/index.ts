/**
 * The SSH backend (`@galera-cp/backend-ssh`): MariaDB Galera clusters on hosts reached over SSH,
 * plus the transport and the remote command vocabulary it is built on.
 */
export { SshBackend, type SshBackendOptions } from './ssh.backend';
export { type SshBackendErrorCode } from './ssh-backend.errors';
export { SSH_ACTIONS, type SshAction } from './ssh-plans';
export {
  addSshMember,
  checkSshInventory,
  pinSshHostKeys,
  SSH_AUDITED_FAILURES,
  SSH_CAPABILITIES,
  SSH_CREDENTIAL_KINDS,
  SSH_SPEC_DEFAULTS,
  SSH_SPEC_RULES,
  sshCredentialOf,
  sshOccupiedAddresses,
  sshSpecDefaults,
  validateSshSpec,
} from './ssh-spec';
export { hostFactsCommand, parseHostFacts, checkHostFacts, type HostFacts, type HostProblem } from './host-facts';
export { serviceManager, STARTUP_TIMEOUT_SECONDS, type ServiceManager, type ServiceManagerKind } from './service-manager';
export { estimateClockSkew, judgeClockSkew, parseRemoteClock, type ClockSample, type ClockSkew } from './clock-skew';
export { SessionPool, type SessionKey, type SessionLease, type SessionPoolOptions } from './session-pool';
export * from './transport';
export * from './shell';
