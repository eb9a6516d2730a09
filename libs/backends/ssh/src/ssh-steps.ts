/**
 * The SSH backend's step vocabulary, typed: each action with its parameters, as a discriminated
 * union that ssh-plans.ts builds and the executors in galera-steps.ts read. At the contract
 * boundary a step is a PlannedStep whose params are a plain record (persisted as JSON);
 * {@link toSshStep} turns one back into an {@link SshStep}, refusing an unknown action or bad
 * parameters with STEP_INVALID, since a plan persisted by an older version may be resumed.
 */
import { BackendError, type PlannedStep, type StepEffect } from '@galera-cp/backends';
import type { SstMethod } from '@galera-cp/galera';
import type { HostRef } from './host-connections';

/** The verbs of the SSH backend's steps. */
export const SSH_ACTIONS = {
  preflight: 'ssh.preflight',
  checkHosts: 'ssh.check-hosts',
  install: 'ssh.install-packages',
  configure: 'ssh.configure',
  bootstrap: 'ssh.bootstrap-node',
  join: 'ssh.join-node',
  start: 'ssh.start-node',
  restart: 'ssh.restart-node',
  waitSynced: 'ssh.wait-synced',
  stop: 'ssh.stop-node',
  remove: 'ssh.remove-node',
  updateMembers: 'ssh.update-members',
  setSafeToBootstrap: 'ssh.set-safe-to-bootstrap',
  applyParameters: 'ssh.apply-parameters',
  decommission: 'ssh.decommission-node',
  verify: 'ssh.verify',
  nothingToDo: 'ssh.nothing-to-do',
} as const;

/** One step verb. */
export type SshAction = (typeof SSH_ACTIONS)[keyof typeof SSH_ACTIONS];

/** Why a bootstrap runs: a new cluster, the start of a stopped one, a full-crash recovery. */
export type BootstrapMode = 'create' | 'start' | 'recover';

/** Parameters of a start that joins the Primary component (`ssh.join-node`, `ssh.start-node`). */
export interface JoinParams {
  host: HostRef;
  /** Members that may donate (the live donor choice is made among them). */
  members: HostRef[];
  /** The SST method this join asks for (the plan's stateTransfer); absent: the option file's. */
  sstMethod?: SstMethod;
  /** Enable the service first (start, recover). */
  enable?: boolean;
}

/** The parameters of each action. Optional fields are the ones older plans may lack. */
export interface SshStepParams {
  'ssh.preflight': { hosts: HostRef[]; members: HostRef[]; register: boolean };
  'ssh.check-hosts': { hosts: HostRef[] };
  /** `sstMethods`: every SST method the plan's joins use (absent: the spec's). */
  'ssh.install-packages': { hosts: HostRef[]; sstMethods?: SstMethod[] };
  /** `members`: the addresses of the `gcomm://` list; `enable: false` leaves the service as it is. */
  'ssh.configure': { hosts: HostRef[]; members: string[]; enable?: boolean };
  'ssh.bootstrap-node': { host: HostRef; others: HostRef[]; mode: BootstrapMode; enable?: boolean };
  'ssh.join-node': JoinParams;
  'ssh.start-node': JoinParams;
  'ssh.restart-node': { host: HostRef; members: HostRef[] };
  /** `restoreSstMethod`: set the running server's wsrep_sst_method back to it once Synced. */
  'ssh.wait-synced': { host: HostRef; restoreSstMethod?: SstMethod };
  'ssh.stop-node': { host: HostRef; disable?: boolean };
  'ssh.remove-node': { host: HostRef; members: HostRef[] };
  'ssh.update-members': { hosts: HostRef[]; members: string[] };
  /** `position`: the recovered position the plan chose it by (shown, not used). */
  'ssh.set-safe-to-bootstrap': { host: HostRef; position?: { uuid: string; seqno: number } | null };
  'ssh.apply-parameters': { hosts: HostRef[]; statements: string[] };
  'ssh.decommission-node': { host: HostRef; purge?: boolean };
  'ssh.verify': { hosts: HostRef[] };
  'ssh.nothing-to-do': Record<string, never>;
}

/** A step of one action, with its typed parameters. */
export type SshStepOf<A extends SshAction> = Omit<PlannedStep, 'action' | 'params'> & { action: A; params: SshStepParams[A] };

/** Any SSH step: discriminated by `action`. */
export type SshStep = { [A in SshAction]: SshStepOf<A> }[SshAction];

/** Builds a step (typed by its action) as the contract persists it. */
export function sshStep<A extends SshAction>(key: string, action: A, title: string, params: SshStepParams[A], node?: string, timeoutSeconds?: number): PlannedStep {
  const effect = EFFECT_OF_ACTION[action];
  return { key, action, title, params: params as Record<string, unknown>, ...(node ? { node } : {}), ...(timeoutSeconds ? { timeoutSeconds } : {}), ...(effect ? { effect } : {}) };
}

/** What each verb does to its member's server: declared with the step, read by the operation's typed result. */
const EFFECT_OF_ACTION: Partial<Record<SshAction, StepEffect>> = {
  [SSH_ACTIONS.bootstrap]: 'bootstrap',
  [SSH_ACTIONS.join]: 'start',
  [SSH_ACTIONS.start]: 'start',
  [SSH_ACTIONS.restart]: 'restart',
  [SSH_ACTIONS.stop]: 'stop',
};

// ---- narrowing a persisted step ----

/** A parameter that is not what the action needs. */
class ParamError extends Error {}

type Reader<T> = (value: unknown, name: string) => T;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const hostRef: Reader<HostRef> = (v, name) => {
  if (!isRecord(v) || typeof v.node !== 'string' || typeof v.address !== 'string' || !Number.isInteger(v.ordinal)) {
    throw new ParamError(`${name} must be a host reference {node, address, ordinal}`);
  }
  return { node: v.node, address: v.address, ordinal: v.ordinal as number };
};

const text: Reader<string> = (v, name) => {
  if (typeof v !== 'string') throw new ParamError(`${name} must be a string`);
  return v;
};

const flag: Reader<boolean> = (v, name) => {
  if (typeof v !== 'boolean') throw new ParamError(`${name} must be true or false`);
  return v;
};

const sstMethod: Reader<SstMethod> = (v, name) => {
  if (v !== 'rsync' && v !== 'mariabackup') throw new ParamError(`${name} must be rsync or mariabackup`);
  return v;
};

const mode: Reader<BootstrapMode> = (v, name) => {
  if (v !== 'create' && v !== 'start' && v !== 'recover') throw new ParamError(`${name} must be create, start or recover`);
  return v;
};

const position: Reader<{ uuid: string; seqno: number } | null> = (v, name) => {
  if (v === null) return null;
  if (!isRecord(v) || typeof v.uuid !== 'string' || typeof v.seqno !== 'number') throw new ParamError(`${name} must be {uuid, seqno} or null`);
  return { uuid: v.uuid, seqno: v.seqno };
};

function list<T>(item: Reader<T>): Reader<T[]> {
  return (v, name) => {
    if (!Array.isArray(v)) throw new ParamError(`${name} must be a list`);
    return v.map((x, i) => item(x, `${name}[${i}]`));
  };
}

/** Reads a required parameter. */
function need<T>(params: Record<string, unknown>, name: string, read: Reader<T>): T {
  if (params[name] === undefined) throw new ParamError(`it has no parameter ${name}`);
  return read(params[name], name);
}

/** Reads an optional parameter: present only when the record has it. */
function may<K extends string, T>(params: Record<string, unknown>, name: K, read: Reader<T>): { [P in K]?: T } {
  return (params[name] === undefined ? {} : { [name]: read(params[name], name) }) as { [P in K]?: T };
}

const hosts = (p: Record<string, unknown>) => need(p, 'hosts', list(hostRef));
const host = (p: Record<string, unknown>) => need(p, 'host', hostRef);

function join(p: Record<string, unknown>): JoinParams {
  return { host: host(p), members: need(p, 'members', list(hostRef)), ...may(p, 'sstMethod', sstMethod), ...may(p, 'enable', flag) };
}

/** How each action's parameters are read from a persisted record. */
const READERS: { [A in SshAction]: (p: Record<string, unknown>) => SshStepParams[A] } = {
  'ssh.preflight': (p) => ({ hosts: hosts(p), members: p.members === undefined ? [] : need(p, 'members', list(hostRef)), register: p.register === undefined ? false : need(p, 'register', flag) }),
  'ssh.check-hosts': (p) => ({ hosts: hosts(p) }),
  'ssh.install-packages': (p) => ({ hosts: hosts(p), ...may(p, 'sstMethods', list(sstMethod)) }),
  'ssh.configure': (p) => ({ hosts: hosts(p), members: need(p, 'members', list(text)), ...may(p, 'enable', flag) }),
  'ssh.bootstrap-node': (p) => ({ host: host(p), others: need(p, 'others', list(hostRef)), mode: need(p, 'mode', mode), ...may(p, 'enable', flag) }),
  'ssh.join-node': join,
  'ssh.start-node': join,
  'ssh.restart-node': (p) => ({ host: host(p), members: need(p, 'members', list(hostRef)) }),
  'ssh.wait-synced': (p) => ({ host: host(p), ...may(p, 'restoreSstMethod', sstMethod) }),
  'ssh.stop-node': (p) => ({ host: host(p), ...may(p, 'disable', flag) }),
  'ssh.remove-node': (p) => ({ host: host(p), members: need(p, 'members', list(hostRef)) }),
  'ssh.update-members': (p) => ({ hosts: hosts(p), members: need(p, 'members', list(text)) }),
  'ssh.set-safe-to-bootstrap': (p) => ({ host: host(p), ...may(p, 'position', position) }),
  'ssh.apply-parameters': (p) => ({ hosts: hosts(p), statements: need(p, 'statements', list(text)) }),
  'ssh.decommission-node': (p) => ({ host: host(p), ...may(p, 'purge', flag) }),
  'ssh.verify': (p) => ({ hosts: hosts(p) }),
  'ssh.nothing-to-do': () => ({}),
};

/** Whether a string is one of the SSH backend's actions. */
export function isSshAction(action: string): action is SshAction {
  return Object.prototype.hasOwnProperty.call(READERS, action);
}

/**
 * Narrows a persisted step to an {@link SshStep}: its action must be an SSH action and its
 * parameters what that action needs (extra parameters are ignored). Throws STEP_INVALID naming
 * the step and the problem otherwise.
 */
export function toSshStep(step: PlannedStep): SshStep {
  if (!isSshAction(step.action)) throw new BackendError('STEP_INVALID', `the SSH backend has no step ${step.action}`);
  const params = isRecord(step.params) ? step.params : {};
  try {
    const read = READERS[step.action] as (p: Record<string, unknown>) => SshStepParams[SshAction];
    return { ...step, action: step.action, params: read(params) } as SshStep;
  } catch (error) {
    if (!(error instanceof ParamError)) throw error;
    throw new BackendError('STEP_INVALID', `step ${step.key} (${step.action}): ${error.message}`, { details: { key: step.key, action: step.action } });
  }
}
