import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readGaleraConfig, renderGaleraConfig } from './galera-config';
import { GaleraRuleError } from './problems';
import { NODE_START_OPTIONS, renderSharedGaleraConfig, validateSharedGaleraConfigInput, type SharedGaleraConfigInput } from './shared-config';

const members = ['db-0.db-peers.prod.svc.cluster.local', 'db-1.db-peers.prod.svc.cluster.local', 'db-2.db-peers.prod.svc.cluster.local'];
const input: SharedGaleraConfigInput = {
  clusterName: 'db',
  members,
  gcacheSize: '512M',
  bufferPoolSize: '256M',
  sstMethod: 'mariabackup',
  sstAuth: { user: 'mysql' },
  logErrorPath: '/dev/stderr',
  parameters: { max_connections: 300 },
};

describe('renderSharedGaleraConfig', () => {
  test('is the per-node file without the node lines: same safe defaults, members, SST and parameters', () => {
    const shared = renderSharedGaleraConfig(input);
    const perNode = renderGaleraConfig({ ...input, node: { name: 'db-0', address: '10.244.0.5' } });
    const withoutNode = (text: string) => text.split('\n').filter((l) => !/^(#|wsrep_node_name|wsrep_node_address)/.test(l));
    assert.deepEqual(withoutNode(shared.text), withoutNode(perNode.text));
    assert.doesNotMatch(shared.text, /^wsrep_node_(name|address) =/m);
    assert.match(shared.text, /^# Galera configuration shared by every member of cluster db\.$/m);
    assert.match(shared.text, /^# wsrep_node_name and wsrep_node_address are given on the server's command line at start\.$/m);
    assert.deepEqual(shared.parameters, perNode.parameters);
  });

  test('reads back as a managed file with the cluster, the members and no node', () => {
    const read = readGaleraConfig(renderSharedGaleraConfig(input).text);
    assert.equal(read.managed, true);
    assert.equal(read.clusterName, 'db');
    assert.deepEqual(read.members, members);
    assert.equal(read.nodeName, undefined);
    assert.equal(read.nodeAddress, undefined);
    assert.equal(read.sstMethod, 'mariabackup');
    assert.deepEqual(read.parameters, { max_connections: '300' });
  });

  test('keeps the safe defaults whatever the parameters ask', () => {
    const { text } = renderSharedGaleraConfig(input);
    for (const line of ['innodb_flush_log_at_trx_commit = 1', 'binlog_format = ROW', 'innodb_autoinc_lock_mode = 2', 'default_storage_engine = InnoDB', 'wsrep_on = ON']) {
      assert.match(text, new RegExp(`^${line}$`, 'm'));
    }
    assert.throws(
      () => renderSharedGaleraConfig({ ...input, parameters: { innodb_flush_log_at_trx_commit: 2 } }),
      (e: unknown) => e instanceof GaleraRuleError && e.code === 'GALERA_CONFIG_INVALID',
    );
  });

  test('validation reports every field but the node, under the given pointer', () => {
    const v = validateSharedGaleraConfigInput({ ...input, clusterName: 'bad name', gcacheSize: 'lots', members: [] }, '/galera');
    assert.equal(v.ok, false);
    assert.deepEqual(v.errors.map((e) => e.pointer).sort(), ['/galera/clusterName', '/galera/gcacheSize', '/galera/members']);
    assert.equal(validateSharedGaleraConfigInput(input).ok, true);
  });

  test('names the options the start command must give', () => {
    assert.deepEqual(NODE_START_OPTIONS, { name: 'wsrep_node_name', address: 'wsrep_node_address' });
  });
});
