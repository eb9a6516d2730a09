/**
 * Joins: which node donates state, whether the joiner gets IST or SST, and how large gcache must be
 * for IST to stay possible.
 */
import { formatByteSize } from './byte-size';
import { compareNodeNames } from './node-names';
import type { WsrepNodeState, WsrepStatus } from './node-health';
import { GaleraRuleError } from './problems';

/** A member as donor selection sees it. */
export interface DonorCandidate {
  /** Member name (its `wsrep_node_name`, which `wsrep_sst_donor` lists). */
  name: string;
  /** Its node state. */
  nodeState: WsrepNodeState;
  /** Whether it is in the Primary component. */
  primary: boolean;
  /** Whether it restarted or rejoined recently (its caches are cold; a poor donor). */
  recentlyRestarted?: boolean;
}

/** A server up for less than this is "just restarted": its caches are cold, a poor donor. */
export const RECENT_RESTART_SECONDS = 120;

/** Whether a server with this uptime counts as just restarted (unknown uptime: it does not). */
export function isRecentlyRestarted(uptimeSeconds: number | undefined): boolean {
  return uptimeSeconds !== undefined && uptimeSeconds < RECENT_RESTART_SECONDS;
}

/** Options of {@link chooseDonor}. */
export interface DonorOptions {
  /** The member taking writes: avoided as donor when another Synced node exists. */
  writer?: string;
  /** SST method in use; `rsync` blocks the donor for the whole transfer. */
  sstMethod?: 'mariabackup' | 'rsync';
}

/** The donor choice, or why the join should wait. */
export type DonorChoice =
  | {
      ok: true;
      /** Stable code: `DONOR_ONLY_SYNCED_NODE` when no other Synced node exists. */
      code: 'DONOR_CHOSEN' | 'DONOR_ONLY_SYNCED_NODE';
      /** The preferred donor. */
      donor: string;
      /** Value for `wsrep_sst_donor`: acceptable donors in preference order, comma-separated, no trailing comma (so Galera never falls back to a node left out). */
      wsrepSstDonor: string;
      /** Human reason. */
      message: string;
    }
  | { ok: false; code: 'NO_SYNCED_DONOR' | 'DONOR_WOULD_BE_LAST_SYNCED'; message: string };

/**
 * Chooses a donor for `joiner`. Galera rules: only Synced members of the Primary component donate;
 * prefer a node that did not just restart, then a node that is not the writer, then node-name
 * order. Never take the only Synced node while another member is about to be Synced again (Joined
 * or Donor/Desynced): wait for it instead. When the only Synced node is the only possible donor
 * (a new cluster, or the first join after a bootstrap), it is chosen and the message says so.
 */
export function chooseDonor(members: readonly DonorCandidate[], joiner: string, options: DonorOptions = {}): DonorChoice {
  const others = members.filter((m) => m.name !== joiner);
  const synced = others.filter((m) => m.primary && m.nodeState === 'Synced');
  if (synced.length === 0) {
    return { ok: false, code: 'NO_SYNCED_DONOR', message: `no Synced member of the Primary component can donate to ${joiner}` };
  }
  const rank = (m: DonorCandidate): number => (m.recentlyRestarted ? 2 : 0) + (m.name === options.writer ? 1 : 0);
  const ranked = [...synced].sort((a, b) => rank(a) - rank(b) || compareNodeNames(a.name, b.name));
  const donor = ranked[0];
  const list = ranked.map((m) => m.name).join(',');
  const blocking = options.sstMethod === 'rsync' ? '; with rsync it blocks writes while it donates' : '';
  if (synced.length === 1) {
    const soon = others.filter((m) => m.name !== donor.name && (m.nodeState === 'Joined' || m.nodeState === 'Donor/Desynced'));
    if (soon.length > 0) {
      return {
        ok: false,
        code: 'DONOR_WOULD_BE_LAST_SYNCED',
        message: `${donor.name} is the only Synced node; wait until ${soon
          .map((m) => m.name)
          .sort(compareNodeNames)
          .join(', ')} is Synced again before ${joiner} joins`,
      };
    }
    return {
      ok: true,
      code: 'DONOR_ONLY_SYNCED_NODE',
      donor: donor.name,
      wsrepSstDonor: list,
      message: `${donor.name} is the only Synced node and the only possible donor for ${joiner}${blocking}`,
    };
  }
  const notes: string[] = [];
  if (donor.recentlyRestarted) notes.push('every Synced node restarted recently');
  if (donor.name === options.writer) notes.push('the writer is the only donor that did not restart recently');
  return {
    ok: true,
    code: 'DONOR_CHOSEN',
    donor: donor.name,
    wsrepSstDonor: list,
    message: `${donor.name} donates to ${joiner} (preference: ${list})${notes.length ? `; ${notes.join('; ')}` : ''}${blocking}`,
  };
}

/** Input of {@link chooseStateTransfer}. */
export interface StateTransferInput {
  /** The joiner's position (grastate.dat or recovered); uuid/seqno absent for an empty node. */
  joiner: { uuid?: string; seqno?: number };
  /** The donor's history, last committed seqno and lowest cached seqno (`wsrep_local_cached_downto`). */
  donor: { uuid: string; lastCommitted: number; cachedDownTo?: number };
  /** Used when `cachedDownTo` is unknown: the donor's gcache size and the average write-set size. */
  estimate?: { gcacheBytes: number; averageWriteSetBytes: number };
}

/** Codes of {@link StateTransferChoice}. */
export type StateTransferCode =
  | 'IST_NOTHING_MISSING'
  | 'IST_GCACHE_COVERS_GAP'
  | 'IST_ESTIMATE_FITS_GCACHE'
  | 'SST_JOINER_EMPTY'
  | 'SST_OTHER_HISTORY'
  | 'SST_JOINER_AHEAD'
  | 'SST_GCACHE_MISSES_GAP'
  | 'SST_ESTIMATE_EXCEEDS_GCACHE'
  | 'SST_COVERAGE_UNKNOWN';

/** The expected state transfer for a join. */
export interface StateTransferChoice {
  /** IST (incremental, from the donor's gcache) or SST (full copy). */
  method: 'IST' | 'SST';
  /** Stable code. */
  code: StateTransferCode;
  /** Human reason. */
  message: string;
  /** Transactions the joiner misses, when known. */
  missingTransactions?: number;
}

/** Share of gcache an estimate may fill: gcache also holds headers and never fills to the byte. */
const GCACHE_USABLE_SHARE = 0.8;

/**
 * Predicts IST or SST. Galera: IST when the donor's gcache still holds every transaction the
 * joiner misses (exactly, from `wsrep_local_cached_downto`; else estimated as missing seqnos x
 * average write-set size against 80% of gcache), else SST. A joiner of another history, without
 * state, or ahead of the cluster always gets SST (ahead: its extra transactions are discarded).
 */
export function chooseStateTransfer(input: StateTransferInput): StateTransferChoice {
  const { joiner, donor } = input;
  if (joiner.uuid === undefined || joiner.seqno === undefined || joiner.seqno < 0 || /^0{8}-/.test(joiner.uuid)) {
    return { method: 'SST', code: 'SST_JOINER_EMPTY', message: 'the joiner has no usable position: full state transfer' };
  }
  if (joiner.uuid.toLowerCase() !== donor.uuid.toLowerCase()) {
    return { method: 'SST', code: 'SST_OTHER_HISTORY', message: `the joiner's history ${joiner.uuid} differs from the cluster's ${donor.uuid}` };
  }
  const missing = donor.lastCommitted - joiner.seqno;
  if (missing < 0) {
    return {
      method: 'SST',
      code: 'SST_JOINER_AHEAD',
      message: `the joiner is ${-missing} transaction(s) ahead of the cluster; SST discards them`,
      missingTransactions: 0,
    };
  }
  if (missing === 0) return { method: 'IST', code: 'IST_NOTHING_MISSING', message: 'the joiner misses no transaction', missingTransactions: 0 };
  if (donor.cachedDownTo !== undefined && donor.cachedDownTo > 0) {
    return joiner.seqno + 1 >= donor.cachedDownTo
      ? {
          method: 'IST',
          code: 'IST_GCACHE_COVERS_GAP',
          message: `the donor's gcache holds seqnos from ${donor.cachedDownTo}; the joiner needs ${joiner.seqno + 1}..${donor.lastCommitted}`,
          missingTransactions: missing,
        }
      : {
          method: 'SST',
          code: 'SST_GCACHE_MISSES_GAP',
          message: `the joiner needs seqnos from ${joiner.seqno + 1} but the donor's gcache starts at ${donor.cachedDownTo}`,
          missingTransactions: missing,
        };
  }
  if (input.estimate) {
    const needed = missing * input.estimate.averageWriteSetBytes;
    const usable = input.estimate.gcacheBytes * GCACHE_USABLE_SHARE;
    const figures = `${missing} transaction(s) x ~${Math.round(input.estimate.averageWriteSetBytes)} bytes = ~${formatByteSize(Math.ceil(needed))} against ${formatByteSize(input.estimate.gcacheBytes)} gcache`;
    return needed <= usable
      ? { method: 'IST', code: 'IST_ESTIMATE_FITS_GCACHE', message: `estimated ${figures}`, missingTransactions: missing }
      : { method: 'SST', code: 'SST_ESTIMATE_EXCEEDS_GCACHE', message: `estimated ${figures}: too large`, missingTransactions: missing };
  }
  return {
    method: 'SST',
    code: 'SST_COVERAGE_UNKNOWN',
    message: `the joiner misses ${missing} transaction(s) and the donor's gcache coverage is unknown: plan for SST (Galera still tries IST)`,
    missingTransactions: missing,
  };
}

/** Average replicated write-set size a node has seen, for {@link chooseStateTransfer} estimates. */
export function averageWriteSetBytes(status: WsrepStatus): number | undefined {
  const count = (status.replicated ?? 0) + (status.received ?? 0);
  const bytes = (status.replicatedBytes ?? 0) + (status.receivedBytes ?? 0);
  return count > 0 && bytes > 0 ? bytes / count : undefined;
}

/** Input of {@link recommendGcacheSize}. */
export interface GcacheSizingInput {
  /** Replicated write volume, bytes per second (peak, not average, for a safe margin). */
  writeBytesPerSecond: number;
  /** Longest planned outage of one node, seconds (restart, upgrade, maintenance). */
  outageSeconds: number;
}

/** A recommended gcache size. */
export interface GcacheRecommendation {
  /** Size in bytes. */
  bytes: number;
  /** The same size as written in `gcache.size`, e.g. `1G`. */
  size: string;
  /** How it was computed. */
  message: string;
}

const MIB = 1024 ** 2;
/** Never recommend less than Galera's own default. */
const GCACHE_FLOOR_BYTES = 128 * MIB;
/** Headroom over write volume: write-set headers and ring-buffer slack. */
const GCACHE_HEADROOM = 1.2;
/** Recommendations are rounded up to this step. */
const GCACHE_STEP_BYTES = 64 * MIB;

/**
 * Recommends `gcache.size`. Galera: size gcache to cover the longest planned outage (write rate x
 * outage), so a node that comes back rejoins by IST, not the 128M default. Adds 20% headroom,
 * rounds up to 64 MiB and never goes below 128 MiB. Throws `GCACHE_INPUT_INVALID` on negative or
 * non-finite input.
 */
export function recommendGcacheSize(input: GcacheSizingInput): GcacheRecommendation {
  const { writeBytesPerSecond, outageSeconds } = input;
  if (!Number.isFinite(writeBytesPerSecond) || writeBytesPerSecond < 0 || !Number.isFinite(outageSeconds) || outageSeconds < 0) {
    throw new GaleraRuleError('GCACHE_INPUT_INVALID', `write rate and outage must be finite and not negative, got ${writeBytesPerSecond} B/s and ${outageSeconds} s`);
  }
  const needed = writeBytesPerSecond * outageSeconds * GCACHE_HEADROOM;
  const bytes = Math.max(GCACHE_FLOOR_BYTES, Math.ceil(needed / GCACHE_STEP_BYTES) * GCACHE_STEP_BYTES);
  const size = formatByteSize(bytes);
  const math = `${writeBytesPerSecond} B/s x ${outageSeconds} s x ${GCACHE_HEADROOM} = ~${(needed / MIB).toFixed(0)} MiB`;
  return {
    bytes,
    size,
    message: bytes === GCACHE_FLOOR_BYTES && needed <= GCACHE_FLOOR_BYTES ? `${math}; below the 128M floor, so gcache.size=${size}` : `${math}, rounded up to gcache.size=${size}`,
  };
}
