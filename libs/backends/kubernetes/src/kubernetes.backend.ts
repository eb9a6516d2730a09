/**
 * The Kubernetes backend: a Galera cluster as a StatefulSet with its ConfigMap, Secret, Services and
 * PodDisruptionBudget, written by server-side apply through @kubernetes/client-node. Member health
 * is pod readiness, whose probe is the Galera health rule.
 */
import { randomBytes } from 'node:crypto';
import {
  memberName,
  type BackendCapabilities,
  type ClusterBackend,
  type ClusterChange,
  type ClusterSpec,
  type ClusterSpecDraft,
  type ClusterTarget,
  type CredentialReference,
  type MemberChange,
  type ObservedCluster,
  type ObservedMember,
  type Plan,
  type PlannedStep,
  type SettledChange,
  type StepContext,
  type StepResult,
} from '@galera-cp/backends';
import type { FieldError } from '@galera-cp/core';
import { assessClusterConditionFromProbes } from '@galera-cp/galera';
import type { V1ConfigMap, V1PersistentVolumeClaim, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { applyObject, createIfAbsent, DEFAULT_RETRY_POLICY, deleteIfPresent, listObjects, mergePatchObject, readObject, sleep, type CallContext, type RetryPolicy } from './apply';
import { planChange, STEP_ACTIONS, type LiveFacts } from './cluster-plan';
import { KUBERNETES_CAPABILITIES, kubernetesCredentialOf, kubernetesSpecDefaults, validateKubernetesSpec } from './kubernetes-spec';
import { describeRef, KubeClient, KubeClientCache, type InClusterLoader, type ObjectRef } from './kube-client';
import { apiStatusOf, kubernetesErrors } from './kubernetes.errors';
import { describePod, isPodReady, ordinalOf, podDetails, podRevision, probedMember, READINESS_RULE, updateRevisionOf } from './pod-state';
import {
  FIELD_MANAGER,
  labelSelector,
  memberAddress,
  objectNames,
  renderClientService,
  renderConfigMap,
  renderPeerService,
  renderPodDisruptionBudget,
  renderSecret,
  renderStatefulSet,
  RESTART_FIELD_MANAGER,
  RESTARTED_AT_ANNOTATION,
  type ClusterObjectKind,
} from './render-manifests';

/** How the backend is set up. Every field is optional. */
export interface KubernetesBackendOptions {
  /**
   * Seconds one pod may take to become Ready (Galera health rule), to be replaced or to go away
   * before the operation fails with the pod's state. Default 600 (a state transfer of a large
   * data set takes long); tests shorten it.
   */
  podReadyTimeoutSeconds?: number;
  /** Interval of the waits' polls of the API, in ms. Default 2000. */
  pollIntervalMs?: number;
  /** Retries of every API call (409 re-read and re-applied, 429/5xx/network backed off). Default {@link DEFAULT_RETRY_POLICY}. */
  retry?: Partial<RetryPolicy>;
  /** DNS domain of the Kubernetes cluster, for the members' addresses. Default `cluster.local`. */
  clusterDomain?: string;
  /** Root password generator (default: 24 random bytes, base64url). */
  generatePassword?: () => string;
  /** How the in-cluster configuration is loaded when a cluster has no kubeconfig credential (default `KubeConfig.loadFromCluster`). */
  loadInCluster?: InClusterLoader;
}

/** Ordinals of the member pods that exist and are not being deleted. */
function presentOrdinals(clusterName: string, pods: V1Pod[]): number[] {
  return pods
    .filter((p) => !p.metadata?.deletionTimestamp)
    .map((p) => ordinalOf(clusterName, p.metadata?.name))
    .filter((o): o is number => o !== undefined)
    .sort((a, b) => a - b);
}

/** Seconds a write step may take, its retries included. */
const WRITE_STEP_SECONDS = 120;

/**
 * A {@link ClusterBackend} for Kubernetes. `observe` reads the StatefulSet and its pods; `plan`
 * reads the live objects and returns idempotent steps; `executeStep` writes by server-side apply
 * (field manager `galera-cp`, forced: the backend owns its fields) with bounded retries, and
 * waits for pods with a bounded, explained timeout.
 */
export class KubernetesBackend implements ClusterBackend {
  readonly kind = 'kubernetes' as const;
  readonly capabilities: BackendCapabilities = KUBERNETES_CAPABILITIES;

  private readonly clients: KubeClientCache;
  private readonly podReadySeconds: number;
  private readonly pollIntervalMs: number;
  private readonly retry: RetryPolicy;
  private readonly clusterDomain: string;
  private readonly generatePassword: () => string;

  constructor(options: KubernetesBackendOptions = {}) {
    this.clients = new KubeClientCache(options.loadInCluster);
    this.podReadySeconds = options.podReadyTimeoutSeconds ?? 600;
    this.pollIntervalMs = options.pollIntervalMs ?? 2000;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.clusterDomain = options.clusterDomain ?? 'cluster.local';
    this.generatePassword = options.generatePassword ?? (() => randomBytes(24).toString('base64url'));
  }

  validateSpec(spec: ClusterSpec): FieldError[] {
    return validateKubernetesSpec(spec);
  }

  specDefaults(draft: ClusterSpecDraft): Pick<ClusterSpec, 'replicas' | 'kubernetes'> {
    return kubernetesSpecDefaults(draft);
  }

  credentialOf(spec: ClusterSpec): CredentialReference | undefined {
    return kubernetesCredentialOf(spec);
  }

  private context(signal: AbortSignal, log?: StepContext['log']): CallContext {
    return { policy: this.retry, signal, log };
  }

  private client(target: ClusterTarget): KubeClient {
    return this.clients.clientFor(target.credential);
  }

  private namespace(target: ClusterTarget): string {
    const namespace = target.spec.kubernetes?.namespace;
    if (!namespace) throw kubernetesErrors.refused('kubernetes spec', new Error('the cluster has no kubernetes section'));
    return namespace;
  }

  private ref(target: ClusterTarget, kind: ClusterObjectKind): ObjectRef {
    const names = objectNames(target.name);
    const namespace = this.namespace(target);
    switch (kind) {
      case 'Secret':
        return { apiVersion: 'v1', kind: 'Secret', namespace, name: names.secret };
      case 'ConfigMap':
        return { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: names.configMap };
      case 'PeerService':
        return { apiVersion: 'v1', kind: 'Service', namespace, name: names.peerService };
      case 'ClientService':
        return { apiVersion: 'v1', kind: 'Service', namespace, name: names.clientService };
      case 'PodDisruptionBudget':
        return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', namespace, name: names.podDisruptionBudget };
      case 'StatefulSet':
        return { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace, name: names.statefulSet };
    }
  }

  private podRef(target: ClusterTarget, ordinal: number): ObjectRef {
    return { apiVersion: 'v1', kind: 'Pod', namespace: this.namespace(target), name: memberName(target.name, ordinal) };
  }

  private address(target: ClusterTarget, ordinal: number): string {
    return memberAddress(target.name, this.namespace(target), ordinal, this.clusterDomain);
  }

  private listPods(client: KubeClient, target: ClusterTarget, context: CallContext): Promise<V1Pod[]> {
    return listObjects<V1Pod>(client, 'v1', 'Pod', this.namespace(target), labelSelector(target.name), context);
  }

  async observe(target: ClusterTarget, options: { signal: AbortSignal }): Promise<ObservedCluster> {
    const desired = target.spec.replicas;
    const context: CallContext = { policy: { ...this.retry, attempts: Math.min(this.retry.attempts, 3) }, signal: options.signal };
    let statefulSet: V1StatefulSet | undefined;
    let pods: V1Pod[];
    try {
      const client = this.client(target);
      statefulSet = await readObject<V1StatefulSet>(client, this.ref(target, 'StatefulSet'), context);
      pods = statefulSet ? await this.listPods(client, target, context) : [];
    } catch (error) {
      const reason = `the Kubernetes API could not be read: ${error instanceof Error ? error.message : String(error)}`;
      return {
        condition: 'Unknown',
        reason,
        members: target.members.map((m) => ({ name: m.name, address: m.address, reachable: false, reason, healthy: false })),
      };
    }
    if (!statefulSet) {
      const reason = `StatefulSet ${this.namespace(target)}/${objectNames(target.name).statefulSet} does not exist`;
      return { condition: 'Down', reason, members: target.members.map((m) => ({ name: m.name, address: m.address, reachable: false, reason, healthy: false })) };
    }
    const byOrdinal = new Map<number, V1Pod>();
    for (const pod of pods) {
      const ordinal = ordinalOf(target.name, pod.metadata?.name);
      if (ordinal !== undefined) byOrdinal.set(ordinal, pod);
    }
    const ordinals = [...new Set([...Array.from({ length: desired }, (_, i) => i), ...byOrdinal.keys()])].sort((a, b) => a - b);
    const probed = ordinals.map((i) => probedMember(memberName(target.name, i), byOrdinal.get(i)));
    const condition = assessClusterConditionFromProbes({ desiredSize: desired, members: probed });
    const members: ObservedMember[] = probed.map((m, index) => ({
      name: m.name,
      address: this.address(target, ordinals[index]),
      reachable: m.state !== 'not-running',
      healthy: m.state === 'serving',
      // Ready means the probe saw Synced; otherwise the wsrep state is not readable from outside the pod.
      ...(m.state === 'serving' ? { wsrepState: 'Synced' } : {}),
      ...(m.reason ? { reason: m.reason } : {}),
    }));
    return { condition: condition.status, reason: condition.message, members };
  }

  /** Reads what the plan depends on; a failed read becomes a warning, not a failed plan. */
  private async liveFacts(target: ClusterTarget, change: ClusterChange, signal: AbortSignal): Promise<LiveFacts> {
    const facts: LiveFacts = { claims: [], readWarnings: [] };
    const context: CallContext = { policy: { ...this.retry, attempts: Math.min(this.retry.attempts, 3) }, signal };
    let client: KubeClient;
    try {
      client = this.client(target);
    } catch (error) {
      facts.readWarnings.push(`The cluster's objects could not be read: ${(error as Error).message}`);
      return facts;
    }
    const attempt = async (what: string, read: () => Promise<void>) => {
      try {
        await read();
      } catch (error) {
        if (signal.aborted) throw error;
        facts.readWarnings.push(`Could not read ${what} while planning (${apiStatusOf(error).message}); the plan assumes what the control plane recorded`);
      }
    };
    await attempt('the StatefulSet', async () => {
      facts.statefulSet = await readObject<V1StatefulSet>(client, this.ref(target, 'StatefulSet'), context);
    });
    if (facts.statefulSet) {
      await attempt('the pods', async () => {
        facts.podOrdinals = presentOrdinals(target.name, await this.listPods(client, target, context));
      });
    }
    if (['cluster.create', 'cluster.scale', 'node.add', 'cluster.delete'].includes(change.type)) {
      await attempt('the PersistentVolumeClaims', async () => {
        const claims = await listObjects<V1PersistentVolumeClaim>(client, 'v1', 'PersistentVolumeClaim', this.namespace(target), labelSelector(target.name), context);
        facts.claims = claims.map((c) => c.metadata?.name ?? '').filter(Boolean);
      });
    }
    if (change.type === 'cluster.reconfigure') {
      await attempt('the ConfigMap', async () => {
        facts.configText = (await readObject<V1ConfigMap>(client, this.ref(target, 'ConfigMap'), context))?.data?.['galera.cnf'];
      });
    }
    return facts;
  }

  async plan(target: ClusterTarget, change: ClusterChange, options: { signal: AbortSignal; log?: (message: string) => void }): Promise<Plan> {
    // Refusals need no reads.
    if (change.type === 'cluster.stop' || change.type === 'cluster.start' || change.type === 'cluster.recover') {
      return planChange(target, change, { claims: [], readWarnings: [] }, this.planTimes());
    }
    const facts = await this.liveFacts(target, change, options.signal);
    for (const warning of facts.readWarnings) options.log?.(warning);
    return planChange(target, change, facts, this.planTimes());
  }

  private planTimes() {
    return { podReadySeconds: this.podReadySeconds, writeSeconds: WRITE_STEP_SECONDS, clusterDomain: this.clusterDomain, now: new Date().toISOString() };
  }

  async executeStep(target: ClusterTarget, step: PlannedStep, context: StepContext): Promise<StepResult> {
    const client = this.client(target);
    const call = this.context(context.signal, context.log);
    const ordinal = typeof step.params.ordinal === 'number' ? step.params.ordinal : undefined;
    switch (step.action) {
      case STEP_ACTIONS.createSecret:
        return this.createSecret(client, target, call, context);
      case STEP_ACTIONS.applyConfig:
        return this.applyConfig(client, target, Number(step.params.replicas), step.params.bootstrap === true, call, context);
      case STEP_ACTIONS.applyServices: {
        for (const object of [renderPeerService(this.input(target)), renderClientService(this.input(target))]) {
          await applyObject(client, object, FIELD_MANAGER, call);
          context.log(`Applied Service ${this.namespace(target)}/${object.metadata?.name}`);
        }
        return {};
      }
      case STEP_ACTIONS.applyDisruptionBudget:
        await applyObject(client, renderPodDisruptionBudget(this.input(target)), FIELD_MANAGER, call);
        context.log(`Applied PodDisruptionBudget ${this.namespace(target)}/${objectNames(target.name).podDisruptionBudget} (maxUnavailable 1)`);
        return {};
      case STEP_ACTIONS.applyStatefulSet:
        return this.applyStatefulSet(client, target, Number(step.params.replicas), call, context);
      case STEP_ACTIONS.awaitPodReady:
        return this.awaitPodReady(client, target, this.requireOrdinal(step, ordinal), call, context, false);
      case STEP_ACTIONS.awaitPodRestarted:
        return this.awaitPodReady(client, target, this.requireOrdinal(step, ordinal), call, context, true);
      case STEP_ACTIONS.awaitPodRemoved:
        return this.awaitPodRemoved(client, target, this.requireOrdinal(step, ordinal), call, context);
      case STEP_ACTIONS.rollingRestart:
        return this.rollingRestart(client, target, String(step.params.restartedAt), call, context);
      case STEP_ACTIONS.verifyReady:
        return this.verifyReady(client, target, Number(step.params.replicas), call, context);
      case STEP_ACTIONS.deleteObject: {
        const ref = this.ref(target, step.params.kind as ClusterObjectKind);
        const deleted = await deleteIfPresent(client, ref, call);
        context.log(deleted ? `Deleted ${describeRef(ref)}` : `${describeRef(ref)} was already gone`);
        return { output: { deleted } };
      }
      case STEP_ACTIONS.awaitPodsRemoved:
        return this.awaitPodsRemoved(client, target, call, context);
      case STEP_ACTIONS.deleteClaims:
        return this.deleteClaims(client, target, call, context);
      default:
        throw kubernetesErrors.refused(`step ${step.key}`, new Error(`unknown step action ${step.action}`));
    }
  }

  /**
   * After a cancelled scale, node.add or node.remove: sets the StatefulSet's replicas and the
   * ConfigMap's member list to the members that are there, so the controller stops growing or
   * shrinking it. Growing: the members before, plus the new pods that are Ready in ordinal order
   * (a pod still joining is removed: it never became a member). Shrinking: down to the highest
   * pod that still exists and is not being deleted (a member already gone stays gone). The
   * template is rendered from the same spec as the steps', so no pod is rolled.
   */
  async settle(target: ClusterTarget, change: ClusterChange, options: { membersBefore: string[]; signal: AbortSignal; log: (message: string) => void }): Promise<SettledChange> {
    if (change.type !== 'cluster.scale' && change.type !== 'node.add' && change.type !== 'node.remove') return { members: [] };
    const client = this.client(target);
    const call = this.context(options.signal, (message) => options.log(message));
    const ref = this.ref(target, 'StatefulSet');
    const statefulSet = await readObject<V1StatefulSet>(client, ref, call);
    if (!statefulSet) return { members: [] };
    const pods = new Map<number, V1Pod>();
    for (const pod of await this.listPods(client, target, call)) {
      const ordinal = ordinalOf(target.name, pod.metadata?.name);
      if (ordinal !== undefined && !pod.metadata?.deletionTimestamp) pods.set(ordinal, pod);
    }
    const asked = statefulSet.spec?.replicas ?? 0;
    const before = options.membersBefore.length;
    let reached = asked;
    if (asked > before) {
      reached = before;
      while (reached < asked && isPodReady(pods.get(reached))) reached += 1;
    } else if (asked < before) {
      while (reached < before && pods.has(reached)) reached += 1;
    }
    if (reached !== asked) {
      await applyObject(client, renderStatefulSet(this.input(target, reached)), FIELD_MANAGER, call);
      options.log(`Set StatefulSet ${ref.namespace}/${ref.name} to ${reached} replicas (it was asked for ${asked}): the members that are there`);
    }
    // A scale-out writes the member list before the StatefulSet: it may list members that never came.
    await applyObject(client, renderConfigMap(this.input(target, reached, false)), FIELD_MANAGER, call);
    options.log(`Applied ConfigMap ${this.namespace(target)}/${objectNames(target.name).configMap} with ${reached} members`);
    const members: MemberChange[] = [];
    for (let i = 0; i < reached; i += 1) {
      if (isPodReady(pods.get(i))) members.push(this.member(target, i, 'Member', 'Synced', true));
    }
    for (const m of target.members) if (m.ordinal >= reached) members.push({ op: 'remove', name: m.name });
    return { members };
  }

  private requireOrdinal(step: PlannedStep, ordinal: number | undefined): number {
    if (ordinal === undefined) throw kubernetesErrors.refused(`step ${step.key}`, new Error('the step has no ordinal'));
    return ordinal;
  }

  private input(target: ClusterTarget, replicas = target.spec.replicas, bootstrapAllowed = false) {
    return { clusterName: target.name, spec: target.spec, replicas, clusterDomain: this.clusterDomain, bootstrapAllowed };
  }

  private member(target: ClusterTarget, ordinal: number, phase: string, wsrepState: string, healthy: boolean): MemberChange {
    return { op: 'upsert', member: { name: memberName(target.name, ordinal), ordinal, address: this.address(target, ordinal), role: 'member', phase, wsrepState, healthy } };
  }

  private async createSecret(client: KubeClient, target: ClusterTarget, call: CallContext, context: StepContext): Promise<StepResult> {
    // Created once with a generated password and never rewritten: a re-run or a later apply keeps the password the data was initialised with.
    const { created } = await createIfAbsent(client, renderSecret(this.input(target), this.generatePassword()), FIELD_MANAGER, call);
    context.log(
      created
        ? `Created Secret ${this.namespace(target)}/${objectNames(target.name).secret} with a generated root password`
        : `Secret ${this.namespace(target)}/${objectNames(target.name).secret} exists: kept as it is`,
    );
    return { output: { created } };
  }

  private async applyConfig(client: KubeClient, target: ClusterTarget, replicas: number, bootstrap: boolean, call: CallContext, context: StepContext): Promise<StepResult> {
    const configMap = renderConfigMap(this.input(target, replicas, bootstrap));
    const applied = await applyObject(client, configMap, FIELD_MANAGER, call);
    context.log(
      `Applied ConfigMap ${this.namespace(target)}/${configMap.metadata?.name} (${replicas} members, bootstrap ${bootstrap ? 'allowed' : 'closed'}, resourceVersion ${applied.metadata?.resourceVersion})`,
    );
    return { output: { replicas, bootstrap } };
  }

  private async applyStatefulSet(client: KubeClient, target: ClusterTarget, replicas: number, call: CallContext, context: StepContext): Promise<StepResult> {
    const statefulSet = renderStatefulSet(this.input(target, replicas));
    const applied = await applyObject(client, statefulSet, FIELD_MANAGER, call);
    context.log(`Applied StatefulSet ${this.namespace(target)}/${statefulSet.metadata?.name}: ${replicas} replicas, generation ${applied.metadata?.generation}`);
    const members: MemberChange[] = [];
    const known = new Map(target.members.map((m) => [m.ordinal, m]));
    for (let i = 0; i < replicas; i += 1) {
      if (!known.has(i)) members.push(this.member(target, i, 'Joining', 'Unknown', false));
    }
    for (const m of target.members) {
      if (m.ordinal >= replicas && m.phase !== 'Removing') members.push({ op: 'upsert', member: { ...m, phase: 'Removing' } });
    }
    return { output: { replicas, generation: applied.metadata?.generation ?? null }, members };
  }

  private async rollingRestart(client: KubeClient, target: ClusterTarget, restartedAt: string, call: CallContext, context: StepContext): Promise<StepResult> {
    const ref = this.ref(target, 'StatefulSet');
    if (!(await readObject(client, ref, call))) throw kubernetesErrors.statefulSetMissing(ref.namespace, ref.name);
    // The same value on a re-run: the template does not change again, so a resumed step does not roll the pods twice.
    // Another field manager than the applies, so a later apply of the StatefulSet keeps the annotation.
    await mergePatchObject(client, ref, { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt } } } } }, RESTART_FIELD_MANAGER, call);
    context.log(`Set ${RESTARTED_AT_ANNOTATION}=${restartedAt} on StatefulSet ${ref.namespace}/${ref.name}: the pods are replaced one at a time, highest ordinal first`);
    return { output: { restartedAt } };
  }

  /**
   * Waits until the member's pod is Ready (its probe: the Galera health rule) and, for a rolling
   * update, runs the StatefulSet's update revision. Fails after the pod budget with the pod's state.
   */
  private async awaitPodReady(client: KubeClient, target: ClusterTarget, ordinal: number, call: CallContext, context: StepContext, replaced: boolean): Promise<StepResult> {
    const podRef = this.podRef(target, ordinal);
    const stsRef = this.ref(target, 'StatefulSet');
    const deadline = Date.now() + this.podReadySeconds * 1000;
    let pod: V1Pod | undefined;
    let statefulSet: V1StatefulSet | undefined;
    let revision: string | undefined;
    for (;;) {
      statefulSet = await readObject<V1StatefulSet>(client, stsRef, call);
      if (!statefulSet) throw kubernetesErrors.statefulSetMissing(stsRef.namespace, stsRef.name);
      pod = await readObject<V1Pod>(client, podRef, call);
      revision = updateRevisionOf(statefulSet);
      const onRevision = !replaced || (revision !== undefined && podRevision(pod) === revision);
      if (isPodReady(pod) && onRevision) break;
      if (Date.now() >= deadline) {
        const ready = statefulSet.status?.readyReplicas ?? 0;
        const state = !pod
          ? `the pod does not exist (StatefulSet ${stsRef.namespace}/${stsRef.name}: ${ready} of ${statefulSet.spec?.replicas ?? 0} Ready; pods are created in ordinal order, each after the ones before it are Ready)`
          : `${describePod(pod)}${replaced && !onRevision ? `; runs revision ${podRevision(pod) ?? 'unknown'}, not the update revision ${revision ?? '(not observed yet)'}` : ''}; ${READINESS_RULE}`;
        throw kubernetesErrors.podNotReady(podRef.name, this.podReadySeconds, state, { ...podDetails(pod), updateRevision: revision ?? null });
      }
      await sleep(this.pollIntervalMs, context.signal);
    }
    context.log(`${podRef.name} is Ready${replaced ? ` on revision ${revision}` : ''} (Galera health rule passes)`);
    return { output: { pod: podRef.name, revision: podRevision(pod) ?? null }, members: [this.member(target, ordinal, 'Member', 'Synced', true)] };
  }

  private async awaitPodRemoved(client: KubeClient, target: ClusterTarget, ordinal: number, call: CallContext, context: StepContext): Promise<StepResult> {
    const podRef = this.podRef(target, ordinal);
    const deadline = Date.now() + this.podReadySeconds * 1000;
    for (;;) {
      const pod = await readObject<V1Pod>(client, podRef, call);
      if (!pod) break;
      if (Date.now() >= deadline) throw kubernetesErrors.podNotDeleted(podRef.name, this.podReadySeconds, describePod(pod));
      await sleep(this.pollIntervalMs, context.signal);
    }
    context.log(`${podRef.name} is gone; its claim is kept`);
    return { output: { pod: podRef.name }, members: [{ op: 'remove', name: podRef.name }] };
  }

  private async awaitPodsRemoved(client: KubeClient, target: ClusterTarget, call: CallContext, context: StepContext): Promise<StepResult> {
    const deadline = Date.now() + this.podReadySeconds * 1000;
    for (;;) {
      const pods = await this.listPods(client, target, call);
      if (pods.length === 0) break;
      if (Date.now() >= deadline) {
        throw kubernetesErrors.podNotDeleted(pods.map((p) => p.metadata?.name).join(', '), this.podReadySeconds, pods.map((p) => `${p.metadata?.name}: ${describePod(p)}`).join(' | '));
      }
      await sleep(this.pollIntervalMs, context.signal);
    }
    context.log(`Every pod of ${target.name} is gone`);
    return { members: target.members.map((m): MemberChange => ({ op: 'remove', name: m.name })) };
  }

  private async deleteClaims(client: KubeClient, target: ClusterTarget, call: CallContext, context: StepContext): Promise<StepResult> {
    const namespace = this.namespace(target);
    const claims = await listObjects<V1PersistentVolumeClaim>(client, 'v1', 'PersistentVolumeClaim', namespace, labelSelector(target.name), call);
    for (const claim of claims) {
      const ref: ObjectRef = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name: claim.metadata?.name ?? '' };
      if (!claim.metadata?.deletionTimestamp) await deleteIfPresent(client, ref, call);
      context.log(`Deleted PersistentVolumeClaim ${namespace}/${ref.name} (purge)`);
    }
    const deadline = Date.now() + this.podReadySeconds * 1000;
    for (;;) {
      const left = await listObjects<V1PersistentVolumeClaim>(client, 'v1', 'PersistentVolumeClaim', namespace, labelSelector(target.name), call);
      if (left.length === 0) break;
      if (Date.now() >= deadline) {
        throw kubernetesErrors.refused('purge', new Error(`PersistentVolumeClaims still present after ${this.podReadySeconds} s: ${left.map((c) => c.metadata?.name).join(', ')}`));
      }
      await sleep(this.pollIntervalMs, context.signal);
    }
    return { output: { deletedClaims: claims.map((c) => c.metadata?.name) } };
  }

  /** The cluster is Ready by the shared rule (every desired member passes the probe) and the StatefulSet has settled. */
  private async verifyReady(client: KubeClient, target: ClusterTarget, replicas: number, call: CallContext, context: StepContext): Promise<StepResult> {
    const stsRef = this.ref(target, 'StatefulSet');
    const deadline = Date.now() + Math.min(60, this.podReadySeconds) * 1000;
    for (;;) {
      const statefulSet = await readObject<V1StatefulSet>(client, stsRef, call);
      if (!statefulSet) throw kubernetesErrors.statefulSetMissing(stsRef.namespace, stsRef.name);
      const pods = await this.listPods(client, target, call);
      const byOrdinal = new Map(pods.map((p) => [ordinalOf(target.name, p.metadata?.name), p]));
      const ordinals = [...new Set([...Array.from({ length: replicas }, (_, i) => i), ...[...byOrdinal.keys()].filter((o): o is number => o !== undefined)])];
      const condition = assessClusterConditionFromProbes({ desiredSize: replicas, members: ordinals.map((i) => probedMember(memberName(target.name, i), byOrdinal.get(i))) });
      const settled =
        (statefulSet.status?.observedGeneration ?? 0) >= (statefulSet.metadata?.generation ?? 0) && (statefulSet.status?.readyReplicas ?? 0) === replicas && statefulSet.spec?.replicas === replicas;
      if (condition.status === 'Ready' && settled) {
        context.log(`Cluster ${target.name} is Ready: ${condition.message}`);
        return {
          output: { condition: condition.status, message: condition.message },
          members: Array.from({ length: replicas }, (_, i) => this.member(target, i, 'Member', 'Synced', true)),
        };
      }
      if (Date.now() >= deadline) {
        throw kubernetesErrors.clusterNotReady(target.name, condition.status, condition.message);
      }
      await sleep(this.pollIntervalMs, context.signal);
    }
  }
}
