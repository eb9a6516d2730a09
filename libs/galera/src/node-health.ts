/**
 * One node's Galera health: reading `SHOW GLOBAL STATUS LIKE 'wsrep_%'` and judging whether the
 * node may serve traffic.
 */

/** `wsrep_cluster_status`: whether the node belongs to a component that has quorum. */
export type WsrepClusterStatus = 'Primary' | 'Non-Primary' | 'Disconnected' | 'Unknown';

/**
 * The node's place in the Galera state machine, from `wsrep_local_state_comment` (or the number
 * in `wsrep_local_state` when the comment is missing).
 */
export type WsrepNodeState = 'Initialized' | 'Joining' | 'Waiting for SST' | 'Joined' | 'Synced' | 'Donor/Desynced' | 'Unknown';

/** A status row as drivers return it: `{ name, value }`, `{ Variable_name, Value }` or a pair. */
export type WsrepStatusRow = { name: string; value: unknown } | { Variable_name: string; Value: unknown } | { variable_name: string; value: unknown } | readonly [string, unknown];

/** Everything worth knowing from `SHOW GLOBAL STATUS LIKE 'wsrep_%'`; absent values stay undefined. */
export interface WsrepStatus {
  /** `wsrep_cluster_status`. */
  clusterStatus: WsrepClusterStatus;
  /** `wsrep_cluster_size`: members of the component this node sees. */
  clusterSize?: number;
  /** `wsrep_cluster_conf_id`: number of membership changes seen; undefined outside a component. */
  clusterConfId?: number;
  /** `wsrep_cluster_state_uuid`: the history (data set) this cluster carries. */
  clusterStateUuid?: string;
  /** `wsrep_local_state_uuid`: the history this node's data belongs to. */
  localStateUuid?: string;
  /** `wsrep_ready`: the node accepts queries. */
  ready?: boolean;
  /** `wsrep_connected`: the node has network connectivity to other members. */
  connected?: boolean;
  /** `wsrep_local_state` (1 Joining, 2 Donor/Desynced, 3 Joined, 4 Synced). */
  localState?: number;
  /** `wsrep_local_state_comment` as the server wrote it. */
  localStateComment?: string;
  /** The node state derived from the comment (or the number). */
  nodeState: WsrepNodeState;
  /** `wsrep_last_committed`: seqno of the last transaction committed on this node. */
  lastCommitted?: number;
  /** `wsrep_local_cached_downto`: lowest seqno still in this node's gcache (what IST can serve from). */
  cachedDownTo?: number;
  /** `wsrep_flow_control_paused`: fraction of time replication was paused by flow control (0..1). */
  flowControlPaused?: number;
  /** `wsrep_flow_control_sent`: FC_PAUSE events this node sent (it is the slow one). */
  flowControlSent?: number;
  /** `wsrep_flow_control_recv`: FC_PAUSE events this node received. */
  flowControlRecv?: number;
  /** `wsrep_flow_control_active`: flow control is pausing the cluster right now. */
  flowControlActive?: boolean;
  /** `wsrep_local_recv_queue_avg`: average apply queue length. */
  localRecvQueueAvg?: number;
  /** `wsrep_local_send_queue_avg`: average send queue length. */
  localSendQueueAvg?: number;
  /** `wsrep_local_cert_failures`: local transactions that failed certification. */
  localCertFailures?: number;
  /** `wsrep_local_bf_aborts`: local transactions aborted by replicated ones (brute force). */
  localBfAborts?: number;
  /** `wsrep_replicated`: write-sets this node replicated. */
  replicated?: number;
  /** `wsrep_replicated_bytes`: bytes of write-sets this node replicated. */
  replicatedBytes?: number;
  /** `wsrep_received`: write-sets this node received. */
  received?: number;
  /** `wsrep_received_bytes`: bytes of write-sets this node received. */
  receivedBytes?: number;
  /** `wsrep_local_index`: this node's index in the component. */
  localIndex?: number;
  /** `wsrep_desync_count`: outstanding desync requests (a Donor or a manual `wsrep_desync`). */
  desyncCount?: number;
  /** `wsrep_incoming_addresses`: the SQL addresses of the component's members. */
  incomingAddresses: string[];
  /** `wsrep_provider_name`. */
  providerName?: string;
  /** `wsrep_provider_version`, e.g. `4.23(rXXXX)` for Debian's galera-4 26.4.23. */
  providerVersion?: string;
  /** `wsrep_gcomm_uuid`: this node's identity in group communication (matches gvwstate.dat). */
  gcommUuid?: string;
  /** Every `wsrep_%` row, names lower-cased, values as text. */
  raw: Readonly<Record<string, string>>;
}

function rowPair(row: WsrepStatusRow): [string, unknown] | undefined {
  if (Array.isArray(row)) return [String(row[0]), row[1]];
  const r = row as Record<string, unknown>;
  const name = r.name ?? r.Variable_name ?? r.variable_name ?? r.VARIABLE_NAME;
  const value = 'value' in r ? r.value : 'Value' in r ? r.Value : r.VARIABLE_VALUE;
  return typeof name === 'string' ? [name, value] : undefined;
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Uint8Array) return new TextDecoder().decode(value).trim();
  return String(value).trim();
}

/** Integers only; values beyond 2^53 (e.g. the unsigned -1 of `wsrep_cluster_conf_id`) read as unknown. */
function integer(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

function decimal(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value)) return undefined;
  return Number(value);
}

function onOff(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.toUpperCase();
  if (v === 'ON' || v === '1' || v === 'TRUE' || v === 'YES') return true;
  if (v === 'OFF' || v === '0' || v === 'FALSE' || v === 'NO') return false;
  return undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

const CLUSTER_STATUSES: Record<string, WsrepClusterStatus> = {
  primary: 'Primary',
  'non-primary': 'Non-Primary',
  disconnected: 'Disconnected',
};

/**
 * The node state a `wsrep_local_state_comment` names (as a status read or a member record keeps
 * it), matched by its leading word; `Unknown` when it names none (Unreachable, empty).
 */
export function parseNodeState(comment: string | undefined): WsrepNodeState {
  return nodeStateOf(comment, undefined);
}

/**
 * Derives the node state. Galera writes comments such as "Joining: receiving State Transfer",
 * so the comment is matched by its leading word; the number is the fallback.
 */
function nodeStateOf(comment: string | undefined, state: number | undefined): WsrepNodeState {
  const c = (comment ?? '').toLowerCase();
  if (c.startsWith('synced')) return 'Synced';
  if (c.startsWith('donor')) return 'Donor/Desynced';
  if (c.startsWith('joined')) return 'Joined';
  if (c.startsWith('joining')) return 'Joining';
  if (c.startsWith('waiting')) return 'Waiting for SST';
  if (c.startsWith('initialized')) return 'Initialized';
  switch (state) {
    case 1:
      return 'Joining';
    case 2:
      return 'Donor/Desynced';
    case 3:
      return 'Joined';
    case 4:
      return 'Synced';
    default:
      return 'Unknown';
  }
}

/**
 * Reads the rows of `SHOW GLOBAL STATUS LIKE 'wsrep_%'` (names case-insensitive) into a typed
 * {@link WsrepStatus}. Never throws: a missing or unreadable value is left undefined, so a node
 * without Galera loaded reads as `clusterStatus: 'Unknown'`.
 */
export function parseWsrepStatus(rows: Iterable<WsrepStatusRow> | Readonly<Record<string, unknown>>): WsrepStatus {
  const raw: Record<string, string> = {};
  const entries: Iterable<WsrepStatusRow> = Symbol.iterator in rows ? (rows as Iterable<WsrepStatusRow>) : Object.entries(rows);
  for (const row of entries) {
    const pair = rowPair(row);
    if (pair) raw[pair[0].trim().toLowerCase()] = text(pair[1]);
  }
  const get = (name: string): string | undefined => raw[name];
  const localState = integer(get('wsrep_local_state'));
  const localStateComment = nonEmpty(get('wsrep_local_state_comment'));
  const addresses = get('wsrep_incoming_addresses') ?? '';
  return {
    clusterStatus: CLUSTER_STATUSES[(get('wsrep_cluster_status') ?? '').toLowerCase()] ?? 'Unknown',
    clusterSize: integer(get('wsrep_cluster_size')),
    clusterConfId: integer(get('wsrep_cluster_conf_id')),
    clusterStateUuid: nonEmpty(get('wsrep_cluster_state_uuid')),
    localStateUuid: nonEmpty(get('wsrep_local_state_uuid')),
    ready: onOff(get('wsrep_ready')),
    connected: onOff(get('wsrep_connected')),
    localState,
    localStateComment,
    nodeState: nodeStateOf(localStateComment, localState),
    lastCommitted: integer(get('wsrep_last_committed')),
    cachedDownTo: integer(get('wsrep_local_cached_downto')),
    flowControlPaused: decimal(get('wsrep_flow_control_paused')),
    flowControlSent: integer(get('wsrep_flow_control_sent')),
    flowControlRecv: integer(get('wsrep_flow_control_recv')),
    flowControlActive: onOff(get('wsrep_flow_control_active')),
    localRecvQueueAvg: decimal(get('wsrep_local_recv_queue_avg')),
    localSendQueueAvg: decimal(get('wsrep_local_send_queue_avg')),
    localCertFailures: integer(get('wsrep_local_cert_failures')),
    localBfAborts: integer(get('wsrep_local_bf_aborts')),
    replicated: integer(get('wsrep_replicated')),
    replicatedBytes: integer(get('wsrep_replicated_bytes')),
    received: integer(get('wsrep_received')),
    receivedBytes: integer(get('wsrep_received_bytes')),
    localIndex: integer(get('wsrep_local_index')),
    desyncCount: integer(get('wsrep_desync_count')),
    incomingAddresses: addresses
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '' && a.toUpperCase() !== 'AUTO'),
    providerName: nonEmpty(get('wsrep_provider_name')),
    providerVersion: nonEmpty(get('wsrep_provider_version')),
    gcommUuid: nonEmpty(get('wsrep_gcomm_uuid')),
    raw,
  };
}

/** Which states besides Synced may serve traffic. */
export interface NodeHealthPolicy {
  /**
   * Let a Donor/Desynced node count as healthy. Sensible with the non-blocking `mariabackup` SST;
   * with `rsync` the donor blocks writes while it donates. Default false.
   */
  donorServesTraffic?: boolean;
}

/** Codes of {@link NodeHealth}. */
export type NodeHealthCode = 'NODE_SYNCED' | 'NODE_DONOR_ALLOWED' | 'NODE_NOT_CONNECTED' | 'NODE_NOT_PRIMARY' | 'NODE_NOT_READY' | 'NODE_DONOR_NOT_ALLOWED' | 'NODE_NOT_SYNCED';

/** Whether one node may serve traffic, and why. */
export interface NodeHealth {
  /** True when the node may serve traffic. */
  healthy: boolean;
  /** Stable code of the verdict (the first failed check when not healthy). */
  code: NodeHealthCode;
  /** Human explanation. */
  message: string;
  /** The node state the verdict was based on. */
  nodeState: WsrepNodeState;
}

/**
 * Judges one node. Galera: a node serves traffic only when `wsrep_connected = ON`,
 * `wsrep_cluster_status = Primary`, `wsrep_ready = ON` and `wsrep_local_state_comment = Synced`;
 * a Donor/Desynced node only when the policy allows it. Checks run in that order and the first
 * failure is the reason.
 */
export function assessNodeHealth(status: WsrepStatus, policy: NodeHealthPolicy = {}): NodeHealth {
  const nodeState = status.nodeState;
  const verdict = (healthy: boolean, code: NodeHealthCode, message: string): NodeHealth => ({
    healthy,
    code,
    message,
    nodeState,
  });
  if (status.connected !== true) {
    return verdict(false, 'NODE_NOT_CONNECTED', `wsrep_connected is ${status.raw.wsrep_connected || 'unknown'}, not ON`);
  }
  if (status.clusterStatus !== 'Primary') {
    return verdict(false, 'NODE_NOT_PRIMARY', `wsrep_cluster_status is ${status.clusterStatus}: the node is not in a component with quorum`);
  }
  if (status.ready !== true) {
    return verdict(false, 'NODE_NOT_READY', `wsrep_ready is ${status.raw.wsrep_ready || 'unknown'}, not ON`);
  }
  if (nodeState === 'Synced') return verdict(true, 'NODE_SYNCED', 'Primary, ready, connected and Synced');
  if (nodeState === 'Donor/Desynced') {
    return policy.donorServesTraffic
      ? verdict(true, 'NODE_DONOR_ALLOWED', 'Donor/Desynced, which the policy lets serve traffic')
      : verdict(false, 'NODE_DONOR_NOT_ALLOWED', 'Donor/Desynced, and the policy serves traffic from Synced nodes only');
  }
  return verdict(false, 'NODE_NOT_SYNCED', `wsrep_local_state_comment is ${status.localStateComment ?? 'unknown'}, not Synced`);
}
