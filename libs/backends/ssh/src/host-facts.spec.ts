import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { renderGaleraConfig } from '@galera-cp/galera';
import {
  checkHostFacts,
  configuredForUs,
  existingDataCommand,
  hostFactsCommand,
  missingPackages,
  parseDatadir,
  parseDfAvailable,
  parseExistingData,
  parseHostFacts,
  parseListeningPorts,
  parseMeminfo,
  parseOsRelease,
  parsePackageStates,
  runsOurGalera,
  splitSections,
  type HostFacts,
} from './host-facts';
import { runLocalShell } from './shell/testing/run-local-shell';

const DEBIAN_OS = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
const OUR_CONFIG = renderGaleraConfig({ clusterName: 'orders', node: { name: 'orders-0', address: '10.0.0.1' }, members: ['10.0.0.1', '10.0.0.2'], gcacheSize: '64M' }).text;

const NONCE = 'c0ffee';

function output(sections: Record<string, string>): string {
  return Object.entries(sections)
    .map(([name, body]) => `\n@@${NONCE}:${name}\n${body}`)
    .join('');
}

const CLUSTER_ID = 'cl_01kmz4x0d3yq7g5v2c8n6t1b9a';
const OTHER_ID = 'cl_01kmz4x0d3yq7g5v2c8n6t1zzz';
const ORDERS = { clusterName: 'orders', clusterId: CLUSTER_ID };
const EXPECT = { ...ORDERS, minFreeDiskBytes: 1024 ** 3, bufferPoolSize: '256M', sstMethod: 'rsync' as const };

function facts(overrides: Partial<HostFacts> = {}): HostFacts {
  return {
    os: parseOsRelease(DEBIAN_OS),
    serviceManager: 'sysv',
    packages: { 'mariadb-server': true, 'galera-4': true, rsync: true },
    datadir: '/var/lib/mysql',
    diskAvailableBytes: 80 * 1024 ** 3,
    memory: { totalBytes: 4 * 1024 ** 3, availableBytes: 3 * 1024 ** 3 },
    listening: [{ port: 22, process: 'sshd' }],
    mariadbdPids: [],
    ...overrides,
  };
}

describe('host facts: parsers', () => {
  test('os-release: family from ID and ID_LIKE', () => {
    assert.deepEqual(parseOsRelease(DEBIAN_OS), { id: 'debian', idLike: [], versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', family: 'debian' });
    assert.equal(parseOsRelease('ID=ubuntu\nID_LIKE=debian\n').family, 'debian');
    assert.equal(parseOsRelease('ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\n').family, 'rhel');
    assert.equal(parseOsRelease('ID=alpine\n').family, 'unknown');
  });

  test('package states from dpkg-query and rpm', () => {
    assert.deepEqual(parsePackageStates('galera-4\tinstalled\nmariadb-server\tconfig-files\nrsync\tinstalled\n'), { 'galera-4': true, 'mariadb-server': false, rsync: true });
    assert.deepEqual(parsePackageStates('MariaDB-server\tinstalled\npackage socat is not installed\n'), { 'MariaDB-server': true });
  });

  test('meminfo, df, datadir, listening ports', () => {
    assert.deepEqual(parseMeminfo('MemTotal:       24683656 kB\nMemFree:        22960536 kB\nMemAvailable:   24039064 kB\n'), { totalBytes: 24683656 * 1024, availableBytes: 24039064 * 1024 });
    assert.equal(parseMeminfo('nothing'), undefined);
    assert.equal(parseDfAvailable('Filesystem     1024-blocks     Used Available Capacity Mounted on\n/dev/vda         264212084 23727116  82663796      23% /\n'), 82663796 * 1024);
    assert.equal(parseDfAvailable('df: /nope: No such file or directory\n'), undefined);
    assert.equal(parseDatadir('mariadbd would have been started with the following arguments:\n--socket=/run/mysqld/mysqld.sock --datadir=/var/lib/mysql --datadir=/srv/db/ --port=3306\n'), '/srv/db');
    assert.equal(parseDatadir(''), '/var/lib/mysql');
    assert.deepEqual(
      parseListeningPorts('LISTEN 0      128    0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=1,fd=3))\nLISTEN 0 80 *:3306 *:* users:(("mariadbd",pid=90,fd=20))\nLISTEN 0 4096 [::]:4567 [::]:*\n'),
      [{ port: 22, process: 'sshd' }, { port: 3306, process: 'mariadbd' }, { port: 4567 }],
    );
  });

  test('the sectioned output reads back, empty sections included', () => {
    const text = output({
      'os-release': DEBIAN_OS,
      systemd: '',
      sysv: 'yes',
      dpkg: 'galera-4\tinstalled\nmariadb-server\tinstalled\nrsync\tinstalled\n',
      rpm: '',
      defaults: '--datadir=/var/lib/mysql',
      listening: '',
      mariadbd: '1234\n',
      'config-0': OUR_CONFIG,
      'config-1': '',
    });
    assert.equal(splitSections(text, NONCE).get('sysv'), 'yes');
    const read = parseHostFacts(text, NONCE);
    assert.equal(read.serviceManager, 'sysv');
    assert.equal(read.os.family, 'debian');
    assert.deepEqual(read.mariadbdPids, [1234]);
    assert.equal(read.galeraConfig?.clusterName, 'orders');
    assert.equal(runsOurGalera(read, ORDERS), true, 'a file without an owner goes by the name');
    assert.equal(runsOurGalera(read, { clusterName: 'billing', clusterId: CLUSTER_ID }), false);
    assert.deepEqual(missingPackages(read, 'rsync'), []);
    assert.deepEqual(missingPackages(read, 'mariabackup'), ['mariadb-backup', 'socat']);
    assert.equal(parseHostFacts(output({ systemd: 'yes', sysv: 'yes' }), NONCE).serviceManager, 'systemd', 'systemd wins when PID 1 is systemd');
    assert.equal(parseHostFacts(output({}), NONCE).serviceManager, 'none');
  });

  test('the facts command runs in a real /bin/sh and its output parses (this machine is Debian)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'facts-'));
    try {
      const run = await runLocalShell(hostFactsCommand(NONCE).text, { cwd });
      assert.equal(run.code, 0, run.stderr.toString());
      const read = parseHostFacts(run.stdout.toString(), NONCE);
      assert.ok(read.os.id.length > 0);
      assert.ok(read.memory && read.memory.totalBytes > 0);
      assert.ok(read.datadir.startsWith('/'));
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('host facts: checks before a host becomes a member', () => {
  test('a clean host passes', () => {
    assert.deepEqual(checkHostFacts(facts(), EXPECT), []);
  });

  test('Galera ports held by another process: PORT_IN_USE naming port and process', () => {
    const problems = checkHostFacts(facts({ listening: [{ port: 3306, process: 'mysqld' }, { port: 4567 }] }), EXPECT);
    assert.deepEqual(
      problems.map((p) => p.code),
      ['PORT_IN_USE'],
    );
    assert.match(problems[0].message, /3306 \(mysqld\), 4567/);
  });

  test('our own server of this cluster may hold them (a retried step)', () => {
    const ours = facts({
      mariadbdPids: [7],
      listening: [
        { port: 3306, process: 'mariadbd' },
        { port: 4567, process: 'mariadbd' },
      ],
      galeraConfig: { managed: true, clusterName: 'orders', parameters: {} },
    });
    assert.deepEqual(checkHostFacts(ours, EXPECT), []);
  });

  test('another cluster configured on the host is a conflict', () => {
    const other = facts({ galeraConfig: { managed: true, clusterName: 'billing', parameters: {} } });
    assert.deepEqual(
      checkHostFacts(other, EXPECT).map((p) => p.code),
      ['CLUSTER_CONFLICT'],
    );
    // The distribution's commented-out 60-galera.cnf names no cluster: not a conflict.
    assert.deepEqual(checkHostFacts(facts({ galeraConfig: { managed: false, parameters: {} } }), EXPECT), []);
  });

  test('a configuration of another cluster record with the same name is a conflict, and its server is not ours', () => {
    const config = (ownerId: string) => ({ managed: true, clusterName: 'orders', ownerId, parameters: {} });
    const leftover = facts({ mariadbdPids: [7], listening: [{ port: 3306, process: 'mariadbd' }], galeraConfig: config(OTHER_ID) });
    assert.equal(configuredForUs(leftover, ORDERS), false);
    assert.equal(runsOurGalera(leftover, ORDERS), false);
    const problems = checkHostFacts(leftover, EXPECT);
    assert.deepEqual(
      problems.map((p) => p.code),
      ['CLUSTER_CONFLICT', 'PORT_IN_USE'],
    );
    assert.match(problems[0].message, new RegExp(`same name \\(control-plane cluster ${OTHER_ID}\\)`));
    const ours = facts({ mariadbdPids: [7], listening: [{ port: 3306, process: 'mariadbd' }], galeraConfig: config(CLUSTER_ID) });
    assert.equal(configuredForUs(ours, ORDERS), true);
    assert.deepEqual(checkHostFacts(ours, EXPECT), []);
  });

  test('disk, memory and service manager', () => {
    const codes = checkHostFacts(facts({ diskAvailableBytes: 100 * 1024 ** 2, memory: { totalBytes: 300 * 1024 ** 2, availableBytes: 0 }, serviceManager: 'none' }), EXPECT).map((p) => p.code);
    assert.deepEqual(codes, ['SERVICE_MANAGER_UNSUPPORTED', 'DISK_SPACE_LOW', 'MEMORY_TOO_LOW']);
  });
});

describe('host facts: what a datadir holds', () => {
  test('the command runs in a real /bin/sh: grastate.dat and the subdirectories, read back', async () => {
    const datadir = mkdtempSync(join(tmpdir(), 'datadir-'));
    try {
      for (const d of ['mysql', 'sys', 'lab', 'test', '#innodb_temp']) mkdirSync(join(datadir, d));
      writeFileSync(join(datadir, 'ibdata1'), '');
      writeFileSync(join(datadir, 'test', 'db.opt'), '');
      const empty = await runLocalShell(existingDataCommand(`${datadir}/`, NONCE).text, { cwd: datadir });
      assert.equal(empty.code, 0, empty.stderr.toString());
      const before = parseExistingData(empty.stdout.toString(), NONCE, datadir);
      assert.deepEqual([...before.directories].sort(), ['#innodb_temp', 'lab', 'mysql', 'sys', 'test']);
      assert.deepEqual(before.testSchemaFiles, ['db.opt']);
      assert.equal(before.grastate, undefined);
      writeFileSync(join(datadir, 'grastate.dat'), '# GALERA saved state\nversion: 2.1\nuuid:    ef03f24e-e8ae-11f1-ba4b-c7773f8be10e\nseqno:   8\nsafe_to_bootstrap: 0\n');
      const run = await runLocalShell(existingDataCommand(datadir, NONCE).text, { cwd: datadir });
      const after = parseExistingData(run.stdout.toString(), NONCE, datadir);
      assert.deepEqual(after.grastate, { version: '2.1', uuid: 'ef03f24e-e8ae-11f1-ba4b-c7773f8be10e', seqno: 8, safeToBootstrap: false });
      assert.equal(after.datadir, datadir);
    } finally {
      rmSync(datadir, { recursive: true, force: true });
    }
  });

  test('a missing datadir or an unreadable grastate.dat reads as nothing', async () => {
    const run = await runLocalShell(existingDataCommand('/nonexistent/datadir', NONCE).text, { cwd: tmpdir() });
    assert.equal(run.code, 0);
    assert.deepEqual(parseExistingData(run.stdout.toString(), NONCE, '/nonexistent/datadir'), { datadir: '/nonexistent/datadir', directories: [] });
    assert.deepEqual(parseExistingData(output({ grastate: 'garbage', directories: 'mysql/\nibdata1\n' }), NONCE, '/d'), { datadir: '/d', directories: ['mysql'] });
  });
});
