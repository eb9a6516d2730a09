/**
 * Galera's saved state files: `grastate.dat` (the node's position in the cluster history) and
 * `gvwstate.dat` (the last Primary component view, kept for pc.recovery).
 */
import type { ParseResult } from './problems';

/** The UUID of "no history": a node with an empty data directory or an aborted SST. */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID in the 8-4-4-4-12 hex form Galera writes. */
export function isGaleraUuid(value: string): boolean {
  return UUID.test(value);
}

/** The contents of `grastate.dat`. */
export interface Grastate {
  /** File format version, e.g. `2.1`. */
  version: string;
  /** The cluster history (state UUID) the node's data belongs to. */
  uuid: string;
  /** Last committed seqno; -1 after a crash or while the server runs (then recover it). */
  seqno: number;
  /** Whether Galera marked this node as the last to leave, safe to bootstrap from. */
  safeToBootstrap: boolean;
}

/**
 * Galera: whether a stopped node's grastate.dat does not hold its position, so it must be
 * recovered (`galera_recovery` / `mariadbd --wsrep-recover`) before a bootstrap choice: no file,
 * or seqno -1 with a real history (a crash, or a server killed while it ran). A zero UUID with
 * seqno -1 is an empty data directory or an aborted SST: nothing to recover.
 */
export function needsPositionRecovery(grastate: Grastate | undefined): boolean {
  return !grastate || (grastate.seqno < 0 && grastate.uuid !== ZERO_UUID);
}

/** Splits `key: value` lines, ignoring comments and blank lines. */
function keyValues(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const colon = trimmed.indexOf(':');
    if (colon <= 0) continue;
    pairs.push([trimmed.slice(0, colon).trim().toLowerCase(), trimmed.slice(colon + 1).trim()]);
  }
  return pairs;
}

/**
 * Parses `grastate.dat`. `uuid` and `seqno` are required; a missing `safe_to_bootstrap` line
 * (files written by Galera before 3.19) reads as 0, and unknown lines are ignored.
 */
export function parseGrastate(text: string): ParseResult<Grastate> {
  const fields = new Map(keyValues(text));
  const uuid = fields.get('uuid');
  const seqno = fields.get('seqno');
  const safe = fields.get('safe_to_bootstrap') ?? '0';
  const invalid = (message: string): ParseResult<Grastate> => ({ ok: false, code: 'GRASTATE_INVALID', message });
  if (uuid === undefined || !isGaleraUuid(uuid)) return invalid(`grastate.dat has no valid uuid (got ${JSON.stringify(uuid ?? null)})`);
  if (seqno === undefined || !/^-?\d+$/.test(seqno) || !Number.isSafeInteger(Number(seqno)) || Number(seqno) < -1) {
    return invalid(`grastate.dat has no valid seqno (got ${JSON.stringify(seqno ?? null)})`);
  }
  if (safe !== '0' && safe !== '1') return invalid(`grastate.dat safe_to_bootstrap must be 0 or 1 (got ${JSON.stringify(safe)})`);
  return {
    ok: true,
    value: {
      version: fields.get('version') ?? '2.1',
      uuid: uuid.toLowerCase(),
      seqno: Number(seqno),
      safeToBootstrap: safe === '1',
    },
  };
}

/**
 * Writes `grastate.dat` in Galera's layout. Galera: set `safe_to_bootstrap: 1` only on the node
 * chosen to bootstrap (see `chooseBootstrapNode`), never on several.
 */
export function renderGrastate(state: Grastate): string {
  return ['# GALERA saved state', `version: ${state.version}`, `uuid:    ${state.uuid}`, `seqno:   ${state.seqno}`, `safe_to_bootstrap: ${state.safeToBootstrap ? 1 : 0}`, ''].join('\n');
}

/** The contents of `gvwstate.dat`: the last Primary view this node was part of. */
export interface Gvwstate {
  /** This node's group-communication UUID (`wsrep_gcomm_uuid` while it runs). */
  myUuid: string;
  /** View id: `<type> <uuid> <seq>` as written. */
  viewId: string;
  /** Group-communication UUIDs of the view's members. */
  members: string[];
}

/** Parses `gvwstate.dat` (Galera writes it with pc.recovery on and removes it on a clean shutdown). */
export function parseGvwstate(text: string): ParseResult<Gvwstate> {
  let myUuid: string | undefined;
  let viewId = '';
  const members: string[] = [];
  for (const [key, value] of keyValues(text)) {
    if (key === 'my_uuid') myUuid = value.toLowerCase();
    else if (key === 'view_id') viewId = value;
    else if (key === 'member') {
      const uuid = value.split(/\s+/)[0] ?? '';
      if (!isGaleraUuid(uuid)) return { ok: false, code: 'GVWSTATE_INVALID', message: `gvwstate.dat member ${JSON.stringify(value)} is not a UUID` };
      members.push(uuid.toLowerCase());
    }
  }
  if (myUuid === undefined || !isGaleraUuid(myUuid)) {
    return { ok: false, code: 'GVWSTATE_INVALID', message: 'gvwstate.dat has no valid my_uuid' };
  }
  if (members.length === 0) return { ok: false, code: 'GVWSTATE_INVALID', message: 'gvwstate.dat lists no member' };
  return { ok: true, value: { myUuid, viewId, members } };
}
