/**
 * Full-crash recovery: reading recovered positions, choosing the one node that may bootstrap, and
 * telling when pc.recovery can restore the cluster without a bootstrap.
 */
import { ZERO_UUID, isGaleraUuid, type Grastate, type Gvwstate } from './grastate';
import { compareNodeNames } from './node-names';
import type { ParseResult } from './problems';

/** A node's position as `mariadbd --wsrep-recover` or `galera_recovery` reported it. */
export interface RecoveredPosition {
  /** The cluster history (state UUID). */
  uuid: string;
  /** Last committed seqno; -1 when nothing was recovered. */
  seqno: number;
  /** MariaDB GTID (`domain-server-seqno`) printed beside the position, when present. */
  gtid?: string;
  /** Which output form it was read from. */
  format: 'wsrep-recover-log' | 'galera-recovery' | 'plain';
}

const LOG_LINE = /WSREP: Recovered position(:?)\s+(\S+)/;
const START_POSITION = /--wsrep[-_]start[-_]position=(\S+)/i;
const PLAIN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:\S+)/i;

/**
 * Reads a recovered position from:
 * - the error log of `mariadbd --wsrep-recover`: `... [Note] WSREP: Recovered position: <uuid>:<seqno>`,
 *   with MariaDB's GTID before or after the seqno when present (`<uuid>:<seqno>,<d-s-n>` or
 *   `<uuid>:<d-s-n>,<seqno>`);
 * - `galera_recovery`: stdout `--wsrep_start_position=<uuid>:<seqno>` (or
 *   `_WSREP_START_POSITION=--wsrep_start_position=...` under systemd), stderr
 *   `WSREP: Recovered position <uuid>:<seqno>`;
 * - a plain `<uuid>:<seqno>` at the start of a line, possibly followed by other text.
 * When several positions appear (repeated runs), the last one wins.
 */
export function parseRecoveredPosition(output: string): ParseResult<RecoveredPosition> {
  let found: { token: string; format: RecoveredPosition['format'] } | undefined;
  let failure: string | undefined;
  let skipped = false;
  for (const line of output.split(/\r?\n/)) {
    const log = LOG_LINE.exec(line);
    const start = START_POSITION.exec(line);
    const plain = PLAIN.exec(line.trim());
    if (log) found = { token: log[2], format: log[1] === ':' ? 'wsrep-recover-log' : 'galera-recovery' };
    else if (start) found = { token: start[1], format: 'galera-recovery' };
    else if (plain) found = { token: plain[1], format: 'plain' };
    else if (/WSREP: Failed to (recover position|start mysqld for wsrep recovery)/.test(line)) failure = line.trim();
    else if (/skipping position recovery/i.test(line)) skipped = true;
  }
  if (!found) {
    if (failure) return { ok: false, code: 'RECOVERY_FAILED', message: failure };
    if (skipped) {
      return { ok: false, code: 'RECOVERY_SKIPPED', message: 'the server skipped position recovery: wsrep is off in its configuration' };
    }
    return { ok: false, code: 'RECOVERED_POSITION_NOT_FOUND', message: 'no recovered position in the output' };
  }
  const colon = found.token.indexOf(':');
  const uuid = found.token.slice(0, colon).toLowerCase();
  const parts = found.token
    .slice(colon + 1)
    .split(',')
    .map((p) => p.trim());
  const seqno = parts.find((p) => /^-?\d+$/.test(p));
  const gtid = parts.find((p) => /^\d+-\d+-\d+$/.test(p));
  if (colon < 0 || !isGaleraUuid(uuid) || seqno === undefined || !Number.isSafeInteger(Number(seqno))) {
    return { ok: false, code: 'RECOVERED_POSITION_INVALID', message: `cannot read a position from ${JSON.stringify(found.token)}` };
  }
  return { ok: true, value: { uuid, seqno: Number(seqno), ...(gtid ? { gtid } : {}), format: found.format } };
}

/** What one node reported for recovery. */
export interface BootstrapEvidence {
  /** Node name. */
  name: string;
  /** Whether the node's files could be read. */
  reachable: boolean;
  /** Why not, when it could not. */
  unreachableReason?: string;
  /** Its parsed `grastate.dat`, when present and valid. */
  grastate?: Grastate;
  /** Why `grastate.dat` is missing or unreadable, when it is. */
  grastateError?: string;
  /** Its recovered position (`galera_recovery` / `--wsrep-recover`), when recovery ran. */
  recovered?: RecoveredPosition;
  /** Why recovery failed, when it ran and failed. */
  recoveryError?: string;
  /** Its parsed `gvwstate.dat`, when present (used by {@link canUsePcRecovery}). */
  gvwstate?: Gvwstate;
}

/** Codes of one evidence row. */
export type EvidenceCode = 'ELIGIBLE' | 'NODE_UNREACHABLE' | 'POSITION_UNKNOWN' | 'NO_HISTORY' | 'DIVERGENT_HISTORY';

/** One row of the evidence table shown in a recovery plan. */
export interface BootstrapEvidenceRow {
  /** Node name. */
  name: string;
  /** Whether it reported. */
  reachable: boolean;
  /** History UUID of its position. */
  uuid?: string;
  /** Seqno of its position. */
  seqno?: number;
  /** `safe_to_bootstrap` from its grastate.dat. */
  safeToBootstrap: boolean;
  /** Where the position came from. */
  positionSource: 'grastate' | 'recovered' | 'none';
  /** Whether it may be chosen automatically. */
  eligible: boolean;
  /** Stable code of the row's verdict. */
  code: EvidenceCode;
  /** Human reason for the verdict. */
  why: string;
}

/** Options of {@link chooseBootstrapNode}. */
export interface BootstrapOptions {
  /** Nodes an operator explicitly accepts as missing: recovery proceeds without them. */
  acceptMissing?: readonly string[];
  /** A node an operator picks to bootstrap (required when histories diverge). */
  operatorChoice?: string;
}

/** Codes of {@link BootstrapDecision}. */
export type BootstrapDecisionCode =
  | 'BOOTSTRAP_SAFE_TO_BOOTSTRAP'
  | 'BOOTSTRAP_MOST_ADVANCED'
  | 'BOOTSTRAP_OPERATOR_CHOICE'
  | 'RECOVERY_WAITING_FOR_NODES'
  | 'BOOTSTRAP_NO_ELIGIBLE_NODE'
  | 'BOOTSTRAP_DIVERGED_HISTORIES'
  | 'BOOTSTRAP_EVIDENCE_CONFLICT'
  | 'BOOTSTRAP_OPERATOR_CHOICE_INVALID';

/** The bootstrap decision with the evidence behind it, ready to show in a plan. */
export interface BootstrapDecision {
  /** Bootstrap a node, wait for missing evidence, or refuse until an operator decides. */
  action: 'bootstrap' | 'wait' | 'refuse';
  /** Stable code. */
  code: BootstrapDecisionCode;
  /** Human reason. */
  message: string;
  /** The node to bootstrap, when `action` is `bootstrap`. */
  node?: string;
  /** Its position. */
  position?: { uuid: string; seqno: number };
  /** Nodes that have not reported a position, with why (accepted or not). */
  missing: Array<{ name: string; reason: string; accepted: boolean }>;
  /** The evidence table, in node-name order. */
  evidence: BootstrapEvidenceRow[];
}

interface Row extends BootstrapEvidenceRow {
  missingReason?: string;
}

function evidenceRow(e: BootstrapEvidence): Row {
  const safeToBootstrap = e.grastate?.safeToBootstrap ?? false;
  const row = (fields: Omit<Row, 'name' | 'reachable' | 'safeToBootstrap'>): Row => ({
    name: e.name,
    reachable: e.reachable,
    safeToBootstrap,
    ...fields,
  });
  if (!e.reachable) {
    const reason = e.unreachableReason ?? 'unreachable';
    return row({ positionSource: 'none', eligible: false, code: 'NODE_UNREACHABLE', why: reason, missingReason: `unreachable: ${reason}` });
  }
  let position: { uuid: string; seqno: number; source: 'grastate' | 'recovered' } | undefined;
  // Galera: grastate.dat holds the position after a clean shutdown; after a crash it says -1 and
  // the recovered position is the truth.
  if (e.grastate && e.grastate.seqno >= 0) position = { ...e.grastate, source: 'grastate' };
  else if (e.recovered) position = { ...e.recovered, source: 'recovered' };
  if (!position) {
    if (e.grastate && e.grastate.uuid === ZERO_UUID) {
      return row({
        uuid: ZERO_UUID,
        seqno: e.grastate.seqno,
        positionSource: 'grastate',
        eligible: false,
        code: 'NO_HISTORY',
        why: 'uuid 00000000-... with seqno -1: empty data directory or aborted SST; never bootstrap from it',
      });
    }
    const reason =
      e.recoveryError !== undefined
        ? `position recovery failed: ${e.recoveryError}`
        : e.grastate
          ? 'grastate.dat says seqno -1 and no recovered position yet: run galera_recovery (mariadbd --wsrep-recover)'
          : `no grastate.dat (${e.grastateError ?? 'missing'}) and no recovered position`;
    return row({ uuid: e.grastate?.uuid, positionSource: 'none', eligible: false, code: 'POSITION_UNKNOWN', why: reason, missingReason: reason });
  }
  const base = { uuid: position.uuid, seqno: position.seqno, positionSource: position.source };
  if (position.uuid === ZERO_UUID || position.seqno < 0) {
    return row({
      ...base,
      eligible: false,
      code: 'NO_HISTORY',
      why: `position ${position.uuid}:${position.seqno} carries no history (empty data directory or aborted SST); never bootstrap from it`,
    });
  }
  return row({ ...base, eligible: true, code: 'ELIGIBLE', why: `position ${position.uuid}:${position.seqno} from ${position.source}` });
}

/** Most advanced first; ties in the fixed node-name order. */
function byAdvance(a: Row, b: Row): number {
  return (b.seqno ?? -1) - (a.seqno ?? -1) || compareNodeNames(a.name, b.name);
}

/**
 * Chooses the one node that may bootstrap after a full crash. Galera rules:
 * - evidence first: while a node has not reported (unreachable, or its position is unknown),
 *   wait, unless `acceptMissing` names it; the answer says which node is missing and why;
 * - never nodes with uuid 00000000-... or seqno -1 without a recovered position;
 * - two histories (different state UUIDs) are refused until an operator picks a node; rows whose
 *   UUID differs from the main history (most nodes, then the most advanced) are flagged;
 * - a node with `safe_to_bootstrap: 1` wins, unless another node of the same history is more
 *   advanced (contradictory evidence: refused until an operator picks);
 * - otherwise the highest seqno (the recovered one when grastate.dat says -1);
 * - ties: node names in natural order (`compareNodeNames`), first wins.
 * An operator's choice is honoured for any node that has a history, and the message says what it
 * may lose.
 */
export function chooseBootstrapNode(evidence: readonly BootstrapEvidence[], options: BootstrapOptions = {}): BootstrapDecision {
  const accepted = new Set(options.acceptMissing ?? []);
  const rows = evidence.map(evidenceRow).sort((a, b) => compareNodeNames(a.name, b.name));
  const missing = rows.filter((r) => r.missingReason !== undefined).map((r) => ({ name: r.name, reason: r.missingReason as string, accepted: accepted.has(r.name) }));

  // The main history: the UUID most candidates share, then the one holding the highest seqno.
  const withHistory = rows.filter((r) => r.code === 'ELIGIBLE');
  const histories = new Map<string, Row[]>();
  for (const r of withHistory) histories.set(r.uuid as string, [...(histories.get(r.uuid as string) ?? []), r]);
  const ranked = [...histories.entries()].sort(([ua, a], [ub, b]) => b.length - a.length || byAdvance([...a].sort(byAdvance)[0], [...b].sort(byAdvance)[0]) || (ua < ub ? -1 : 1));
  const mainUuid = ranked[0]?.[0];
  for (const r of withHistory) {
    if (r.uuid !== mainUuid) {
      r.eligible = false;
      r.code = 'DIVERGENT_HISTORY';
      r.why = `history ${r.uuid} differs from the main history ${mainUuid}: bootstrapping either would discard the other`;
    }
  }
  const table = rows.map(({ missingReason: _drop, ...r }) => r);
  const decide = (action: BootstrapDecision['action'], code: BootstrapDecisionCode, message: string, chosen?: Row): BootstrapDecision => ({
    action,
    code,
    message,
    ...(chosen ? { node: chosen.name, position: { uuid: chosen.uuid as string, seqno: chosen.seqno as number } } : {}),
    missing,
    evidence: table,
  });

  const waitingFor = missing.filter((m) => !m.accepted);
  if (waitingFor.length > 0) {
    return decide(
      'wait',
      'RECOVERY_WAITING_FOR_NODES',
      `recovery waits: every node must report its position before one is chosen, or an operator must accept it as missing. Missing: ${waitingFor.map((m) => `${m.name} (${m.reason})`).join('; ')}`,
    );
  }
  const acceptedNote = missing.length > 0 ? `; accepted as missing by the operator: ${missing.map((m) => m.name).join(', ')} (their transactions, if more advanced, are lost)` : '';

  if (options.operatorChoice !== undefined) {
    const pick = rows.find((r) => r.name === options.operatorChoice);
    if (!pick || (pick.code !== 'ELIGIBLE' && pick.code !== 'DIVERGENT_HISTORY')) {
      return decide(
        'refuse',
        'BOOTSTRAP_OPERATOR_CHOICE_INVALID',
        pick ? `the operator picked ${pick.name}, which cannot bootstrap: ${pick.why}` : `the operator picked ${options.operatorChoice}, which is not a member`,
      );
    }
    const ahead = withHistory.filter((r) => r !== pick && r.uuid === pick.uuid && (r.seqno as number) > (pick.seqno as number));
    const others = withHistory.filter((r) => r.uuid !== pick.uuid);
    const losses = [
      ...ahead.map((r) => `${r.name} is ${(r.seqno as number) - (pick.seqno as number)} transaction(s) ahead`),
      ...others.map((r) => `${r.name} carries another history (${r.uuid}) and will be overwritten by SST`),
    ];
    return decide(
      'bootstrap',
      'BOOTSTRAP_OPERATOR_CHOICE',
      `bootstrap ${pick.name} at ${pick.uuid}:${pick.seqno}, as the operator picked${losses.length ? `; warning: ${losses.join('; ')}` : ''}${acceptedNote}`,
      pick,
    );
  }

  if (histories.size > 1) {
    const flagged = table.filter((r) => r.code === 'DIVERGENT_HISTORY').map((r) => `${r.name} (${r.uuid}:${r.seqno})`);
    return decide(
      'refuse',
      'BOOTSTRAP_DIVERGED_HISTORIES',
      `nodes carry ${histories.size} different histories; main ${mainUuid}, diverging: ${flagged.join(', ')}. An operator must pick the node to bootstrap`,
    );
  }
  const candidates = rows.filter((r) => r.eligible).sort(byAdvance);
  if (candidates.length === 0) {
    return decide('refuse', 'BOOTSTRAP_NO_ELIGIBLE_NODE', `no node has a position to bootstrap from${acceptedNote}`);
  }
  const best = candidates[0];
  const safe = candidates.filter((r) => r.safeToBootstrap);
  if (safe.length > 0) {
    const chosen = safe[0];
    if ((best.seqno as number) > (chosen.seqno as number)) {
      return decide(
        'refuse',
        'BOOTSTRAP_EVIDENCE_CONFLICT',
        `${chosen.name} is marked safe_to_bootstrap at seqno ${chosen.seqno}, but ${best.name} is more advanced at seqno ${best.seqno}; an operator must pick the node to bootstrap`,
      );
    }
    const alsoSafe =
      safe.length > 1
        ? ` (also marked: ${safe
            .slice(1)
            .map((r) => r.name)
            .join(', ')}; the most advanced, then the first by name, wins)`
        : '';
    return decide('bootstrap', 'BOOTSTRAP_SAFE_TO_BOOTSTRAP', `bootstrap ${chosen.name}: grastate.dat marks it safe_to_bootstrap at ${chosen.uuid}:${chosen.seqno}${alsoSafe}${acceptedNote}`, chosen);
  }
  const tied = candidates.filter((r) => r.seqno === best.seqno);
  const tie =
    tied.length > 1
      ? ` (tied with ${tied
          .slice(1)
          .map((r) => r.name)
          .join(', ')}; the first by node name wins)`
      : '';
  return decide('bootstrap', 'BOOTSTRAP_MOST_ADVANCED', `bootstrap ${best.name}: the most advanced node at ${best.uuid}:${best.seqno} (${best.positionSource})${tie}${acceptedNote}`, best);
}

/** Codes of {@link PcRecoveryCheck}. */
export type PcRecoveryCode = 'PC_RECOVERY_POSSIBLE' | 'PC_RECOVERY_MEMBERS_UNREACHABLE' | 'PC_RECOVERY_NO_SAVED_VIEW' | 'PC_RECOVERY_VIEW_MEMBERS_MISSING';

/** Whether starting every node together can restore the cluster without a bootstrap. */
export interface PcRecoveryCheck {
  /** True when the plan may try pc.recovery first. */
  usable: boolean;
  /** Stable code. */
  code: PcRecoveryCode;
  /** Human reason. */
  message: string;
}

/**
 * Galera: when every member of the last Primary component comes back, pc.recovery (on by default,
 * and in the generated config) restores the component from `gvwstate.dat` without a bootstrap,
 * which is faster. Requires every node reachable, at least one saved view, and every member of
 * the saved views to be a reachable node (matched by `my_uuid`). When this fails, bootstrap.
 */
export function canUsePcRecovery(evidence: readonly Pick<BootstrapEvidence, 'name' | 'reachable' | 'gvwstate'>[]): PcRecoveryCheck {
  const unreachable = evidence
    .filter((e) => !e.reachable)
    .map((e) => e.name)
    .sort(compareNodeNames);
  if (unreachable.length > 0) {
    return {
      usable: false,
      code: 'PC_RECOVERY_MEMBERS_UNREACHABLE',
      message: `not every node is reachable (${unreachable.join(', ')}): pc.recovery needs every member of the last Primary component`,
    };
  }
  const views = evidence.filter((e) => e.gvwstate !== undefined).map((e) => e.gvwstate as Gvwstate);
  if (views.length === 0) {
    return {
      usable: false,
      code: 'PC_RECOVERY_NO_SAVED_VIEW',
      message: 'no node has a saved Primary view (gvwstate.dat): the cluster was shut down cleanly or pc.recovery is off; bootstrap instead',
    };
  }
  const present = new Set(views.map((v) => v.myUuid));
  const absent = [...new Set(views.flatMap((v) => v.members))].filter((m) => !present.has(m)).sort();
  if (absent.length > 0) {
    return {
      usable: false,
      code: 'PC_RECOVERY_VIEW_MEMBERS_MISSING',
      message: `the saved Primary view lists members no reachable node identifies as (${absent.join(', ')}): bootstrap instead`,
    };
  }
  return {
    usable: true,
    code: 'PC_RECOVERY_POSSIBLE',
    message: `every member of the last Primary component is reachable: start all ${evidence.length} nodes together and let pc.recovery restore the cluster, bootstrap only if that fails`,
  };
}
