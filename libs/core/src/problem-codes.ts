/**
 * Every stable code a problem answer (`application/problem+json`) can carry, with what it means.
 * The OpenAPI document lists them as the `ProblemCode` enum and per endpoint, so the SDK's types
 * carry them; `problem-codes.spec.ts` fails when the code throws a literal code missing here.
 * Backend codes (SSH, Kubernetes) are here too: a dry run answers them when planning is refused,
 * and failed operations and steps carry them in `error.code`.
 */
export const PROBLEM_CODES = {
  // The request itself
  VALIDATION_FAILED: 'The request breaks a field rule; `errors` points at each field',
  BAD_REQUEST: 'The request is malformed',
  MALFORMED_JSON: 'The request body is not valid JSON',
  PAYLOAD_TOO_LARGE: 'The request body exceeds BODY_LIMIT',
  UNSUPPORTED_MEDIA_TYPE: 'The request body is not JSON',
  ROUTE_NOT_FOUND: 'No such route',
  METHOD_NOT_ALLOWED: 'The route does not take this method',
  INVALID_PAGE_TOKEN: 'The page token is malformed or belongs to other filters',
  INVALID_IDEMPOTENCY_KEY: 'The Idempotency-Key header is malformed',
  IDEMPOTENCY_KEY_REUSED: 'The Idempotency-Key was used with another request',
  IDEMPOTENCY_KEY_IN_FLIGHT: 'A request with this Idempotency-Key is still running; retry after Retry-After',
  PRECONDITION_FAILED: 'If-Match does not match the current ETag',
  RATE_LIMITED: 'Too many requests; retry after Retry-After',
  // Who asks
  UNAUTHENTICATED: 'No bearer token',
  INVALID_TOKEN: 'The bearer token is unknown, revoked or expired',
  FORBIDDEN: 'The token lacks the role this needs',
  // The service
  INTERNAL: 'An internal error; the request id identifies it in the logs',
  DATABASE_UNAVAILABLE: 'The database does not answer; retry later',
  // Resources
  CLUSTER_NOT_FOUND: 'No such cluster',
  NODE_NOT_FOUND: 'No such member in this cluster',
  OPERATION_NOT_FOUND: 'No such operation',
  CREDENTIAL_NOT_FOUND: 'No such credential (400 when a request names it, 404 when read)',
  TOKEN_NOT_FOUND: 'No such API token',
  WEBHOOK_NOT_FOUND: 'No such webhook',
  CLUSTER_NAME_TAKEN: 'A cluster of this name exists',
  CREDENTIAL_NAME_TAKEN: 'A credential of this name exists',
  CREDENTIAL_IN_USE: 'A cluster still uses the credential',
  INVALID_CREDENTIAL: 'The credential material cannot be used (e.g. an unreadable private key)',
  CREDENTIAL_UNREADABLE: 'A stored credential cannot be decrypted (another master key?)',
  CREDENTIAL_KIND_MISMATCH: 'The credential is of the wrong kind for the backend',
  CANNOT_REVOKE_OWN_TOKEN: 'A token cannot revoke itself',
  WEBHOOK_TARGET_REFUSED: 'The webhook URL resolves to an address the outbound policy refuses',
  // Clusters and their changes
  OPERATION_IN_PROGRESS: 'Another operation holds the cluster; `activeOperationId` names it',
  OPERATION_FINISHED: 'The operation has ended',
  OPERATION_NOT_RETRYABLE: 'Only a FAILED operation whose cluster has no newer operation can be retried',
  OPERATION_SUPERSEDED: 'A newer operation replaced this one',
  APPROVAL_NOT_REQUIRED: 'The operation does not wait for approval',
  CLUSTER_STATE_CONFLICT: 'The cluster is in a state that does not allow the change',
  DELETION_PROTECTED: 'The cluster has deletion protection',
  NO_CHANGE: 'The request changes nothing',
  NOT_SUPPORTED: 'The backend cannot do this',
  BACKEND_UNAVAILABLE: 'The backend is not available in this control plane',
  NOT_ENOUGH_HOSTS: 'The SSH inventory has no unused host for a new member',
  HOST_ALREADY_MEMBER: 'The host is a member already',
  SSH_SPEC_INVALID: 'The SSH part of the spec is invalid',
  // Galera rules (libs/galera)
  CLUSTER_SIZE_INVALID: 'The size is below 1 or above the limit',
  CLUSTER_SIZE_UNSAFE: 'An even size or fewer than 3 members (allowed with force)',
  MEMBER_NOT_FOUND: 'A named member is not in the cluster',
  NOTHING_TO_REMOVE: 'No member named for removal',
  NO_DATA_NODE_WOULD_REMAIN: 'The removal would leave no data member',
  QUORUM_WOULD_BE_LOST: 'The remaining members would lose quorum',
  WRITER_NOT_A_MEMBER: 'The rolling order names a writer that is not a member',
  DUPLICATE_MEMBER: 'A member is named twice',
  NOT_A_FULL_CRASH: 'A member is still in a Primary component: recovery would split the cluster',
  RECOVERY_WAITING_FOR_NODES: 'Recovery waits for evidence from unreachable members (or acceptMissing)',
  BOOTSTRAP_NO_ELIGIBLE_NODE: 'No member can bootstrap',
  BOOTSTRAP_DIVERGED_HISTORIES: 'Members hold different histories: an operator must choose',
  BOOTSTRAP_EVIDENCE_CONFLICT: 'The evidence contradicts itself',
  BOOTSTRAP_OPERATOR_CHOICE_INVALID: 'The member an operator chose cannot bootstrap',
  BOOTSTRAP_REFUSED: 'Bootstrapping was refused',
  GALERA_CONFIG_INVALID: 'The Galera configuration is invalid',
  CONFIG_VALUE_UNSAFE: 'A configuration value cannot be written safely',
  PROBE_VALUE_UNSAFE: 'A health probe value cannot be written safely',
  GCACHE_INPUT_INVALID: 'The gcache figures of a state-transfer estimate are invalid',
  // Chatops
  CHAT_NOT_CONFIGURED: 'Chatops is off (no CHAT_SIGNING_SECRET)',
  CHAT_FORM_REQUIRED: 'The slash command must be form-encoded',
  CHAT_FORM_INVALID: 'The slash command form misses fields',
  CHAT_SIGNATURE_INVALID: 'The Slack signature is missing or wrong',
  CHAT_REQUEST_EXPIRED: 'The Slack request timestamp is too far from now',
  CHAT_REQUEST_REPLAYED: 'The Slack request was handled already',
  // SSH backend
  HOST_KEY_MISMATCH: 'A host presented another key than the pinned one',
  SSH_AUTH_FAILED: 'SSH authentication failed',
  SSH_UNREACHABLE: 'The SSH host does not answer',
  SSH_HANDSHAKE_FAILED: 'The SSH handshake failed',
  SSH_DISCONNECTED: 'The SSH connection dropped',
  SSH_CHANNEL_OPEN_FAILED: 'An SSH channel could not be opened',
  SSH_TIMEOUT: 'An SSH command took too long',
  SSH_ABORTED: 'An SSH command was aborted (cancellation or lost lease)',
  SSH_COMMAND_FAILED: 'A remote command failed',
  SSH_CONFIG_INVALID: 'The SSH connection settings are invalid',
  SHELL_ARGUMENT_INVALID: 'A remote command argument cannot be quoted safely',
  SUDO_AUTH_FAILED: 'sudo refused the password',
  SUDO_FAILED: 'sudo failed',
  CLOCK_SKEW_TOO_LARGE: 'A host clock differs from the control plane by more than CLOCK_SKEW_MAX_MS',
  PORT_IN_USE: 'A Galera port is taken on a host',
  DISK_SPACE_LOW: 'A host lacks disk space',
  MEMORY_TOO_LOW: 'A host lacks memory',
  SERVICE_MANAGER_UNSUPPORTED: 'Neither systemd nor the MariaDB init script was found',
  CLUSTER_CONFLICT: 'A host holds a configuration written for another cluster',
  HOST_HAS_DATA: 'A new member holds another cluster\'s or a standalone server\'s data',
  MEMBER_UNREACHABLE: 'Members cannot reach each other on the Galera ports',
  PACKAGES_MISSING: 'Packages are missing and could not be installed',
  NODE_START_FAILED: 'A member did not start',
  NODE_NOT_SYNCED: 'A member did not reach Synced',
  NODE_STOP_FAILED: 'A member did not stop',
  CLUSTER_SIZE_MISMATCH: 'The cluster size differs from the plan',
  GRASTATE_UNREADABLE: 'grastate.dat cannot be read',
  REMOTE_COMMAND_FAILED: 'A remote command failed',
  STEP_INVALID: 'A step cannot be executed by this backend',
  // Kubernetes backend
  KUBERNETES_CONFLICT: 'Server-side apply kept conflicting',
  KUBERNETES_UNAVAILABLE: 'The Kubernetes API did not answer successfully',
  KUBERNETES_UNAUTHORIZED: 'The Kubernetes API refused the credentials',
  KUBERNETES_FORBIDDEN: 'The Kubernetes API forbids the request',
  KUBERNETES_NOT_FOUND: 'A Kubernetes object or namespace does not exist',
  KUBERNETES_INVALID_OBJECT: 'The Kubernetes API refused an object as invalid',
  KUBERNETES_REQUEST_FAILED: 'A Kubernetes request failed',
  KUBECONFIG_INVALID: 'The kubeconfig cannot be loaded',
  POD_NOT_READY: 'A pod did not become Ready in time',
  POD_NOT_DELETED: 'A pod was not removed in time',
  CLUSTER_NOT_READY: 'The cluster is not ready yet',
  STATEFULSET_NOT_FOUND: 'The StatefulSet does not exist',
} as const satisfies Record<string, string>;

/** A stable UPPER_SNAKE problem code. */
export type ProblemCode = keyof typeof PROBLEM_CODES;

/** Every problem code, in the order of {@link PROBLEM_CODES}. */
export const PROBLEM_CODE_LIST = Object.keys(PROBLEM_CODES) as ProblemCode[];

/** Whether a string is a registered problem code. */
export function isProblemCode(code: string): code is ProblemCode {
  return Object.prototype.hasOwnProperty.call(PROBLEM_CODES, code);
}
