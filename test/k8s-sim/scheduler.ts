/**
 * Every timer the simulated controllers use goes through here, so that pausing freezes them all
 * and closing cancels them all (a test process must be able to exit).
 */
export class Scheduler {
  readonly #timers = new Set<NodeJS.Timeout>();
  #paused = false;
  #closed = false;
  readonly #deferred: Array<() => void> = [];
  readonly #errors: Error[] = [];

  get paused(): boolean {
    return this.#paused;
  }

  /** Runs `task` after `ms` (deferred until resume while paused); returns a cancel function. */
  after(ms: number, task: () => void): () => void {
    if (this.#closed) return () => {};
    let cancelled = false;
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer);
        if (cancelled || this.#closed) return;
        if (this.#paused) this.#deferred.push(() => !cancelled && this.#run(task));
        else this.#run(task);
      },
      Math.max(0, ms),
    );
    this.#timers.add(timer);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      this.#timers.delete(timer);
    };
  }

  /** Stops controllers from acting; the API keeps serving. */
  pause(): void {
    this.#paused = true;
  }

  /** Lets controllers act again, starting with what came due while paused. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    const due = this.#deferred.splice(0);
    for (const task of due) if (!this.#closed) task();
  }

  /** Cancels everything for good. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#deferred.length = 0;
  }

  /** Errors thrown by controller tasks (kept, not rethrown, so one bad object cannot stop the others). */
  errors(): Error[] {
    return [...this.#errors];
  }

  /** Keeps an error a controller task threw. */
  report(error: unknown): void {
    this.#errors.push(error instanceof Error ? error : new Error(String(error)));
    if (this.#errors.length > 100) this.#errors.shift();
  }

  #run(task: () => void): void {
    try {
      task();
    } catch (error) {
      this.report(error);
    }
  }
}

/** A de-duplicating queue of keys, drained on the next turn of the scheduler. */
export class WorkQueue {
  readonly #pending = new Set<string>();
  #scheduled = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly handle: (key: string) => void,
  ) {}

  enqueue(key: string, delayMs = 0): void {
    if (delayMs > 0) {
      this.scheduler.after(delayMs, () => this.enqueue(key));
      return;
    }
    this.#pending.add(key);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.scheduler.after(0, () => {
      this.#scheduled = false;
      const keys = [...this.#pending];
      this.#pending.clear();
      for (const key of keys) {
        try {
          this.handle(key);
        } catch (error) {
          this.scheduler.report(error);
        }
      }
    });
  }
}
