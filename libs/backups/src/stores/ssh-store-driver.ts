import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type SshAuth, SshConnector, SshError, type SshSession } from '@galera-cp/backend-ssh';
import { DomainError } from '@galera-cp/core';
import type { SFTPWrapper, Stats } from 'ssh2';
import type { BackupStoreDriver, BackupStoreTarget, StoreCallOptions, StoredObject } from '../store-driver';
import { assertValidKey, BackupStoreError } from './store.errors';

type SshTargetOf = Extract<BackupStoreTarget, { kind: 'ssh' }>;

/** What a put writes before it renames: `<key>.<random>.partial`, which `list` never shows. */
const PARTIAL = /\.[0-9a-f]{12}\.partial$/;

/** SFTP status codes (draft-ietf-secsh-filexfer-02) the driver tells apart. */
const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;

/** Tunables of an SSH store driver (tests shorten them). */
export interface SshStoreDriverOptions {
  connectTimeoutMs?: number;
  readyTimeoutMs?: number;
}

/**
 * A store in a directory of a backup host, over SFTP on the project's SSH transport: the host key
 * is checked before the credential is sent (pinned when the store has a fingerprint, else seen
 * once and reported by the probe for the store to pin). A put writes a partial file and renames
 * it over the key once complete; a failed or aborted put removes its partial file.
 */
export class SshStoreDriver implements BackupStoreDriver {
  private session: Promise<{ session: SshSession; sftp: SFTPWrapper }> | undefined;
  private readonly directory: string;

  constructor(
    private readonly target: SshTargetOf,
    private readonly connector: SshConnector = new SshConnector(),
    private readonly options: SshStoreDriverOptions = {},
  ) {
    this.directory = posix.normalize(target.settings.directory).replace(/\/+$/, '') || '/';
  }

  async put(key: string, body: Readable, { signal }: StoreCallOptions): Promise<{ bytes: number }> {
    assertValidKey(key);
    const { sftp } = await this.open(signal);
    const path = this.pathOf(key);
    const partial = `${path}.${randomBytes(6).toString('hex')}.partial`;
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      await this.mkdirs(sftp, posix.dirname(path));
      await pipeline(body, counter, sftp.createWriteStream(partial, { mode: 0o600 }), { signal });
      await rename(sftp, partial, path);
      return { bytes };
    } catch (error) {
      if (!body.destroyed) body.destroy();
      await call<void>((cb) => sftp.unlink(partial, cb)).catch(() => undefined);
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : error;
      throw this.mapError(error, `put ${key}`);
    }
  }

  async get(key: string, { signal }: StoreCallOptions): Promise<Readable> {
    assertValidKey(key);
    const { sftp } = await this.open(signal);
    const path = this.pathOf(key);
    try {
      await call<Stats>((cb) => sftp.stat(path, cb));
    } catch (error) {
      throw this.mapError(error, `get ${key}`, 'object');
    }
    const stream = sftp.createReadStream(path);
    const onAbort = () => stream.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    stream.once('close', () => signal.removeEventListener('abort', onAbort));
    return stream;
  }

  async head(key: string, { signal }: StoreCallOptions): Promise<StoredObject | undefined> {
    assertValidKey(key);
    const { sftp } = await this.open(signal);
    try {
      const stats = await call<Stats>((cb) => sftp.stat(this.pathOf(key), cb));
      return stats.isFile() ? { key, bytes: stats.size } : undefined;
    } catch (error) {
      const mapped = this.mapError(error, `head ${key}`, 'object');
      if (mapped.code === 'BACKUP_OBJECT_NOT_FOUND') return undefined;
      throw mapped;
    }
  }

  async delete(key: string, { signal }: StoreCallOptions): Promise<void> {
    assertValidKey(key);
    const { sftp } = await this.open(signal);
    try {
      await call<void>((cb) => sftp.unlink(this.pathOf(key), cb));
    } catch (error) {
      const mapped = this.mapError(error, `delete ${key}`, 'object');
      if (mapped.code !== 'BACKUP_OBJECT_NOT_FOUND') throw mapped;
    }
  }

  async list(prefix: string, { signal }: StoreCallOptions): Promise<StoredObject[]> {
    assertValidKey(prefix, { allowEmpty: true });
    return (await this.walk(signal)).filter((o) => !PARTIAL.test(o.key) && o.key.startsWith(prefix));
  }

  async pendingUploads({ signal }: StoreCallOptions): Promise<string[]> {
    return (await this.walk(signal)).filter((o) => PARTIAL.test(o.key)).map((o) => o.key.replace(PARTIAL, ''));
  }

  async probe({ signal }: StoreCallOptions): Promise<{ latencyMs: number; hostKeyFingerprint?: string }> {
    const started = performance.now();
    const { session, sftp } = await this.open(signal);
    try {
      const stats = await call<Stats>((cb) => sftp.stat(this.directory, cb));
      if (!stats.isDirectory()) throw new BackupStoreError('BACKUP_STORE_MISCONFIGURED', `${this.where()}: ${this.directory} is not a directory`);
    } catch (error) {
      throw this.mapError(error, `stat ${this.directory}`, 'directory');
    }
    const key = `_probe/${Date.now()}-${randomBytes(6).toString('hex')}`;
    const payload = randomBytes(64);
    await this.put(key, Readable.from([payload]), { signal });
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of await this.get(key, { signal })) chunks.push(Buffer.from(chunk as Uint8Array));
      if (!Buffer.concat(chunks).equals(payload)) throw new BackupStoreError('BACKUP_STORE_MISCONFIGURED', `${this.where()}: the probe object read back differs from what was written`);
    } finally {
      await this.delete(key, { signal }).catch(() => undefined);
    }
    return { latencyMs: Math.round(performance.now() - started), hostKeyFingerprint: session.hostKey.fingerprint };
  }

  async close(): Promise<void> {
    const opened = this.session;
    this.session = undefined;
    if (!opened) return;
    const { session, sftp } = await opened.catch(() => ({ session: undefined, sftp: undefined }));
    sftp?.end();
    await session?.close();
  }

  private open(signal: AbortSignal): Promise<{ session: SshSession; sftp: SFTPWrapper }> {
    this.session ??= (async () => {
      const { settings, secret } = this.target;
      const auth: SshAuth = secret.kind === 'ssh-private-key' ? { kind: 'privateKey', privateKey: secret.privateKey, passphrase: secret.passphrase } : { kind: 'password', password: secret.password };
      const session = await this.connector.connect(
        {
          host: settings.address,
          port: settings.port,
          username: settings.user,
          auth,
          hostKey: settings.hostKeyFingerprint ? { kind: 'pinned', fingerprint: settings.hostKeyFingerprint } : { kind: 'trust-on-first-use' },
        },
        { signal, connectTimeoutMs: this.options.connectTimeoutMs, readyTimeoutMs: this.options.readyTimeoutMs, maxChannels: 2 },
      );
      try {
        return { session, sftp: await session.sftp() };
      } catch (error) {
        await session.close();
        throw error;
      }
    })();
    const opening = this.session;
    return opening.catch((error: unknown) => {
      // a failed connection is not kept: the next call tries again
      if (this.session === opening) this.session = undefined;
      throw this.mapError(error, 'connect');
    });
  }

  private pathOf(key: string): string {
    return `${this.directory}/${key}`;
  }

  /** Creates the directories between the store's directory and `dir` (the store's own must exist). */
  private async mkdirs(sftp: SFTPWrapper, dir: string): Promise<void> {
    if (dir === this.directory || !dir.startsWith(`${this.directory}/`)) return;
    await this.mkdirs(sftp, posix.dirname(dir));
    try {
      await call<void>((cb) => sftp.mkdir(dir, { mode: 0o700 }, cb));
    } catch (error) {
      // it may exist already (SFTP answers a generic failure for that): only a missing one is an error
      const stats = await call<Stats>((cb) => sftp.stat(dir, cb)).catch(() => undefined);
      if (!stats?.isDirectory()) throw error;
    }
  }

  /** Every file under the store's directory, keys relative to it (bounded: a store holds backups, not millions of files). */
  private async walk(signal: AbortSignal): Promise<StoredObject[]> {
    const { sftp } = await this.open(signal);
    const found: StoredObject[] = [];
    const visit = async (dir: string, relative: string): Promise<void> => {
      if (signal.aborted) throw signal.reason;
      const entries = await call<Array<{ filename: string; attrs: Stats }>>((cb) => sftp.readdir(dir, cb));
      for (const entry of entries) {
        const key = relative ? `${relative}/${entry.filename}` : entry.filename;
        if (entry.attrs.isDirectory()) await visit(`${dir}/${entry.filename}`, key);
        else if (entry.attrs.isFile()) found.push({ key, bytes: entry.attrs.size });
        if (found.length > 100_000) throw new BackupStoreError('BACKUP_STORE_MISCONFIGURED', `${this.where()} holds more than 100000 files; point the store at a directory of its own`);
      }
    };
    try {
      await visit(this.directory, '');
    } catch (error) {
      throw this.mapError(error, 'list', 'directory');
    }
    return found;
  }

  private where(): string {
    const { settings } = this.target;
    return `SSH store ${settings.user}@${settings.address}:${settings.port}${this.directory}`;
  }

  /** Transport or SFTP failure -> store error; `scope` says what a missing path means. */
  private mapError(error: unknown, what: string, scope: 'object' | 'directory' = 'directory'): BackupStoreError {
    if (error instanceof BackupStoreError) return error;
    if (error instanceof DomainError) throw error;
    if (error instanceof SshError) {
      if (error.code === 'SSH_AUTH_FAILED' || error.code === 'HOST_KEY_MISMATCH') {
        return new BackupStoreError('BACKUP_STORE_ACCESS_DENIED', `${this.where()} refuses the login (${what}): ${error.message}`, { cause: error });
      }
      if (error.code === 'SSH_CONFIG_INVALID') return new BackupStoreError('BACKUP_STORE_MISCONFIGURED', `${this.where()}: ${error.message}`, { cause: error });
      if (error.code === 'SSH_CHANNEL_OPEN_FAILED') return new BackupStoreError('BACKUP_STORE_MISCONFIGURED', `${this.where()} (${what}): ${error.message}`, { cause: error });
      return new BackupStoreError('BACKUP_STORE_UNREACHABLE', `${this.where()} does not answer (${what}): ${error.message}`, { cause: error });
    }
    const code = (error as { code?: unknown }).code;
    const message = String((error as Error)?.message ?? error).slice(0, 300);
    if (code === SFTP_NO_SUCH_FILE) {
      if (scope === 'object') return new BackupStoreError('BACKUP_OBJECT_NOT_FOUND', `${this.where()} has no object for ${what}`, { cause: error });
      return new BackupStoreError('BACKUP_STORE_MISCONFIGURED', `${this.where()}: the directory does not exist (${what})`, { cause: error });
    }
    if (code === SFTP_PERMISSION_DENIED) return new BackupStoreError('BACKUP_STORE_ACCESS_DENIED', `${this.where()} refuses ${what}: permission denied`, { cause: error });
    if (typeof code === 'number') return new BackupStoreError('BACKUP_STORE_MISCONFIGURED', `${this.where()} refuses ${what}: ${message}`, { cause: error });
    // the connection went away mid-call (ssh2 reports it without an SFTP status)
    this.session = undefined;
    return new BackupStoreError('BACKUP_STORE_UNREACHABLE', `${this.where()} stopped answering (${what}): ${message}`, { cause: error });
  }
}

/** Renames over an existing object atomically (OpenSSH's posix-rename), else removes it first. */
async function rename(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  try {
    await call<void>((cb) => sftp.ext_openssh_rename(from, to, cb));
  } catch {
    await call<void>((cb) => sftp.unlink(to, cb)).catch(() => undefined);
    await call<void>((cb) => sftp.rename(from, to, cb));
  }
}

function call<T>(run: (callback: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));
}
