/**
 * Plans of the SSH backend, one function per change: ordered, persisted steps (data only, so a
 * resumed operation runs them again) and the details a person reads first. Pure: whatever a plan
 * needs from the hosts (evidence, running servers, current parameters) is read by the backend
 * and passed in. The Galera rules come from @galera-cp/galera.
 */
import { memberName, type ClusterTarget, type MemberRecord, type Plan, type PlannedStep, type RecoveryEvidenceRow } from '@galera-cp/backends';
import { DomainError } from '@galera-cp/core';
import {
  chooseDonor,
  compareNodeNames,
  nextOrdinal,
  orderRollingRestart,
  parseNodeState,
  planJoinTransfer,
  quorumChange,
  ZERO_UUID,
  type BootstrapDecision,
  type DonorCandidate,
  type JoinTransfer,
  type ParameterChangePlan,
  type SstMethod,
  type WsrepNodeState,
} from '@galera-cp/galera';
import type { HostRef } from './host-connections';
import { STARTUP_TIMEOUT_SECONDS } from './service-manager';
import { SSH_ACTIONS, sshStep } from './ssh-steps';

export { SSH_ACTIONS, type SshAction } from './ssh-steps';

/** Bound of a step that starts a server: the init system's own wait, plus room for the poll and the stop before a restart. */
const SERVER_STEP_TIMEOUT_SECONDS = STARTUP_TIMEOUT_SECONDS * 2 + 120;
/** Bound of a package installation (apt-get update + install on a slow mirror). */
const INSTALL_STEP_TIMEOUT_SECONDS = 1800;

/** Steps are built typed by their action (ssh-steps.ts), and persisted as the contract's PlannedStep. */
const step = sshStep;

/**
 * Galera: one node at a time, Synced before the next: the step after every start. After a join
 * that asked for another SST method than the configured one, the running server is set back to
 * the configured method, so nothing of the create's choice outlives the create.
 */
function syncedStep(ref: HostRef, restoreSstMethod?: SstMethod): PlannedStep {
  return step(
    `synced:${ref.node}`,
    SSH_ACTIONS.waitSynced,
    `Wait until ${ref.node} is Synced (state transfer done)${restoreSstMethod ? `; set its wsrep_sst_method back to ${restoreSstMethod}` : ''}`,
    { host: ref, ...(restoreSstMethod ? { restoreSstMethod } : {}) },
    ref.node,
    SERVER_STEP_TIMEOUT_SECONDS,
  );
}

/** The state transfer of each joiner, keyed by node name (a plan's `details.stateTransfer`). */
type StateTransfers = Record<string, JoinTransfer>;

/** A history name for positions the member records carry without their state UUID: a member's own history is the cluster's. */
const RECORDED_HISTORY = 'recorded-history';

/** Join title: which state transfer the plan expects. */
function joinTitle(ref: HostRef, transfer: JoinTransfer): string {
  return `Start ${ref.node}: it joins by ${transfer.kind === 'IST' ? 'IST (SST by ' + transfer.method + ' if Galera falls back)' : `SST (${transfer.method})`} from a donor`;
}

/** The members of a target as host references, in ordinal order. */
export function memberRefs(target: ClusterTarget): HostRef[] {
  return [...target.members].sort((a, b) => a.ordinal - b.ordinal).map((m) => ({ node: m.name, address: m.address, ordinal: m.ordinal }));
}

function names(refs: readonly HostRef[]): string[] {
  return refs.map((r) => r.node);
}

function addresses(refs: readonly HostRef[]): string[] {
  return refs.map((r) => r.address);
}

function stateOf(member: MemberRecord): WsrepNodeState {
  return parseNodeState(member.wsrepState);
}

/**
 * Donors as the plan expects them (each join re-chooses from the live states): existing members
 * as last observed, earlier joiners of this plan as Synced but just restarted (poor donors).
 */
function expectedDonors(existing: readonly DonorCandidate[], joiners: readonly HostRef[], transfers: StateTransfers): { donors: Record<string, string>; warnings: string[] } {
  const donors: Record<string, string> = {};
  const warnings: string[] = [];
  const members = [...existing];
  for (const joiner of joiners) {
    const choice = chooseDonor(members, joiner.node, { sstMethod: transfers[joiner.node]?.method });
    if (choice.ok) donors[joiner.node] = choice.donor;
    else warnings.push(`${joiner.node}: ${choice.message}; the join waits for a donor`);
    members.push({ name: joiner.node, nodeState: 'Synced', primary: true, recentlyRestarted: true });
  }
  return { donors, warnings };
}

/** `cluster.create`: preflight, install, configure, bootstrap the first member, join the others one at a time, verify. */
export function planCreate(target: ClusterTarget): Plan {
  const ssh = requireSsh(target);
  const refs = ssh.hosts.slice(0, target.spec.replicas).map((h, i) => ({ node: memberName(target.name, i), address: h.address, ordinal: i }));
  const [first, ...others] = refs;
  const sst = target.spec.galera.sstMethod;
  // Galera: a new cluster holds no data and serves no clients: its joins take the fastest SST.
  const stateTransfer: StateTransfers = Object.fromEntries(others.map((ref) => [ref.node, planJoinTransfer('new-cluster', sst, { joiner: {}, donor: { uuid: ZERO_UUID, lastCommitted: 0 } })]));
  const createMethods = [...new Set(Object.values(stateTransfer).map((t) => t.method))];
  const { donors, warnings } = expectedDonors([{ name: first.node, nodeState: 'Synced', primary: true, recentlyRestarted: true }], others, stateTransfer);
  if (sst === 'rsync') warnings.push('rsync SST blocks the donor for the whole transfer; later joins into the serving cluster block their donor too (mariabackup does not)');
  const how =
    createMethods.length === 0
      ? ''
      : createMethods.every((m) => m === sst)
        ? ` (${sst} state transfer)`
        : ` (${createMethods.join(', ')} state transfer while the cluster is new and empty; later joins use ${sst})`;
  return {
    summary: `Create ${refs.length} members on ${addresses(refs).join(', ')}: bootstrap ${first.node}, then join ${others.length} one at a time${how}`,
    details: { bootstrapNode: first.node, donors, stateTransfer, sstMethod: sst, quorum: quorumChange(0, refs.length), membersAfter: names(refs), warnings, hosts: refs },
    steps: [
      step('preflight', SSH_ACTIONS.preflight, `Check ${refs.length} hosts: host keys, clock skew, service manager, packages, ports, disk, memory, reachability`, {
        hosts: refs,
        members: [],
        register: true,
      }),
      step('install', SSH_ACTIONS.install, 'Install MariaDB and Galera where missing', { hosts: refs, sstMethods: [...new Set([sst, ...createMethods])] }, undefined, INSTALL_STEP_TIMEOUT_SECONDS),
      step('configure', SSH_ACTIONS.configure, `Write the Galera configuration (wsrep_sst_method ${sst}) and enable the service`, { hosts: refs, members: addresses(refs) }),
      step(`bootstrap:${first.node}`, SSH_ACTIONS.bootstrap, `Bootstrap ${first.node} (a new Primary component)`, { host: first, others, mode: 'create' }, first.node, SERVER_STEP_TIMEOUT_SECONDS),
      ...others.flatMap((ref, i) => {
        const transfer = stateTransfer[ref.node];
        return [
          step(`join:${ref.node}`, SSH_ACTIONS.join, joinTitle(ref, transfer), { host: ref, members: refs.slice(0, i + 1), sstMethod: transfer.method }, ref.node, SERVER_STEP_TIMEOUT_SECONDS),
          syncedStep(ref, transfer.method !== sst ? sst : undefined),
        ];
      }),
      step('verify', SSH_ACTIONS.verify, `Verify: every member Synced, wsrep_cluster_size ${refs.length}`, { hosts: refs }),
    ],
  };
}

/** The inventory hosts no member uses, in inventory order. */
export function unusedHosts(target: ClusterTarget): string[] {
  const used = new Set(target.members.map((m) => m.address));
  return requireSsh(target)
    .hosts.map((h) => h.address)
    .filter((a) => !used.has(a));
}

/**
 * `cluster.scale` out / `node.add`: preflight the new hosts (and reach the members), install,
 * configure the new members with the full member list, join them one at a time (donor chosen at
 * join time), then write the new member list into the existing members' files (no restart).
 * `rejoin` are members observed not running or not Synced (a join that failed, a host that
 * rebooted during its state transfer): they are checked, configured, started and joined like new
 * ones, before them; so a retry finishes what the first attempt left.
 */
export function planScaleOut(target: ClusterTarget, count: number, host?: string, rejoin: readonly string[] = []): Plan {
  const members = memberRefs(target);
  const lagging = members.filter((r) => rejoin.includes(r.node));
  const existing = members.filter((r) => !rejoin.includes(r.node));
  const free = count <= 0 ? [] : host ? [host] : unusedHosts(target).slice(0, count);
  if (free.length < count) {
    throw new DomainError('conflict', 'NOT_ENOUGH_HOSTS', `${count} more member(s) need ${count} unused host(s) in ssh.hosts; ${free.length} available`);
  }
  if (existing.length === 0 && members.length > 0) {
    throw new DomainError(
      'conflict',
      'NO_SYNCED_MEMBER',
      `no member is Synced in a Primary component (${names(lagging).join(', ')}): nothing to join; start the cluster (cluster.start) or recover it (cluster.recover) first`,
    );
  }
  const next = nextOrdinal(members.map((r) => r.ordinal));
  const added = free.map((address, i) => ({ node: memberName(target.name, next + i), address, ordinal: next + i }));
  const joiners = [...lagging, ...added];
  const all = [...members, ...added];
  const sst = target.spec.galera.sstMethod;
  const candidates: DonorCandidate[] = target.members.filter((m) => !rejoin.includes(m.name)).map((m) => ({ name: m.name, nodeState: stateOf(m), primary: stateOf(m) === 'Synced' }));
  // Galera: a join into a serving cluster keeps the configured (by default non-blocking) method.
  const lastCommitted = Math.max(0, ...target.members.filter((m) => !rejoin.includes(m.name)).map((m) => m.seqno ?? 0));
  const positionOf = (ref: HostRef) => {
    const seqno = target.members.find((m) => m.name === ref.node)?.seqno;
    return typeof seqno === 'number' && seqno >= 0 ? { uuid: RECORDED_HISTORY, seqno } : {};
  };
  const stateTransfer: StateTransfers = Object.fromEntries(
    joiners.map((ref) => [ref.node, planJoinTransfer('serving-cluster', sst, { joiner: positionOf(ref), donor: { uuid: RECORDED_HISTORY, lastCommitted } })]),
  );
  const { donors, warnings } = expectedDonors(candidates, joiners, stateTransfer);
  if (sst === 'rsync' && joiners.length > 0) warnings.push('rsync SST blocks the donor for the whole transfer; mariabackup does not');
  const what = [
    ...(lagging.length > 0 ? [`rejoin ${names(lagging).join(', ')} (not running or not Synced)`] : []),
    ...(added.length > 0 ? [`add ${added.map((r) => `${r.node} (${r.address})`).join(', ')}`] : []),
  ].join('; ');
  return {
    summary: `${what.charAt(0).toUpperCase()}${what.slice(1)}: ${members.length} -> ${all.length} members`,
    details: {
      donors,
      stateTransfer,
      sstMethod: sst,
      quorum: quorumChange(members.length, all.length),
      membersAfter: names(all),
      warnings,
      hosts: added,
      ...(lagging.length > 0 ? { rejoin: names(lagging) } : {}),
    },
    steps: [
      step('preflight', SSH_ACTIONS.preflight, `Check the ${lagging.length > 0 && added.length === 0 ? 'rejoining' : 'new'} host(s) and reach the ${existing.length} member(s)`, {
        hosts: joiners,
        members: existing,
        register: true,
      }),
      step('install', SSH_ACTIONS.install, 'Install MariaDB and Galera where missing', { hosts: joiners, sstMethods: [sst] }, undefined, INSTALL_STEP_TIMEOUT_SECONDS),
      step('configure', SSH_ACTIONS.configure, `Write the Galera configuration of ${names(joiners).join(', ')} with all ${all.length} members`, { hosts: joiners, members: addresses(all) }),
      ...joiners.flatMap((ref, i) => [
        step(
          `join:${ref.node}`,
          SSH_ACTIONS.join,
          joinTitle(ref, stateTransfer[ref.node]),
          { host: ref, members: [...existing, ...joiners.slice(0, i)], sstMethod: stateTransfer[ref.node].method },
          ref.node,
          SERVER_STEP_TIMEOUT_SECONDS,
        ),
        syncedStep(ref),
      ]),
      step('update-members', SSH_ACTIONS.updateMembers, `Write the member list into the configuration of ${names(existing).join(', ')} (file only, no restart)`, {
        hosts: existing,
        members: addresses(all),
      }),
      step('verify', SSH_ACTIONS.verify, `Verify: every member Synced, wsrep_cluster_size ${all.length}`, { hosts: all }),
    ],
  };
}

/** `cluster.scale` in / `node.remove`: clean stop of each removed member, one at a time, then the member list of the others. */
export function planScaleIn(target: ClusterTarget, remove: readonly string[]): Plan {
  const all = memberRefs(target);
  const removed = remove.map((name) => {
    const ref = all.find((r) => r.node === name);
    if (!ref) throw new DomainError('not_found', 'NODE_NOT_FOUND', `${name} is not a member`);
    return ref;
  });
  const remaining = all.filter((r) => !remove.includes(r.node));
  return {
    summary: `Remove ${names(removed).join(', ')}: ${all.length} -> ${remaining.length} members`,
    details: { quorum: quorumChange(all.length, remaining.length), membersAfter: names(remaining), warnings: [] },
    steps: [
      step('check-hosts', SSH_ACTIONS.checkHosts, `Reach every member (host keys, clock skew)`, { hosts: all }),
      // Each removal's quorum check counts the members still there (the earlier removals have left).
      ...removed.map((ref, i) =>
        step(
          `remove:${ref.node}`,
          SSH_ACTIONS.remove,
          `Stop ${ref.node} cleanly, disable its service, remove its Galera configuration (data kept)`,
          { host: ref, members: all.filter((m) => !names(removed.slice(0, i)).includes(m.node)) },
          ref.node,
          SERVER_STEP_TIMEOUT_SECONDS,
        ),
      ),
      step('update-members', SSH_ACTIONS.updateMembers, `Write the member list into the configuration of ${names(remaining).join(', ')} (file only, no restart)`, {
        hosts: remaining,
        members: addresses(remaining),
      }),
      step('verify', SSH_ACTIONS.verify, `Verify: every member Synced, wsrep_cluster_size ${remaining.length}`, { hosts: remaining }),
    ],
  };
}

/** `cluster.restart`: rolling, one member at a time, each Synced before the next (orderRollingRestart). */
export function planRestart(target: ClusterTarget): Plan {
  const refs = memberRefs(target);
  const order = orderRollingRestart(refs.map((r) => r.node));
  if (!order.ok) throw new DomainError('conflict', order.code, order.message);
  const ordered = order.order.map((name) => refs.find((r) => r.node === name) as HostRef);
  return {
    summary: `Rolling restart: ${order.message}`,
    details: { quorum: quorumChange(refs.length, refs.length), warnings: [], order: order.order },
    steps: [
      step('check-hosts', SSH_ACTIONS.checkHosts, 'Reach every member (host keys, clock skew)', { hosts: refs }),
      ...ordered.flatMap((ref) => [
        step(`restart:${ref.node}`, SSH_ACTIONS.restart, `Restart ${ref.node} (clean stop, start)`, { host: ref, members: refs }, ref.node, SERVER_STEP_TIMEOUT_SECONDS),
        syncedStep(ref),
      ]),
      step('verify', SSH_ACTIONS.verify, `Verify: every member Synced, wsrep_cluster_size ${refs.length}`, { hosts: refs }),
    ],
  };
}

/**
 * `cluster.stop`: clean stops one at a time; members already stopped first, then the running
 * ones in reverse name order, so the first member by name leaves last and Galera marks it
 * `safe_to_bootstrap: 1`. Services are disabled, so a reboot does not start a half cluster.
 */
export function planStop(target: ClusterTarget, running: ReadonlySet<string>): Plan {
  const refs = memberRefs(target);
  const byName = [...refs].sort((a, b) => compareNodeNames(a.node, b.node));
  const down = byName.filter((r) => !running.has(r.node));
  const up = byName.filter((r) => running.has(r.node)).reverse();
  const order = [...down, ...up];
  const last = (up[up.length - 1] ?? order[order.length - 1]) as HostRef;
  const warnings = down.length > 0 ? [`not running now: ${names(down).join(', ')}`] : [];
  return {
    summary: `Stop ${refs.length} members one at a time; ${last.node} stops last and keeps safe_to_bootstrap: 1`,
    details: { bootstrapNode: last.node, quorum: quorumChange(refs.length, 0), warnings, order: names(order) },
    steps: [
      step('check-hosts', SSH_ACTIONS.checkHosts, 'Reach every member (host keys, clock skew)', { hosts: refs }),
      ...order.map((ref) => step(`stop:${ref.node}`, SSH_ACTIONS.stop, `Stop ${ref.node} cleanly and disable its service`, { host: ref, disable: true }, ref.node, SERVER_STEP_TIMEOUT_SECONDS)),
    ],
  };
}

/** What a start or recovery plan knows about each member. */
export interface MemberEvidence {
  ref: HostRef;
  /** The evidence row shown in the plan. */
  row: RecoveryEvidenceRow;
  /** A server runs there (Primary or not). */
  running: boolean;
  /** It runs and is in a Primary component. */
  primary: boolean;
}

/** Turns a refused or waiting bootstrap decision into the answer of a plan. */
function refuseDecision(decision: BootstrapDecision, evidence: readonly RecoveryEvidenceRow[]): never {
  throw new DomainError('conflict', decision.code, decision.message, { extensions: { evidence, missing: decision.missing } });
}

/**
 * `cluster.start` of a stopped cluster: bootstrap the node chosen by chooseBootstrapNode (the
 * one whose grastate says safe_to_bootstrap: 1, else the most advanced), then start the others
 * one by one. When a member already runs in a Primary component, nothing bootstraps: the others
 * join it.
 */
export function planStart(target: ClusterTarget, evidence: readonly MemberEvidence[], decision: BootstrapDecision | undefined): Plan {
  const refs = memberRefs(target);
  const primary = evidence.find((e) => e.primary);
  const rows = evidence.map((e) => e.row);
  let first: HostRef;
  if (primary) first = primary.ref;
  else {
    if (!decision || decision.action !== 'bootstrap' || !decision.node) refuseDecision(decision as BootstrapDecision, rows);
    first = refs.find((r) => r.node === decision.node) as HostRef;
  }
  const others = refs.filter((r) => r.node !== first.node);
  return {
    summary: primary
      ? `${first.node} already runs in a Primary component: start the others one by one`
      : `Bootstrap ${first.node} (${decision?.message}), then start ${others.length} member(s) one by one`,
    details: { bootstrapNode: first.node, evidence: rows, quorum: quorumChange(0, refs.length), warnings: [] },
    steps: [
      step('check-hosts', SSH_ACTIONS.checkHosts, 'Reach every member (host keys, clock skew)', { hosts: refs }),
      step(
        `bootstrap:${first.node}`,
        SSH_ACTIONS.bootstrap,
        primary ? `${first.node} is already Primary` : `Bootstrap ${first.node}`,
        { host: first, others, mode: 'start', enable: true },
        first.node,
        SERVER_STEP_TIMEOUT_SECONDS,
      ),
      ...others.flatMap((ref, i) => [
        step(`start:${ref.node}`, SSH_ACTIONS.start, `Start ${ref.node}`, { host: ref, members: [first, ...others.slice(0, i)], enable: true }, ref.node, SERVER_STEP_TIMEOUT_SECONDS),
        syncedStep(ref),
      ]),
      step('verify', SSH_ACTIONS.verify, `Verify: every member Synced, wsrep_cluster_size ${refs.length}`, { hosts: refs }),
    ],
  };
}

/**
 * `cluster.recover` after a full crash: the evidence table and the node chooseBootstrapNode
 * picked; steps stop servers still running outside a Primary component, set
 * `safe_to_bootstrap: 1` on the chosen node only, bootstrap it, start the others one by one.
 * Refused (with the evidence) when a member is still Primary (not a full crash), or when the
 * decision waits for missing nodes or needs an operator. Approval is the control plane's rule
 * (the request's `approve`, the cluster's `policy.autoRecovery`), not the plan's.
 */
export function planRecover(target: ClusterTarget, evidence: readonly MemberEvidence[], decision: BootstrapDecision, acceptMissing: readonly string[]): Plan {
  const rows = evidence.map((e) => e.row);
  const primaries = evidence.filter((e) => e.primary);
  if (primaries.length > 0) {
    throw new DomainError(
      'conflict',
      'NOT_A_FULL_CRASH',
      `${names(primaries.map((p) => p.ref)).join(', ')} ${primaries.length === 1 ? 'is' : 'are'} still in a Primary component: this is not a full crash, and bootstrapping another node would split the cluster in two. Let the stopped members rejoin (they do when started), or stop the cluster first`,
      { extensions: { evidence: rows } },
    );
  }
  if (decision.action !== 'bootstrap' || !decision.node) refuseDecision(decision, rows);
  const chosen = evidence.find((e) => e.ref.node === decision.node) as MemberEvidence;
  const present = evidence.filter((e) => !acceptMissing.includes(e.ref.node) && e.row.reachable);
  const others = present.filter((e) => e.ref.node !== chosen.ref.node).map((e) => e.ref);
  const stuck = present.filter((e) => e.running).map((e) => e.ref);
  const refs = present.map((e) => e.ref);
  const warnings = acceptMissing.length > 0 ? [`recovering without ${acceptMissing.join(', ')} (accepted as missing): their transactions, if more advanced, are lost`] : [];
  return {
    summary: `Recover ${target.name} from a full crash: ${decision.message}; then start ${others.length} member(s) one by one`,
    // Whether an operator must approve is the control plane's call (approve: true, policy.autoRecovery).
    details: { bootstrapNode: chosen.ref.node, evidence: rows, decision: { code: decision.code, message: decision.message }, quorum: quorumChange(0, refs.length), warnings },
    steps: [
      step('check-hosts', SSH_ACTIONS.checkHosts, 'Reach every member that recovers (host keys, clock skew)', { hosts: refs }),
      ...stuck.map((ref) =>
        step(`stop:${ref.node}`, SSH_ACTIONS.stop, `Stop ${ref.node}, which runs outside any Primary component`, { host: ref, disable: false }, ref.node, SERVER_STEP_TIMEOUT_SECONDS),
      ),
      step(
        `safe-to-bootstrap:${chosen.ref.node}`,
        SSH_ACTIONS.setSafeToBootstrap,
        `Set safe_to_bootstrap: 1 in ${chosen.ref.node}'s grastate.dat (only there)`,
        { host: chosen.ref, position: decision.position ?? null },
        chosen.ref.node,
      ),
      step(
        `bootstrap:${chosen.ref.node}`,
        SSH_ACTIONS.bootstrap,
        `Bootstrap ${chosen.ref.node} from its position ${decision.position ? `${decision.position.uuid}:${decision.position.seqno}` : ''}`.trim(),
        { host: chosen.ref, others, mode: 'recover', enable: true },
        chosen.ref.node,
        SERVER_STEP_TIMEOUT_SECONDS,
      ),
      ...others.flatMap((ref, i) => [
        step(`start:${ref.node}`, SSH_ACTIONS.start, `Start ${ref.node}`, { host: ref, members: [chosen.ref, ...others.slice(0, i)], enable: true }, ref.node, SERVER_STEP_TIMEOUT_SECONDS),
        syncedStep(ref),
      ]),
      step('verify', SSH_ACTIONS.verify, `Verify: every recovered member Synced, wsrep_cluster_size ${refs.length}`, { hosts: refs }),
    ],
  };
}

/**
 * `cluster.reconfigure`: rewrite every member's configuration file first (so a crash keeps the
 * new values), apply dynamic parameters with `SET GLOBAL` on every member, and restart members
 * one at a time when a parameter needs it.
 */
export function planReconfigure(target: ClusterTarget, changes: ParameterChangePlan, notes: readonly string[] = []): Plan {
  const refs = memberRefs(target);
  const statements = changes.changes.filter((c) => c.apply === 'dynamic' && c.statement).map((c) => c.statement as string);
  const restart = changes.changes.filter((c) => c.apply === 'restart');
  const order = orderRollingRestart(refs.map((r) => r.node));
  const ordered = order.ok ? order.order.map((name) => refs.find((r) => r.node === name) as HostRef) : refs;
  const describe = (c: ParameterChangePlan['changes'][number]) => `${c.name}: ${c.from ?? '(default)'} -> ${c.to ?? '(default)'}`;
  return {
    summary:
      changes.changes.length === 0
        ? 'No parameter changes: the configuration files are rewritten only if they differ'
        : `Change ${changes.changes.map(describe).join(', ')}${changes.restartRequired ? `; rolling restart for ${restart.map((c) => c.name).join(', ')}` : ' at once (SET GLOBAL), no restart'}`,
    details: { changes: changes.changes, restartRequired: changes.restartRequired, quorum: quorumChange(refs.length, refs.length), warnings: [...notes] },
    steps: [
      step('check-hosts', SSH_ACTIONS.checkHosts, 'Reach every member (host keys, clock skew)', { hosts: refs }),
      step('configure', SSH_ACTIONS.configure, 'Write the new configuration file on every member', { hosts: refs, members: addresses(refs), enable: false }),
      ...(statements.length > 0 ? [step('apply-parameters', SSH_ACTIONS.applyParameters, `Apply at once on every member: ${statements.join('; ')}`, { hosts: refs, statements })] : []),
      ...(changes.restartRequired
        ? ordered.flatMap((ref) => [
            step(`restart:${ref.node}`, SSH_ACTIONS.restart, `Restart ${ref.node} for ${restart.map((c) => c.name).join(', ')}`, { host: ref, members: refs }, ref.node, SERVER_STEP_TIMEOUT_SECONDS),
            syncedStep(ref),
          ])
        : []),
      step('verify', SSH_ACTIONS.verify, `Verify: every member Synced, wsrep_cluster_size ${refs.length}`, { hosts: refs }),
    ],
  };
}

/** `cluster.delete`: stop and disable every member's service and remove the Galera configuration; empty the datadirs only with `purge`. */
export function planDelete(target: ClusterTarget, purge: boolean): Plan {
  const refs = [...memberRefs(target)].sort((a, b) => compareNodeNames(b.node, a.node));
  if (refs.length === 0) {
    return {
      summary: 'No member was ever configured on the hosts: nothing to stop or remove',
      details: { warnings: [] },
      steps: [step('nothing-to-do', SSH_ACTIONS.nothingToDo, 'Nothing to clean up on the hosts', {})],
    };
  }
  return {
    summary: `Stop and remove ${refs.length} members one at a time${purge ? ' and empty their data directories' : '; their data directories are kept'}`,
    details: { quorum: quorumChange(refs.length, 0), warnings: purge ? ["purge: every member's data directory is emptied; the data is gone"] : [] },
    steps: [
      step('check-hosts', SSH_ACTIONS.checkHosts, 'Reach every member (host keys, clock skew)', { hosts: refs }),
      ...refs.map((ref) =>
        step(
          `decommission:${ref.node}`,
          SSH_ACTIONS.decommission,
          `Stop ${ref.node}, disable its service, remove its Galera configuration${purge ? ', empty its data directory' : ''}`,
          { host: ref, purge },
          ref.node,
          SERVER_STEP_TIMEOUT_SECONDS,
        ),
      ),
    ],
  };
}

function requireSsh(target: ClusterTarget): NonNullable<ClusterTarget['spec']['ssh']> {
  if (!target.spec.ssh) throw new DomainError('invalid', 'SSH_SPEC_INVALID', 'an ssh cluster needs the ssh section');
  return target.spec.ssh;
}
