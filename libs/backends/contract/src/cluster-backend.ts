import { DomainError, type FieldError, type StepContext as CoreStepContext, type StepSpec } from '@galera-cp/core';
import type { BackupCallOptions, BackupStream, BackupStreamRequest, RestoredMember, RestoreRequest, VerificationFigures } from './backup-capability';
import type { BackendKind, BackendSections, ClusterSpec, ClusterSpecDraft, SshHostSpec } from './cluster-spec';

/** A member of a cluster as the control plane records it. */
export interface MemberRecord {
  /** Stable name within the cluster: `<cluster>-<ordinal>` (the pod name on Kubernetes). */
  name: string;
  ordinal: number;
  address: string;
  role: 'member' | 'arbitrator';
  /** Managed lifecycle: Pending, Joining, Member, Stopped, Removing. */
  phase: string;
  /** Last observed wsrep state comment, or Unreachable/Unknown. */
  wsrepState: string;
  /** Last observed or recovered seqno. */
  seqno?: number | null;
}

/** The decrypted credential a backend logs in with. */
export type BackendCredential = { kind: 'ssh-private-key'; privateKey: string; passphrase?: string } | { kind: 'ssh-password'; password: string } | { kind: 'kubeconfig'; kubeconfig: string };

/** Settings of the control plane that bound what a backend does. */
export interface BackendSettings {
  clockSkewMaxMs: number;
  connectTimeoutSeconds: number;
  commandTimeoutSeconds: number;
  /** How long a step waits for a host that does not answer (a reboot) before it fails; absent: it fails at once. */
  hostWaitSeconds?: number;
}

/** Everything a backend needs about one cluster. Assembled by the control plane; backends never read the database. */
export interface ClusterTarget {
  clusterId: string;
  name: string;
  spec: ClusterSpec;
  members: MemberRecord[];
  credential?: BackendCredential;
  settings: BackendSettings;
}

/** The change an operation makes, by operation type. */
export type ClusterChange =
  | { type: 'cluster.create' }
  | { type: 'cluster.scale'; replicas: number; force: boolean }
  | { type: 'node.add'; host?: SshHostSpec; force: boolean }
  | { type: 'node.remove'; node: string; force: boolean }
  | { type: 'cluster.restart' }
  | { type: 'cluster.stop' }
  | { type: 'cluster.start' }
  | { type: 'cluster.recover'; acceptMissing: string[] }
  | { type: 'cluster.reconfigure'; parameters: Record<string, string | number | boolean> }
  /**
   * `forget`: only the control plane's record goes (hosts another cluster took over, say). No
   * backend plans or runs it: libs/clusters answers an empty plan itself.
   */
  | { type: 'cluster.delete'; purge: boolean; forget?: boolean };

export type ChangeType = ClusterChange['type'];

/**
 * One step of a backend's plan: the step vocabulary of libs/core (`StepSpec`), the same shape the
 * engine persists and runs. Fields only backends need go here.
 */
export interface PlannedStep extends StepSpec {
  /** What the step does to its member's server, when it starts, stops or restarts it: the typed results list those members. */
  effect?: StepEffect;
}

/** What a step does to a member's server (declared by the plan, read by the operation's typed result). */
export type StepEffect = 'bootstrap' | 'start' | 'restart' | 'stop';

/** Per-node evidence of a full-crash recovery plan. */
export interface RecoveryEvidenceRow {
  node: string;
  reachable: boolean;
  uuid: string | null;
  seqno: number | null;
  safeToBootstrap: boolean | null;
  source: string;
  eligible: boolean;
  reason: string;
}

/** What the plan tells a person before anything runs. */
export interface PlanDetails {
  /** Member that bootstraps the cluster (create, start, recover). */
  bootstrapNode?: string;
  /** Donor chosen per joining member. */
  donors?: Record<string, string>;
  /** Voters and quorum before and after the change. */
  quorum?: { before: number; after: number; quorumBefore: number; quorumAfter: number };
  /** Why the plan is risky, when it is (forced sizes, ...). */
  warnings: string[];
  /** Full-crash recovery evidence, one row per member. */
  evidence?: RecoveryEvidenceRow[];
  /** Objects a Kubernetes plan writes (kind/namespace/name). */
  objects?: { kind: string; namespace?: string; name: string; action: string }[];
  /** Members the cluster will have when the plan has run. */
  membersAfter?: string[];
  /** Anything else the backend wants shown. */
  [key: string]: unknown;
}

/** A backend's plan for one change. */
export interface Plan {
  summary: string;
  steps: PlannedStep[];
  details: PlanDetails;
  /** The plan must be approved by an operator before it runs (recovery). */
  requiresApproval?: boolean;
}

/** A change to the control plane's membership record, reported by a step. */
export type MemberChange = { op: 'upsert'; member: MemberRecord & { healthy?: boolean } } | { op: 'remove'; name: string };

/** What one step reports back. */
export interface StepResult {
  /** Facts later steps or the operation result use (persisted with the step). */
  output?: Record<string, unknown>;
  members?: MemberChange[];
  /** Host keys learned on first use (trustOnFirstUse): the control plane pins them in the spec (see ClusterBackend.pinHostKeys). */
  pinnedHostKeys?: PinnedHostKey[];
}

/** A host key a step learned on first use. */
export interface PinnedHostKey {
  address: string;
  fingerprint: string;
}

/** Where a spec names the credential its backend logs in with, and which kinds of credential fit. */
export interface CredentialReference {
  /** The credential's id. */
  id: string;
  /** JSON pointer of the field that names it, for field errors (`/ssh/credentialId`). */
  pointer: string;
  /** Kinds the backend logs in with. */
  kinds: readonly BackendCredential['kind'][];
}

/** Where a step runs (the engine's `StepContext` of libs/core). */
export type StepContext = CoreStepContext;

/** One member as observed now. */
export interface ObservedMember {
  name: string;
  address: string;
  reachable: boolean;
  /** Why it could not be observed, when unreachable. */
  reason?: string;
  /** `wsrep_local_state_comment` (Synced, Donor/Desynced, Joining, ...). */
  wsrepState?: string;
  healthy: boolean;
  seqno?: number | null;
  clusterSize?: number;
  clusterStatus?: string;
  /** Raw wsrep status values worth exporting (metrics), by variable name. */
  wsrep?: Record<string, string>;
}

/** A read-only view of a cluster as it is now. */
export interface ObservedCluster {
  members: ObservedMember[];
  condition: 'Ready' | 'Degraded' | 'Down' | 'Unknown';
  reason: string;
}

/** Optional abilities; the control plane refuses what a backend lacks, with a clear reason. */
export interface BackendCapabilities {
  recover: boolean;
  /** Members can be removed by name (SSH) rather than only the highest ordinal (StatefulSet). */
  removeAnyMember: boolean;
  /**
   * The backend grows the cluster by itself (pods) rather than from an inventory of hosts: a
   * node.add names no host. Without it, the backend implements `addMember`.
   */
  providesHosts: boolean;
  /** cluster.stop and cluster.start (a clean full stop, then a bootstrap from the safe node). Absent means supported. */
  stopStart?: boolean;
}

/** What a cancelled membership change left, once the backend converged it. */
export interface SettledChange {
  /** Corrections of the membership record (members that do not exist after all, members that joined). */
  members: MemberChange[];
}

/** Optional: backends that hold connections release them when the process stops. */
export interface ClosableBackend {
  close(): Promise<void>;
}

/**
 * Raised by a backend for a failure with a stable code (HOST_KEY_MISMATCH, SSH_AUTH_FAILED, ...).
 * A DomainError, so that where it surfaces (an operation's error, or the answer of a dry run)
 * keeps its code and detail: a refusal is a conflict, a retryable failure (a host that does not
 * answer now) is "unavailable". `node` and `details` travel as extensions of the problem.
 */
export class BackendError extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly options: { retryable?: boolean; node?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(options.retryable ? 'unavailable' : 'conflict', code, message, {
      cause: options.cause,
      extensions: { ...(options.node ? { node: options.node } : {}), ...(options.details ? { details: options.details } : {}) },
    });
    this.name = 'BackendError';
  }

  get retryable(): boolean {
    return this.options.retryable ?? false;
  }
}

/**
 * The contract every backend implements. `observe` is read-only; `plan` decides without acting;
 * `executeStep` runs one planned step and is idempotent: it checks the remote state first, so a
 * step run again after a crash does not repeat an effect that would harm.
 */
export interface ClusterBackend extends BackendSpecRules {
  /** `log` receives what the status messages leave out (the commands that failed, for one). */
  observe(target: ClusterTarget, options: { signal: AbortSignal; log?: (message: string) => void }): Promise<ObservedCluster>;
  plan(target: ClusterTarget, change: ClusterChange, options: { signal: AbortSignal; log?: (message: string) => void }): Promise<Plan>;
  executeStep(target: ClusterTarget, step: PlannedStep, context: StepContext): Promise<StepResult>;
  /**
   * Optional: after a cancelled membership change (`cluster.scale`, `node.add`, `node.remove`),
   * converges the infrastructure to the members that are actually there, so that nothing keeps
   * growing or shrinking it on its own (a StatefulSet's controller would), and answers the
   * corrections of the membership record. `membersBefore` are the members the change was planned
   * from. Without it, the members the steps reported are what is there.
   */
  settle?(target: ClusterTarget, change: ClusterChange, options: { membersBefore: string[]; signal: AbortSignal; log: (message: string) => void }): Promise<SettledChange>;
  /** Optional: physical backups, restores and verification (see `BackupCapability`). */
  readonly backup?: BackupCapability;
}

/**
 * What a backend decides about specs, synchronously and without touching any infrastructure:
 * the control plane asks it before any backend work (and a lazily loaded backend answers it
 * from a light module). The control plane owns the shared parts of a spec (engine, galera,
 * policy, the size rule); the backend owns its section (`spec[kind]`) and how membership
 * changes edit it.
 */
export interface BackendSpecRules {
  readonly kind: BackendKind;
  readonly capabilities: BackendCapabilities;
  /**
   * A new spec's defaults for what the backend owns: `replicas` when the client left it out (SSH:
   * every host of the inventory), and its own section with its defaults, when the draft has one.
   */
  specDefaults(draft: ClusterSpecDraft): { replicas: number } & Partial<BackendSections>;
  /**
   * Backend-specific checks of a complete spec, as field errors (pointers into the request):
   * its section (an SSH inventory: addresses, pinned keys, enough hosts for `replicas`). Called
   * on create and on every change of the spec (a scale beyond the inventory is refused here).
   */
  validateSpec(spec: ClusterSpec): FieldError[];
  /** The credential the spec names, where, and which kinds fit; undefined when it names none (in-cluster configuration). */
  credentialOf(spec: ClusterSpec): CredentialReference | undefined;
  /**
   * The host addresses a spec lays claim to (SSH: its inventory), so the control plane can
   * refuse a cluster on hosts another live cluster holds unless the request takes them over.
   * Absent: the backend provides its own hosts (pods), and specs never collide.
   */
  occupiedAddresses?(spec: ClusterSpec): string[];
  /**
   * For backends that grow from an inventory (`capabilities.providesHosts` false): the spec
   * with room for one more member (`host` added to the inventory when given), or a refusal (the
   * host is a member already, the inventory is used up). `replicas` is the control plane's.
   */
  addMember?(spec: ClusterSpec, request: { host?: SshHostSpec }, members: readonly MemberRecord[]): ClusterSpec;
  /**
   * Optional: the spec with the host keys a step learned on first use pinned (the control plane
   * persists and audits it as `cluster.host-keys-pinned`); undefined when the spec has nowhere
   * to pin them.
   */
  pinHostKeys?(spec: ClusterSpec, keys: readonly PinnedHostKey[]): ClusterSpec | undefined;
  /**
   * Step failures worth an audit record, by error code, with the audit action to record
   * (SSH: `HOST_KEY_MISMATCH` -> `ssh.host-key-mismatch`, a possible man in the middle).
   */
  readonly auditedFailures?: Readonly<Record<string, string>>;
}

/**
 * The backup capability of a backend: physical backups of one member streamed out, a chain
 * streamed back into a member, and a verification by restore into a scratch place. The control
 * plane chooses the member (a rule of libs/galera), encrypts, checksums and stores what the
 * backend streams; the backend never sees a store or its secret. Backends without it answer
 * `backup: undefined`, and the control plane refuses backups of their clusters.
 */
export interface BackupCapability {
  /**
   * Starts a physical backup of `request.node` (mariabackup with its Galera info) and answers at
   * once with the stream of its bytes, compressed by the backend. `finished` settles once the
   * stream ended and the member's backup exited: with the facts, or a `BackendError` that names
   * the node. Aborting `options.signal` kills the remote backup and leaves nothing behind.
   */
  streamBackup(target: ClusterTarget, request: BackupStreamRequest, options: BackupCallOptions): Promise<BackupStream>;
  /**
   * Replaces `request.node`'s datadir with the chain, prepared (full first, then each
   * incremental in order), and leaves the member stopped and ready to bootstrap a new cluster
   * from the backup's position (grastate.dat: the backup's uuid:seqno, safe_to_bootstrap 1).
   */
  restoreMember(target: ClusterTarget, request: RestoreRequest, options: BackupCallOptions): Promise<RestoredMember>;
  /**
   * Restores the chain into a scratch datadir on `request.node` and starts a throwaway server on
   * another port (the member's own server and its clients are untouched), checks every table and
   * counts rows, then removes the scratch place whatever happened.
   */
  verifyChain(target: ClusterTarget, request: RestoreRequest, options: BackupCallOptions): Promise<VerificationFigures>;
  /** Removes what a killed backup, restore or verification left on the node (named by `scratchId`). Idempotent. */
  cleanup(target: ClusterTarget, request: { node: string; scratchId: string }, options: BackupCallOptions): Promise<void>;
}

/** Injection token: the backends by kind. */
export const CLUSTER_BACKENDS = Symbol('CLUSTER_BACKENDS');
export type ClusterBackends = Partial<Record<BackendKind, ClusterBackend>>;
