import {
  BackendCapabilities,
  BackendError,
  ClusterBackend,
  ClusterChange,
  ClusterSpec,
  ClusterSpecDraft,
  ClusterTarget,
  CredentialReference,
  memberName,
  MemberRecord,
  ObservedCluster,
  Plan,
  PlannedStep,
  StepContext,
  StepEffect,
  StepResult,
  SshHostSpec,
} from '@galera-cp/backends';
import { addSshMember, checkSshInventory, SSH_AUDITED_FAILURES, sshCredentialOf, sshSpecDefaults } from '@galera-cp/backend-ssh';
import { kubernetesCredentialOf, kubernetesSpecDefaults } from '@galera-cp/backend-kubernetes/spec';
import { DomainError, type FieldError } from '@galera-cp/core';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Behaviour of one cluster in the simulated infrastructure, set by a test. */
export interface ClusterScript {
  /** How long each step takes (abortable). */
  stepDelayMs?: number;
  /** Fail this step key... */
  failStep?: string;
  /** ...this many times (then succeed); Infinity = always. */
  failTimes?: number;
  failCode?: string;
  retryable?: boolean;
  /** Members observed unhealthy (names). */
  unhealthy?: string[];
  /** How long planning takes (a dry run answers after it). */
  planDelayMs?: number;
  /** A scale-out first registers its new members as Pending (a `register` step), as the SSH preflight does. */
  registerPending?: boolean;
}

/**
 * Files of the simulated infrastructure. Shared by every process that loads the backend with the
 * same directory (the SIGKILL test runs a worker in another process).
 */
export class DeterministicInfrastructure {
  constructor(readonly dir: string) {
    for (const sub of ['scripts', 'markers', 'running']) mkdirSync(join(dir, sub), { recursive: true });
  }

  script(cluster: string, script: ClusterScript): void {
    writeFileSync(join(this.dir, 'scripts', `${cluster}.json`), JSON.stringify(script));
  }

  scriptOf(cluster: string): ClusterScript {
    const path = join(this.dir, 'scripts', `${cluster}.json`);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ClusterScript) : {};
  }

  /** Every effect applied, in order: `<operation>:<step>` per line. */
  effects(cluster: string): string[] {
    const path = join(this.dir, `effects-${cluster}.log`);
    return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
  }

  /** Step executions that overlapped another operation's on the same cluster. */
  violations(): string[] {
    const path = join(this.dir, 'violations.log');
    return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
  }

  /** Step executions, in order: `<start ms> <end ms> <cluster> <operation> <step> <pid>`. */
  executions(): { start: number; end: number; cluster: string; operation: string; step: string; pid: number }[] {
    const path = join(this.dir, 'executions.log');
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [start, end, cluster, operation, step, pid] = line.split(' ');
        return { start: Number(start), end: Number(end), cluster, operation, step, pid: Number(pid) };
      });
  }

  attempts(cluster: string, step: string): number {
    const path = join(this.dir, 'markers', `${cluster}.attempts.${step}`);
    return existsSync(path) ? Number(readFileSync(path, 'utf8')) : 0;
  }

  bumpAttempts(cluster: string, step: string): number {
    const n = this.attempts(cluster, step) + 1;
    writeFileSync(join(this.dir, 'markers', `${cluster}.attempts.${step}`), String(n));
    return n;
  }

  /** Applies an effect once: a marker records it, so a re-run of the step changes nothing. */
  applyOnce(cluster: string, operation: string, step: string): boolean {
    const marker = join(this.dir, 'markers', `${cluster}.${operation}.${step}`);
    if (existsSync(marker)) return false;
    appendFileSync(join(this.dir, `effects-${cluster}.log`), `${operation}:${step}\n`);
    writeFileSync(marker, '');
    return true;
  }

  /** Marks a step of `operation` as executing on `cluster`; records a violation if another operation is. */
  enter(cluster: string, operation: string): void {
    const path = join(this.dir, 'running', cluster);
    if (existsSync(path)) {
      const [other, pid] = readFileSync(path, 'utf8').split(' ');
      if (other !== operation && processAlive(Number(pid))) appendFileSync(join(this.dir, 'violations.log'), `${cluster} ${other} ${operation}\n`);
    }
    writeFileSync(path, `${operation} ${process.pid}`);
  }

  leave(cluster: string, operation: string, record: { start: number; step: string }): void {
    appendFileSync(join(this.dir, 'executions.log'), `${record.start} ${Date.now()} ${cluster} ${operation} ${record.step} ${process.pid}\n`);
    const path = join(this.dir, 'running', cluster);
    if (existsSync(path) && readFileSync(path, 'utf8').startsWith(`${operation} `)) rmSync(path, { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** What each step verb does to its member's server, as the real plans declare it. */
const EFFECT_OF_VERB: Record<string, StepEffect | undefined> = { bootstrap: 'bootstrap', join: 'start', start: 'start', restart: 'restart', stop: 'stop' };

function addressOf(spec: ClusterSpec, ordinal: number, name: string): string {
  return spec.ssh?.hosts[ordinal]?.address ?? `${name}.${spec.kubernetes?.namespace ?? 'default'}.svc`;
}

/**
 * A deterministic backend for the engine's tests only (never reachable through the product):
 * plans from the change alone, executes steps as idempotent file effects, observes members as
 * Synced unless a script says otherwise.
 */
export class DeterministicBackend implements ClusterBackend {
  readonly kind = 'ssh' as const;
  readonly capabilities: BackendCapabilities = { recover: true, removeAnyMember: true, providesHosts: false };

  readonly auditedFailures = SSH_AUDITED_FAILURES;

  constructor(readonly infrastructure: DeterministicInfrastructure) {}

  // It stands in for either backend: the spec rules are the real backends' by the spec's kind
  // (for SSH specs the inventory's rules only, so that tests need no real fingerprints).
  validateSpec(spec: ClusterSpec): FieldError[] {
    return spec.backend === 'ssh' ? checkSshInventory(spec) : [];
  }

  specDefaults(draft: ClusterSpecDraft): Partial<Pick<ClusterSpec, 'ssh' | 'kubernetes'>> & { replicas: number } {
    return draft.backend === 'ssh' ? sshSpecDefaults(draft) : kubernetesSpecDefaults(draft);
  }

  credentialOf(spec: ClusterSpec): CredentialReference | undefined {
    return spec.backend === 'ssh' ? sshCredentialOf(spec) : kubernetesCredentialOf(spec);
  }

  addMember(spec: ClusterSpec, request: { host?: SshHostSpec }, members: readonly MemberRecord[]): ClusterSpec {
    if (spec.backend === 'ssh') return addSshMember(spec, request, members);
    if (request.host)
      throw new DomainError('invalid', 'VALIDATION_FAILED', `/host: a ${spec.backend} cluster provides its own members; leave host out`, {
        errors: [{ pointer: '/host', detail: `a ${spec.backend} cluster provides its own members; leave host out` }],
      });
    return spec;
  }

  async observe(target: ClusterTarget): Promise<ObservedCluster> {
    const script = this.infrastructure.scriptOf(target.name);
    const members = target.members.map((m) => {
      const healthy = !(script.unhealthy ?? []).includes(m.name);
      return {
        name: m.name,
        address: m.address,
        reachable: healthy,
        healthy,
        wsrepState: healthy ? 'Synced' : undefined,
        clusterSize: target.members.length,
        clusterStatus: 'Primary',
        wsrep: { wsrep_cluster_size: String(target.members.length), wsrep_local_state_comment: 'Synced', wsrep_cluster_status: 'Primary', wsrep_ready: 'ON', wsrep_connected: 'ON' },
      };
    });
    const healthy = members.filter((m) => m.healthy).length;
    const condition = healthy === 0 ? 'Down' : healthy === target.spec.replicas && members.length === target.spec.replicas ? 'Ready' : 'Degraded';
    return { members, condition, reason: `${healthy} of ${target.spec.replicas} members healthy` };
  }

  async plan(target: ClusterTarget, change: ClusterChange): Promise<Plan> {
    const delay = this.infrastructure.scriptOf(target.name).planDelayMs;
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const step = (key: string, title: string, node?: string, params: Record<string, unknown> = {}): PlannedStep => {
      const effect = EFFECT_OF_VERB[key.split(':')[0]];
      return { key, action: `test.${key.split(':')[0]}`, title, ...(node ? { node } : {}), params, ...(effect ? { effect } : {}) };
    };
    const names = target.members.map((m) => m.name);
    switch (change.type) {
      case 'cluster.create': {
        const members = Array.from({ length: target.spec.replicas }, (_, i) => memberName(target.name, i));
        return {
          summary: `Create ${members.length} members`,
          details: { bootstrapNode: members[0], warnings: [], membersAfter: members },
          steps: [
            step('preflight', 'Check hosts'),
            ...members.map((m, i) => step(`${i === 0 ? 'bootstrap' : 'join'}:${m}`, `${i === 0 ? 'Bootstrap' : 'Join'} ${m}`, m, { ordinal: i })),
            step('verify', 'Verify'),
          ],
        };
      }
      case 'cluster.scale':
      case 'node.add':
      case 'node.remove': {
        const desired = change.type === 'cluster.scale' ? change.replicas : change.type === 'node.add' ? names.length + 1 : names.length - 1;
        const steps: PlannedStep[] = [];
        const joiners = Array.from({ length: Math.max(0, desired - names.length) }, (_, i) => names.length + i);
        if (joiners.length > 0 && this.infrastructure.scriptOf(target.name).registerPending) steps.push(step('register', 'Register the new members', undefined, { ordinals: joiners }));
        if (change.type === 'node.remove') steps.push(step(`remove:${change.node}`, `Remove ${change.node}`, change.node));
        for (let i = names.length; i < desired; i += 1) steps.push(step(`join:${memberName(target.name, i)}`, `Join ${memberName(target.name, i)}`, memberName(target.name, i), { ordinal: i }));
        if (change.type !== 'node.remove')
          for (const m of [...target.members].sort((a, b) => b.ordinal - a.ordinal).slice(0, Math.max(0, names.length - desired))) steps.push(step(`remove:${m.name}`, `Remove ${m.name}`, m.name));
        return {
          summary: `From ${names.length} to ${desired} members`,
          details: { warnings: [], quorum: { before: names.length, after: desired, quorumBefore: Math.floor(names.length / 2) + 1, quorumAfter: Math.floor(desired / 2) + 1 } },
          steps,
        };
      }
      case 'cluster.restart':
        return { summary: 'Rolling restart', details: { warnings: [] }, steps: names.map((m) => step(`restart:${m}`, `Restart ${m}`, m)) };
      case 'cluster.recover':
        return {
          summary: 'Recover from a full crash',
          details: {
            warnings: [],
            bootstrapNode: names[0],
            evidence: names.map((n, i) => ({ node: n, reachable: true, uuid: 'u', seqno: 10 - i, safeToBootstrap: false, source: 'test', eligible: true, reason: 'test' })),
          },
          steps: [step(`bootstrap:${names[0]}`, `Bootstrap ${names[0]}`, names[0]), ...names.slice(1).map((m) => step(`start:${m}`, `Start ${m}`, m))],
          requiresApproval: false,
        };
      default:
        return { summary: change.type, details: { warnings: [] }, steps: [step(change.type.split('.')[1], change.type)] };
    }
  }

  async executeStep(target: ClusterTarget, step: PlannedStep, context: StepContext): Promise<StepResult> {
    const infra = this.infrastructure;
    const script = infra.scriptOf(target.name);
    const start = Date.now();
    infra.enter(target.name, context.operationId);
    try {
      context.log(`executing ${step.key} (attempt ${context.attempt})`);
      await sleep(script.stepDelayMs ?? 20, context.signal);
      if (script.failStep === step.key) {
        const n = infra.bumpAttempts(target.name, step.key);
        if (n <= (script.failTimes ?? Infinity))
          throw new BackendError(script.failCode ?? 'TEST_STEP_FAILED', `scripted failure of ${step.key} (${n})`, { retryable: script.retryable ?? false, node: step.node });
      }
      infra.applyOnce(target.name, context.operationId, step.key);
      return { output: { applied: step.key }, members: this.memberChanges(target, step) };
    } finally {
      infra.leave(target.name, context.operationId, { start, step: step.key });
    }
  }

  private memberChanges(target: ClusterTarget, step: PlannedStep): StepResult['members'] {
    const [verb] = step.key.split(':');
    if (verb === 'register') {
      return (step.params.ordinals as number[]).map((ordinal) => {
        const name = memberName(target.name, ordinal);
        return { op: 'upsert' as const, member: { name, ordinal, address: addressOf(target.spec, ordinal, name), role: 'member' as const, phase: 'Pending', wsrepState: 'Unknown', healthy: false } };
      });
    }
    if (!step.node) return verb === 'delete' ? target.members.map((m) => ({ op: 'remove' as const, name: m.name })) : [];
    if (verb === 'remove') return [{ op: 'remove', name: step.node }];
    if (verb === 'bootstrap' || verb === 'join') {
      const ordinal = Number(step.params.ordinal ?? target.members.length);
      const member: MemberRecord & { healthy: boolean } = {
        name: step.node,
        ordinal,
        address: addressOf(target.spec, ordinal, step.node),
        role: 'member',
        phase: 'Member',
        wsrepState: 'Synced',
        seqno: 0,
        healthy: true,
      };
      return [{ op: 'upsert', member }];
    }
    return [];
  }
}
