/**
 * A FIFO counting semaphore for SSH channels: at most `limit` commands of one session run at
 * once (sshd refuses channels beyond `MaxSessions`, 10 by default, per connection).
 */
export class ChannelLimiter {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: Array<{ grant: () => void }> = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('the channel limit must be a positive integer');
    this.#limit = limit;
  }

  /** Channels in use. */
  get active(): number {
    return this.#active;
  }

  /** Callers waiting for a channel. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Resolves with a release function once a channel is free. An abort while waiting rejects
   * with the signal's reason and gives up the place in the queue.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#active < this.#limit) {
      this.#active++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#releaser());
        },
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(entry);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Hand the slot straight to the next waiter, so a newcomer cannot overtake the queue.
      const next = this.#waiting.shift();
      if (next) next.grant();
      else this.#active--;
    };
  }
}
