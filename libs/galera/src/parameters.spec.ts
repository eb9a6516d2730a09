import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PARAMETER_SPECS, REFUSED_PARAMETERS, findParameterSpec, planParameterChanges, validateParameters } from './parameters';

describe('validateParameters', () => {
  test('accepts allow-listed parameters and writes canonical names and values, sorted', () => {
    const v = validateParameters({
      'max-connections': '500',
      innodb_log_file_size: '512m',
      slow_query_log: true,
      character_set_server: 'UTF8MB4',
      sql_mode: 'strict_trans_tables, no_engine_substitution',
      WSREP_CERTIFY_NONPK: 1,
      long_query_time: 0.5,
    });
    assert.equal(v.ok, true);
    assert.deepEqual(v.errors, []);
    assert.deepEqual(
      v.parameters.map((p) => [p.name, p.value, p.apply]),
      [
        ['character_set_server', 'utf8mb4', 'dynamic'],
        ['innodb_log_file_size', '512M', 'dynamic'],
        ['long_query_time', '0.5', 'dynamic'],
        ['max_connections', '500', 'dynamic'],
        ['slow_query_log', 'ON', 'dynamic'],
        ['sql_mode', 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION', 'dynamic'],
        ['wsrep_certify_nonPK', 'ON', 'dynamic'],
      ],
    );
  });

  test('refuses parameters that would break a safe default, with a reason per field', () => {
    const v = validateParameters({ innodb_flush_log_at_trx_commit: 2, 'binlog-format': 'STATEMENT', innodb_autoinc_lock_mode: 1 });
    assert.equal(v.ok, false);
    assert.deepEqual(
      v.errors.map((e) => [e.pointer, e.code]),
      [
        ['/parameters/binlog-format', 'PARAMETER_REFUSED'],
        ['/parameters/innodb_autoinc_lock_mode', 'PARAMETER_REFUSED'],
        ['/parameters/innodb_flush_log_at_trx_commit', 'PARAMETER_REFUSED'],
      ],
    );
    assert.match(v.errors[2].detail, /Jepsen/);
  });

  test('refuses managed settings, pointing at the dedicated field', () => {
    const v = validateParameters({ wsrep_cluster_address: 'gcomm://x', innodb_buffer_pool_size: '1G' });
    assert.deepEqual(
      v.errors.map((e) => e.code),
      ['PARAMETER_REFUSED', 'PARAMETER_REFUSED'],
    );
    assert.match(v.errors[0].detail, /bufferPoolSize/);
    assert.match(v.errors[1].detail, /members/);
  });

  test('drops settings modern MariaDB rejects or ignores, with a warning, not an error', () => {
    const v = validateParameters({ innodb_additional_mem_pool_size: '20M', query_cache_size: 0, 'query-cache-type': 'OFF', max_connections: 100 });
    assert.equal(v.ok, true);
    assert.deepEqual(
      v.warnings.map((w) => [w.code, w.pointer]),
      [
        ['PARAMETER_DROPPED', '/parameters/innodb_additional_mem_pool_size'],
        ['PARAMETER_DROPPED', '/parameters/query-cache-type'],
        ['PARAMETER_DROPPED', '/parameters/query_cache_size'],
      ],
    );
    assert.deepEqual(
      v.parameters.map((p) => p.name),
      ['max_connections'],
    );
  });

  test('rejects unknown names, duplicates and bad values with pointers', () => {
    const v = validateParameters(
      {
        no_such_thing: 1,
        max_connections: 5,
        'wait-timeout': 60,
        wait_timeout: 70,
        max_allowed_packet: '2T',
        innodb_flush_method: 'nosync',
        slow_query_log: 'maybe',
        'a/b~c': 1,
      },
      { pointerPrefix: '/spec/config/parameters' },
    );
    assert.equal(v.ok, false);
    const byPointer = Object.fromEntries(v.errors.map((e) => [e.pointer, e.code]));
    assert.deepEqual(byPointer, {
      '/spec/config/parameters/a~1b~0c': 'PARAMETER_UNKNOWN',
      '/spec/config/parameters/innodb_flush_method': 'PARAMETER_INVALID_VALUE',
      '/spec/config/parameters/max_allowed_packet': 'PARAMETER_INVALID_VALUE',
      '/spec/config/parameters/max_connections': 'PARAMETER_INVALID_VALUE',
      '/spec/config/parameters/no_such_thing': 'PARAMETER_UNKNOWN',
      '/spec/config/parameters/slow_query_log': 'PARAMETER_INVALID_VALUE',
      '/spec/config/parameters/wait_timeout': 'PARAMETER_DUPLICATE',
    });
  });

  test('no value can smuggle a new line, quote or section into the file', () => {
    for (const value of ['utf8mb4\n[mysqld]\nwsrep_on=OFF', 'x"y', 'a\\b', 'STRICT_TRANS_TABLES\r\nbinlog_format=STATEMENT']) {
      const v = validateParameters({ sql_mode: value, character_set_server: value, wsrep_sst_donor: value, collation_server: value });
      assert.equal(v.ok, false, JSON.stringify(value));
      assert.equal(v.parameters.length, 0);
    }
  });

  test('a collation is accepted only beside its character set (the server would not start)', () => {
    const alone = validateParameters({ collation_server: 'utf8mb4_unicode_ci' });
    assert.deepEqual(
      alone.errors.map((e) => [e.pointer, e.code]),
      [['/parameters/collation_server', 'PARAMETER_INVALID_VALUE']],
    );
    const mismatch = validateParameters({ collation_server: 'utf8mb4_unicode_ci', character_set_server: 'latin1' });
    assert.match(mismatch.errors[0].detail, /does not belong to character_set_server latin1/);
    assert.equal(
      mismatch.parameters.some((p) => p.name === 'collation_server'),
      false,
    );
    assert.equal(validateParameters({ collation_server: 'utf8mb4_unicode_ci', character_set_server: 'utf8mb4' }).ok, true);
  });

  test('the redo log must be at least as large as its buffer (MariaDB answers error 1210 otherwise)', () => {
    const small = validateParameters({ innodb_log_file_size: '8M' });
    assert.deepEqual(
      small.errors.map((e) => e.pointer),
      ['/parameters/innodb_log_file_size'],
    );
    assert.match(small.errors[0].detail, /at least innodb_log_buffer_size \(16M\)/);
    assert.equal(validateParameters({ innodb_log_file_size: '8M', innodb_log_buffer_size: '4M' }).ok, true);
    assert.equal(validateParameters({ innodb_log_buffer_size: '128M' }).ok, false);
    assert.equal(validateParameters({ innodb_log_file_size: '1G', innodb_log_buffer_size: '128M' }).ok, true);
  });

  test('rejects a non-object', () => {
    assert.equal(validateParameters(['max_connections']).errors[0].code, 'PARAMETERS_NOT_AN_OBJECT');
    assert.equal(validateParameters(undefined).ok, true);
  });

  test('every spec is reachable by name and none is both allowed and refused', () => {
    for (const spec of PARAMETER_SPECS) {
      assert.equal(findParameterSpec(spec.name.toUpperCase().replace(/_/g, '-')), spec);
      assert.equal(REFUSED_PARAMETERS[spec.name.toLowerCase()], undefined, spec.name);
    }
  });
});

describe('planParameterChanges', () => {
  test('dynamic changes get a SET GLOBAL statement (sizes in bytes), others need a restart', () => {
    const before = validateParameters({ max_connections: 100, innodb_flush_method: 'fsync', sql_mode: 'ANSI' }).parameters;
    const after = validateParameters({ max_connections: 200, innodb_flush_method: 'O_DIRECT', max_allowed_packet: '64M' }).parameters;
    const plan = planParameterChanges(before, after);
    assert.equal(plan.restartRequired, true);
    assert.deepEqual(plan.changes, [
      { name: 'innodb_flush_method', apply: 'restart', from: 'fsync', to: 'O_DIRECT' },
      { name: 'max_allowed_packet', apply: 'dynamic', to: '64M', statement: 'SET GLOBAL max_allowed_packet = 67108864' },
      { name: 'max_connections', apply: 'dynamic', from: '100', to: '200', statement: 'SET GLOBAL max_connections = 200' },
      { name: 'sql_mode', apply: 'dynamic', from: 'ANSI', statement: 'SET GLOBAL sql_mode = DEFAULT' },
    ]);
  });

  test('only dynamic changes need no restart; unchanged values produce nothing', () => {
    const a = validateParameters({ max_connections: 100, character_set_server: 'latin1' }).parameters;
    const b = validateParameters({ max_connections: 100, character_set_server: 'utf8mb4' }).parameters;
    const plan = planParameterChanges(a, b);
    assert.equal(plan.restartRequired, false);
    assert.deepEqual(
      plan.changes.map((c) => c.statement),
      ["SET GLOBAL character_set_server = 'utf8mb4'"],
    );
  });
});
