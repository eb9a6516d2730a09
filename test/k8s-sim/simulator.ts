import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { stringify as toYaml } from 'yaml';
import { KubernetesApiHandler } from './api-server';
import { ClusterControllers } from './cluster-controllers';
import { handleControlRequest } from './control-api';
import { FaultInjector, RequestLog, SeededRandom, type FaultRule, type PodFaultMode, type RequestLogEntry, type Verb } from './faults';
import { SimulatedKubelet } from './kubelet';
import { ObjectStore } from './object-store';
import { Registry } from './registry';
import { resourceByKind, type ResourceType } from './resources';
import { Scheduler } from './scheduler';
import { StatefulSetController, type ControllerAction } from './statefulset-controller';
import { simulatorTls } from './tls';
import type { KubeObject } from './types';

/** How to start a simulator. Every field is optional. */
export interface KubernetesSimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Serve HTTPS with a throwaway CA (default true). false serves plain HTTP and the kubeconfig sets insecure-skip-tls-verify. */
  tls?: boolean;
  /** Time from a pod Running to Ready, in ms (default 25). */
  readyDelayMs?: number;
  /** Time between restarts of a crashing pod, in ms (default 100). */
  crashIntervalMs?: number;
  /** How long a deleted pod stays Terminating, in ms (default 0: it vanishes at once). */
  podTerminationGraceMs?: number;
  /** Number of simulated nodes pods spread over (default 3). */
  nodes?: number;
  /** Seed of the generator behind fault fractions (default 1). */
  seed?: number;
  /** Namespaces to create besides default, kube-system, kube-public and kube-node-lease. */
  namespaces?: string[];
  /** Namespace of the kubeconfig context (default "default"). */
  contextNamespace?: string;
  /** Store events kept for watch resumption (default 20 000). */
  watchHistoryLimit?: number;
}

/** Options of a request fault rule given by fraction (see {@link FaultRule}). */
export type FaultRuleOptions = Omit<FaultRule, 'status'>;

/** Which pods a ready delay applies to. */
export type ReadyDelayTarget = { namespace: string; statefulSet: string } | { namespace: string; pod: string };

/** Simulated kinds, for the read-only inspection helpers. */
export type SimulatedKind = 'Namespace' | 'Service' | 'ConfigMap' | 'Secret' | 'Pod' | 'PersistentVolumeClaim' | 'StatefulSet' | 'PodDisruptionBudget';

/** A running Kubernetes API simulator and its test controls. */
export interface KubernetesSimulator {
  /** Base URL of the API server, e.g. https://127.0.0.1:41234. */
  readonly url: string;
  /** A kubeconfig (YAML) for the simulator: cluster with CA data, a bearer-token user, one context. */
  readonly kubeconfig: string;
  /** The PEM CA certificate the server certificate chains to (undefined with tls: false). */
  readonly caCert: string | undefined;
  /** The bearer token the API requires. */
  readonly bearerToken: string;
  /** A fresh @kubernetes/client-node KubeConfig loaded from {@link kubeconfig}. */
  kubeConfig(): KubeConfig;

  /** Request faults: answer a share of requests with an error instead of serving them. */
  readonly faults: {
    /** A share of writes (or the given verbs/resources) answered 409 Conflict; returns the rule id. */
    conflictStorm(options: FaultRuleOptions): number;
    /** A share of writes (or the given verbs/resources) answered 500; returns the rule id. */
    serverErrors(options: FaultRuleOptions): number;
    /** Any rule (409, 429, 500, 503); returns its id. */
    add(rule: FaultRule): number;
    remove(id: number): void;
    clear(): void;
    list(): Array<FaultRule & { id: number; failed: number }>;
    /** Restarts the fault generator from a seed, so a run replays the same pattern. */
    seed(seed: number): void;
  };

  /** Pod behaviour. Faults are keyed by namespace/name and so survive the pod's recreation. */
  readonly pods: {
    /** CrashLoopBackOff: not Ready, restartCount climbing every crashIntervalMs. */
    crash(namespace: string, name: string): void;
    /** Running but never Ready (a failing readiness probe). */
    neverReady(namespace: string, name: string): void;
    /** Clears a pod's fault: it runs and becomes Ready after its delay. */
    heal(namespace: string, name: string): void;
    /** Sets the Running→Ready delay for the whole simulator, a StatefulSet's pods, or one pod (for pods started from now on). */
    setReadyDelay(ms: number, target?: ReadyDelayTarget): void;
  };

  /** The simulated controllers (StatefulSet, kubelet, namespace, volume, disruption). */
  readonly controller: {
    /** Freezes every controller: the API still serves, nothing reconciles, no pod changes state. */
    pause(): void;
    resume(): void;
    readonly paused: boolean;
    /** What the StatefulSet controller did (pod and claim creations/deletions), oldest first. */
    actions(): ControllerAction[];
    /** Errors controller tasks threw (should stay empty). */
    errors(): Error[];
  };

  /** The log of served API requests (control requests under /_sim/ are not logged). */
  readonly requests: {
    list(filter?: { method?: string; verb?: Verb; resource?: string; namespace?: string; name?: string }): RequestLogEntry[];
    clear(): void;
  };

  /** Read-only access to stored objects without going through HTTP. */
  readonly objects: {
    get(kind: SimulatedKind, namespace: string | undefined, name: string): KubeObject | undefined;
    list(kind: SimulatedKind, namespace?: string): KubeObject[];
  };

  /** Forgets the watch event history: watches from an older resourceVersion get 410 Gone. */
  compactWatchHistory(): void;

  /** Polls `condition` every few ms until it returns true (or a truthy value), or rejects after the timeout. */
  waitFor<T>(condition: () => T | Promise<T>, options?: { timeoutMs?: number; intervalMs?: number; message?: string }): Promise<NonNullable<T>>;

  /** Stops the server, ends watches and cancels every timer. */
  close(): Promise<void>;
}

const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Starts a simulator on its own port. Many can run side by side. */
export async function startKubernetesSimulator(options: KubernetesSimulatorOptions = {}): Promise<KubernetesSimulator> {
  const useTls = options.tls ?? true;
  const tls = useTls ? await simulatorTls() : undefined;
  const bearerToken = randomBytes(24).toString('hex');

  const settings = {
    readyDelayMs: options.readyDelayMs ?? 25,
    crashIntervalMs: options.crashIntervalMs ?? 100,
    podTerminationGraceMs: options.podTerminationGraceMs ?? 0,
  };
  const readyDelayOverrides = new Map<string, number>();
  const podFaults = new Map<string, PodFaultMode>();

  const store = new ObjectStore(options.watchHistoryLimit ?? 20_000);
  const scheduler = new Scheduler();
  const registry = new Registry(store, { podTerminationGraceMs: () => settings.podTerminationGraceMs });
  const random = new SeededRandom(options.seed ?? 1);
  const faults = new FaultInjector(random);
  const requestLog = new RequestLog();

  const kubelet = new SimulatedKubelet(store, registry, scheduler, {
    nodes: Math.max(1, options.nodes ?? 3),
    readyDelayMs: (pod) => {
      const namespace = pod.metadata.namespace ?? '';
      const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'StatefulSet');
      return readyDelayOverrides.get(`pod:${namespace}/${pod.metadata.name}`) ?? (owner ? readyDelayOverrides.get(`sts:${namespace}/${owner.name}`) : undefined) ?? settings.readyDelayMs;
    },
    faultOf: (pod) => podFaults.get(`${pod.metadata.namespace}/${pod.metadata.name}`),
    crashIntervalMs: () => settings.crashIntervalMs,
    terminationGraceMs: () => settings.podTerminationGraceMs,
  });
  const statefulSets = new StatefulSetController(store, registry, scheduler);
  const clusterControllers = new ClusterControllers(store, registry, scheduler);
  kubelet.start();
  statefulSets.start();
  clusterControllers.start();
  for (const name of [...systemNamespaces, ...(options.namespaces ?? [])]) {
    if (!store.get(resourceByKind('Namespace'), undefined, name)) {
      registry.createAsSystem(resourceByKind('Namespace'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, 'k8s-sim');
    }
  }

  const setPodFault = (namespace: string, name: string, mode: PodFaultMode | undefined): void => {
    if (mode) podFaults.set(`${namespace}/${name}`, mode);
    else podFaults.delete(`${namespace}/${name}`);
    kubelet.refresh(namespace, name);
  };
  const kindType = (kind: SimulatedKind): ResourceType => resourceByKind(kind);

  const simulator: Omit<KubernetesSimulator, 'url' | 'kubeconfig' | 'kubeConfig'> = {
    caCert: tls?.caCert,
    bearerToken,
    faults: {
      conflictStorm: (rule) => faults.add({ ...rule, status: 409 }),
      serverErrors: (rule) => faults.add({ ...rule, status: 500 }),
      add: (rule) => faults.add(rule),
      remove: (id) => faults.remove(id),
      clear: () => faults.clear(),
      list: () => faults.list(),
      seed: (seed) => random.reseed(seed),
    },
    pods: {
      crash: (namespace, name) => setPodFault(namespace, name, 'crash'),
      neverReady: (namespace, name) => setPodFault(namespace, name, 'never-ready'),
      heal: (namespace, name) => setPodFault(namespace, name, undefined),
      setReadyDelay: (ms, target) => {
        if (!(ms >= 0)) throw new Error(`k8s-sim: ready delay must be >= 0, got ${ms}`);
        if (!target) settings.readyDelayMs = ms;
        else if ('pod' in target) readyDelayOverrides.set(`pod:${target.namespace}/${target.pod}`, ms);
        else readyDelayOverrides.set(`sts:${target.namespace}/${target.statefulSet}`, ms);
      },
    },
    controller: {
      pause: () => scheduler.pause(),
      resume: () => {
        scheduler.resume();
        statefulSets.resyncAll();
      },
      get paused() {
        return scheduler.paused;
      },
      actions: () => statefulSets.actions(),
      errors: () => scheduler.errors(),
    },
    requests: {
      list: (filter = {}) =>
        requestLog
          .entries()
          .filter(
            (e) =>
              (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
              (filter.verb === undefined || e.verb === filter.verb) &&
              (filter.resource === undefined || e.resource === filter.resource) &&
              (filter.namespace === undefined || e.namespace === filter.namespace) &&
              (filter.name === undefined || e.name === filter.name),
          ),
      clear: () => requestLog.clear(),
    },
    objects: {
      get: (kind, namespace, name) => store.get(kindType(kind), namespace, name),
      list: (kind, namespace) => store.list(kindType(kind), namespace),
    },
    compactWatchHistory: () => store.compact(),
    waitFor: (condition, waitOptions = {}) => waitFor(condition, waitOptions),
    close: async () => {},
  };

  const handler = new KubernetesApiHandler({
    store,
    registry,
    faults,
    requestLog,
    bearerToken,
    control: (method, segments, body) => handleControlRequest(simulator as KubernetesSimulator, method, segments, body),
  });
  const server: Server = tls ? createHttpsServer({ cert: tls.serverCert, key: tls.serverKey }, handler.listener) : createHttpServer(handler.listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${tls ? 'https' : 'http'}://${host}:${address.port}`;
  const kubeconfig = renderKubeconfig(url, tls?.caCert, bearerToken, options.contextNamespace ?? 'default');

  let closing: Promise<void> | undefined;
  simulator.close = () => {
    closing ??= (async () => {
      scheduler.close();
      kubelet.stop();
      statefulSets.stop();
      clusterControllers.stop();
      handler.closeWatches();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    })();
    return closing;
  };

  return Object.assign(simulator, {
    url,
    kubeconfig,
    kubeConfig: (): KubeConfig => {
      // Loaded lazily: client-node is large, and only tests that talk through it need it.
      const { KubeConfig: KubeConfigClass } = require('@kubernetes/client-node') as typeof import('@kubernetes/client-node');
      const kc = new KubeConfigClass();
      kc.loadFromString(kubeconfig);
      return kc;
    },
  }) as KubernetesSimulator;
}

function renderKubeconfig(url: string, caCert: string | undefined, token: string, namespace: string): string {
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'k8s-sim',
        cluster: caCert ? { server: url, 'certificate-authority-data': Buffer.from(caCert).toString('base64') } : { server: url, 'insecure-skip-tls-verify': true },
      },
    ],
    users: [{ name: 'k8s-sim-admin', user: { token } }],
    contexts: [{ name: 'k8s-sim', context: { cluster: 'k8s-sim', user: 'k8s-sim-admin', namespace } }],
    'current-context': 'k8s-sim',
    preferences: {},
  });
}

async function waitFor<T>(condition: () => T | Promise<T>, options: { timeoutMs?: number; intervalMs?: number; message?: string }): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const interval = options.intervalMs ?? 10;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`k8s-sim waitFor timed out after ${options.timeoutMs ?? 10_000} ms: ${options.message ?? 'condition not met'}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
