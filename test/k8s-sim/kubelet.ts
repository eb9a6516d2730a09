import { createHash } from 'node:crypto';
import type { PodFaultMode } from './faults';
import type { ObjectStore, StoreEvent } from './object-store';
import type { Registry } from './registry';
import { resourceByKind } from './resources';
import type { Scheduler } from './scheduler';
import { cloneJson, kubeTime, type KubeObject } from './types';

/** What the simulated kubelet needs to know from the simulator's settings. */
export interface KubeletSettings {
  /** Number of simulated nodes pods are spread over. */
  nodes: number;
  /** How long a pod takes from Running to Ready. */
  readyDelayMs(pod: KubeObject): number;
  /** The fault a pod suffers, if any (by namespace/name, so it outlives recreation). */
  faultOf(pod: KubeObject): PodFaultMode | undefined;
  /** Time between restarts of a crashing container. */
  crashIntervalMs(): number;
  /** How long a deleted pod stays Terminating. */
  terminationGraceMs(): number;
}

interface PodState {
  /** Bumped whenever the pod's course changes, so stale timers do nothing. */
  epoch: number;
  cancel: Array<() => void>;
  node: number;
  podIp: string;
  startedAt?: string;
  restarts: number;
}

const manager = 'kubelet';

/**
 * A stand-in for scheduler + kubelet: binds each new pod to a simulated node, starts it (Running),
 * makes it Ready after the configured delay, or keeps it crashing / unready as a fault says, and
 * removes deleted pods after their grace period. No containers run.
 */
export class SimulatedKubelet {
  readonly #pods = new Map<string, PodState>();
  #podSerial = 0;
  #unsubscribe: () => void = () => {};

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: Registry,
    private readonly scheduler: Scheduler,
    private readonly settings: KubeletSettings,
  ) {}

  start(): void {
    this.#unsubscribe = this.store.subscribe((event) => this.#onEvent(event));
  }

  stop(): void {
    this.#unsubscribe();
    for (const state of this.#pods.values()) for (const cancel of state.cancel) cancel();
    this.#pods.clear();
  }

  /** Re-applies faults and readiness to a pod at once (after a fault was set or cleared). */
  refresh(namespace: string, name: string): void {
    const pod = this.store.get(resourceByKind('Pod'), namespace, name);
    if (!pod || pod.metadata.deletionTimestamp) return;
    const state = this.#pods.get(pod.metadata.uid ?? '');
    if (!state || !state.startedAt) return;
    this.#startContainers(pod, state);
  }

  #onEvent(event: StoreEvent): void {
    if (event.resource.kind !== 'Pod') return;
    const pod = event.object;
    const uid = pod.metadata.uid ?? '';
    if (event.type === 'ADDED') {
      const state: PodState = { epoch: 0, cancel: [], node: this.#chooseNode(pod), podIp: '', restarts: 0 };
      this.#pods.set(uid, state);
      this.#later(state, 0, () => this.#bind(pod.metadata.namespace!, pod.metadata.name!, uid));
    } else if (event.type === 'MODIFIED' && pod.metadata.deletionTimestamp && !event.previous?.metadata.deletionTimestamp) {
      const state = this.#pods.get(uid);
      if (!state) return;
      this.#reset(state);
      this.#later(state, 0, () => this.#terminate(pod.metadata.namespace!, pod.metadata.name!, uid));
      this.#later(state, this.settings.terminationGraceMs(), () => this.#remove(pod.metadata.namespace!, pod.metadata.name!, uid));
    } else if (event.type === 'DELETED') {
      const state = this.#pods.get(uid);
      if (state) this.#reset(state);
      this.#pods.delete(uid);
    }
  }

  #chooseNode(pod: KubeObject): number {
    const index = Number(pod.metadata.labels?.['apps.kubernetes.io/pod-index']);
    if (Number.isInteger(index)) return index % this.settings.nodes;
    return this.#pods.size % this.settings.nodes;
  }

  #later(state: PodState, ms: number, task: () => void): void {
    const epoch = state.epoch;
    state.cancel.push(this.scheduler.after(ms, () => epoch === state.epoch && task()));
  }

  #reset(state: PodState): void {
    state.epoch += 1;
    for (const cancel of state.cancel.splice(0)) cancel();
  }

  #current(namespace: string, name: string, uid: string): KubeObject | undefined {
    const pod = this.store.get(resourceByKind('Pod'), namespace, name);
    return pod && pod.metadata.uid === uid ? pod : undefined;
  }

  /** The scheduler's part: pick a node, mark PodScheduled. */
  #bind(namespace: string, name: string, uid: string): void {
    const pod = this.#current(namespace, name, uid);
    const state = this.#pods.get(uid);
    if (!pod || !state || pod.metadata.deletionTimestamp) return;
    const bound = cloneJson(pod);
    bound.spec = { ...bound.spec, nodeName: bound.spec?.nodeName ?? `sim-node-${state.node + 1}` };
    const written = this.registry.writeAsSystem(resourceByKind('Pod'), bound, 'kube-scheduler');
    const scheduled = cloneJson(written);
    scheduled.status = { ...scheduled.status, conditions: [condition('PodScheduled', 'True')] };
    const after = this.registry.writeAsSystem(resourceByKind('Pod'), scheduled, 'kube-scheduler', 'status');
    this.#podSerial += 1;
    state.podIp = `10.244.${state.node + 1}.${(this.#podSerial % 250) + 2}`;
    state.startedAt = kubeTime();
    this.#startContainers(after, state);
  }

  /** Running; then Ready after the delay, unless a fault says otherwise. */
  #startContainers(pod: KubeObject, state: PodState): void {
    this.#reset(state);
    const fault = this.settings.faultOf(pod);
    const namespace = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    const uid = pod.metadata.uid!;
    if (fault === 'crash') {
      this.#crash(namespace, name, uid);
      return;
    }
    this.#writeStatus(namespace, name, uid, (p) => this.#runningStatus(p, state, false));
    if (fault === 'never-ready') return;
    this.#later(state, this.settings.readyDelayMs(pod), () => this.#writeStatus(namespace, name, uid, (p) => this.#runningStatus(p, state, true)));
  }

  /** CrashLoopBackOff: the container keeps dying; restartCount climbs each interval. */
  #crash(namespace: string, name: string, uid: string): void {
    const state = this.#pods.get(uid);
    if (!state) return;
    state.restarts += 1;
    this.#writeStatus(namespace, name, uid, (p) => this.#crashStatus(p, state));
    this.#later(state, this.settings.crashIntervalMs(), () => this.#crash(namespace, name, uid));
  }

  /** A deleted pod: containers stop being ready while it terminates. */
  #terminate(namespace: string, name: string, uid: string): void {
    const state = this.#pods.get(uid);
    if (!state?.startedAt) return;
    this.#writeStatus(namespace, name, uid, (p) => this.#runningStatus(p, state, false));
  }

  #remove(namespace: string, name: string, uid: string): void {
    const pod = this.#current(namespace, name, uid);
    if (pod) this.registry.removeNow(resourceByKind('Pod'), pod);
  }

  #writeStatus(namespace: string, name: string, uid: string, build: (pod: KubeObject) => Record<string, unknown>): void {
    const pod = this.#current(namespace, name, uid);
    if (!pod) return;
    const next = cloneJson(pod);
    next.status = build(pod);
    this.registry.writeAsSystem(resourceByKind('Pod'), next, manager, 'status');
  }

  #baseStatus(pod: KubeObject, state: PodState): Record<string, unknown> {
    const hostIp = `172.18.0.${state.node + 2}`;
    return {
      ...pod.status,
      hostIP: hostIp,
      hostIPs: [{ ip: hostIp }],
      podIP: state.podIp,
      podIPs: [{ ip: state.podIp }],
      startTime: state.startedAt,
      ...(Array.isArray(pod.spec?.initContainers) && pod.spec.initContainers.length > 0
        ? {
            initContainerStatuses: (pod.spec.initContainers as Array<{ name: string; image: string }>).map((c) => ({
              name: c.name,
              image: c.image,
              imageID: imageId(c.image),
              containerID: containerId(pod, c.name, 0),
              ready: true,
              restartCount: 0,
              started: false,
              state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: state.startedAt, finishedAt: state.startedAt } },
              lastState: {},
            })),
          }
        : {}),
    };
  }

  #runningStatus(pod: KubeObject, state: PodState, ready: boolean): Record<string, unknown> {
    const containers = (pod.spec?.containers ?? []) as Array<{ name: string; image: string }>;
    const unready = ready ? [] : containers.map((c) => c.name);
    const previous = (pod.status?.containerStatuses ?? []) as Array<{ name: string; restartCount?: number; lastState?: unknown }>;
    return {
      ...this.#baseStatus(pod, state),
      phase: 'Running',
      conditions: conditionsFor(pod, ready, unready),
      containerStatuses: containers.map((c) => {
        const before = previous.find((p) => p.name === c.name);
        return {
          name: c.name,
          image: c.image,
          imageID: imageId(c.image),
          containerID: containerId(pod, c.name, state.restarts),
          ready,
          started: true,
          restartCount: state.restarts,
          state: { running: { startedAt: state.startedAt } },
          lastState: before?.lastState ?? {},
        };
      }),
    };
  }

  #crashStatus(pod: KubeObject, state: PodState): Record<string, unknown> {
    const containers = (pod.spec?.containers ?? []) as Array<{ name: string; image: string }>;
    const [first, ...rest] = containers;
    const now = kubeTime();
    return {
      ...this.#baseStatus(pod, state),
      phase: 'Running',
      conditions: conditionsFor(
        pod,
        false,
        containers.map((c) => c.name),
      ),
      containerStatuses: [
        ...(first
          ? [
              {
                name: first.name,
                image: first.image,
                imageID: imageId(first.image),
                containerID: containerId(pod, first.name, state.restarts),
                ready: false,
                started: false,
                restartCount: state.restarts,
                state: {
                  waiting: {
                    reason: 'CrashLoopBackOff',
                    message: `back-off ${Math.min(300, 10 * 2 ** Math.min(state.restarts - 1, 5))}s restarting failed container=${first.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
                  },
                },
                lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now, containerID: containerId(pod, first.name, state.restarts - 1) } },
              },
            ]
          : []),
        ...rest.map((c) => ({
          name: c.name,
          image: c.image,
          imageID: imageId(c.image),
          containerID: containerId(pod, c.name, 0),
          ready: false,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: state.startedAt } },
          lastState: {},
        })),
      ],
    };
  }
}

function condition(type: string, status: 'True' | 'False', reason?: string, message?: string): Record<string, unknown> {
  return { type, status, lastProbeTime: null, lastTransitionTime: kubeTime(), ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

function conditionsFor(pod: KubeObject, ready: boolean, unready: string[]): Array<Record<string, unknown>> {
  const previous = (pod.status?.conditions ?? []) as Array<Record<string, unknown>>;
  const keep = (c: Record<string, unknown>): Record<string, unknown> => {
    // lastTransitionTime moves only when the status flips, as the kubelet reports it.
    const before = previous.find((p) => p.type === c.type);
    return before && before.status === c.status ? { ...c, lastTransitionTime: before.lastTransitionTime } : c;
  };
  const message = `containers with unready status: [${unready.join(' ')}]`;
  return [
    condition('PodReadyToStartContainers', 'True'),
    condition('Initialized', 'True'),
    ready ? condition('Ready', 'True') : condition('Ready', 'False', 'ContainersNotReady', message),
    ready ? condition('ContainersReady', 'True') : condition('ContainersReady', 'False', 'ContainersNotReady', message),
    condition('PodScheduled', 'True'),
  ].map(keep);
}

function imageId(image: string): string {
  return `${image.split(':')[0]}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

function containerId(pod: KubeObject, container: string, restarts: number): string {
  return `containerd://${createHash('sha256').update(`${pod.metadata.uid}/${container}/${restarts}`).digest('hex')}`;
}
