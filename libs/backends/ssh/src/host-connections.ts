/**
 * The hosts one step (or one plan, or one observation) talks to: how a cluster target becomes
 * SSH targets (credential, login user, pinned host key or trust-on-first-use, sudo), and the
 * sessions borrowed from the pool for the step's duration.
 */
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { ClusterTarget } from '@galera-cp/backends';
import { setTimeout as delay } from 'node:timers/promises';
import { BackendError } from '@galera-cp/backends';
import { memberError, toBackendError } from './ssh-backend.errors';
import { RemoteHost, type StepLog } from './remote-host';
import type { SessionPool } from './session-pool';
import { normalizeFingerprint, Redactor, type SshAuth, type SshConnector, type SshSession, type SshTarget } from './transport';

/** A member and its host. */
export interface HostRef {
  /** Member name (`<cluster>-<ordinal>`). */
  node: string;
  /** Address from the inventory (`spec.ssh.hosts[].address`). */
  address: string;
  /** Member ordinal. */
  ordinal: number;
}

/** Bounds of connecting and running commands. */
export interface ConnectionSettings {
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /**
   * How long to keep trying to connect to a host that does not answer (refused, no route,
   * timed out, lost: a reboot), before the step fails. Default 0: the first failure fails.
   * Refusals (a changed host key, a refused credential) never wait.
   */
  hostWaitMs?: number;
}

/** Pause between two connection attempts while waiting for a host. */
const HOST_WAIT_RETRY_MS = 1000;

function secretsOf(target: ClusterTarget): string[] {
  const c = target.credential;
  if (!c) return [];
  if (c.kind === 'ssh-private-key') return [c.privateKey, c.passphrase ?? ''].filter(Boolean);
  if (c.kind === 'ssh-password') return [c.password];
  return [];
}

/** A redactor for everything secret in a target (the credential). */
export function redactorOf(target: ClusterTarget): Redactor {
  return new Redactor(secretsOf(target));
}

/** Login user plus a digest of the credential: a changed credential never reuses a session. */
export function identityOf(target: ClusterTarget): string {
  const digest = createHash('sha256').update(secretsOf(target).join('\u0000')).digest('hex').slice(0, 16);
  return `${target.spec.ssh?.user ?? 'root'}@${digest}`;
}

/**
 * The SSH target of one host of a cluster: the credential (key or password; a password also
 * answers sudo), the login user and port, and the host key policy (the pinned fingerprint, or
 * trust-on-first-use when the spec allows it and none is pinned yet).
 */
export function sshTargetOf(target: ClusterTarget, host: Pick<HostRef, 'node' | 'address'>): SshTarget {
  const ssh = target.spec.ssh;
  if (!ssh) throw memberError('SSH_SPEC_INVALID', host.node, 'the cluster has no ssh section');
  const credential = target.credential;
  let auth: SshAuth;
  if (credential?.kind === 'ssh-private-key') auth = { kind: 'privateKey', privateKey: credential.privateKey, ...(credential.passphrase ? { passphrase: credential.passphrase } : {}) };
  else if (credential?.kind === 'ssh-password') auth = { kind: 'password', password: credential.password };
  else throw memberError('SSH_SPEC_INVALID', host.node, `the cluster's credential is ${credential ? `a ${credential.kind}` : 'missing'}; an SSH key or password is needed`);
  const pinned = ssh.hosts.find((h) => h.address === host.address)?.hostKeyFingerprint;
  if (!pinned && !ssh.trustOnFirstUse) throw memberError('SSH_SPEC_INVALID', host.node, `no pinned host key for ${host.address} and trustOnFirstUse is off`);
  return {
    host: host.address,
    port: ssh.port,
    username: ssh.user,
    auth,
    hostKey: pinned ? { kind: 'pinned', fingerprint: pinned } : { kind: 'trust-on-first-use' },
    ...(credential.kind === 'ssh-password' ? { sudo: { password: credential.password } } : {}),
  };
}

/** What a set of connections serves. */
export interface HostConnectionsOptions {
  /** Pool scope: the operation id, or `plan:<cluster>` / `observe:<cluster>`. */
  scope: string;
  /** Scopes whose idle sessions may be taken over (a plan's, for the operation's first steps). */
  adoptFrom?: string[];
  signal: AbortSignal;
  log: StepLog;
  settings: ConnectionSettings;
}

/** The hosts of one step, connected lazily and in parallel, released together. */
export class HostConnections {
  readonly #hosts = new Map<string, Promise<RemoteHost>>();
  readonly #tofu = new Map<string, string>();
  readonly #redactor: Redactor;
  readonly #signal: AbortSignal;

  constructor(
    private readonly pool: SessionPool<SshSession>,
    private readonly connector: SshConnector,
    private readonly target: ClusterTarget,
    private readonly options: HostConnectionsOptions,
  ) {
    this.#redactor = redactorOf(target);
    // One listener on the caller's signal; the many parallel commands of a step listen to this one.
    this.#signal = AbortSignal.any([options.signal]);
    setMaxListeners(0, this.#signal);
  }

  /** The signal of the step. */
  get signal(): AbortSignal {
    return this.#signal;
  }

  /** The step's log. */
  get log(): StepLog {
    return this.options.log;
  }

  /** Connects to a member's host (once per step; the session is pooled across steps). */
  get(ref: Pick<HostRef, 'node' | 'address'>): Promise<RemoteHost> {
    let host = this.#hosts.get(ref.node);
    if (!host) {
      host = this.#connect(ref);
      this.#hosts.set(ref.node, host);
      // A failed connection is not kept: a later call tries again.
      host.catch(() => this.#hosts.delete(ref.node));
    }
    return host;
  }

  /** Connects to every host in parallel; fails with the first member's error once all have answered. */
  async all(refs: readonly Pick<HostRef, 'node' | 'address'>[]): Promise<RemoteHost[]> {
    const settled = await Promise.allSettled(refs.map((r) => this.get(r)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<RemoteHost>).value);
  }

  /** Connects to every host in parallel; each result is the host or the error. */
  async each(refs: readonly Pick<HostRef, 'node' | 'address'>[]): Promise<Array<RemoteHost | Error>> {
    const settled = await Promise.allSettled(refs.map((r) => this.get(r)));
    return settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error)));
  }

  /** Host keys accepted on first use by this step's connections, for the control plane to pin. */
  pinnedHostKeys(): { address: string; fingerprint: string }[] {
    return [...this.#tofu.entries()].map(([address, fingerprint]) => ({ address, fingerprint }));
  }

  /** Gives every session back to the pool. */
  async release(): Promise<void> {
    const hosts = await Promise.allSettled([...this.#hosts.values()]);
    for (const h of hosts) if (h.status === 'fulfilled') h.value.release();
    this.#hosts.clear();
  }

  /**
   * Connects, waiting up to `hostWaitMs` for a host that does not answer: a host that reboots
   * comes back after tens of seconds, and failing the step (and the operation, once its attempts
   * are spent) in the meantime would leave a join half done.
   */
  async #connect(ref: Pick<HostRef, 'node' | 'address'>): Promise<RemoteHost> {
    const waitMs = this.options.settings.hostWaitMs ?? 0;
    const deadline = Date.now() + waitMs;
    let waiting = false;
    for (;;) {
      try {
        const host = await this.#connectOnce(ref);
        if (waiting) this.options.log(`${ref.node}: ${ref.address} answers again`, 'info');
        return host;
      } catch (error) {
        const transient = error instanceof BackendError && error.retryable && error.code !== 'SSH_TIMEOUT';
        if (!transient || this.#signal.aborted || Date.now() + HOST_WAIT_RETRY_MS > deadline) throw error;
        if (!waiting) {
          this.options.log(`${ref.node}: ${ref.address} does not answer (${(error as Error).message}); waiting up to ${Math.round(waitMs / 1000)} s for it`, 'warn');
          waiting = true;
        }
        await delay(HOST_WAIT_RETRY_MS, undefined, { signal: this.#signal });
      }
    }
  }

  async #connectOnce(ref: Pick<HostRef, 'node' | 'address'>): Promise<RemoteHost> {
    const sshTarget = sshTargetOf(this.target, ref);
    const { settings } = this.options;
    const signal = this.#signal;
    const key = { scope: this.options.scope, endpoint: `${sshTarget.host}:${sshTarget.port ?? 22}`, identity: identityOf(this.target) };
    let lease;
    try {
      lease = await this.pool.acquire(
        key,
        () =>
          this.connector.connect(sshTarget, {
            connectTimeoutMs: settings.connectTimeoutMs,
            readyTimeoutMs: settings.connectTimeoutMs * 2,
            keepaliveIntervalMs: 10_000,
            keepaliveCountMax: 3,
            signal,
          }),
        { signal, ...(this.options.adoptFrom ? { adoptFrom: this.options.adoptFrom } : {}) },
      );
    } catch (error) {
      throw toBackendError(error, ref.node);
    }
    const session = lease.session;
    // A reused session was verified when it was opened; the pin may have been learned since
    // (trust-on-first-use), and then it must be the key this session saw.
    if (sshTarget.hostKey.kind === 'pinned' && session.hostKey.fingerprint !== normalizeFingerprint(sshTarget.hostKey.fingerprint)) {
      await lease.discard();
      return this.#connectOnce(ref);
    }
    if (sshTarget.hostKey.kind === 'trust-on-first-use') {
      this.#tofu.set(ref.address, session.hostKey.fingerprint);
      if (lease.opened)
        this.options.log(`${ref.node}: trusted the host key ${session.hostKey.keyType} ${session.hostKey.fingerprint} of ${ref.address} on first use; it is pinned from now on`, 'warn');
    }
    return new RemoteHost(ref.node, ref.address, lease, { signal, log: this.options.log, commandTimeoutMs: settings.commandTimeoutMs, redactor: this.#redactor });
  }
}
