/**
 * Plans of the Kubernetes backend: for each change, the ordered, persisted, idempotent steps and
 * what a person reads first (objects written, quorum before and after, members after, warnings).
 * Pure: the backend reads the live facts (StatefulSet, claims, ConfigMap) and passes them in.
 */
import { memberName, type ClusterChange, type ClusterTarget, type Plan, type PlanDetails, type PlannedStep } from '@galera-cp/backends';
import { nextOrdinal, planParameterChanges, quorumChange, readGaleraConfig, validateParameters, type ParameterChange } from '@galera-cp/galera';
import type { V1StatefulSet } from '@kubernetes/client-node';
import { kubernetesErrors } from './kubernetes.errors';
import { CONFIG_HASH_ANNOTATION, claimName, configHash, objectNames, RESTARTED_AT_ANNOTATION, type ClusterObjectKind } from './render-manifests';

/** The step verbs of this backend (`PlannedStep.action`). */
export const STEP_ACTIONS = {
  createSecret: 'k8s.create-secret',
  applyConfig: 'k8s.apply-config',
  applyServices: 'k8s.apply-services',
  applyDisruptionBudget: 'k8s.apply-pdb',
  applyStatefulSet: 'k8s.apply-statefulset',
  awaitPodReady: 'k8s.await-pod-ready',
  rollingRestart: 'k8s.rolling-restart',
  awaitPodRestarted: 'k8s.await-pod-restarted',
  awaitPodRemoved: 'k8s.await-pod-removed',
  verifyReady: 'k8s.verify-ready',
  deleteObject: 'k8s.delete-object',
  awaitPodsRemoved: 'k8s.await-pods-removed',
  deleteClaims: 'k8s.delete-claims',
} as const;

/** What the backend read from the cluster before planning. */
export interface LiveFacts {
  /** The StatefulSet, when it exists. */
  statefulSet?: V1StatefulSet;
  /** Names of the cluster's PersistentVolumeClaims. */
  claims: string[];
  /** Ordinals of the member pods that exist now and are not being deleted, when they were read. */
  podOrdinals?: number[];
  /** The `galera.cnf` the ConfigMap holds now, when it exists. */
  configText?: string;
  /** Reads that failed (the plan is made without them and says so). */
  readWarnings: string[];
}

/** Time bounds of the steps. */
export interface PlanTimes {
  /** Seconds one pod may take to become Ready (or to go) before the step fails with the reason. */
  podReadySeconds: number;
  /** Bound of a write step (retries included). */
  writeSeconds: number;
  /** The DNS domain of the Kubernetes cluster. */
  clusterDomain: string;
  /** The time of planning (ISO), for the restart annotation. */
  now: string;
}

type ObjectLine = NonNullable<PlanDetails['objects']>[number];

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** Plans one change, or throws NOT_SUPPORTED with the reason. */
export function planChange(target: ClusterTarget, change: ClusterChange, facts: LiveFacts, times: PlanTimes): Plan {
  const planner = new ClusterPlanner(target, facts, times);
  switch (change.type) {
    case 'cluster.create':
      return planner.create();
    case 'cluster.scale':
      return planner.scale(change.replicas);
    case 'node.add':
      return planner.scale(planner.currentReplicas() + 1);
    case 'node.remove': {
      const highest = memberName(target.name, planner.currentReplicas() - 1);
      if (change.node !== highest) {
        throw kubernetesErrors.notSupported(`Removing ${change.node}`, `a StatefulSet removes its highest ordinal first (${highest})`);
      }
      return planner.scale(planner.currentReplicas() - 1);
    }
    case 'cluster.restart':
      return planner.restart();
    case 'cluster.reconfigure':
      return planner.reconfigure(change.parameters);
    case 'cluster.delete':
      return planner.delete(change.purge);
    case 'cluster.stop':
      throw kubernetesErrors.notSupported(
        'cluster.stop',
        "a stopped Galera cluster must be bootstrapped again from the member whose grastate.dat says safe_to_bootstrap: 1, and this backend cannot read a member's grastate.dat (no exec into pods), so it could not start the cluster again faithfully. Use cluster.restart for a rolling restart, or cluster.scale",
      );
    case 'cluster.start':
      throw kubernetesErrors.notSupported('cluster.start', 'Kubernetes clusters are never stopped by this backend (cluster.stop is not supported), so there is nothing to start');
    case 'cluster.recover':
      throw kubernetesErrors.notSupported(
        'Full-crash recovery',
        "it needs every member's evidence (grastate.dat, wsrep-recover position) from its PersistentVolumeClaim, and this backend cannot read it (no exec into pods); the bootstrap node cannot be chosen by the shared rule",
      );
  }
}

class ClusterPlanner {
  private readonly names;
  private readonly namespace: string;

  constructor(
    private readonly target: ClusterTarget,
    private readonly facts: LiveFacts,
    private readonly times: PlanTimes,
  ) {
    this.names = objectNames(target.name);
    this.namespace = target.spec.kubernetes?.namespace ?? 'default';
  }

  /**
   * Members there are now: up to the highest ordinal whose pod exists (a StatefulSet grows and
   * shrinks at the top, so a missing pod below it is a member being recreated). Not the
   * StatefulSet's `spec.replicas`, which is what was last asked for (a cancelled or failed scale
   * leaves it above what is there). Without the pods: the StatefulSet's spec, else the records.
   */
  currentReplicas(): number {
    if (this.facts.statefulSet && this.facts.podOrdinals) return nextOrdinal(this.facts.podOrdinals);
    return this.facts.statefulSet?.spec?.replicas ?? this.target.members.length;
  }

  private member(ordinal: number): string {
    return memberName(this.target.name, ordinal);
  }

  private object(kind: ClusterObjectKind | 'PersistentVolumeClaim', action: string, name?: string): ObjectLine {
    const apiKind = kind === 'PeerService' || kind === 'ClientService' ? 'Service' : kind;
    const objectName =
      name ??
      {
        Secret: this.names.secret,
        ConfigMap: this.names.configMap,
        PeerService: this.names.peerService,
        ClientService: this.names.clientService,
        PodDisruptionBudget: this.names.podDisruptionBudget,
        StatefulSet: this.names.statefulSet,
        PersistentVolumeClaim: '',
      }[kind];
    return { kind: apiKind, namespace: this.namespace, name: objectName, action };
  }

  private write(key: string, action: string, title: string, params: Record<string, unknown> = {}): PlannedStep {
    return { key, action, title, params, timeoutSeconds: this.times.writeSeconds };
  }

  private wait(key: string, action: string, title: string, ordinal: number): PlannedStep {
    // The wait gives up with the pod's state after podReadySeconds; the engine's bound is later, so that reason is what fails the operation.
    return { key, action, title, node: this.member(ordinal), params: { ordinal }, timeoutSeconds: this.times.podReadySeconds + 30 };
  }

  private verify(replicas: number): PlannedStep {
    return {
      key: 'verify',
      action: STEP_ACTIONS.verifyReady,
      title: `Verify: ${replicas} members pass the Galera health rule and the StatefulSet is settled`,
      params: { replicas },
      timeoutSeconds: this.times.podReadySeconds + 30,
    };
  }

  private details(extra: Partial<PlanDetails> & { warnings?: string[] }): PlanDetails {
    return { ...extra, warnings: [...this.facts.readWarnings, ...(extra.warnings ?? [])] };
  }

  create(): Plan {
    const n = this.target.spec.replicas;
    const leftovers = this.facts.claims.filter((c) => range(0, n).some((i) => c === claimName(this.target.name, i)));
    const warnings: string[] = [];
    if (this.facts.statefulSet) warnings.push(`StatefulSet ${this.namespace}/${this.names.statefulSet} exists already: it is taken over and re-applied`);
    if (leftovers.length > 0) {
      warnings.push(
        `PersistentVolumeClaims ${leftovers.join(', ')} exist from an earlier cluster named ${this.target.name}: their members start with that data, and ${this.member(0)} does not bootstrap over existing data, so the create will wait for it and fail unless that data forms a cluster; delete the claims first for a new, empty cluster`,
      );
    }
    const steps: PlannedStep[] = [
      this.write('secret', STEP_ACTIONS.createSecret, `Create Secret ${this.names.secret} with a generated root password (kept if it exists)`),
      this.write('config', STEP_ACTIONS.applyConfig, `Apply ConfigMap ${this.names.configMap} (Galera configuration for ${n} members; bootstrap allowed)`, { replicas: n, bootstrap: true }),
      this.write('services', STEP_ACTIONS.applyServices, `Apply Services ${this.names.peerService} (headless, peers) and ${this.names.clientService} (clients, port 3306)`),
      this.write('pdb', STEP_ACTIONS.applyDisruptionBudget, `Apply PodDisruptionBudget ${this.names.podDisruptionBudget} (one member at a time)`),
      this.write('statefulset', STEP_ACTIONS.applyStatefulSet, `Apply StatefulSet ${this.names.statefulSet} with ${n} replicas (pods start in ordinal order)`, { replicas: n }),
      ...range(0, n).map((i) =>
        this.wait(
          `ready:${this.member(i)}`,
          STEP_ACTIONS.awaitPodReady,
          i === 0 ? `Wait for ${this.member(0)} to bootstrap the cluster and become Ready` : `Wait for ${this.member(i)} to join (state transfer) and become Ready`,
          i,
        ),
      ),
      this.verify(n),
      this.write('close-bootstrap', STEP_ACTIONS.applyConfig, `Close the bootstrap switch in ConfigMap ${this.names.configMap}: from now on every member start joins`, {
        replicas: n,
        bootstrap: false,
      }),
    ];
    return {
      summary: `Create Galera cluster ${this.target.name} as StatefulSet ${this.namespace}/${this.names.statefulSet} with ${n} members; ${this.member(0)} bootstraps`,
      steps,
      details: this.details({
        bootstrapNode: this.member(0),
        quorum: quorumChange(0, n),
        membersAfter: range(0, n).map((i) => this.member(i)),
        objects: [
          this.object('Secret', 'create-if-absent'),
          this.object('ConfigMap', 'apply'),
          this.object('PeerService', 'apply'),
          this.object('ClientService', 'apply'),
          this.object('PodDisruptionBudget', 'apply'),
          this.object('StatefulSet', 'apply'),
        ],
        warnings,
      }),
    };
  }

  scale(to: number): Plan {
    const from = this.currentReplicas();
    const warnings: string[] = [];
    const objects: ObjectLine[] = [this.object('ConfigMap', 'apply'), this.object('StatefulSet', `apply (replicas ${from} -> ${to})`)];
    let steps: PlannedStep[];
    if (to > from) {
      for (const i of range(from, to)) {
        const claim = claimName(this.target.name, i);
        const kept = this.facts.claims.includes(claim);
        objects.push(this.object('PersistentVolumeClaim', kept ? 'reuse' : 'create (by the StatefulSet controller)', claim));
        if (kept) warnings.push(`${this.member(i)} reuses ${claim} kept from an earlier scale-in: it rejoins from that data (IST when the donor's gcache covers the gap, else SST)`);
      }
      steps = [
        this.write('config', STEP_ACTIONS.applyConfig, `Apply ConfigMap ${this.names.configMap} (member list of ${to})`, { replicas: to, bootstrap: false }),
        this.write('statefulset', STEP_ACTIONS.applyStatefulSet, `Scale StatefulSet ${this.names.statefulSet} from ${from} to ${to} replicas`, { replicas: to }),
        ...range(from, to).map((i) => this.wait(`ready:${this.member(i)}`, STEP_ACTIONS.awaitPodReady, `Wait for ${this.member(i)} to join (state transfer) and become Ready`, i)),
        this.verify(to),
      ];
    } else if (to < from) {
      const removed = range(to, from).reverse();
      for (const i of removed) objects.push(this.object('PersistentVolumeClaim', 'keep', claimName(this.target.name, i)));
      steps = [
        this.write('statefulset', STEP_ACTIONS.applyStatefulSet, `Scale StatefulSet ${this.names.statefulSet} from ${from} to ${to} replicas (highest ordinal first)`, { replicas: to }),
        ...removed.map((i) => this.wait(`removed:${this.member(i)}`, STEP_ACTIONS.awaitPodRemoved, `Wait for ${this.member(i)} to leave the cluster and its pod to be removed (claim kept)`, i)),
        this.write('config', STEP_ACTIONS.applyConfig, `Apply ConfigMap ${this.names.configMap} (member list of ${to})`, { replicas: to, bootstrap: false }),
        this.verify(to),
      ];
    } else {
      steps = [
        this.write('config', STEP_ACTIONS.applyConfig, `Apply ConfigMap ${this.names.configMap} (member list of ${to})`, { replicas: to, bootstrap: false }),
        this.write('statefulset', STEP_ACTIONS.applyStatefulSet, `Apply StatefulSet ${this.names.statefulSet} with ${to} replicas`, { replicas: to }),
        this.verify(to),
      ];
    }
    return {
      summary: to === from ? `StatefulSet ${this.names.statefulSet} already runs ${to} members: re-apply and verify` : `Scale ${this.target.name} from ${from} to ${to} members`,
      steps,
      details: this.details({ quorum: quorumChange(from, to), membersAfter: range(0, to).map((i) => this.member(i)), objects, warnings }),
    };
  }

  private rollSteps(replicas: number): PlannedStep[] {
    // The StatefulSet replaces pods from the highest ordinal down, one at a time, each Ready (the Galera health rule) before the next.
    return range(0, replicas)
      .reverse()
      .map((i) => ({
        ...this.wait(`restarted:${this.member(i)}`, STEP_ACTIONS.awaitPodRestarted, `Wait for ${this.member(i)} to be replaced, rejoin and become Ready`, i),
        effect: 'restart' as const,
      }));
  }

  restart(): Plan {
    const replicas = this.currentReplicas();
    return {
      summary: `Rolling restart of ${this.target.name}: ${replicas} pods replaced one at a time, highest ordinal first`,
      steps: [
        this.write('restart', STEP_ACTIONS.rollingRestart, `Set ${RESTARTED_AT_ANNOTATION} on the pod template of StatefulSet ${this.names.statefulSet}`, { restartedAt: this.times.now }),
        ...this.rollSteps(replicas),
        this.verify(replicas),
      ],
      details: this.details({
        quorum: quorumChange(replicas, replicas),
        membersAfter: range(0, replicas).map((i) => this.member(i)),
        objects: [this.object('StatefulSet', `patch (template annotation ${RESTARTED_AT_ANNOTATION})`)],
        order: range(0, replicas)
          .reverse()
          .map((i) => this.member(i)),
      }),
    };
  }

  reconfigure(requested: Record<string, string | number | boolean>): Plan {
    const replicas = this.currentReplicas();
    const desired = validateParameters(this.target.spec.galera.parameters).parameters;
    const current = this.facts.configText === undefined ? [] : validateParameters(readGaleraConfig(this.facts.configText).parameters).parameters;
    const changes: ParameterChange[] = planParameterChanges(current, desired).changes;
    const hash = configHash({ clusterName: this.target.name, spec: this.target.spec, clusterDomain: this.times.clusterDomain });
    const liveHash = this.facts.statefulSet?.spec?.template?.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
    const rolls = liveHash !== hash;
    const warnings: string[] = [];
    if (rolls && changes.some((c) => c.apply === 'dynamic')) {
      warnings.push(
        `On Kubernetes every change applies by a rolling restart, dynamic ones too (${changes
          .filter((c) => c.apply === 'dynamic')
          .map((c) => c.name)
          .join(', ')}): the backend cannot run SET GLOBAL inside the pods (no exec)`,
      );
    }
    const steps: PlannedStep[] = [
      this.write('config', STEP_ACTIONS.applyConfig, `Apply ConfigMap ${this.names.configMap} with the new Galera configuration`, { replicas, bootstrap: false }),
      ...(rolls
        ? [this.write('statefulset', STEP_ACTIONS.applyStatefulSet, `Apply StatefulSet ${this.names.statefulSet} with config hash ${hash} (rolls the pods)`, { replicas }), ...this.rollSteps(replicas)]
        : []),
      this.verify(replicas),
    ];
    return {
      summary: rolls
        ? `Reconfigure ${this.target.name} (${Object.keys(requested).join(', ')}): new ConfigMap, then a rolling restart, highest ordinal first`
        : `Reconfigure ${this.target.name}: the configuration the pods run is unchanged; nothing restarts`,
      steps,
      details: this.details({
        quorum: quorumChange(replicas, replicas),
        membersAfter: range(0, replicas).map((i) => this.member(i)),
        objects: [this.object('ConfigMap', 'apply'), ...(rolls ? [this.object('StatefulSet', `apply (config hash ${liveHash ?? 'none'} -> ${hash})`)] : [])],
        parameterChanges: changes,
        warnings,
      }),
    };
  }

  delete(purge: boolean): Plan {
    const claims = [...this.facts.claims].sort();
    const warnings: string[] = [];
    if (!purge && claims.length > 0) {
      warnings.push(
        `PersistentVolumeClaims ${claims.join(', ')} and Secret ${this.names.secret} (the root password of that data) are kept; a new cluster named ${this.target.name} in ${this.namespace} would start from them. Delete with purge=true to remove them`,
      );
    }
    const del = (kind: ClusterObjectKind, name: string) =>
      this.write(`delete:${kind}`, STEP_ACTIONS.deleteObject, `Delete ${kind === 'PeerService' || kind === 'ClientService' ? 'Service' : kind} ${name}`, { kind });
    const steps: PlannedStep[] = [
      del('StatefulSet', this.names.statefulSet),
      {
        key: 'pods-removed',
        action: STEP_ACTIONS.awaitPodsRemoved,
        title: `Wait for the pods of ${this.names.statefulSet} to be removed`,
        params: {},
        timeoutSeconds: this.times.podReadySeconds + 30,
      },
      del('PodDisruptionBudget', this.names.podDisruptionBudget),
      del('ClientService', this.names.clientService),
      del('PeerService', this.names.peerService),
      del('ConfigMap', this.names.configMap),
      // The Secret holds the root password of the data in the claims: it goes only with them.
      ...(purge ? [del('Secret', this.names.secret)] : []),
      ...(purge
        ? [
            {
              key: 'delete-claims',
              action: STEP_ACTIONS.deleteClaims,
              title: `Delete the PersistentVolumeClaims of ${this.target.name} (purge: the data is lost)`,
              params: {},
              timeoutSeconds: this.times.podReadySeconds + 30,
            },
          ]
        : []),
    ];
    return {
      summary: `Delete cluster ${this.target.name} from ${this.namespace}; claims ${purge ? 'deleted (purge)' : 'kept'}`,
      steps,
      details: this.details({
        quorum: quorumChange(this.currentReplicas(), 0),
        membersAfter: [],
        objects: [
          this.object('StatefulSet', 'delete'),
          this.object('PodDisruptionBudget', 'delete'),
          this.object('ClientService', 'delete'),
          this.object('PeerService', 'delete'),
          this.object('ConfigMap', 'delete'),
          this.object('Secret', purge ? 'delete' : 'keep'),
          ...claims.map((c) => this.object('PersistentVolumeClaim', purge ? 'delete' : 'keep', c)),
        ],
        warnings,
      }),
    };
  }
}
