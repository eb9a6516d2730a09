/**
 * One SSH connection per host per operation: sessions are kept by (scope, host, login identity),
 * where the scope is the operation id (or `plan:`/`observe:` plus the cluster id), reused by
 * every step of the operation, and closed after an idle period. The pool is bounded: when full,
 * the least recently used idle session is closed, and a caller waits when none is idle.
 */

/** What the pool needs of a session. */
export interface PoolableSession {
  readonly isOpen: boolean;
  close(): Promise<void>;
}

/** Where a session leads and who it logs in as. */
export interface SessionKey {
  /** Operation id, or `plan:<cluster>` / `observe:<cluster>`. */
  scope: string;
  /** `host:port`. */
  endpoint: string;
  /** Login user plus a digest of the credential: another credential never reuses a session. */
  identity: string;
}

/** Options of a pool. */
export interface SessionPoolOptions {
  /** Most sessions open at once. */
  maxSessions: number;
  /** A session unused for this long is closed. */
  idleTimeoutMs: number;
}

/** A session borrowed from the pool; give it back with `release()`. */
export interface SessionLease<T extends PoolableSession> {
  readonly session: T;
  /** True when the session was opened for this lease (not reused). */
  readonly opened: boolean;
  release(): void;
  /** Closes the session and forgets it (after a transport error). */
  discard(): Promise<void>;
}

interface Entry<T extends PoolableSession> {
  key: SessionKey;
  id: string;
  session?: T;
  opening?: Promise<T>;
  leases: number;
  lastUsed: number;
  idleTimer?: NodeJS.Timeout;
}

function idOf(key: SessionKey): string {
  return `${key.scope}\u0000${key.endpoint}\u0000${key.identity}`;
}

/** A bounded pool of sessions with idle expiry. */
export class SessionPool<T extends PoolableSession> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #waiters: Array<() => void> = [];
  readonly #options: SessionPoolOptions;

  constructor(options: SessionPoolOptions) {
    if (!Number.isInteger(options.maxSessions) || options.maxSessions < 1) throw new RangeError('maxSessions must be a positive integer');
    if (!(options.idleTimeoutMs > 0)) throw new RangeError('idleTimeoutMs must be positive');
    this.#options = options;
  }

  /** Sessions open or opening now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Keys of the sessions held now (for tests and diagnostics). */
  keys(): SessionKey[] {
    return [...this.#entries.values()].map((e) => e.key);
  }

  /**
   * Borrows the session of `key`, opening it with `open` when there is none. With `adoptFrom`,
   * an idle open session of the same host and identity in one of those scopes is moved to `key`
   * instead of opening another (a plan's connections serve the operation's first steps).
   */
  async acquire(key: SessionKey, open: () => Promise<T>, options: { signal?: AbortSignal; adoptFrom?: readonly string[] } = {}): Promise<SessionLease<T>> {
    const id = idOf(key);
    for (;;) {
      options.signal?.throwIfAborted();
      const existing = this.#entries.get(id);
      if (existing) {
        if (existing.opening) {
          try {
            await existing.opening;
          } catch {
            // The opener reports its own failure; try again (it removed the entry).
          }
          continue;
        }
        if (existing.session?.isOpen) return this.#lease(existing, false);
        this.#forget(existing);
        void existing.session?.close().catch(() => undefined);
        continue;
      }
      const adopted = this.#adopt(key, options.adoptFrom ?? []);
      if (adopted) return this.#lease(adopted, false);
      if (this.#entries.size >= this.#options.maxSessions && !this.#evictIdle()) {
        await this.#waitForRoom(options.signal);
        continue;
      }
      const entry: Entry<T> = { key, id, leases: 0, lastUsed: Date.now() };
      entry.opening = open();
      this.#entries.set(id, entry);
      try {
        entry.session = await entry.opening;
      } catch (error) {
        this.#forget(entry);
        throw error;
      } finally {
        entry.opening = undefined;
      }
      return this.#lease(entry, true);
    }
  }

  /** Closes every session of a scope (an operation that ended). */
  async closeScope(scope: string): Promise<void> {
    const entries = [...this.#entries.values()].filter((e) => e.key.scope === scope && !e.opening);
    await Promise.all(entries.map((e) => this.#close(e)));
  }

  /** Closes every session. */
  async closeAll(): Promise<void> {
    const pending = [...this.#entries.values()].map((e) => e.opening?.catch(() => undefined));
    await Promise.all(pending);
    await Promise.all([...this.#entries.values()].map((e) => this.#close(e)));
  }

  #lease(entry: Entry<T>, opened: boolean): SessionLease<T> {
    entry.leases += 1;
    entry.lastUsed = Date.now();
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    let released = false;
    const session = entry.session as T;
    return {
      session,
      opened,
      release: () => {
        if (released) return;
        released = true;
        entry.leases -= 1;
        entry.lastUsed = Date.now();
        if (entry.leases === 0 && this.#entries.get(entry.id) === entry) {
          entry.idleTimer = setTimeout(() => void this.#close(entry), this.#options.idleTimeoutMs);
          entry.idleTimer.unref?.();
          this.#wake();
        }
      },
      discard: async () => {
        if (!released) {
          released = true;
          entry.leases -= 1;
        }
        await this.#close(entry);
      },
    };
  }

  #adopt(key: SessionKey, scopes: readonly string[]): Entry<T> | undefined {
    for (const scope of scopes) {
      const from = this.#entries.get(idOf({ ...key, scope }));
      if (from && !from.opening && from.leases === 0 && from.session?.isOpen) {
        this.#entries.delete(from.id);
        if (from.idleTimer) clearTimeout(from.idleTimer);
        from.idleTimer = undefined;
        from.key = key;
        from.id = idOf(key);
        this.#entries.set(from.id, from);
        return from;
      }
    }
    return undefined;
  }

  #evictIdle(): boolean {
    const idle = [...this.#entries.values()].filter((e) => e.leases === 0 && !e.opening).sort((a, b) => a.lastUsed - b.lastUsed)[0];
    if (!idle) return false;
    void this.#close(idle);
    return true;
  }

  #waitForRoom(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const at = this.#waiters.indexOf(wake);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(signal?.reason);
      };
      this.#waiters.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #wake(): void {
    this.#waiters.shift()?.();
  }

  #forget(entry: Entry<T>): void {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    if (this.#entries.get(entry.id) === entry) this.#entries.delete(entry.id);
    this.#wake();
  }

  async #close(entry: Entry<T>): Promise<void> {
    this.#forget(entry);
    await entry.session?.close().catch(() => undefined);
  }
}
