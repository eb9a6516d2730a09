import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseWsrepStatus } from './node-health';
import { WSREP_METRICS } from './wsrep-metrics';

describe('WSREP_METRICS', () => {
  test('covers the figures the rules name, each with help text and a unique name', () => {
    const sources = WSREP_METRICS.map((m) => m.source);
    for (const wanted of [
      'wsrep_cluster_size',
      'wsrep_cluster_conf_id',
      'wsrep_flow_control_paused',
      'wsrep_flow_control_sent',
      'wsrep_flow_control_recv',
      'wsrep_local_recv_queue_avg',
      'wsrep_local_send_queue_avg',
      'wsrep_local_cert_failures',
      'wsrep_local_bf_aborts',
    ]) {
      assert.ok(sources.includes(wanted), `${wanted} is exported`);
    }
    assert.equal(new Set(WSREP_METRICS.map((m) => m.name)).size, WSREP_METRICS.length);
    for (const m of WSREP_METRICS) {
      assert.match(m.name, /^[a-z_]+$/);
      assert.ok(m.help.length > 10);
    }
  });

  test('reads values from a status, and nothing where the node reported nothing', () => {
    const status = parseWsrepStatus({
      wsrep_cluster_size: '3',
      wsrep_cluster_status: 'non-Primary',
      wsrep_flow_control_paused: '0.25',
      wsrep_ready: 'OFF',
    });
    const value = (name: string) => WSREP_METRICS.find((m) => m.name === name)?.read(status);
    assert.equal(value('galera_cluster_size'), 3);
    assert.equal(value('galera_cluster_primary'), 0);
    assert.equal(value('galera_flow_control_paused_ratio'), 0.25);
    assert.equal(value('galera_ready'), 0);
    assert.equal(value('galera_local_cert_failures'), undefined);
    assert.equal(WSREP_METRICS.find((m) => m.name === 'galera_cluster_primary')?.read(parseWsrepStatus([])), undefined);
  });
});
