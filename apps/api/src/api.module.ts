import { AuditInterceptor } from '@galera-cp/audit';
import { AuthModule } from '@galera-cp/auth';
import { parseWsrepStatus } from '@galera-cp/galera';
import { IDEMPOTENCY_ANSWER_SEALER, IdempotencyInterceptor } from '@galera-cp/http';
import { SECRET_BOX } from '@galera-cp/secrets';
import { MetricsService } from '@galera-cp/observability';
import { OperationQueue } from '@galera-cp/operations';
import { PlatformModule, PlatformOptions } from '@galera-cp/platform';
import { DynamicModule, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditController } from './audit/audit.controller';
import { BackupStoresController } from './backup-stores/backup-stores.controller';
import { SlackCommandsController } from './chat/slack-commands.controller';
import { ClustersController } from './clusters/clusters.controller';
import { CredentialsController } from './credentials/credentials.controller';
import { ClusterEventsController, EventsController } from './events/events.controller';
import { HealthController } from './health/health.controller';
import { ClusterOperationsController, OperationsController } from './operations/operations.controller';
import { TokensController } from './tokens/tokens.controller';
import { WebhooksController } from './webhooks/webhooks.controller';

/** Reads the database-backed gauges when Prometheus scrapes. */
@Injectable()
class MetricsCollectors implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly queue: OperationQueue,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.metrics.addCollector(async () => {
      const rows = (await this.dataSource.query('SELECT type, state, count(*)::int AS n FROM operations GROUP BY type, state')) as { type: string; state: string; n: number }[];
      this.metrics.operations.reset();
      for (const row of rows) this.metrics.operations.set({ type: row.type, state: row.state }, row.n);
    });
    this.metrics.addCollector(async () => this.metrics.queueDepth.set(await this.queue.depth()));
    // wsrep gauges come from each node's last observation (written by whichever worker observed
    // it), so every API process exports them, and a removed node's series disappear.
    this.metrics.addCollector(async () => {
      const rows = (await this.dataSource.query(
        `SELECT c.name AS cluster, n.name AS node, n.observed FROM nodes n JOIN clusters c ON c.id = n.cluster_id WHERE c.deleted_at IS NULL AND n.last_seen_at IS NOT NULL`,
      )) as { cluster: string; node: string; observed: Record<string, unknown> }[];
      this.metrics.resetWsrep();
      for (const row of rows) this.metrics.recordWsrep(row.cluster, row.node, parseWsrepStatus(row.observed));
    });
  }
}

/** The HTTP process: the platform plus controllers, auth and the HTTP interceptors. */
@Module({})
export class ApiModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [PlatformModule.forRoot(options), AuthModule],
      controllers: [
        ClustersController,
        ClusterOperationsController,
        OperationsController,
        ClusterEventsController,
        EventsController,
        WebhooksController,
        SlackCommandsController,
        CredentialsController,
        BackupStoresController,
        TokensController,
        AuditController,
        HealthController,
      ],
      // Remembered answers (which may hold a secret shown once) are sealed with the master key.
      providers: [{ provide: IDEMPOTENCY_ANSWER_SEALER, useExisting: SECRET_BOX }, IdempotencyInterceptor, AuditInterceptor, MetricsCollectors],
    };
  }
}
