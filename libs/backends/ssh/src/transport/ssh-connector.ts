import { connect as connectTcp, type Socket } from 'node:net';
import { NodeSSH, SSHError as NodeSshError, type Config as NodeSshConfig } from 'node-ssh';
import type { Client } from 'ssh2';
import { describeHostKey, normalizeFingerprint, type HostKeyInfo } from './host-key';
import { Redactor } from './redactor';
import { HostKeyMismatchError, SshError, type SshEndpoint } from './ssh.errors';
import { SshSession, type SessionSudo } from './ssh-session';

/** How the client proves who it is. */
export type SshAuth =
  | {
      readonly kind: 'privateKey';
      /** OpenSSH or PEM private key. */
      readonly privateKey: string | Buffer;
      /** Passphrase of an encrypted private key. */
      readonly passphrase?: string;
    }
  | {
      readonly kind: 'password';
      /** The login password (tried as `password`, then as `keyboard-interactive` answers). */
      readonly password: string;
    };

/**
 * How the server's host key is checked, before any credential is sent:
 * - `pinned`: the key's OpenSSH SHA256 fingerprint must equal `fingerprint`, else
 *   `HOST_KEY_MISMATCH`;
 * - `trust-on-first-use`: any key is accepted and reported as `session.hostKey`, for the caller
 *   to pin from then on. Only for a host's first contact.
 */
export type HostKeyPolicy =
  | {
      readonly kind: 'pinned';
      /** `SHA256:` + base64 without padding, as `ssh-keygen -lf` prints it. */
      readonly fingerprint: string;
    }
  | { readonly kind: 'trust-on-first-use' };

/** How a non-root login becomes root for `sudo: true` execs. */
export interface SshSudoSettings {
  /** The sudo password; without it, sudo must not ask (`NOPASSWD`), and `sudo -n` is used. */
  readonly password?: string;
}

/** One host to log in to. */
export interface SshTarget {
  /** Host name or IP address. */
  readonly host: string;
  /** TCP port. Default 22. */
  readonly port?: number;
  /** Login user. */
  readonly username: string;
  /** Credential. */
  readonly auth: SshAuth;
  /** Host key check. */
  readonly hostKey: HostKeyPolicy;
  /** How `sudo: true` execs get root when `username` is not root. Default: `sudo -n`. */
  readonly sudo?: SshSudoSettings;
}

/** Timeouts and limits of a connection. */
export interface SshConnectOptions {
  /** Longest wait for the TCP connection. Default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Longest wait from TCP connected to authenticated (handshake + authentication). Default 20 000 ms. */
  readonly readyTimeoutMs?: number;
  /** Interval of SSH keepalive requests. Default 15 000 ms; 0 disables. */
  readonly keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as lost. Default 3. */
  readonly keepaliveCountMax?: number;
  /**
   * Commands of one session running at once. Default 4. Keep it at most half of the server's
   * `MaxSessions` (10 by default): killing an aborted command takes one more channel.
   */
  readonly maxChannels?: number;
  /** Bytes of output kept per stream of a command (the tail). Default 1 MiB. */
  readonly maxOutputBytes?: number;
  /** Time allowed for killing a timed-out or aborted command. Default 5 000 ms. */
  readonly killTimeoutMs?: number;
  /** More secrets to redact from every command's lines and errors (the credential is always redacted). */
  readonly redact?: readonly string[];
  /** Aborts connecting. */
  readonly signal?: AbortSignal;
}

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  readyTimeoutMs: 20_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
  maxChannels: 4,
  maxOutputBytes: 1024 * 1024,
  killTimeoutMs: 5_000,
} as const;

type ResolvedOptions = Required<Omit<SshConnectOptions, 'redact' | 'signal'>> & Pick<SshConnectOptions, 'redact' | 'signal'>;

function positive(value: number, name: string, allowZero = false): void {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new SshError('SSH_CONFIG_INVALID', `${name} must be a positive number`);
  }
}

function endpointOf(target: { host: string; port?: number }): SshEndpoint {
  if (typeof target.host !== 'string' || target.host.trim() === '' || /[\s\0]/.test(target.host)) {
    throw new SshError('SSH_CONFIG_INVALID', 'host must be a host name or an address');
  }
  const port = target.port ?? 22;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new SshError('SSH_CONFIG_INVALID', 'port must be an integer from 1 to 65535');
  }
  return { host: target.host, port };
}

/**
 * Opens SSH sessions (one TCP connection each) through `node-ssh` (over `ssh2`). Stateless
 * apart from its defaults, so one instance serves the whole process.
 */
export class SshConnector {
  readonly #defaults: SshConnectOptions;

  constructor(defaults: SshConnectOptions = {}) {
    this.#defaults = defaults;
  }

  /**
   * Connects, checks the host key, authenticates.
   *
   * @throws HostKeyMismatchError (`HOST_KEY_MISMATCH`); SshError with `SSH_AUTH_FAILED`,
   *   `SSH_UNREACHABLE`, `SSH_HANDSHAKE_FAILED`, `SSH_DISCONNECTED`, `SSH_ABORTED`,
   *   `SSH_CONFIG_INVALID`.
   */
  async connect(target: SshTarget, options: SshConnectOptions = {}): Promise<SshSession> {
    const resolved = this.#resolve(options);
    const endpoint = endpointOf(target);
    if (typeof target.username !== 'string' || target.username === '' || /[\s\0]/.test(target.username)) {
      throw new SshError('SSH_CONFIG_INVALID', 'username must be a non-empty name');
    }
    let pinned: string | undefined;
    if (target.hostKey?.kind === 'pinned') {
      pinned = normalizeFingerprint(target.hostKey.fingerprint);
      if (!pinned) throw new SshError('SSH_CONFIG_INVALID', 'the pinned host key must be an OpenSSH SHA256 fingerprint (SHA256:...)');
    } else if (target.hostKey?.kind !== 'trust-on-first-use') {
      throw new SshError('SSH_CONFIG_INVALID', 'a host key policy (pinned or trust-on-first-use) is required');
    }

    const auth = target.auth;
    const config: NodeSshConfig = { username: target.username };
    const secrets: Array<string | Buffer | undefined> = [...(resolved.redact ?? []), target.sudo?.password];
    if (auth?.kind === 'privateKey') {
      if (!(typeof auth.privateKey === 'string' || Buffer.isBuffer(auth.privateKey)) || auth.privateKey.length === 0) {
        throw new SshError('SSH_CONFIG_INVALID', 'privateKey must be a non-empty string or Buffer');
      }
      // ssh2 decrypts the key when connecting; an encrypted key costs a bcrypt run (about a
      // second of blocked event loop), so it is not decrypted a second time here to check it.
      // node-ssh takes the key as text; OpenSSH and PEM keys are ASCII.
      config.privateKey = typeof auth.privateKey === 'string' ? auth.privateKey : auth.privateKey.toString('utf8');
      if (auth.passphrase !== undefined) config.passphrase = auth.passphrase;
      secrets.push(auth.privateKey, auth.passphrase);
    } else if (auth?.kind === 'password') {
      config.password = auth.password;
      config.tryKeyboard = true;
      secrets.push(auth.password);
    } else {
      throw new SshError('SSH_CONFIG_INVALID', 'auth must be a private key or a password');
    }

    const socket = await this.#openSocket(endpoint, resolved);
    const ssh = new NodeSSH();
    let seen: HostKeyInfo | undefined;
    let mismatch = false;
    config.sock = socket;
    config.readyTimeout = resolved.readyTimeoutMs;
    config.keepaliveInterval = resolved.keepaliveIntervalMs;
    config.keepaliveCountMax = resolved.keepaliveCountMax;
    // node-ssh hands the ConnectConfig to ssh2 as it is: the key is checked by this verifier
    // during the handshake, before any credential leaves.
    config.hostVerifier = (key: Buffer) => {
      seen = describeHostKey(key);
      mismatch = pinned !== undefined && seen.fingerprint !== pinned;
      return !mismatch;
    };
    if (auth.kind === 'password') {
      // Every prompt gets the password (node-ssh's own handler answers only prompts that say
      // "password", which leaves other PAM wordings unanswered).
      config.onKeyboardInteractive = (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => auth.password));
    }

    let client: Client | null = null;
    await new Promise<void>((resolve, reject) => {
      let done = false;
      const settle = (error?: SshError) => {
        if (done) return;
        done = true;
        resolved.signal?.removeEventListener('abort', onAbort);
        if (error) {
          // Late events of the abandoned client must not become unhandled 'error' events.
          client?.on('error', () => undefined);
          client?.destroy();
          socket.destroy();
          reject(error);
        } else {
          resolve();
        }
      };
      const onFailure = (error: unknown) => {
        if (mismatch && seen && pinned) {
          return settle(new HostKeyMismatchError(endpoint, pinned, seen.fingerprint, seen.keyType));
        }
        settle(mapNodeSshConnectError(error, endpoint, resolved.readyTimeoutMs));
      };
      const onAbort = () => settle(new SshError('SSH_ABORTED', 'connecting was aborted', endpoint, { cause: resolved.signal?.reason }));
      resolved.signal?.addEventListener('abort', onAbort, { once: true });
      const connecting = ssh.connect(config);
      // node-ssh creates the ssh2 client and starts the handshake before its first await, so
      // the client is there to be destroyed on abort or failure.
      client = ssh.connection;
      connecting.then(() => settle(), onFailure);
    });

    return new SshSession({
      ssh,
      endpoint,
      username: target.username,
      hostKey: seen!,
      hostKeyVerifiedBy: pinned ? 'pinned' : 'trust-on-first-use',
      maxChannels: resolved.maxChannels,
      maxOutputBytes: resolved.maxOutputBytes,
      redactor: new Redactor(secrets),
      sudo: target.sudo?.password !== undefined ? { mode: 'password', password: target.sudo.password } : ({ mode: 'nopasswd' } satisfies SessionSudo),
      killTimeoutMs: resolved.killTimeoutMs,
    });
  }

  /**
   * Reads a host's key without authenticating (the handshake stops right after the server
   * proved it holds the key): for trust-on-first-use flows and for checking a pin.
   *
   * @throws SshError with `SSH_UNREACHABLE`, `SSH_HANDSHAKE_FAILED`, `SSH_DISCONNECTED`,
   *   `SSH_ABORTED`, `SSH_CONFIG_INVALID`.
   */
  async probeHostKey(endpoint: { host: string; port?: number }, options: SshConnectOptions = {}): Promise<HostKeyInfo> {
    const resolved = this.#resolve(options);
    const where = endpointOf(endpoint);
    const socket = await this.#openSocket(where, resolved);
    const ssh = new NodeSSH();
    let seen: HostKeyInfo | undefined;
    let client: Client | null = null;
    return new Promise<HostKeyInfo>((resolve, reject) => {
      let done = false;
      const settle = (error?: SshError) => {
        if (done) return;
        done = true;
        resolved.signal?.removeEventListener('abort', onAbort);
        client?.on('error', () => undefined);
        client?.destroy();
        socket.destroy();
        if (seen) resolve(seen);
        else reject(error ?? new SshError('SSH_HANDSHAKE_FAILED', 'the server sent no host key', where));
      };
      const onAbort = () => settle(new SshError('SSH_ABORTED', 'probing the host key was aborted', where, { cause: resolved.signal?.reason }));
      resolved.signal?.addEventListener('abort', onAbort, { once: true });
      const connecting = ssh.connect({
        sock: socket,
        username: 'host-key-probe',
        readyTimeout: resolved.readyTimeoutMs,
        // Refusing the key ends the handshake before authentication starts.
        hostVerifier: (key: Buffer) => {
          seen = describeHostKey(key);
          setImmediate(() => settle());
          return false;
        },
      });
      client = ssh.connection;
      connecting.then(
        () => settle(),
        (error: unknown) => settle(mapNodeSshConnectError(error, where, resolved.readyTimeoutMs)),
      );
    });
  }

  #resolve(options: SshConnectOptions): ResolvedOptions {
    const merged = { ...DEFAULTS, ...stripUndefined(this.#defaults), ...stripUndefined(options) };
    positive(merged.connectTimeoutMs, 'connectTimeoutMs');
    positive(merged.readyTimeoutMs, 'readyTimeoutMs');
    positive(merged.keepaliveIntervalMs, 'keepaliveIntervalMs', true);
    positive(merged.keepaliveCountMax, 'keepaliveCountMax', true);
    positive(merged.killTimeoutMs, 'killTimeoutMs');
    if (!Number.isInteger(merged.maxChannels) || merged.maxChannels < 1) {
      throw new SshError('SSH_CONFIG_INVALID', 'maxChannels must be a positive integer');
    }
    if (!Number.isInteger(merged.maxOutputBytes) || merged.maxOutputBytes < 1) {
      throw new SshError('SSH_CONFIG_INVALID', 'maxOutputBytes must be a positive integer');
    }
    return merged;
  }

  #openSocket(endpoint: SshEndpoint, options: ResolvedOptions): Promise<Socket> {
    return new Promise<Socket>((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new SshError('SSH_ABORTED', 'connecting was aborted', endpoint, { cause: options.signal.reason }));
        return;
      }
      const socket = connectTcp({ host: endpoint.host, port: endpoint.port });
      let done = false;
      const settle = (error?: SshError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        socket.removeListener('connect', onConnect);
        socket.removeListener('error', onError);
        if (error) {
          socket.destroy();
          reject(error);
        } else {
          socket.setNoDelay(true);
          resolve(socket);
        }
      };
      const onConnect = () => settle();
      const onError = (error: NodeJS.ErrnoException) => settle(new SshError('SSH_UNREACHABLE', `cannot connect: ${error.code ?? error.message}`, endpoint, { cause: error }));
      const onAbort = () => settle(new SshError('SSH_ABORTED', 'connecting was aborted', endpoint, { cause: options.signal?.reason }));
      const timer = setTimeout(() => settle(new SshError('SSH_UNREACHABLE', `no TCP connection within ${options.connectTimeoutMs} ms`, endpoint)), options.connectTimeoutMs);
      socket.once('connect', onConnect);
      socket.once('error', onError);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * node-ssh rejects a connect with ssh2's error event (it carries a `level`), with its own
 * `SSHError` when the connection closed before it was ready, with an `AssertionError` for a
 * config it refuses, or with what ssh2 threw while starting (an unusable private key).
 */
function mapNodeSshConnectError(error: unknown, endpoint: SshEndpoint, readyTimeoutMs: number): SshError {
  if (error instanceof NodeSshError) {
    return new SshError('SSH_DISCONNECTED', 'the server closed the connection during the handshake', endpoint, { cause: error });
  }
  const failure: Error & { level?: string; code?: string } = error instanceof Error ? error : new Error(String(error));
  if (typeof failure.level === 'string') return mapConnectError(failure, endpoint, readyTimeoutMs);
  const message = failure.message;
  if (failure.name === 'AssertionError') {
    return new SshError('SSH_CONFIG_INVALID', `cannot start the SSH client: ${message}`, endpoint, { cause: error });
  }
  // ssh2 throws when the private key cannot be parsed or decrypted: a wrong passphrase is a
  // wrong credential.
  const keyProblem = /privateKey|passphrase/i.test(message);
  return new SshError(keyProblem ? 'SSH_AUTH_FAILED' : 'SSH_CONFIG_INVALID', keyProblem ? `the private key cannot be used: ${message}` : `cannot start the SSH client: ${message}`, endpoint, {
    cause: error,
  });
}

function mapConnectError(error: Error & { level?: string; code?: string }, endpoint: SshEndpoint, readyTimeoutMs: number): SshError {
  switch (error.level) {
    case 'client-authentication':
      return new SshError('SSH_AUTH_FAILED', 'authentication failed: the server refused the credential', endpoint, { cause: error });
    case 'client-timeout':
      return new SshError('SSH_UNREACHABLE', `no SSH handshake and authentication within ${readyTimeoutMs} ms`, endpoint, { cause: error });
    case 'client-socket':
    case 'client-dns':
      return new SshError('SSH_UNREACHABLE', `connection failed: ${error.code ?? error.message}`, endpoint, { cause: error });
    case 'handshake':
    case 'protocol':
      return new SshError('SSH_HANDSHAKE_FAILED', `SSH handshake failed: ${error.message}`, endpoint, { cause: error });
    default:
      return new SshError('SSH_DISCONNECTED', `SSH connection failed: ${error.message}`, endpoint, { cause: error });
  }
}
