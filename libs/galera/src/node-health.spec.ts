import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assessNodeHealth, parseNodeState, parseWsrepStatus, type WsrepStatusRow } from './node-health';
import { WSREP_STATUS_10_11_SINGLE_NODE, statusRows } from './test-fixtures';

/** Rows as a healthy MariaDB 10.11 / Galera 26.4 node returns them. */
const syncedRows: WsrepStatusRow[] = [
  { Variable_name: 'wsrep_cluster_status', Value: 'Primary' },
  { Variable_name: 'wsrep_cluster_size', Value: '3' },
  { Variable_name: 'wsrep_cluster_conf_id', Value: '7' },
  { Variable_name: 'wsrep_cluster_state_uuid', Value: '8bbc6b49-bd6e-11ee-9a4f-5e8b6a1f2c31' },
  { Variable_name: 'wsrep_local_state_uuid', Value: '8bbc6b49-bd6e-11ee-9a4f-5e8b6a1f2c31' },
  { Variable_name: 'wsrep_ready', Value: 'ON' },
  { Variable_name: 'wsrep_connected', Value: 'ON' },
  { Variable_name: 'wsrep_local_state', Value: '4' },
  { Variable_name: 'wsrep_local_state_comment', Value: 'Synced' },
  { Variable_name: 'wsrep_last_committed', Value: '1234' },
  { Variable_name: 'wsrep_local_cached_downto', Value: '1000' },
  { Variable_name: 'wsrep_flow_control_paused', Value: '0.0125' },
  { Variable_name: 'wsrep_flow_control_sent', Value: '2' },
  { Variable_name: 'wsrep_flow_control_recv', Value: '5' },
  { Variable_name: 'wsrep_flow_control_active', Value: 'false' },
  { Variable_name: 'wsrep_local_recv_queue_avg', Value: '0.5' },
  { Variable_name: 'wsrep_local_send_queue_avg', Value: '0' },
  { Variable_name: 'wsrep_local_cert_failures', Value: '3' },
  { Variable_name: 'wsrep_local_bf_aborts', Value: '1' },
  { Variable_name: 'wsrep_incoming_addresses', Value: '10.250.0.11:3306,10.250.0.12:3306,10.250.0.13:3306' },
  { Variable_name: 'wsrep_provider_version', Value: '26.4.16(r7dce5149)' },
  { Variable_name: 'wsrep_gcomm_uuid', Value: 'd3124bc8-1605-11e4-aa3d-ab44303c044a' },
];

describe('parseWsrepStatus', () => {
  test('reads what MariaDB 10.11 / Galera 4 really answers', () => {
    const s = parseWsrepStatus(statusRows(WSREP_STATUS_10_11_SINGLE_NODE));
    assert.equal(s.clusterStatus, 'Primary');
    assert.equal(s.clusterSize, 1);
    assert.equal(s.clusterConfId, 1);
    assert.equal(s.clusterStateUuid, 'ef03f24e-e8ae-11f1-ba4b-c7773f8be10e');
    assert.equal(s.nodeState, 'Synced');
    assert.equal(s.localState, 4);
    assert.equal(s.ready, true);
    assert.equal(s.connected, true);
    assert.equal(s.lastCommitted, 4);
    assert.equal(s.cachedDownTo, 1);
    assert.equal(s.flowControlPaused, 0);
    assert.equal(s.flowControlActive, false);
    assert.equal(s.localRecvQueueAvg, 0.5);
    assert.equal(s.replicatedBytes, 1264);
    assert.equal(s.providerName, 'Galera');
    assert.equal(s.providerVersion, '4.23(rXXXX)');
    assert.equal(s.gcommUuid, 'ef035bbd-e8ae-11f1-a611-d6300f7114c5');
    assert.equal(s.raw.wsrep_evs_state, 'OPERATIONAL');
    assert.equal(assessNodeHealth(s).healthy, true);
  });

  test('reads every field of a Synced node', () => {
    const s = parseWsrepStatus(syncedRows);
    assert.equal(s.clusterStatus, 'Primary');
    assert.equal(s.clusterSize, 3);
    assert.equal(s.clusterConfId, 7);
    assert.equal(s.clusterStateUuid, '8bbc6b49-bd6e-11ee-9a4f-5e8b6a1f2c31');
    assert.equal(s.ready, true);
    assert.equal(s.connected, true);
    assert.equal(s.localState, 4);
    assert.equal(s.localStateComment, 'Synced');
    assert.equal(s.nodeState, 'Synced');
    assert.equal(s.lastCommitted, 1234);
    assert.equal(s.cachedDownTo, 1000);
    assert.equal(s.flowControlPaused, 0.0125);
    assert.equal(s.flowControlSent, 2);
    assert.equal(s.flowControlRecv, 5);
    assert.equal(s.flowControlActive, false);
    assert.equal(s.localRecvQueueAvg, 0.5);
    assert.equal(s.localSendQueueAvg, 0);
    assert.equal(s.localCertFailures, 3);
    assert.equal(s.localBfAborts, 1);
    assert.deepEqual(s.incomingAddresses, ['10.250.0.11:3306', '10.250.0.12:3306', '10.250.0.13:3306']);
    assert.equal(s.providerVersion, '26.4.16(r7dce5149)');
    assert.equal(s.gcommUuid, 'd3124bc8-1605-11e4-aa3d-ab44303c044a');
  });

  test('accepts name/value rows, pairs and records, with names in any case', () => {
    const fromObjects = parseWsrepStatus([
      { name: 'WSREP_CLUSTER_STATUS', value: 'primary' },
      { name: 'Wsrep_Cluster_Size', value: 5 },
    ]);
    const fromPairs = parseWsrepStatus([
      ['wsrep_cluster_status', 'Primary'],
      ['wsrep_cluster_size', '5'],
    ]);
    const fromRecord = parseWsrepStatus({ wsrep_cluster_status: 'Primary', WSREP_CLUSTER_SIZE: '5' });
    for (const s of [fromObjects, fromPairs, fromRecord]) {
      assert.equal(s.clusterStatus, 'Primary');
      assert.equal(s.clusterSize, 5);
    }
  });

  test('a node without Galera reads as Unknown with nothing invented', () => {
    const s = parseWsrepStatus([]);
    assert.equal(s.clusterStatus, 'Unknown');
    assert.equal(s.nodeState, 'Unknown');
    assert.equal(s.clusterSize, undefined);
    assert.equal(s.ready, undefined);
    assert.deepEqual(s.incomingAddresses, []);
  });

  test('the unsigned -1 conf id of a disconnected node reads as unknown, not a huge number', () => {
    const s = parseWsrepStatus([
      ['wsrep_cluster_status', 'Disconnected'],
      ['wsrep_cluster_conf_id', '18446744073709551615'],
      ['wsrep_last_committed', '-1'],
      ['wsrep_incoming_addresses', 'AUTO'],
    ]);
    assert.equal(s.clusterStatus, 'Disconnected');
    assert.equal(s.clusterConfId, undefined);
    assert.equal(s.lastCommitted, -1);
    assert.deepEqual(s.incomingAddresses, []);
  });

  test('derives the node state from Galera comments, falling back to the number', () => {
    const state = (comment: string | undefined, n?: string) =>
      parseWsrepStatus([...(comment !== undefined ? ([['wsrep_local_state_comment', comment]] as const) : []), ...(n !== undefined ? ([['wsrep_local_state', n]] as const) : [])]).nodeState;
    assert.equal(state('Joining: receiving State Transfer'), 'Joining');
    assert.equal(state('Waiting for SST'), 'Waiting for SST');
    assert.equal(state('Donor/Desynced'), 'Donor/Desynced');
    assert.equal(state('Joined'), 'Joined');
    assert.equal(state('Initialized'), 'Initialized');
    assert.equal(state(undefined, '2'), 'Donor/Desynced');
    assert.equal(state(undefined, '4'), 'Synced');
    assert.equal(state(undefined, '9'), 'Unknown');
  });
});

describe('assessNodeHealth', () => {
  const base = parseWsrepStatus(syncedRows);
  const withRow = (name: string, value: string) => parseWsrepStatus([...syncedRows, { Variable_name: name, Value: value }]);

  test('Primary + ready + connected + Synced is healthy', () => {
    const h = assessNodeHealth(base);
    assert.equal(h.healthy, true);
    assert.equal(h.code, 'NODE_SYNCED');
  });

  test('each failed condition is named', () => {
    assert.equal(assessNodeHealth(withRow('wsrep_connected', 'OFF')).code, 'NODE_NOT_CONNECTED');
    const nonPrimary = assessNodeHealth(withRow('wsrep_cluster_status', 'non-Primary'));
    assert.equal(nonPrimary.code, 'NODE_NOT_PRIMARY');
    assert.match(nonPrimary.message, /Non-Primary/);
    assert.equal(assessNodeHealth(withRow('wsrep_ready', 'OFF')).code, 'NODE_NOT_READY');
    const joined = assessNodeHealth(withRow('wsrep_local_state_comment', 'Joined'));
    assert.equal(joined.healthy, false);
    assert.equal(joined.code, 'NODE_NOT_SYNCED');
    assert.match(joined.message, /Joined/);
  });

  test('a Donor/Desynced node serves traffic only when the policy allows it', () => {
    const donor = withRow('wsrep_local_state_comment', 'Donor/Desynced');
    assert.deepEqual([assessNodeHealth(donor).healthy, assessNodeHealth(donor).code], [false, 'NODE_DONOR_NOT_ALLOWED']);
    const allowed = assessNodeHealth(donor, { donorServesTraffic: true });
    assert.deepEqual([allowed.healthy, allowed.code], [true, 'NODE_DONOR_ALLOWED']);
  });
});

describe('parseNodeState', () => {
  test('reads a state comment by its leading word, as a member record keeps it', () => {
    assert.equal(parseNodeState('Synced'), 'Synced');
    assert.equal(parseNodeState('Joining: receiving State Transfer'), 'Joining');
    assert.equal(parseNodeState('Donor/Desynced'), 'Donor/Desynced');
    assert.equal(parseNodeState('Joined'), 'Joined');
  });
  test('Unknown for anything else (Unreachable, empty)', () => {
    assert.equal(parseNodeState('Unreachable'), 'Unknown');
    assert.equal(parseNodeState(undefined), 'Unknown');
  });
});
