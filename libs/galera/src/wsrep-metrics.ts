/**
 * The wsrep figures worth exporting as gauges, so observability code can export them without
 * knowing wsrep. Galera rules: cluster size and conf id, flow control paused fraction and
 * sent/recv, local recv/send queue averages, cert failures, BF aborts; plus the health inputs.
 */
import type { WsrepStatus } from './node-health';

/** One exportable figure. */
export interface WsrepMetric {
  /** Metric name (Prometheus style, without a per-deployment prefix). */
  name: string;
  /** The `SHOW GLOBAL STATUS` variable it comes from. */
  source: string;
  /** Help text. */
  help: string;
  /** Reads the value; undefined when the node did not report it (export nothing then). */
  read(status: WsrepStatus): number | undefined;
}

const flag = (value: boolean | undefined): number | undefined => (value === undefined ? undefined : value ? 1 : 0);

/** Every metric worth exporting per node, in a stable order. */
export const WSREP_METRICS: readonly WsrepMetric[] = [
  {
    name: 'galera_cluster_size',
    source: 'wsrep_cluster_size',
    help: 'Members in the component this node sees.',
    read: (s) => s.clusterSize,
  },
  {
    name: 'galera_cluster_conf_id',
    source: 'wsrep_cluster_conf_id',
    help: 'Membership changes seen by the component; it must be equal on every member.',
    read: (s) => s.clusterConfId,
  },
  {
    name: 'galera_cluster_primary',
    source: 'wsrep_cluster_status',
    help: '1 when the node is in a Primary component (has quorum), else 0.',
    read: (s) => (s.clusterStatus === 'Unknown' ? undefined : s.clusterStatus === 'Primary' ? 1 : 0),
  },
  {
    name: 'galera_ready',
    source: 'wsrep_ready',
    help: '1 when the node accepts queries, else 0.',
    read: (s) => flag(s.ready),
  },
  {
    name: 'galera_connected',
    source: 'wsrep_connected',
    help: '1 when the node is connected to the group, else 0.',
    read: (s) => flag(s.connected),
  },
  {
    name: 'galera_local_state',
    source: 'wsrep_local_state',
    help: 'Node state: 1 Joining, 2 Donor/Desynced, 3 Joined, 4 Synced.',
    read: (s) => s.localState,
  },
  {
    name: 'galera_last_committed',
    source: 'wsrep_last_committed',
    help: 'Seqno of the last transaction committed on this node.',
    read: (s) => s.lastCommitted,
  },
  {
    name: 'galera_flow_control_paused_ratio',
    source: 'wsrep_flow_control_paused',
    help: 'Fraction of time replication was paused by flow control since the last status flush (0..1).',
    read: (s) => s.flowControlPaused,
  },
  {
    name: 'galera_flow_control_sent',
    source: 'wsrep_flow_control_sent',
    help: 'Flow control pause events sent by this node (it is falling behind); cumulative since start.',
    read: (s) => s.flowControlSent,
  },
  {
    name: 'galera_flow_control_recv',
    source: 'wsrep_flow_control_recv',
    help: 'Flow control pause events received by this node; cumulative since start.',
    read: (s) => s.flowControlRecv,
  },
  {
    name: 'galera_local_recv_queue_avg',
    source: 'wsrep_local_recv_queue_avg',
    help: 'Average length of the apply (receive) queue; above 0 means appliers lag.',
    read: (s) => s.localRecvQueueAvg,
  },
  {
    name: 'galera_local_send_queue_avg',
    source: 'wsrep_local_send_queue_avg',
    help: 'Average length of the send queue; above 0 suggests network limits.',
    read: (s) => s.localSendQueueAvg,
  },
  {
    name: 'galera_local_cert_failures',
    source: 'wsrep_local_cert_failures',
    help: 'Local transactions that failed certification (write conflicts); cumulative since start.',
    read: (s) => s.localCertFailures,
  },
  {
    name: 'galera_local_bf_aborts',
    source: 'wsrep_local_bf_aborts',
    help: 'Local transactions aborted by replicated ones (brute-force aborts); cumulative since start.',
    read: (s) => s.localBfAborts,
  },
];
