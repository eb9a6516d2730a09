import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serviceManager, setShellVariable, STARTUP_TIMEOUT_SECONDS } from './service-manager';

describe('SysV service manager (Debian init script, the host lab)', () => {
  const sysv = serviceManager('sysv');

  test('start, bootstrap and stop go through `service mariadb`, in a session of their own (an abort never kills the server)', () => {
    assert.equal(sysv.start().text, 'setsid -f -w service mariadb start');
    assert.equal(sysv.start({ sstDonor: 'db-1,db-2' }).text, "setsid -f -w service mariadb start '--wsrep_sst_donor=db-1,db-2'");
    assert.equal(sysv.bootstrap().text, 'setsid -f -w service mariadb bootstrap');
    assert.equal(sysv.stop().text, 'setsid -f -w service mariadb stop');
  });

  test('enable makes the runlevel links first when they are missing; disable turns them off', () => {
    assert.equal(sysv.enable().text, 'update-rc.d mariadb enable || { update-rc.d mariadb defaults && update-rc.d mariadb enable; }');
    assert.equal(sysv.disable().text, 'update-rc.d mariadb disable');
  });

  test('enabled means an S link in runlevel 2', () => {
    assert.equal(sysv.enabledProbe().text, 'ls -1 -- /etc/rc2.d');
    assert.equal(sysv.parseEnabled('README\nK01mariadb\nS01ssh\n', 0), false);
    assert.equal(sysv.parseEnabled('README\nS01mariadb\nS01ssh\n', 0), true);
  });

  test('the startup timeout goes into /etc/default/mariadb, keeping the other lines', () => {
    assert.equal(sysv.startupTimeoutFile().path, '/etc/default/mariadb');
    const fresh = sysv.withStartupTimeout(undefined);
    assert.match(fresh, new RegExp(`^MYSQLD_STARTUP_TIMEOUT=${STARTUP_TIMEOUT_SECONDS}$`, 'm'));
    assert.ok(fresh.endsWith('\n'));
    const kept = sysv.withStartupTimeout('# mine\nMYSQLD_STARTUP_TIMEOUT=30\nOTHER=1\n');
    assert.equal(kept, `# mine\nMYSQLD_STARTUP_TIMEOUT=${STARTUP_TIMEOUT_SECONDS}\nOTHER=1\n`);
    assert.equal(sysv.withStartupTimeout(kept), kept, 'idempotent');
  });

  test('an SST method for this start only goes on the command line, after the donors', () => {
    assert.equal(sysv.start({ sstDonor: 'db-0', sstMethod: 'rsync' }).text, "setsid -f -w service mariadb start '--wsrep_sst_donor=db-0' '--wsrep_sst_method=rsync'");
    assert.equal(sysv.start({ sstMethod: 'mariabackup' }).text, "setsid -f -w service mariadb start '--wsrep_sst_method=mariabackup'");
    assert.throws(() => sysv.start({ sstMethod: 'xtrabackup --skip-grant-tables' as 'rsync' }), RangeError);
  });

  test('a donor list that is not node names is refused (it would reach mariadbd as an option)', () => {
    assert.throws(() => sysv.start({ sstDonor: 'db-1 --skip-grant-tables' }), RangeError);
    assert.throws(() => sysv.start({ sstDonor: '-x' }), RangeError);
  });
});

describe('systemd service manager (real hosts)', () => {
  const systemd = serviceManager('systemd');

  test('start and stop through systemctl; bootstrap through galera_new_cluster', () => {
    assert.equal(systemd.start().text, 'systemctl start mariadb');
    assert.equal(systemd.bootstrap().text, 'galera_new_cluster');
    assert.equal(systemd.stop().text, 'systemctl stop mariadb');
    assert.equal(systemd.enable().text, 'systemctl enable mariadb');
    assert.equal(systemd.disable().text, 'systemctl disable mariadb');
  });

  test('a donor is passed through MYSQLD_OPTS for this start only', () => {
    assert.equal(
      systemd.start({ sstDonor: 'db-1' }).text,
      "systemctl set-environment 'MYSQLD_OPTS=--wsrep_sst_donor=db-1'; { systemctl start mariadb && systemctl unset-environment MYSQLD_OPTS; } || { systemctl unset-environment MYSQLD_OPTS && false; }",
    );
  });

  test('donors and an SST method share MYSQLD_OPTS', () => {
    assert.match(systemd.start({ sstDonor: 'db-1', sstMethod: 'rsync' }).text, /^systemctl set-environment 'MYSQLD_OPTS=--wsrep_sst_donor=db-1 --wsrep_sst_method=rsync';/);
  });

  test('enabled from systemctl is-enabled', () => {
    assert.equal(systemd.enabledProbe().text, 'systemctl is-enabled mariadb');
    assert.equal(systemd.parseEnabled('enabled\n', 0), true);
    assert.equal(systemd.parseEnabled('disabled\n', 1), false);
  });

  test('the startup timeout is a unit drop-in followed by daemon-reload', () => {
    const file = systemd.startupTimeoutFile();
    assert.equal(file.path, '/etc/systemd/system/mariadb.service.d/galera-cp.conf');
    assert.equal(file.reloadAfterWrite?.text, 'systemctl daemon-reload');
    assert.match(systemd.withStartupTimeout(undefined), new RegExp(`^\\[Service\\]\\nTimeoutStartSec=${STARTUP_TIMEOUT_SECONDS}$`, 'm'));
  });
});

describe('setShellVariable', () => {
  test('replaces an export too, appends with a header otherwise', () => {
    assert.equal(setShellVariable('export A=1\n', 'A', '2'), 'A=2\n');
    assert.equal(setShellVariable('B=1', 'A', '2', ['# why']), 'B=1\n# why\nA=2\n');
    assert.equal(setShellVariable('', 'A', '2'), 'A=2\n');
  });
});
