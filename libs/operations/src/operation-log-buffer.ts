import { CHANNELS, EventsService } from '@galera-cp/events';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

interface PendingLine {
  stepIndex: number | null;
  level: string;
  message: string;
  at: Date;
}

const MAX_MESSAGE = 8_000;
const FLUSH_MS = 200;
const FLUSH_LINES = 100;

/**
 * Batches an operation's log lines into `operation_logs` (a step can print thousands of lines;
 * one INSERT per line would be the bottleneck) and notifies followers after each batch.
 */
export class OperationLogBuffer {
  private readonly logger = new Logger('operation-log');
  private pending: PendingLine[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventsService,
    private readonly operationId: string,
  ) {}

  add(stepIndex: number | null, level: string, message: string): void {
    for (const line of message.split('\n')) {
      if (line.trim() === '') continue;
      this.pending.push({ stepIndex, level, message: line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line, at: new Date() });
    }
    if (this.pending.length >= FLUSH_LINES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(async () => {
      try {
        const values: unknown[] = [];
        const rows = batch.map((line, i) => {
          values.push(this.operationId, line.stepIndex, line.at, line.level, line.message);
          return `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`;
        });
        await this.dataSource.query(`INSERT INTO operation_logs (operation_id, step_index, at, level, message) VALUES ${rows.join(', ')}`, values);
        await this.events.notify(CHANNELS.operationLogs, this.operationId);
      } catch (error) {
        this.logger.warn({ msg: 'could not write operation logs', operationId: this.operationId, err: String(error) });
      }
    });
    return this.flushing;
  }
}
