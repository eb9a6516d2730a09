import { CHANNELS, EventsService } from '@galera-cp/events';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import PgBoss from 'pg-boss';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '@galera-cp/database';

/** The pg-boss queue of operations. */
export const OPERATIONS_QUEUE = 'operations';

/** What a job carries. */
export interface OperationJob {
  operationId: string;
}

/**
 * The durable queue (pg-boss 10, on the same PostgreSQL). A job is sent in the caller's
 * transaction, so it exists exactly when the Operation row does; a NOTIFY in the same
 * transaction wakes idle workers of every process at commit instead of waiting for their poll.
 *
 * The job only dispatches: exclusivity and crash recovery come from the operation's lease
 * (see OperationRunner), so a duplicate job is harmless.
 */
@Injectable()
export class OperationQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('queue');
  private boss?: PgBoss;
  private starting?: Promise<PgBoss>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventsService,
  ) {}

  /** Starts pg-boss (creating or migrating its schema) once per process. */
  start(options: { supervise: boolean } = { supervise: false }): Promise<PgBoss> {
    this.starting ??= (async () => {
      const url = (this.dataSource.options as { url?: string }).url;
      const boss = new PgBoss({
        connectionString: url,
        schema: 'pgboss',
        max: 3,
        application_name: 'galera-cp-queue',
        supervise: options.supervise,
        schedule: false,
        migrate: true,
      });
      boss.on('error', (error) => this.logger.error({ msg: 'queue error', err: String(error) }));
      await boss.start();
      await boss.createQueue(OPERATIONS_QUEUE, {
        name: OPERATIONS_QUEUE,
        policy: 'standard',
        // Dispatch is retried if a worker fails to run the engine at all; the engine's own
        // lease decides whether anything is done.
        retryLimit: 2,
        retryDelay: 2,
        expireInSeconds: 6 * 3600,
        retentionSeconds: 7 * 24 * 3600,
      });
      this.boss = boss;
      return boss;
    })();
    return this.starting;
  }

  /** Puts a job for the operation on the queue, in the caller's transaction. */
  async enqueue(operationId: string, manager: EntityManager): Promise<string> {
    const boss = await this.start();
    const db = { executeSql: async (text: string, values: unknown[]) => ({ rows: await queryRows(manager, text, values) }) };
    const jobId = await boss.send(OPERATIONS_QUEUE, { operationId } satisfies OperationJob, { db });
    if (!jobId) throw new Error(`queue refused the job of operation ${operationId}`);
    await manager.query('UPDATE operations SET job_id = $2, dispatched_at = now() WHERE id = $1', [operationId, jobId]);
    await this.events.notify(CHANNELS.operationQueued, operationId, manager);
    return jobId;
  }

  /** Runs `handler` for each job, with `concurrency` workers that wake up on NOTIFY. */
  async work(concurrency: number, handler: (job: OperationJob) => Promise<void>): Promise<string[]> {
    const boss = await this.start({ supervise: true });
    const ids: string[] = [];
    for (let i = 0; i < concurrency; i += 1) {
      ids.push(
        await boss.work<OperationJob>(OPERATIONS_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async (jobs) => {
          for (const job of jobs) await handler(job.data);
        }),
      );
    }
    this.events.listen(CHANNELS.operationQueued).subscribe(() => {
      for (const id of ids) boss.notifyWorker(id);
    });
    await this.events.ready();
    return ids;
  }

  /** Jobs waiting to be picked up (for /metrics). */
  async depth(): Promise<number> {
    if (!this.boss) return 0;
    return this.boss.getQueueSize(OPERATIONS_QUEUE);
  }

  async onApplicationShutdown(): Promise<void> {
    const boss = this.boss ?? (this.starting ? await this.starting.catch(() => undefined) : undefined);
    await boss?.stop({ graceful: true, wait: true, timeout: 10_000 }).catch(() => undefined);
  }
}
