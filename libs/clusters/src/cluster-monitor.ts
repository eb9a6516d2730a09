import { SYSTEM_PRINCIPAL } from '@galera-cp/core';
import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChangeClusterUseCase } from './change-cluster.use-case';
import { ClusterTargetFactory } from './cluster-target.factory';
import { Cluster, ClusterRepository } from './cluster.repository';
import { ClustersService } from './clusters.service';

/** States in which a cluster is watched. */
const WATCHED = ['READY', 'DEGRADED', 'DOWN', 'UNKNOWN'];
/** One process monitors at a time, whatever the number of workers. */
const MONITOR_LOCK = 7301003;

/**
 * The periodic monitor (worker role): observes every running cluster that no operation is
 * changing, writes node states and conditions, records events on transitions, and starts an
 * approved `cluster.recover` when a cluster is Down and its policy allows automatic recovery.
 */
@Injectable()
export class ClusterMonitor implements OnApplicationShutdown {
  private readonly logger = new Logger('monitor');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clusters: ClustersService,
    private readonly repository: ClusterRepository,
    private readonly targets: ClusterTargetFactory,
    private readonly changes: ChangeClusterUseCase,
  ) {}

  start(): void {
    if (this.timer || this.config.monitorIntervalSeconds === 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.tick()
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => (this.running = undefined));
    }, this.config.monitorIntervalSeconds * 1000);
    this.timer.unref();
  }

  /** One pass over every watched cluster; returns the ids observed. */
  async tick(): Promise<string[]> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [MONITOR_LOCK])) as { locked: boolean }[];
      if (!locked) return [];
      try {
        const clusters = await this.repository.inStates(WATCHED);
        const observed: string[] = [];
        await Promise.all(
          clusters.map(async (cluster) => {
            if (cluster.status.activeOperationId) return;
            try {
              await this.observe(cluster);
              observed.push(cluster.id);
            } catch (error) {
              this.logger.warn({ msg: 'observation failed', clusterId: cluster.id, err: String(error) });
            }
          }),
        );
        return observed;
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [MONITOR_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  private async observe(cluster: Cluster): Promise<void> {
    const target = await this.targets.build(cluster);
    const timeout = Math.max(5, Math.min(60, this.config.monitorIntervalSeconds * 2)) * 1000;
    const observed = await this.targets.backendOf(cluster.backendKind).observe(target, {
      signal: AbortSignal.timeout(timeout),
      // The status says what failed in words; the command lines go to the debug log.
      log: (message) => this.logger.debug({ msg: message, clusterId: cluster.id }),
    });
    await this.clusters.applyObservation(cluster.id, observed);
    const spec = cluster.spec;
    if (observed.condition === 'Down' && spec.policy.autoRecovery && this.targets.backendOf(cluster.backendKind).capabilities.recover) {
      this.logger.warn({ msg: 'cluster is down; starting automatic recovery (policy.autoRecovery)', clusterId: cluster.id });
      await this.changes
        .execute(cluster.id, { type: 'cluster.recover', approve: true }, { principal: SYSTEM_PRINCIPAL })
        .catch((error: unknown) => this.logger.warn({ msg: 'automatic recovery not started', clusterId: cluster.id, err: String(error) }));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
