/**
 * The SSH backend: real MariaDB Galera clusters on hosts reached over SSH. It plans every change
 * as persisted, idempotent steps (ssh-plans.ts), executes them over one pooled connection per
 * host per operation (galera-steps.ts), and observes members read-only (cluster-observer.ts).
 * It never touches the database: the control plane hands it a ClusterTarget and persists what
 * the steps report.
 */
import {
  BackendError,
  type BackendCapabilities,
  type ClusterBackend,
  type ClusterChange,
  type ClusterSpec,
  type ClusterSpecDraft,
  type ClusterTarget,
  type CredentialReference,
  type MemberRecord,
  type PinnedHostKey,
  type SshHostSpec,
  type ObservedCluster,
  type Plan,
  type PlannedStep,
  type StepContext,
  type StepResult,
} from '@galera-cp/backends';
import type { FieldError } from '@galera-cp/core';
import { highestOrdinals, planParameterChanges, readGaleraConfig, validateParameters } from '@galera-cp/galera';
import { observeCluster } from './cluster-observer';
import * as steps from './galera-steps';
import { isSyncedMember, readNodeStatus } from './galera-node';
import { HostConnections, type ConnectionSettings } from './host-connections';
import { platformOf } from './host-facts';
import { collectEvidence } from './recovery-evidence';
import { readFiles } from './remote-files';
import type { StepLog } from './remote-host';
import { STARTUP_TIMEOUT_SECONDS } from './service-manager';
import { SessionPool } from './session-pool';
import { memberRefs, planCreate, planDelete, planReconfigure, planRecover, planRestart, planScaleIn, planScaleOut, planStart, planStop } from './ssh-plans';
import { toSshStep } from './ssh-steps';
import { SshConnector, type SshSession } from './transport';
import { addSshMember, pinSshHostKeys, SSH_AUDITED_FAILURES, SSH_CAPABILITIES, sshCredentialOf, sshOccupiedAddresses, sshSpecDefaults, validateSshSpec } from './ssh-spec';

/** Tunables of the backend (the bounds of each call come from the target's settings). */
export interface SshBackendOptions {
  /** Opens SSH sessions (a shared instance by default). */
  connector?: SshConnector;
  /** Most SSH sessions open at once, all operations together. Default 256. */
  maxSessions?: number;
  /** An unused session is closed after this long. Default 30 s: steps of one operation follow each other within milliseconds, and the monitor observes every 15 s by default. */
  idleTimeoutMs?: number;
  /** Interval of status polls while waiting for Synced. Default 200 ms. */
  pollIntervalMs?: number;
  /** Least free disk space at a new member's datadir. Default 1 GiB. */
  minFreeDiskBytes?: number;
  /** Bound of one observation's connection and status query. Default 5 s. */
  observeTimeoutMs?: number;
}

/** The SSH backend. One instance serves the whole process (it owns the session pool). */
export class SshBackend implements ClusterBackend {
  readonly kind = 'ssh' as const;
  readonly capabilities: BackendCapabilities = SSH_CAPABILITIES;
  readonly auditedFailures = SSH_AUDITED_FAILURES;
  readonly #pool: SessionPool<SshSession>;
  readonly #connector: SshConnector;
  readonly #options: Required<Omit<SshBackendOptions, 'connector'>>;

  constructor(options: SshBackendOptions = {}) {
    this.#connector = options.connector ?? new SshConnector();
    this.#options = {
      maxSessions: options.maxSessions ?? 256,
      idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
      pollIntervalMs: options.pollIntervalMs ?? 200,
      minFreeDiskBytes: options.minFreeDiskBytes ?? 1024 ** 3,
      observeTimeoutMs: options.observeTimeoutMs ?? 5_000,
    };
    this.#pool = new SessionPool<SshSession>({ maxSessions: this.#options.maxSessions, idleTimeoutMs: this.#options.idleTimeoutMs });
  }

  /** SSH sessions open now (for diagnostics and tests). */
  get openSessions(): number {
    return this.#pool.size;
  }

  /** Closes every pooled session (shutdown). */
  async close(): Promise<void> {
    await this.#pool.closeAll();
  }

  /** Nest calls this on shutdown when the backend is a provider. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** The ssh section: present, a POSIX user, a port, valid host addresses and fingerprints. (Credential kinds are checked by the control plane.) */
  /** The `ssh` section's checks (ssh-spec.ts): user, port, addresses, fingerprints, the inventory. */
  validateSpec(spec: ClusterSpec): FieldError[] {
    return validateSshSpec(spec);
  }

  specDefaults(draft: ClusterSpecDraft): Pick<ClusterSpec, 'replicas' | 'ssh'> {
    return sshSpecDefaults(draft);
  }

  credentialOf(spec: ClusterSpec): CredentialReference | undefined {
    return sshCredentialOf(spec);
  }

  /** The inventory's addresses: every host the spec may make a member. */
  occupiedAddresses(spec: ClusterSpec): string[] {
    return sshOccupiedAddresses(spec);
  }

  addMember(spec: ClusterSpec, request: { host?: SshHostSpec }, members: readonly MemberRecord[]): ClusterSpec {
    return addSshMember(spec, request, members);
  }

  pinHostKeys(spec: ClusterSpec, keys: readonly PinnedHostKey[]): ClusterSpec | undefined {
    return pinSshHostKeys(spec, keys);
  }

  /** Reads every member's wsrep status; never throws for an unreachable member. */
  async observe(target: ClusterTarget, options: { signal: AbortSignal; log?: (message: string) => void }): Promise<ObservedCluster> {
    const timeout = this.#options.observeTimeoutMs;
    const signal = AbortSignal.any([options.signal, AbortSignal.timeout(timeout * 3)]);
    const hosts = this.#connections(target, `observe:${target.clusterId}`, signal, (message) => options.log?.(message), {
      connectTimeoutMs: Math.min(target.settings.connectTimeoutSeconds * 1000, timeout),
      commandTimeoutMs: timeout,
    });
    try {
      return await observeCluster(hosts, target);
    } finally {
      await hosts.release();
    }
  }

  /** Plans a change. Plans that need the hosts' state (start, stop, recover, reconfigure) read it over SSH, read-only. */
  async plan(target: ClusterTarget, change: ClusterChange, options: { signal: AbortSignal; log?: (message: string) => void }): Promise<Plan> {
    const log: StepLog = (message) => options.log?.(message);
    switch (change.type) {
      case 'cluster.create':
        return planCreate(target);
      case 'cluster.scale': {
        const count = change.replicas - target.members.length;
        if (count >= 0) {
          const rejoin = await this.#laggingMembers(target, options.signal);
          if (count > 0 || rejoin.length > 0) return planScaleOut(target, count, undefined, rejoin);
        }
        const remove = highestOrdinals(target.members, -count).map((m) => m.name);
        return planScaleIn(target, remove);
      }
      case 'node.add': {
        const rejoin = await this.#laggingMembers(target, options.signal);
        // A retried node.add finds its host a member already (the first attempt recorded it).
        const already = change.host !== undefined && target.members.some((m) => m.address === change.host?.address);
        return planScaleOut(target, already ? 0 : 1, already ? undefined : change.host?.address, rejoin);
      }
      case 'node.remove':
        return planScaleIn(target, [change.node]);
      case 'cluster.restart':
        return planRestart(target);
      case 'cluster.delete':
        return planDelete(target, change.purge);
      case 'cluster.stop':
      case 'cluster.start':
      case 'cluster.recover':
      case 'cluster.reconfigure':
        return this.#planWithHosts(target, change, options.signal, log);
    }
  }

  /**
   * Members a scale-out must (re)join: of those the record does not show Synced members (a join
   * that failed, a state transfer a reboot cut short), the ones observed now not running, not
   * Synced, or not reachable (their join waits for the host). Read-only.
   */
  async #laggingMembers(target: ClusterTarget, signal: AbortSignal): Promise<string[]> {
    const doubtful = memberRefs(target).filter((ref) => {
      const record = target.members.find((m) => m.name === ref.node);
      return record?.phase !== 'Member' || record.wsrepState !== 'Synced';
    });
    if (doubtful.length === 0) return [];
    const hosts = this.#connections(target, `plan:${target.clusterId}`, signal, () => undefined, {
      connectTimeoutMs: Math.min(target.settings.connectTimeoutSeconds * 1000, this.#options.observeTimeoutMs),
      commandTimeoutMs: this.#options.observeTimeoutMs,
    });
    try {
      const synced = await Promise.all(
        doubtful.map(async (ref) => {
          try {
            return isSyncedMember((await readNodeStatus(await hosts.get(ref))).status);
          } catch {
            return false;
          }
        }),
      );
      return doubtful.filter((_, i) => !synced[i]).map((r) => r.node);
    } finally {
      await hosts.release();
    }
  }

  async #planWithHosts(target: ClusterTarget, change: ClusterChange, signal: AbortSignal, log: StepLog): Promise<Plan> {
    const hosts = this.#connections(target, `plan:${target.clusterId}`, signal, log);
    try {
      const refs = memberRefs(target);
      if (change.type === 'cluster.stop') {
        const running = await Promise.all(
          refs.map(async (ref) => {
            try {
              return (await readNodeStatus(await hosts.get(ref))).running;
            } catch {
              return false;
            }
          }),
        );
        return planStop(target, new Set(refs.filter((_, i) => running[i]).map((r) => r.node)));
      }
      if (change.type === 'cluster.start') {
        const { members, decision } = await collectEvidence(hosts, refs, { acceptMissing: [], recoverPositions: true });
        return planStart(target, members, decision);
      }
      if (change.type === 'cluster.recover') {
        log(`collecting recovery evidence from ${refs.length} members`);
        const { members, decision } = await collectEvidence(hosts, refs, { acceptMissing: change.acceptMissing, recoverPositions: true });
        return planRecover(target, members, decision, change.acceptMissing);
      }
      if (change.type === 'cluster.reconfigure') return await this.#planReconfigure(target, hosts, refs);
      throw new BackendError('STEP_INVALID', `no plan for ${change.type}`);
    } finally {
      await hosts.release();
    }
  }

  /** Diffs the parameters the members' files hold now against the spec's (planParameterChanges). */
  async #planReconfigure(target: ClusterTarget, hosts: HostConnections, refs: ReturnType<typeof memberRefs>): Promise<Plan> {
    const desired = validateParameters(target.spec.galera.parameters).parameters;
    const notes: string[] = [];
    let current: Record<string, string> | undefined;
    for (const ref of refs) {
      try {
        const host = await hosts.get(ref);
        const [text] = await readFiles(host, [platformOf(await host.facts()).configPath]);
        if (text !== undefined) {
          current = readGaleraConfig(text).parameters;
          break;
        }
      } catch (error) {
        notes.push(`${ref.node}: could not read its configuration (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    if (!current) {
      notes.push('the current parameters could not be read from any member: every parameter of the spec is applied');
      current = {};
    }
    const changes = planParameterChanges(validateParameters(current).parameters, desired);
    return planReconfigure(target, changes, notes);
  }

  /** Executes one step over the operation's pooled connections. */
  async executeStep(target: ClusterTarget, step: PlannedStep, context: StepContext): Promise<StepResult> {
    // A persisted plan (perhaps from an older version) is checked before anything connects.
    const sshStep = toSshStep(step);
    const hosts = this.#connections(
      target,
      context.operationId,
      context.signal,
      context.log,
      { connectTimeoutMs: target.settings.connectTimeoutSeconds * 1000, commandTimeoutMs: target.settings.commandTimeoutSeconds * 1000, hostWaitMs: (target.settings.hostWaitSeconds ?? 0) * 1000 },
      [`plan:${target.clusterId}`],
    );
    try {
      return await steps.runStep(sshStep, {
        target,
        hosts,
        signal: hosts.signal,
        log: context.log,
        settings: {
          clockSkewMaxMs: target.settings.clockSkewMaxMs,
          minFreeDiskBytes: this.#options.minFreeDiskBytes,
          pollIntervalMs: this.#options.pollIntervalMs,
          syncTimeoutMs: (STARTUP_TIMEOUT_SECONDS + 60) * 1000,
        },
      });
    } finally {
      await hosts.release();
    }
  }

  #connections(target: ClusterTarget, scope: string, signal: AbortSignal, log: StepLog, settings?: ConnectionSettings, adoptFrom?: string[]): HostConnections {
    return new HostConnections(this.#pool, this.#connector, target, {
      scope,
      signal,
      log,
      settings: settings ?? { connectTimeoutMs: target.settings.connectTimeoutSeconds * 1000, commandTimeoutMs: target.settings.commandTimeoutSeconds * 1000 },
      ...(adoptFrom ? { adoptFrom } : {}),
    });
  }
}
