import { AuditModule } from '@galera-cp/audit';
import { CLUSTER_BACKENDS, ClusterBackends } from '@galera-cp/backends';
import { ClusterMonitor, ClustersModule } from '@galera-cp/clusters';
import { AppConfig, ConfigModule } from '@galera-cp/config';
import { dataSourceOptions } from '@galera-cp/database';
import { EventsModule } from '@galera-cp/events';
import { ObservabilityModule } from '@galera-cp/observability';
import { OperationWorker } from '@galera-cp/operations';
import { SecretsModule } from '@galera-cp/secrets';
import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

/** How a process of the control plane is composed. */
export interface PlatformOptions {
  config: AppConfig;
  databaseUrl: string;
  /** The backends by kind (the apps pass SSH and Kubernetes; tests pass their own). */
  backends: Provider<ClusterBackends> | ClusterBackends;
  applicationName: string;
}

@Global()
@Module({})
class BackendsModule {
  static forRoot(backends: PlatformOptions['backends']): DynamicModule {
    const provider: Provider = typeof backends === 'object' && backends !== null && 'provide' in backends ? backends : { provide: CLUSTER_BACKENDS, useValue: backends };
    return { module: BackendsModule, providers: [provider], exports: [CLUSTER_BACKENDS] };
  }
}

/**
 * What every process of the control plane shares (api, worker, tests): configuration, the
 * database, events, audit, secrets, metrics, backends, and clusters with the operation engine.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(options.config),
        TypeOrmModule.forRoot(dataSourceOptions(options.databaseUrl, { poolSize: 20, applicationName: options.applicationName })),
        EventsModule,
        AuditModule,
        SecretsModule,
        ObservabilityModule,
        BackendsModule.forRoot(options.backends),
        ClustersModule,
      ],
      exports: [ClustersModule],
    };
  }
}

/** Starts the worker role in a process: the operation worker and the cluster monitor. */
export async function startWorkerRole(app: { get<T>(token: new (...args: never[]) => T): T }): Promise<void> {
  await app.get(OperationWorker).start();
  app.get(ClusterMonitor).start();
}

/** The backends of the product. The SSH and Kubernetes backends register here as they land. */
export function productBackends(): Provider<ClusterBackends> {
  return { provide: CLUSTER_BACKENDS, useValue: {} };
}
