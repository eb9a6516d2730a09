import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { pruneExpiredRows, queryRows } from '@galera-cp/database';
import { CHANNELS, EventsService } from '@galera-cp/events';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import { OperationQueue } from './operation-queue';
import { OperationRunner } from './operation-runner';
import { APPROVAL_STEP } from './operation-states';

/** How often one worker process prunes rows past retention. */
const PRUNE_EVERY_MS = 3_600_000;

/**
 * The worker role: takes operations off the queue and runs them (WORKER_CONCURRENCY at a time),
 * aborts local runs whose cancellation is announced, and sweeps for operations whose worker
 * died (expired lease) to dispatch them again; once an hour the sweep also deletes rows past
 * RETENTION_DAYS. Any number of worker processes may share a database.
 */
@Injectable()
export class OperationWorker implements BeforeApplicationShutdown {
  private readonly logger = new Logger('worker');
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly shutdown = new AbortController();
  private sweeper?: NodeJS.Timeout;
  private cancellations?: Subscription;
  private started = false;
  /** When this process last pruned rows past retention (epoch ms). */
  private prunedAt = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queue: OperationQueue,
    private readonly runner: OperationRunner,
    private readonly events: EventsService,
  ) {}

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.cancellations = this.events.listen(CHANNELS.operationCancel).subscribe((n) => this.runner.abortLocal(n.payload, { kind: 'cancel' }));
    await this.queue.work(this.config.workerConcurrency, (job) => this.runner.run(job.operationId, this.workerId, this.shutdown.signal));
    this.sweeper = setInterval(() => void this.sweep().catch((error) => this.logger.warn({ msg: 'sweep failed', err: String(error) })), this.config.operationSweepSeconds * 1000);
    this.sweeper.unref();
    void this.sweep().catch(() => undefined);
    this.logger.log({ msg: 'worker started', workerId: this.workerId, concurrency: this.config.workerConcurrency });
  }

  /**
   * Dispatches again every unfinished operation that nobody holds: its worker died (lease
   * expired) or it was released, and it was not dispatched within the last lease period. An
   * operation waiting for approval is left alone. Also drops expired idempotency keys.
   */
  async sweep(): Promise<string[]> {
    const lease = this.config.operationLeaseSeconds;
    const stale = await queryRows<{ id: string }>(
      this.dataSource,
      `SELECT o.id FROM operations o
       WHERE o.state IN ('PENDING', 'RUNNING', 'CANCELLING')
         AND (o.lease_owner IS NULL OR o.lease_expires_at < now())
         AND (o.dispatched_at IS NULL OR o.dispatched_at < now() - make_interval(secs => $1))
         AND NOT (o.approval_required AND o.approved_at IS NULL AND o.state = 'RUNNING' AND EXISTS (
           SELECT 1 FROM operation_steps s WHERE s.operation_id = o.id AND s.key = $2 AND s.state = 'WAITING'))
       ORDER BY o.id LIMIT 100`,
      [lease, APPROVAL_STEP.key],
    );
    for (const { id } of stale) {
      this.logger.warn({ msg: 'operation has no live worker; dispatching it again', operationId: id });
      await this.dataSource.transaction((manager) => this.queue.enqueue(id, manager));
    }
    await this.dataSource.query('DELETE FROM idempotency_keys WHERE expires_at < now()');
    if (Date.now() - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = Date.now();
      const pruned = await pruneExpiredRows(this.dataSource, { retentionDays: this.config.retentionDays });
      if (pruned.events + pruned.webhookDeliveries + pruned.chatReplies > 0) this.logger.log({ msg: 'rows past retention deleted', retentionDays: this.config.retentionDays, ...pruned });
    }
    return stale.map((r) => r.id);
  }

  /** Stops taking work, aborts local runs (they give their lease back and are re-dispatched). */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.cancellations?.unsubscribe();
    this.shutdown.abort();
    const deadline = Date.now() + 10_000;
    while (this.runner.activeOperationIds().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }
}
