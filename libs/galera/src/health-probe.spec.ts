import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nodeHealthProbe, nodeHealthProbeChecks, type HealthProbeCheck } from './health-probe';
import { assessNodeHealth, parseWsrepStatus, type NodeHealthPolicy } from './node-health';

/** What the probe's SQL computes, evaluated over status values (names upper case, as GLOBAL_STATUS has them). */
function probePasses(checks: readonly HealthProbeCheck[], values: Record<string, string>): boolean {
  return checks.every((check) => {
    const value = (values[check.variable] ?? '').toLowerCase();
    return check.match === 'equals' ? check.accepted.includes(value) : check.accepted.some((a) => value.startsWith(a));
  });
}

const CONNECTED = ['ON', 'OFF', 'on', '1', '0'];
const CLUSTER_STATUS = ['Primary', 'non-Primary', 'Disconnected'];
const READY = ['ON', 'OFF', 'YES'];
const COMMENTS = ['Synced', 'Donor/Desynced', 'Joining: receiving State Transfer', 'Joined', 'Initialized', 'Waiting for SST'];

describe('nodeHealthProbe', () => {
  for (const policy of [{}, { donorServesTraffic: true }] as NodeHealthPolicy[]) {
    test(`agrees with assessNodeHealth on every combination of the four values (policy ${JSON.stringify(policy)})`, () => {
      const checks = nodeHealthProbeChecks(policy);
      let combinations = 0;
      for (const connected of CONNECTED)
        for (const clusterStatus of CLUSTER_STATUS)
          for (const ready of READY)
            for (const comment of COMMENTS) {
              const values = { WSREP_CONNECTED: connected, WSREP_CLUSTER_STATUS: clusterStatus, WSREP_READY: ready, WSREP_LOCAL_STATE_COMMENT: comment };
              const rule = assessNodeHealth(parseWsrepStatus({ wsrep_connected: connected, wsrep_cluster_status: clusterStatus, wsrep_ready: ready, wsrep_local_state_comment: comment }), policy);
              assert.equal(probePasses(checks, values), rule.healthy, `${JSON.stringify(values)}: rule says ${rule.code}`);
              combinations += 1;
            }
      assert.equal(combinations, 5 * 3 * 3 * 6);
    });
  }

  test('is one SELECT that counts the passing checks and expects 1', () => {
    const probe = nodeHealthProbe();
    assert.equal(probe.expected, '1');
    assert.match(probe.sql, /^SELECT COUNT\(\*\) = 4 FROM information_schema\.GLOBAL_STATUS WHERE /);
    assert.match(probe.sql, /\(VARIABLE_NAME = 'WSREP_CLUSTER_STATUS' AND LOWER\(VARIABLE_VALUE\) IN \('primary'\)\)/);
    assert.match(probe.sql, /\(VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT' AND \(LOWER\(VARIABLE_VALUE\) LIKE 'synced%'\)\)/);
    assert.doesNotMatch(probe.sql, /donor/);
    assert.match(nodeHealthProbe({ donorServesTraffic: true }).sql, /LIKE 'synced%' OR LOWER\(VARIABLE_VALUE\) LIKE 'donor%'/);
    // Safe to pass as one argv element and inside a shell word: no double quote, backslash, $, backtick or ;.
    assert.doesNotMatch(probe.sql, /["\\$`;]/);
  });
});
