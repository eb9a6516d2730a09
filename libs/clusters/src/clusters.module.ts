import { OperationsModule } from '@galera-cp/operations';
import { Module } from '@nestjs/common';
import { ChangeClusterUseCase } from './change-cluster.use-case';
import { ClusterMonitor } from './cluster-monitor';
import { ClusterOperationHandler } from './cluster-operation.handler';
import { ClusterTargetFactory } from './cluster-target.factory';
import { ClusterRepository } from './cluster.repository';
import { ClustersService } from './clusters.service';
import { CreateClusterUseCase } from './create-cluster.use-case';
import { UpdateClusterUseCase } from './update-cluster.use-case';

/**
 * Clusters and nodes: the use cases, the operation handler of `cluster.*`/`node.*`, and the
 * monitor. The backends come from the CLUSTER_BACKENDS provider (BackendsModule in the apps).
 */
@Module({
  imports: [OperationsModule],
  providers: [ClusterRepository, ClustersService, ClusterTargetFactory, CreateClusterUseCase, ChangeClusterUseCase, UpdateClusterUseCase, ClusterOperationHandler, ClusterMonitor],
  exports: [ClusterRepository, ClustersService, CreateClusterUseCase, ChangeClusterUseCase, UpdateClusterUseCase, ClusterMonitor, OperationsModule],
})
export class ClustersModule {}
