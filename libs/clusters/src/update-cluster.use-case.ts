import { ClusterPolicy } from '@galera-cp/backends';
import { transactionOrDryRun } from '@galera-cp/database';
import { EventsService } from '@galera-cp/events';
import { assertIfMatch } from '@galera-cp/http';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Cluster, ClusterRepository } from './cluster.repository';

/** The fields a client may change without backend work. */
export interface ClusterUpdate {
  labels?: Record<string, string>;
  policy?: Partial<ClusterPolicy>;
}

/**
 * Changes what needs no backend work (labels, policy), honouring If-Match. A spec change bumps
 * the generation (the ETag).
 */
@Injectable()
export class UpdateClusterUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clusters: ClusterRepository,
    private readonly events: EventsService,
  ) {}

  execute(clusterId: string, update: ClusterUpdate, ifMatch?: string, options: { dryRun?: boolean } = {}): Promise<Cluster> {
    return transactionOrDryRun(this.dataSource, options.dryRun ?? false, async (manager) => {
      const cluster = await this.clusters.lock(clusterId, manager);
      assertIfMatch(ifMatch, cluster.generation);
      const spec = structuredClone(cluster.spec);
      let specChanged = false;
      if (update.policy) {
        const next = { ...spec.policy, ...update.policy };
        specChanged = JSON.stringify(next) !== JSON.stringify(spec.policy);
        spec.policy = next;
      }
      const labels = update.labels ?? cluster.labels;
      cluster.labels = labels;
      cluster.spec = spec;
      if (specChanged) cluster.generation += 1;
      cluster.updatedAt = new Date();
      await this.clusters.update(clusterId, { labels, spec: cluster.spec, generation: cluster.generation, updatedAt: cluster.updatedAt }, manager);
      await this.events.append({ type: 'cluster.updated', clusterId, data: { generation: cluster.generation, fields: Object.keys(update) } }, manager);
      return cluster;
    });
  }
}
