/**
 * Cluster size and quorum: which sizes are safe, and which removals keep a Primary component.
 */

/** Options of {@link checkClusterSize}. */
export interface ClusterSizeOptions {
  /** The request's explicit force/unsafe flag: accept an unsafe size, with its risk in the plan. */
  force?: boolean;
  /** Galera arbitrators (garbd) in the topology: they vote but hold no data. Default 0. */
  arbitrators?: number;
}

/** Codes of {@link ClusterSizeCheck}. */
export type ClusterSizeCode = 'CLUSTER_SIZE_OK' | 'CLUSTER_SIZE_UNSAFE' | 'CLUSTER_SIZE_INVALID';

/** The verdict on a requested size. */
export interface ClusterSizeCheck {
  /** Whether the request may go ahead (a safe size, or an unsafe one with `force`). */
  allowed: boolean;
  /** Whether the size is safe (odd number of voters, at least 3). */
  safe: boolean;
  /** Stable code: `CLUSTER_SIZE_UNSAFE` stays the code when `force` allows it. */
  code: ClusterSizeCode;
  /** Human message. */
  message: string;
  /** The risk, spelled out for the plan, when the size is unsafe. */
  risk?: string;
  /** Voters: data nodes plus arbitrators. */
  voters: number;
}

/**
 * Checks a requested cluster size. Galera: an odd number of voters, 3 or more (Percona allows 3-5
 * by default); anything else (1, 2, even) needs an explicit force flag, and the plan says why it
 * is risky. Arbitrators count as voters, so 2 data nodes + 1 garbd is safe; a size that is not a
 * positive integer is refused even with force.
 */
export function checkClusterSize(size: number, options: ClusterSizeOptions = {}): ClusterSizeCheck {
  const arbitrators = options.arbitrators ?? 0;
  const voters = size + arbitrators;
  if (!Number.isInteger(size) || size < 1 || !Number.isInteger(arbitrators) || arbitrators < 0) {
    return {
      allowed: false,
      safe: false,
      code: 'CLUSTER_SIZE_INVALID',
      message: `cluster size must be a positive integer (and arbitrators a non-negative integer), got ${size} data node(s) and ${arbitrators} arbitrator(s)`,
      voters,
    };
  }
  const risk = sizeRisk(size, voters);
  if (risk === undefined) {
    return {
      allowed: true,
      safe: true,
      code: 'CLUSTER_SIZE_OK',
      message: `${describe(size, arbitrators)}: an odd number of voters, it survives ${Math.floor((voters - 1) / 2)} failure(s)`,
      voters,
    };
  }
  const force = options.force === true;
  return {
    allowed: force,
    safe: false,
    code: 'CLUSTER_SIZE_UNSAFE',
    message: force
      ? `${describe(size, arbitrators)} is unsafe; accepted because the request sets force`
      : `${describe(size, arbitrators)} is unsafe; use an odd number of voters, 3 or more, or set force to accept the risk`,
    risk,
    voters,
  };
}

function describe(size: number, arbitrators: number): string {
  const nodes = `${size} data node${size === 1 ? '' : 's'}`;
  return arbitrators > 0 ? `${nodes} + ${arbitrators} arbitrator${arbitrators === 1 ? '' : 's'}` : nodes;
}

function sizeRisk(size: number, voters: number): string | undefined {
  if (size === 1 && voters === 1) {
    return 'one node has no redundancy: any failure or restart of it is an outage, and a crash can lose the data';
  }
  if (voters === 2) {
    return 'with two voters a single failure or a network split leaves the survivor without quorum (it stops serving); add a third node or a garbd arbitrator';
  }
  if (voters % 2 === 0) {
    return `with ${voters} voters a split into two halves of ${voters / 2} leaves neither side with quorum, and it survives no more failures than ${voters - 1} voters would`;
  }
  if (size === 1) {
    return 'one data node has no copy of the data: arbitrators keep quorum but cannot restore a lost node';
  }
  return undefined;
}

/**
 * Votes a component needs to be Primary: a strict majority of the voters (Galera: more than half
 * of the previous component's weight, all weights 1).
 */
export function quorumOf(voters: number): number {
  if (!Number.isInteger(voters) || voters < 0) throw new RangeError(`voters must be a non-negative integer, got ${voters}`);
  return Math.floor(voters / 2) + 1;
}

/** Voters and the votes a Primary component needs, before and after a change (what a plan shows). */
export interface QuorumChange {
  before: number;
  after: number;
  quorumBefore: number;
  quorumAfter: number;
}

/** The quorum arithmetic of a change from `before` to `after` voters (0 voters: no quorum to keep). */
export function quorumChange(before: number, after: number): QuorumChange {
  return { before, after, quorumBefore: before > 0 ? quorumOf(before) : 0, quorumAfter: after > 0 ? quorumOf(after) : 0 };
}

/** A voter of the cluster, as {@link canRemoveMembers} sees it. */
export interface QuorumMember {
  /** Member name. */
  name: string;
  /** `data` for a MariaDB node, `arbitrator` for garbd (votes, holds no data). Default `data`. */
  role?: 'data' | 'arbitrator';
  /** Whether it is up and in the Primary component now. */
  healthy: boolean;
}

/** Codes of {@link RemovalCheck}. */
export type RemovalCode = 'REMOVAL_KEEPS_QUORUM' | 'QUORUM_WOULD_BE_LOST' | 'NO_DATA_NODE_WOULD_REMAIN' | 'MEMBER_NOT_FOUND' | 'NOTHING_TO_REMOVE';

/** The verdict on removing members. */
export interface RemovalCheck {
  /** Whether the removal may go ahead. */
  allowed: boolean;
  /** Stable code. */
  code: RemovalCode;
  /** Human message with the arithmetic. */
  message: string;
  /** Voters before the removal. */
  votersBefore: number;
  /** Voters after the removal. */
  votersAfter: number;
  /** Votes a Primary component needs after the removal. */
  quorumAfter: number;
  /** Healthy voters that would remain. */
  healthyAfter: number;
}

/**
 * Checks a removal. Galera: never remove a node when the remaining members would lose quorum; a
 * garbd arbitrator counts as a voter without data. The healthy voters that remain must be a strict
 * majority of all voters that remain (unhealthy members still count: they may come back), and at
 * least one healthy data node must remain. Removing members one at a time, healthy ones last,
 * never needs more than this final check.
 */
export function canRemoveMembers(members: readonly QuorumMember[], remove: readonly string[]): RemovalCheck {
  const removing = new Set(remove);
  const votersBefore = members.length;
  const remaining = members.filter((m) => !removing.has(m.name));
  const healthyAfter = remaining.filter((m) => m.healthy).length;
  const quorumAfter = remaining.length > 0 ? quorumOf(remaining.length) : 1;
  const base = { votersBefore, votersAfter: remaining.length, quorumAfter, healthyAfter };
  const unknown = [...removing].filter((name) => !members.some((m) => m.name === name)).sort();
  if (unknown.length > 0) {
    return { allowed: false, code: 'MEMBER_NOT_FOUND', message: `not members of the cluster: ${unknown.join(', ')}`, ...base };
  }
  if (removing.size === 0) {
    return { allowed: false, code: 'NOTHING_TO_REMOVE', message: 'no member named for removal', ...base };
  }
  if (!remaining.some((m) => (m.role ?? 'data') === 'data' && m.healthy)) {
    return {
      allowed: false,
      code: 'NO_DATA_NODE_WOULD_REMAIN',
      message: 'no healthy data node would remain: arbitrators vote but hold no data',
      ...base,
    };
  }
  if (healthyAfter < quorumAfter) {
    return {
      allowed: false,
      code: 'QUORUM_WOULD_BE_LOST',
      message: `after removing ${[...removing].sort().join(', ')}, ${healthyAfter} healthy of ${remaining.length} remaining voters would be below the quorum of ${quorumAfter}`,
      ...base,
    };
  }
  return {
    allowed: true,
    code: 'REMOVAL_KEEPS_QUORUM',
    message: `after the removal ${healthyAfter} healthy of ${remaining.length} voters remain; quorum is ${quorumAfter}`,
    ...base,
  };
}
