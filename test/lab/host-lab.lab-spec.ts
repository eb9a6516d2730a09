// The host lab itself, on real namespaces, sshd and MariaDB packages (root only, no mocks).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { HostLab, LAB_SUDO_USER, sshBannerAnswers, type LabCredentials, type LabHost } from './host-lab';
import { HostKeyMismatchError, LabSshSession, withLabSsh, type LabSshTarget } from './lab-ssh';

// A name of this run's own: another run of this file (another engineer) uses another lab.
const LAB = `hl${process.pid}`;

function rootTarget(host: LabHost, credentials: LabCredentials, fingerprint = host.fingerprint): LabSshTarget {
  return { host: host.address, username: 'root', privateKey: credentials.privateKey, fingerprint };
}

function passwordTarget(host: LabHost, credentials: LabCredentials): LabSshTarget {
  return { host: host.address, username: credentials.sudoUser, password: credentials.sudoPassword, fingerprint: host.fingerprint };
}

function netnsNames(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

function linkExists(name: string): boolean {
  try {
    execFileSync('ip', ['link', 'show', 'dev', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Asserts that nothing of the lab is left in the kernel: netns, links, mounts, processes. */
function assertNothingLeft(lab: HostLab, pids: readonly number[]): void {
  assert.deepEqual(
    netnsNames().filter((ns) => ns.startsWith(`gcplab-${lab.name}-`)),
    [],
  );
  assert.equal(linkExists(lab.bridge), false, `bridge ${lab.bridge} still exists`);
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  assert.equal(new RegExp(`: gcp${lab.octet}v\\d+[@:]`).test(links), false, `veths of ${lab.name} still exist`);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  assert.equal(mounts.includes(lab.directory) || mounts.includes(`gcplab-${lab.name}-`), false, 'lab mounts still exist');
  for (const pid of pids) assert.equal(existsSync(`/proc/${pid}/ns`), false, `process ${pid} of the lab is still alive`);
}

async function remoteEpochSeconds(host: LabHost, credentials: LabCredentials): Promise<number> {
  return withLabSsh(rootTarget(host, credentials), async (ssh) => Number((await ssh.run('date +%s')).trim()));
}

describe('host lab', () => {
  let lab: HostLab;
  let credentials: LabCredentials;
  let hosts: LabHost[];

  before(async () => {
    lab = await HostLab.open({ name: LAB });
    await lab.down({ purge: true });
    lab = await HostLab.open({ name: LAB });
    const started = Date.now();
    hosts = await lab.up(3);
    console.log(`# lab up --hosts 3: ${Date.now() - started} ms`);
    credentials = await lab.credentials();
  });

  after(async () => {
    await lab?.down({ purge: true });
  });

  test('exposes addresses, users and fingerprints in OpenSSH format', async () => {
    assert.equal(hosts.length, 3);
    assert.deepEqual(
      hosts.map((h) => h.address),
      [1, 2, 3].map((i) => `10.250.${lab.octet}.${10 + i}`),
    );
    assert.equal(lab.controlPlaneAddress, `10.250.${lab.octet}.1`);
    assert.equal(credentials.sudoUser, LAB_SUDO_USER);
    assert.ok(credentials.sudoPassword.length >= 12);
    for (const host of hosts) {
      assert.ok(host.running && host.pid !== null);
      const keygen = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', '-'], { input: `${host.publicKey}\n`, encoding: 'utf8' });
      assert.equal(keygen.split(' ')[1], host.fingerprint);
      assert.equal(host.fingerprint, host.stableFingerprint);
    }
    assert.equal(new Set(hosts.map((h) => h.fingerprint)).size, 3);
  });

  test('every host takes root by key and the sudo user by password or key, with the pinned host key', async () => {
    for (const host of hosts) {
      const session = await LabSshSession.connect(rootTarget(host, credentials));
      try {
        assert.equal(session.presentedFingerprint, host.fingerprint);
        assert.equal((await session.run('hostname')).trim(), host.hostname);
        assert.equal((await session.run('id -u')).trim(), '0');
      } finally {
        session.close();
      }
      await withLabSsh(passwordTarget(host, credentials), async (ssh) => {
        assert.equal((await ssh.run('id -un')).trim(), LAB_SUDO_USER);
        assert.equal((await ssh.exec('sudo -n true')).code, 0);
        assert.equal((await ssh.run('sudo -n id -u')).trim(), '0');
      });
      await withLabSsh({ ...passwordTarget(host, credentials), password: undefined, privateKey: credentials.privateKey }, async (ssh) => {
        assert.equal((await ssh.run('id -un')).trim(), LAB_SUDO_USER);
      });
    }
    await assert.rejects(LabSshSession.connect({ ...passwordTarget(hosts[0]!, credentials), password: 'wrong' }));
    await assert.rejects(LabSshSession.connect({ ...rootTarget(hosts[0]!, credentials), privateKey: undefined, password: credentials.sudoPassword }));
    await assert.rejects(LabSshSession.connect(rootTarget(hosts[0]!, credentials, hosts[1]!.fingerprint)), HostKeyMismatchError);
  });

  test('each host has its own /etc, hostname and datadir; lab state is hidden', async () => {
    await withLabSsh(rootTarget(hosts[0]!, credentials), (ssh) => ssh.run('echo host-1 > /etc/lab-marker'));
    await withLabSsh(rootTarget(hosts[1]!, credentials), async (ssh) => {
      assert.equal((await ssh.exec('test -e /etc/lab-marker')).code, 1);
      assert.equal((await ssh.run('ls -A /var/lib/gcp-lab | wc -l')).trim(), '0');
      assert.equal((await ssh.run('stat -c %U /var/lib/mysql /run/mysqld')).trim(), 'mysql\nmysql');
      assert.equal((await ssh.run('stat -c "%U:%G %a" /var/log/mysql')).trim(), 'mysql:adm 2750');
      assert.equal((await ssh.run('test -d /run/sshd && test -f /var/lib/mysql/mysql/db.frm && echo ok')).trim(), 'ok');
    });
    assert.equal((await lab.exec(1, ['cat', '/etc/lab-marker'])).stdout, 'host-1\n');
    assert.equal((await lab.exec(2, ['test', '-e', '/etc/lab-marker'], { allowFailure: true })).code, 1);
    assert.equal(existsSync('/etc/lab-marker'), false);
    assert.equal(readFileSync(`${lab.directory}/hosts/1/etc/lab-marker`, 'utf8'), 'host-1\n');
  });

  test('hosts reach each other and the control plane, and have no route out', async () => {
    await withLabSsh(rootTarget(hosts[0]!, credentials), async (ssh) => {
      assert.equal((await ssh.run('ip -4 route show default')).trim(), '');
      assert.equal((await ssh.exec(`timeout 3 bash -c '</dev/tcp/${hosts[1]!.address}/22'`)).code, 0);
      assert.notEqual((await ssh.exec(`timeout 3 bash -c '</dev/tcp/1.1.1.1/80'`)).code, 0);
    });
  });

  test('MariaDB is installed, stopped and disabled; `service` starts it by hand (no policy-rc.d in the way)', async () => {
    await withLabSsh(rootTarget(hosts[2]!, credentials), async (ssh) => {
      assert.equal((await ssh.exec('service mariadb status')).code, 3);
      assert.equal((await ssh.exec('ls /etc/rc2.d/S??mariadb')).code, 2);
      assert.equal((await ssh.exec('test -e /etc/default/mariadb')).code, 1);
      assert.equal((await ssh.exec('test -x /usr/sbin/policy-rc.d')).code, 1);
      assert.equal((await ssh.exec('service mariadb start')).code, 0);
      assert.match(await ssh.run('mariadb -N -B -e "SELECT @@version"'), /MariaDB/);
      assert.equal((await ssh.exec('service mariadb stop')).code, 0);
      assert.equal((await ssh.exec('pgrep -x mariadbd')).code, 1);
    });
  });

  test('power-off kills every process of a host; boot brings it back with its key and files', async () => {
    const host = hosts[1]!;
    await withLabSsh(rootTarget(host, credentials), (ssh) => ssh.run('echo kept > /root/kept && echo kept > /var/lib/mysql/kept'));
    const before = await lab.processesOf(2);
    assert.ok(before.length > 0);
    await lab.powerOff(2);
    assert.equal(await sshBannerAnswers(host.address, 22, 2_000), false);
    assert.deepEqual(await lab.processesOf(2), []);
    for (const pid of before) assert.equal(existsSync(`/proc/${pid}/ns`), false, `process ${pid} survived the power-off`);
    assert.equal((await lab.host(2)).running, false);
    await lab.powerOff(2);

    const booted = await lab.boot(2);
    assert.equal(booted.running, true);
    assert.equal(booted.fingerprint, host.fingerprint);
    await withLabSsh(rootTarget(host, credentials), async (ssh) => {
      assert.equal((await ssh.run('cat /root/kept /var/lib/mysql/kept')).trim(), 'kept\nkept');
      assert.equal((await ssh.run('stat -c %U /run/mysqld')).trim(), 'mysql');
    });
  });

  test('boot starts MariaDB only when the service is enabled (SysV emulation)', async () => {
    const host = hosts[1]!;
    await withLabSsh(rootTarget(host, credentials), (ssh) => ssh.run('update-rc.d mariadb enable'));
    await lab.powerOff(2);
    await lab.boot(2);
    await withLabSsh(rootTarget(host, credentials), async (ssh) => {
      const deadline = Date.now() + 30_000;
      while ((await ssh.exec('mariadb-admin ping')).code !== 0) {
        assert.ok(Date.now() < deadline, 'mariadb did not start at boot within 30 s');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      await ssh.run('update-rc.d mariadb disable');
    });
    await lab.powerOff(2);
    await lab.boot(2);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await withLabSsh(rootTarget(host, credentials), async (ssh) => {
      assert.equal((await ssh.exec('pgrep -x mariadbd')).code, 1, 'a disabled mariadb started at boot');
    });
  });

  test('a rotated host key no longer matches the pinned fingerprint; restoring it does', async () => {
    const host = hosts[2]!;
    const rotated = await lab.rotateHostKey(3);
    assert.notEqual(rotated.fingerprint, host.fingerprint);
    assert.equal(rotated.hostKeyRotated, true);
    await assert.rejects(LabSshSession.connect(rootTarget(host, credentials)), (error: unknown) => {
      assert.ok(error instanceof HostKeyMismatchError);
      assert.equal(error.actual, rotated.fingerprint);
      return true;
    });
    await withLabSsh(rootTarget(rotated, credentials), (ssh) => ssh.run('true'));
    const restored = await lab.restoreHostKey(3);
    assert.equal(restored.fingerprint, host.fingerprint);
    await withLabSsh(rootTarget(host, credentials), (ssh) => ssh.run('true'));
  });

  test('a skewed clock shows in new SSH sessions and clears again', async () => {
    const host = hosts[0]!;
    const skewed = await lab.setClockSkew(1, 10);
    assert.equal(skewed.clockSkewSeconds, 10);
    const ahead = (await remoteEpochSeconds(host, credentials)) - Math.floor(Date.now() / 1000);
    assert.ok(ahead >= 8 && ahead <= 12, `expected about +10 s, got ${ahead}`);
    await lab.setClockSkew(1, -30);
    const behind = (await remoteEpochSeconds(host, credentials)) - Math.floor(Date.now() / 1000);
    assert.ok(behind >= -32 && behind <= -28, `expected about -30 s, got ${behind}`);
    await lab.setClockSkew(1, 0);
    const none = (await remoteEpochSeconds(host, credentials)) - Math.floor(Date.now() / 1000);
    assert.ok(Math.abs(none) <= 2, `expected no skew, got ${none}`);
  });

  test('another lab coexists on its own subnet and bridge', async () => {
    const other = await HostLab.open({ name: `${LAB}-b` });
    try {
      assert.notEqual(other.subnet, lab.subnet);
      assert.notEqual(other.bridge, lab.bridge);
      const [host] = await other.up(1);
      const otherCredentials = await other.credentials();
      await withLabSsh(rootTarget(host!, otherCredentials), async (ssh) => {
        assert.equal((await ssh.run('hostname')).trim(), `${LAB}-b-1`);
        assert.equal((await ssh.exec(`timeout 3 bash -c '</dev/tcp/${hosts[0]!.address}/22'`)).code, 1);
      });
      await withLabSsh(rootTarget(hosts[0]!, credentials), (ssh) => ssh.run('true'));
    } finally {
      await other.down({ purge: true });
    }
    assertNothingLeft(other, []);
  });

  test('add and remove a host; down leaves nothing behind; a re-created lab keeps its host keys', async () => {
    const added = await lab.addHost();
    assert.equal(added.index, 4);
    await withLabSsh(rootTarget(added, credentials), async (ssh) => assert.equal((await ssh.run('hostname')).trim(), added.hostname));
    const addedPids = await lab.processesOf(4);
    await lab.removeHost(4);
    assert.equal(netnsNames().includes(added.netns), false);
    assert.equal(existsSync(`${lab.directory}/hosts/4`), false);
    for (const pid of addedPids) assert.equal(existsSync(`/proc/${pid}/ns`), false);
    await lab.removeHost(4).catch(() => {});
    assert.deepEqual(
      (await lab.hosts()).map((h) => h.index),
      [1, 2, 3],
    );

    const pids = (await Promise.all([1, 2, 3].map((i) => lab.processesOf(i)))).flat();
    await lab.down();
    assertNothingLeft(lab, pids);
    // With the lab down its addresses have no connected route: a packet to them must die here
    // (blackhole) instead of following the default route off the machine.
    const routes = execFileSync('ip', ['-4', 'route', 'show', 'match', hosts[0]!.address], { encoding: 'utf8' });
    const specific = routes.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('default'));
    assert.deepEqual(
      specific.map((line) => line.split(' ').slice(0, 2).join(' ')),
      ['blackhole 10.250.0.0/16'],
      `routes to ${hosts[0]!.address} after down: ${routes}`,
    );
    assert.equal(existsSync(`${lab.directory}/hosts`), false);
    await lab.down();

    const again = await lab.up(3);
    assert.deepEqual(
      again.map((h) => h.fingerprint),
      hosts.map((h) => h.fingerprint),
    );
    await lab.up(3);
    await withLabSsh(rootTarget(again[0]!, credentials), async (ssh) => assert.equal((await ssh.exec('test -e /etc/lab-marker')).code, 1));
    const lastPids = (await Promise.all([1, 2, 3].map((i) => lab.processesOf(i)))).flat();
    await lab.down({ purge: true });
    assertNothingLeft(lab, lastPids);
    assert.equal(existsSync(lab.directory), false);
  });
});
