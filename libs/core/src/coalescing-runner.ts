/**
 * Runs a task at most once at a time in this process; a trigger while it runs makes it run once
 * more afterwards (so no wake-up is lost and none piles up): the delivery loops and the event
 * streams use it.
 */
export class CoalescingRunner {
  private running?: Promise<void>;
  private again = false;

  trigger(task: () => Promise<unknown>, onError: (error: unknown) => void): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await task().catch(onError);
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when no run is in progress. */
  async idle(): Promise<void> {
    await this.running;
  }
}
