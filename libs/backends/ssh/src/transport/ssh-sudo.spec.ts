import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { command, redirectOutput, sequence } from '../shell/command';
import { writeFileCommand } from '../shell/write-file';
import { SshConnector, type SshTarget } from './ssh-connector';
import type { SshSession } from './ssh-session';
import { SshError, SshExecError } from './ssh.errors';
import { startTestSshd, type TestSshd, type TestUser } from './testing/test-sshd';

const connector = new SshConnector();

function isCode(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof SshError, `expected an SshError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

describe('sudo through SshSession against a real sshd', () => {
  let sshd: TestSshd;
  let dir: string;
  let root: SshSession;
  const sessions: SshSession[] = [];
  const login = async (user: TestUser, sudoPassword?: string) => {
    const target: SshTarget = {
      host: sshd.host,
      port: sshd.port,
      username: user.name,
      auth: { kind: 'privateKey', privateKey: sshd.clientKey.privateKey },
      hostKey: { kind: 'pinned', fingerprint: sshd.hostKeyFingerprint },
      ...(sudoPassword === undefined ? {} : { sudo: { password: sudoPassword } }),
    };
    const session = await connector.connect(target);
    sessions.push(session);
    return session;
  };
  const isRunning = async (pattern: string) => (await root.exec(command('pgrep', '-f', '--', pattern), { timeoutMs: 10_000, allowedExitCodes: [0, 1] })).exitCode === 0;

  before(async () => {
    sshd = await startTestSshd();
    // Only root may write here: a write that works went through sudo.
    dir = await mkdtemp(join(tmpdir(), 'galera-cp-sudo-'));
    await chmod(dir, 0o755);
    root = await connector.connect({
      host: sshd.host,
      port: sshd.port,
      username: 'root',
      auth: { kind: 'privateKey', privateKey: sshd.clientKey.privateKey },
      hostKey: { kind: 'pinned', fingerprint: sshd.hostKeyFingerprint },
    });
  });
  after(async () => {
    await Promise.all([root, ...sessions].filter(Boolean).map((s) => s.close()));
    await sshd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('password sudo runs the command as root; the password goes to stdin, not argv or output', async () => {
    const user = sshd.passwordSudoUser;
    const session = await login(user, user.password);
    const lines: string[] = [];
    const result = await session.exec(sequence(command('id', '-u'), command('printf', '%s\n', 'done')), {
      timeoutMs: 15_000,
      sudo: true,
      onLine: (stream, line) => lines.push(`${stream}:${line}`),
    });
    assert.equal(result.stdout, '0\ndone\n');
    assert.equal(result.stderr, '', 'no prompt, no marker');
    assert.deepEqual(lines, ['stdout:0', 'stdout:done']);
    // Without sudo the same session is the login user.
    assert.equal((await session.exec(command('id', '-u'), { timeoutMs: 10_000 })).stdout, `${user.uid}\n`);
    // The password was written after the prompt, so the ssh logs never show it.
    assert.ok(!sshd.logs().includes(user.password));
  });

  test('stdin reaches the root command intact after the password (atomic write as root)', async () => {
    const user = sshd.passwordSudoUser;
    const session = await login(user, user.password);
    const target = join(dir, 'galera.cnf');
    const content = `[galera]\nwsrep_cluster_name="x"\n${randomBytes(2000).toString('base64')}\n`;
    await session.exec(writeFileCommand(target, { mode: '0640', owner: 'root:root' }), { timeoutMs: 15_000, sudo: true, stdin: content });
    assert.equal(await readFile(target, 'utf8'), content, 'exactly the payload: the password line was not written into the file');
    const info = await stat(target);
    assert.equal(info.uid, 0);
    assert.equal(info.mode & 0o777, 0o640);
    assert.deepEqual(await readdir(dir), ['galera.cnf']);
  });

  test('a redirection inside a sudo command is opened by root', async () => {
    const user = sshd.passwordSudoUser;
    const session = await login(user, user.password);
    const target = join(dir, 'root-only');
    await session.exec(redirectOutput(command('printf', '%s', 'written by root'), target), { timeoutMs: 15_000, sudo: true });
    assert.equal((await stat(target)).uid, 0);
    await rm(target);
  });

  test('a wrong sudo password fails with SUDO_AUTH_FAILED and never leaks the password', async () => {
    const user = sshd.passwordSudoUser;
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const session = await login(user, wrong);
    await assert.rejects(session.exec(command('id', '-u'), { timeoutMs: 30_000, sudo: true }), (error: unknown) => {
      isCode('SUDO_AUTH_FAILED')(error);
      const e = error as SshExecError;
      for (const text of [e.message, e.stderrTail, e.stdoutTail, e.command]) assert.ok(!text.includes(wrong), text);
      return true;
    });
  });

  test('sudo -n on a user that needs a password fails with SUDO_AUTH_FAILED', async () => {
    const session = await login(sshd.passwordSudoUser);
    await assert.rejects(session.exec(command('id', '-u'), { timeoutMs: 15_000, sudo: true }), isCode('SUDO_AUTH_FAILED'));
  });

  test('a NOPASSWD user gets root through sudo -n', async () => {
    const session = await login(sshd.nopasswdSudoUser);
    assert.equal((await session.exec(command('id', '-u'), { timeoutMs: 15_000, sudo: true })).stdout, '0\n');
  });

  test('a user without sudo rights fails with a SUDO_* error, not as a failed command', async () => {
    const session = await login(sshd.plainUser, sshd.plainUser.password);
    await assert.rejects(session.exec(command('id', '-u'), { timeoutMs: 15_000, sudo: true }), (error: unknown) => {
      assert.ok(error instanceof SshExecError);
      assert.ok(['SUDO_FAILED', 'SUDO_AUTH_FAILED'].includes(error.code), error.code);
      assert.match(error.stderrTail, /sudoers|not allowed/);
      return true;
    });
  });

  test('a timed-out sudo command is killed, root processes included', async () => {
    const user = sshd.passwordSudoUser;
    const session = await login(user, user.password);
    const seconds = `31.${randomBytes(3).readUIntBE(0, 3)}`;
    const sleeper = sequence(command('sleep', seconds), command('printf', 'finished'));
    await assert.rejects(session.exec(sleeper, { timeoutMs: 1_000, sudo: true }), isCode('SSH_TIMEOUT'));
    assert.equal(await isRunning(`sleep ${seconds}`), false);
  });

  test('sudo: true is a no-op for root logins', async () => {
    const result = await root.exec(command('id', '-u'), { timeoutMs: 10_000, sudo: true });
    assert.equal(result.stdout, '0\n');
  });
});
