import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { readGaleraConfig, renderGaleraConfig, validateGaleraConfigInput, type GaleraConfigInput } from './galera-config';
import { GaleraRuleError } from './problems';

const input: GaleraConfigInput = {
  clusterName: 'prod',
  node: { name: 'db-1', address: '10.250.0.11' },
  members: ['10.250.0.11', '10.250.0.12', '10.250.0.13'],
  gcacheSize: '512M',
  bufferPoolSize: '64M',
};

/** Reads an option file back into section -> [name, value][] (a small stand-in for my_print_defaults). */
function sections(text: string): Map<string, Array<[string, string]>> {
  const out = new Map<string, Array<[string, string]>>();
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[([a-z_]+)\]$/.exec(line);
    if (header) {
      current = header[1];
      out.set(current, out.get(current) ?? []);
      continue;
    }
    const eq = line.indexOf('=');
    const name = (eq < 0 ? line : line.slice(0, eq)).trim();
    let value = eq < 0 ? '' : line.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out.get(current)?.push([name, value]);
  }
  return out;
}

function option(text: string, section: string, name: string): string[] {
  return (sections(text).get(section) ?? []).filter(([n]) => n === name).map(([, v]) => v);
}

describe('renderGaleraConfig', () => {
  test('writes the Galera wiring of one node', () => {
    const { text, warnings } = renderGaleraConfig(input);
    assert.deepEqual(warnings, []);
    assert.deepEqual(option(text, 'mysqld', 'wsrep_cluster_address'), ['gcomm://10.250.0.11,10.250.0.12,10.250.0.13']);
    assert.deepEqual(option(text, 'mysqld', 'wsrep_cluster_name'), ['prod']);
    assert.deepEqual(option(text, 'mysqld', 'wsrep_node_name'), ['db-1']);
    assert.deepEqual(option(text, 'mysqld', 'wsrep_node_address'), ['10.250.0.11']);
    assert.deepEqual(option(text, 'mysqld', 'wsrep_provider'), ['/usr/lib/galera/libgalera_smm.so']);
    assert.deepEqual(option(text, 'mysqld', 'wsrep_provider_options'), ['gcache.size=512M;pc.recovery=TRUE']);
    assert.deepEqual(option(text, 'mysqld', 'wsrep_sst_method'), ['mariabackup']);
    assert.deepEqual(option(text, 'mysqld', 'wsrep_sst_auth'), []);
    assert.deepEqual(option(text, 'mysqld', 'innodb_buffer_pool_size'), ['64M']);
    assert.deepEqual(option(text, 'mysqld', 'port'), ['3306']);
    assert.deepEqual(option(text, 'mysqld', 'bind_address'), ['0.0.0.0']);
  });

  test('always writes the safe defaults', () => {
    const { text } = renderGaleraConfig(input);
    assert.deepEqual(option(text, 'mysqld', 'innodb_flush_log_at_trx_commit'), ['1']);
    assert.deepEqual(option(text, 'mysqld', 'binlog_format'), ['ROW']);
    assert.deepEqual(option(text, 'mysqld', 'innodb_autoinc_lock_mode'), ['2']);
    assert.deepEqual(option(text, 'mysqld', 'default_storage_engine'), ['InnoDB']);
    assert.deepEqual(option(text, 'mysqld', 'wsrep_on'), ['ON']);
  });

  test("keeps errors visible under Debian's init script: log_error twice, no syslog, SST not to syslog", () => {
    const { text } = renderGaleraConfig({ ...input, logErrorPath: '/var/log/mysql/galera.err' });
    assert.deepEqual(option(text, 'mysqld', 'log_error'), ['/var/log/mysql/galera.err']);
    assert.deepEqual(option(text, 'mysqld_safe', 'log_error'), ['/var/log/mysql/galera.err']);
    assert.deepEqual(option(text, 'mysqld_safe', 'skip_syslog'), ['']);
    assert.deepEqual(option(text, 'sst', 'sst-syslog'), ['-1']);
    assert.deepEqual([...sections(text).keys()], ['mysqld', 'mysqld_safe', 'sst']);
  });

  test('writes the chosen options: rsync, SST auth, port, provider, bind address, IPv6 and host names', () => {
    const { text } = renderGaleraConfig({
      ...input,
      node: { name: 'galera-0', address: '[fd00::11]:4567' },
      members: ['[fd00::11]:4567', 'galera-1.galera.db.svc.cluster.local', 'galera-2.galera.db.svc.cluster.local'],
      sstMethod: 'rsync',
      sstAuth: { user: 'sst', password: 'S3cr#t;pw' },
      port: 3307,
      bindAddress: '::',
      providerPath: '/usr/lib64/galera-4/libgalera_smm.so',
      gcacheSize: 2 * 1024 ** 3,
    });
    assert.deepEqual(option(text, 'mysqld', 'wsrep_sst_method'), ['rsync']);
    assert.deepEqual(option(text, 'mysqld', 'wsrep_sst_auth'), ['sst:S3cr#t;pw']);
    assert.match(text, /^wsrep_sst_auth = "sst:S3cr#t;pw"$/m);
    assert.deepEqual(option(text, 'mysqld', 'port'), ['3307']);
    assert.deepEqual(option(text, 'mysqld', 'bind_address'), ['::']);
    assert.deepEqual(option(text, 'mysqld', 'wsrep_provider_options'), ['gcache.size=2G;pc.recovery=TRUE']);
    assert.deepEqual(option(text, 'mysqld', 'wsrep_node_address'), ['[fd00::11]:4567']);
    assert.match(text, /^wsrep_cluster_address = "gcomm:\/\/\[fd00::11\]:4567,galera-1\.galera/m);
  });

  test('writes validated user parameters sorted, and returns dropped ones as warnings', () => {
    const { text, warnings, parameters } = renderGaleraConfig({
      ...input,
      parameters: { wsrep_slave_threads: 8, max_connections: 500, query_cache_size: '64M' },
    });
    assert.deepEqual(
      parameters.map((p) => p.name),
      ['max_connections', 'wsrep_slave_threads'],
    );
    assert.ok(text.indexOf('max_connections = 500') < text.indexOf('wsrep_slave_threads = 8'));
    assert.doesNotMatch(text, /query_cache/);
    assert.deepEqual(
      warnings.map((w) => w.code),
      ['PARAMETER_DROPPED'],
    );
  });

  test('is deterministic: the same input gives the same bytes whatever the key order', () => {
    const a = renderGaleraConfig({ ...input, parameters: { max_connections: 10, wait_timeout: 60 } }).text;
    const b = renderGaleraConfig({ parameters: { wait_timeout: 60, max_connections: 10 }, ...input }).text;
    assert.equal(a, b);
  });

  test('refuses invalid input with every field error at once', () => {
    const bad: GaleraConfigInput = {
      clusterName: 'prod\n[mysqld]',
      node: { name: '', address: '10.0.0.300' },
      members: ['10.0.0.1', 'evil host', '10.0.0.1'],
      gcacheSize: '12MB',
      port: 70000,
      logErrorPath: '/var/log/../../etc/passwd',
      sstAuth: { user: 'root', password: 'a"b' },
      parameters: { innodb_flush_log_at_trx_commit: 0 },
    };
    const v = validateGaleraConfigInput(bad, '/spec');
    assert.equal(v.ok, false);
    assert.deepEqual(v.errors.map((e) => e.pointer).sort(), [
      '/spec/clusterName',
      '/spec/gcacheSize',
      '/spec/logErrorPath',
      '/spec/members/1',
      '/spec/members/2',
      '/spec/node/address',
      '/spec/node/name',
      '/spec/parameters/innodb_flush_log_at_trx_commit',
      '/spec/port',
      '/spec/sstAuth/password',
    ]);
    assert.throws(
      () => renderGaleraConfig(bad),
      (e: unknown) => e instanceof GaleraRuleError && e.code === 'GALERA_CONFIG_INVALID' && e.errors.length === 10,
    );
  });

  test('property: whatever the input, a rendered file keeps exactly three sections and the safe defaults', () => {
    const anyText = fc.string({ unit: 'binary', maxLength: 20 });
    fc.assert(
      fc.property(anyText, anyText, anyText, anyText, (clusterName, nodeName, address, value) => {
        let text: string;
        try {
          text = renderGaleraConfig({
            clusterName,
            node: { name: nodeName, address },
            members: [address],
            gcacheSize: '128M',
            parameters: { sql_mode: value, wsrep_sst_donor: value },
          }).text;
        } catch (e) {
          assert.ok(e instanceof GaleraRuleError);
          return;
        }
        const parsed = sections(text);
        assert.deepEqual([...parsed.keys()], ['mysqld', 'mysqld_safe', 'sst']);
        assert.deepEqual(option(text, 'mysqld', 'innodb_flush_log_at_trx_commit'), ['1']);
        assert.deepEqual(option(text, 'mysqld', 'binlog_format'), ['ROW']);
        assert.deepEqual(option(text, 'mysqld', 'wsrep_on'), ['ON']);
        for (const line of text.split('\n')) assert.match(line, /^[\x20-\x7e]*$/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('readGaleraConfig', () => {
  test('reads back what renderGaleraConfig wrote: cluster, members, node, SST method, user parameters', () => {
    const text = renderGaleraConfig({ ...input, sstMethod: 'rsync', parameters: { max_connections: 500, sql_mode: 'strict_trans_tables', 'wsrep-slave-threads': 4 } }).text;
    const read = readGaleraConfig(text);
    assert.equal(read.managed, true);
    assert.equal(read.clusterName, 'prod');
    assert.deepEqual(read.members, input.members);
    assert.equal(read.nodeName, 'db-1');
    assert.equal(read.nodeAddress, '10.250.0.11');
    assert.equal(read.sstMethod, 'rsync');
    // Safe defaults are not user parameters; names come back canonical, values as written.
    assert.deepEqual(read.parameters, { max_connections: '500', sql_mode: 'STRICT_TRANS_TABLES', wsrep_slave_threads: '4' });
  });

  test('the header names the cluster record that wrote the file; without an owner the header says nothing of one', () => {
    const owner = 'cl_01kmz4x0d3yq7g5v2c8n6t1b9a';
    const text = renderGaleraConfig({ ...input, ownerId: owner }).text;
    assert.match(text, /^# Written by the control plane for cluster cl_01kmz4x0d3yq7g5v2c8n6t1b9a: manual edits are overwritten\.$/m);
    assert.equal(readGaleraConfig(text).ownerId, owner);
    assert.equal(readGaleraConfig(text).managed, true);
    assert.equal(readGaleraConfig(renderGaleraConfig(input).text).ownerId, undefined);
    assert.equal(readGaleraConfig(renderGaleraConfig(input).text).managed, true);
    const bad = validateGaleraConfigInput({ ...input, ownerId: 'x\n[mysqld]' });
    assert.deepEqual(
      bad.errors.map((e) => [e.pointer, e.code]),
      [['/ownerId', 'OWNER_ID_INVALID']],
    );
  });

  test('a file written by someone else is not managed; other sections and junk are ignored', () => {
    const read = readGaleraConfig('[client]\nmax_connections = 9\n[mysqld]\nwsrep_cluster_address = "gcomm://"\nmax-connections=12\nnot a setting\n');
    assert.equal(read.managed, false);
    assert.deepEqual(read.members, []);
    assert.deepEqual(read.parameters, { max_connections: '12' });
    assert.deepEqual(readGaleraConfig(''), { managed: false, parameters: {} });
  });
});
