import { AuditModule } from '@galera-cp/audit';
import { BackupStoresModule } from '@galera-cp/backups';
import { KUBERNETES_SPEC_RULES } from '@galera-cp/backend-kubernetes/spec';
import { LazyBackend } from './lazy-backend';
import { SshBackend } from '@galera-cp/backend-ssh';
import { CLUSTER_BACKENDS, ClosableBackend, ClusterBackends } from '@galera-cp/backends';
import { ClusterMonitor, ClustersModule } from '@galera-cp/clusters';
import { AppConfig, ConfigModule } from '@galera-cp/config';
import { dataSourceOptions } from '@galera-cp/database';
import { EventsModule } from '@galera-cp/events';
import { ObservabilityModule } from '@galera-cp/observability';
import { OperationWorker } from '@galera-cp/operations';
import { SecretsModule } from '@galera-cp/secrets';
import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChatopsModule, ChatReplies } from '@galera-cp/chatops';
import { WebhookDeliveryWorker, WebhooksModule } from '@galera-cp/webhooks';

/** How a process of the control plane is composed. */
export interface PlatformOptions {
  config: AppConfig;
  databaseUrl: string;
  /** The backends by kind (the apps pass SSH and Kubernetes; tests pass their own). */
  backends: Provider<ClusterBackends> | ClusterBackends;
  applicationName: string;
}

/** Closes the backends that hold connections (SSH sessions) when the process stops. */
@Injectable()
class BackendsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(CLUSTER_BACKENDS) private readonly backends: ClusterBackends) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(Object.values(this.backends).map((backend) => (backend as Partial<ClosableBackend>).close?.().catch(() => undefined)));
  }
}

@Global()
@Module({})
class BackendsModule {
  static forRoot(backends: PlatformOptions['backends']): DynamicModule {
    const provider: Provider = typeof backends === 'object' && backends !== null && 'provide' in backends ? backends : { provide: CLUSTER_BACKENDS, useValue: backends };
    return { module: BackendsModule, providers: [provider, BackendsLifecycle], exports: [CLUSTER_BACKENDS] };
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
        WebhooksModule,
        ChatopsModule,
        BackupStoresModule,
      ],
      exports: [ClustersModule, WebhooksModule, ChatopsModule, BackupStoresModule],
    };
  }
}

/** Starts the worker role in a process: the operation worker, the cluster monitor, webhook deliveries and chat replies. */
export async function startWorkerRole(app: { get<T>(token: new (...args: never[]) => T): T }): Promise<void> {
  await app.get(OperationWorker).start();
  app.get(ClusterMonitor).start();
  await app.get(WebhookDeliveryWorker).start();
  await app.get(ChatReplies).start();
}

/** The backends of the product. The SSH and Kubernetes backends register here as they land. */
export function productBackends(): Provider<ClusterBackends> {
  return {
    provide: CLUSTER_BACKENDS,
    useFactory: (): ClusterBackends => ({
      // One SSH backend per process: it owns the pool of SSH sessions (bounds come from each target's settings).
      ssh: new SshBackend(),
      // Loaded on first use: @kubernetes/client-node costs ~40 MiB in every process otherwise.
      kubernetes: new LazyBackend(KUBERNETES_SPEC_RULES, async () => {
        const { KubernetesBackend } = await import('@galera-cp/backend-kubernetes');
        return new KubernetesBackend();
      }),
    }),
  };
}
