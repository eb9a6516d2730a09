import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { command, pipeline, redirectOutput, sequence, type RemoteCommand } from '../shell/command';
import { REDACTED } from './redactor';
import { SshConnector, type SshConnectOptions, type SshTarget } from './ssh-connector';
import type { SshSession } from './ssh-session';
import { SshCommandFailedError, SshError, SshExecError } from './ssh.errors';
import { startTestSshd, type TestSshd } from './testing/test-sshd';

const connector = new SshConnector();
const SECRET = `s3cr3t-${randomBytes(6).toString('hex')}`;

function isExecError(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof SshError, `expected an SshError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

/** A command that sleeps with a unique duration, so its process can be found with pgrep. */
function uniqueSleep(): { command: RemoteCommand; pattern: string } {
  const seconds = `30.${randomBytes(3).readUIntBE(0, 3)}`;
  // A list, so the shell must stay and the kill has to reach a child as well as the shell.
  return { command: sequence(command('sleep', seconds), command('printf', 'finished')), pattern: `sleep ${seconds}` };
}

describe('SshSession.exec against a real sshd', () => {
  let sshd: TestSshd;
  let target: SshTarget;
  let session: SshSession;
  let dir: string;
  const extra: SshSession[] = [];
  const open = async (options?: SshConnectOptions) => {
    const opened = await connector.connect(target, options);
    extra.push(opened);
    return opened;
  };
  const isRunning = async (pattern: string) => (await session.exec(command('pgrep', '-f', '--', pattern), { timeoutMs: 10_000, allowedExitCodes: [0, 1] })).exitCode === 0;

  before(async () => {
    sshd = await startTestSshd();
    dir = await mkdtemp(join(tmpdir(), 'galera-cp-session-'));
    target = {
      host: sshd.host,
      port: sshd.port,
      username: 'root',
      auth: { kind: 'privateKey', privateKey: sshd.clientKey.privateKey },
      hostKey: { kind: 'pinned', fingerprint: sshd.hostKeyFingerprint },
    };
    session = await connector.connect(target, { redact: [SECRET] });
  });
  after(async () => {
    await Promise.all([session, ...extra].filter(Boolean).map((s) => s.close()));
    await sshd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('returns stdout, stderr, exit code and duration', async () => {
    const result = await session.exec(sequence(command('printf', '%s\n', 'out'), redirectOutput(command('printf', '%s\n', 'err'), '/dev/stderr')), { timeoutMs: 10_000 });
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, 'out\n');
    assert.equal(result.stderr, 'err\n', 'the transport markers never reach the caller');
    assert.equal(result.stdoutTruncated, false);
    assert.ok(result.durationMs >= 0);
  });

  test('a disallowed exit code fails with SSH_COMMAND_FAILED, exit code and stderr tail', async () => {
    const missing = command('ls', '--', '/no/such/galera/path');
    await assert.rejects(session.exec(missing, { timeoutMs: 10_000 }), (error: unknown) => {
      assert.ok(error instanceof SshCommandFailedError);
      assert.equal(error.code, 'SSH_COMMAND_FAILED');
      assert.equal(error.exitCode, 2);
      assert.match(error.stderrTail, /No such file or directory/);
      assert.equal(error.command, 'ls -- /no/such/galera/path');
      return true;
    });
    const allowed = await session.exec(missing, { timeoutMs: 10_000, allowedExitCodes: [0, 2] });
    assert.equal(allowed.exitCode, 2);
    await assert.rejects(session.exec(command('false'), { timeoutMs: 10_000 }), { code: 'SSH_COMMAND_FAILED', exitCode: 1 });
  });

  test('writes stdin to the command byte for byte, then end of file', async () => {
    const payload = Buffer.concat([randomBytes(300_000), Buffer.from('\nline ä € 😀\n')]);
    const result = await session.exec(command('sha256sum'), { timeoutMs: 10_000, stdin: payload });
    assert.equal(result.stdout.split(' ')[0], createHash('sha256').update(payload).digest('hex'));
    const text = await session.exec(command('cat'), { timeoutMs: 10_000, stdin: 'héllo\n' });
    assert.equal(text.stdout, 'héllo\n');
    // Without stdin the command reads end of file at once instead of hanging.
    assert.equal((await session.exec(command('cat'), { timeoutMs: 10_000 })).stdout, '');
  });

  test('hands every line to onLine, redacted, and keeps only the tail of a large output', async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `line ${String(i).padStart(6, '0')}`);
    lines[99_990] = `token ${SECRET} here`;
    const seen: string[] = [];
    const result = await session.exec(command('cat'), {
      timeoutMs: 20_000,
      stdin: `${lines.join('\n')}\n`,
      maxOutputBytes: 64 * 1024,
      onLine: (stream, line) => {
        if (stream === 'stdout') seen.push(line);
      },
    });
    assert.equal(seen.length, lines.length);
    assert.equal(seen[99_990], `token ${REDACTED} here`);
    assert.equal(seen[0], 'line 000000');
    assert.equal(result.stdoutTruncated, true);
    assert.ok(Buffer.byteLength(result.stdout) <= 64 * 1024);
    assert.ok(result.stdout.endsWith('line 099999\n'));
    assert.match(result.stdout, /^line \d{6}\n/, 'the kept tail starts at a whole line');
    assert.ok(result.stdout.includes(SECRET), 'the result itself is not redacted');
  });

  test('redacts secrets in onLine and in errors: session secrets and per-exec ones', async () => {
    const perExec = `pw-${randomBytes(6).toString('hex')}`;
    const lines: string[] = [];
    const leaky = sequence(command('printf', '%s\n', `stdout ${SECRET} ${perExec}`), redirectOutput(command('printf', '%s\n', `stderr ${SECRET} ${perExec}`), '/dev/stderr'), command('false'));
    await assert.rejects(session.exec(leaky, { timeoutMs: 10_000, redact: [perExec], onLine: (stream, line) => lines.push(`${stream}: ${line}`) }), (error: unknown) => {
      assert.ok(error instanceof SshCommandFailedError);
      for (const text of [error.message, error.command, error.stdoutTail, error.stderrTail]) {
        assert.ok(!text.includes(SECRET) && !text.includes(perExec), text);
      }
      assert.match(error.stderrTail, /stderr \[REDACTED\] \[REDACTED\]/);
      return true;
    });
    assert.deepEqual(lines.sort(), [`stderr: stderr ${REDACTED} ${REDACTED}`, `stdout: stdout ${REDACTED} ${REDACTED}`]);
  });

  test('a timeout kills the remote command and fails with SSH_TIMEOUT', async () => {
    const sleeper = uniqueSleep();
    await assert.rejects(session.exec(sleeper.command, { timeoutMs: 500 }), (error: unknown) => {
      assert.ok(error instanceof SshExecError);
      assert.equal(error.code, 'SSH_TIMEOUT');
      assert.ok(error.durationMs < 10_000);
      return true;
    });
    assert.equal(await isRunning(sleeper.pattern), false, 'the remote sleep is gone');
  });

  test('an AbortSignal kills the remote command and fails with SSH_ABORTED', async () => {
    const sleeper = uniqueSleep();
    const controller = new AbortController();
    const reason = new Error('operation cancelled by the user');
    setTimeout(() => controller.abort(reason), 300);
    await assert.rejects(session.exec(sleeper.command, { timeoutMs: 60_000, signal: controller.signal }), (error: unknown) => {
      assert.ok(error instanceof SshExecError);
      assert.equal(error.code, 'SSH_ABORTED');
      assert.equal(error.cause, reason);
      return true;
    });
    assert.equal(await isRunning(sleeper.pattern), false, 'the remote sleep is gone');
    const aborted = AbortSignal.abort();
    await assert.rejects(session.exec(command('true'), { timeoutMs: 1000, signal: aborted }), isExecError('SSH_ABORTED'));
  });

  test('never runs more commands at once than maxChannels (measured on the host)', async () => {
    const bounded = await open({ maxChannels: 2 });
    const stamp = (file: string) => redirectOutput(command('date', '+%s%N'), join(dir, file));
    const runs = Array.from({ length: 10 }, (_, i) => bounded.exec(sequence(stamp(`${i}.start`), command('sleep', '0.2'), stamp(`${i}.end`)), { timeoutMs: 30_000 }));
    assert.ok(bounded.activeChannels <= 2);
    await Promise.all(runs);
    const events: Array<[bigint, number]> = [];
    for (let i = 0; i < 10; i++) {
      events.push([BigInt((await readFile(join(dir, `${i}.start`), 'utf8')).trim()), +1]);
      events.push([BigInt((await readFile(join(dir, `${i}.end`), 'utf8')).trim()), -1]);
    }
    events.sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : a[0] < b[0] ? -1 : 1));
    let running = 0;
    let most = 0;
    for (const [, delta] of events) {
      running += delta;
      most = Math.max(most, running);
    }
    assert.equal(most, 2, 'two at a time: never more, and the bound is used');
    assert.equal(bounded.activeChannels, 0);
  });

  test('a command waiting for a channel can be aborted and then never runs', async () => {
    const single = await open({ maxChannels: 1 });
    const marker = join(dir, 'queued-ran');
    const first = single.exec(command('sleep', '0.5'), { timeoutMs: 10_000 });
    const controller = new AbortController();
    const queued = single.exec(redirectOutput(command('printf', 'x'), marker), { timeoutMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(queued, isExecError('SSH_ABORTED'));
    await first;
    assert.ok(!(await readdir(dir)).includes('queued-ran'));
  });

  test('refuses a raw string and invalid options', async () => {
    await assert.rejects(session.exec('id' as unknown as RemoteCommand, { timeoutMs: 1000 }), isExecError('SSH_CONFIG_INVALID'));
    await assert.rejects(session.exec(command('id'), { timeoutMs: 0 }), isExecError('SSH_CONFIG_INVALID'));
    await assert.rejects(session.exec(command('id'), { timeoutMs: 1000, maxOutputBytes: 0 }), isExecError('SSH_CONFIG_INVALID'));
  });

  test('runs commands concurrently over one TCP connection', async () => {
    const shared = await open();
    const results = await Promise.all(Array.from({ length: 4 }, () => shared.exec(pipeline(command('printf', '%s', 'x'), command('cat')), { timeoutMs: 10_000 })));
    assert.deepEqual(
      results.map((r) => r.stdout),
      ['x', 'x', 'x', 'x'],
    );
    const logins = sshd.logs().match(/Accepted publickey for root/g) ?? [];
    const before = logins.length;
    await Promise.all(Array.from({ length: 5 }, () => shared.exec(command('true'), { timeoutMs: 10_000 })));
    assert.equal((sshd.logs().match(/Accepted publickey for root/g) ?? []).length, before, 'no new login for more commands');
  });

  test('close() kills running commands, and a closed session refuses new ones', async () => {
    const closing = await open();
    const sleeper = uniqueSleep();
    const running = closing.exec(sleeper.command, { timeoutMs: 60_000 });
    running.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await closing.close();
    await assert.rejects(running, isExecError('SSH_DISCONNECTED'));
    assert.equal(closing.isOpen, false);
    await assert.rejects(closing.exec(command('true'), { timeoutMs: 1000 }), isExecError('SSH_DISCONNECTED'));
    assert.equal(await isRunning(sleeper.pattern), false, 'closing left nothing behind');
  });
});

describe('SshSession when the server goes away', () => {
  test('a running command fails with SSH_DISCONNECTED and the session reports it', async () => {
    const sshd = await startTestSshd();
    try {
      const session = await connector.connect(
        {
          host: sshd.host,
          port: sshd.port,
          username: 'root',
          auth: { kind: 'privateKey', privateKey: sshd.clientKey.privateKey },
          hostKey: { kind: 'pinned', fingerprint: sshd.hostKeyFingerprint },
        },
        { keepaliveIntervalMs: 200, keepaliveCountMax: 2 },
      );
      const running = session.exec(command('sleep', '20'), { timeoutMs: 60_000 });
      running.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sshd.stop();
      await assert.rejects(running, isExecError('SSH_DISCONNECTED'));
      assert.equal(session.isOpen, false);
      await assert.rejects(session.exec(command('true'), { timeoutMs: 1000 }), isExecError('SSH_DISCONNECTED'));
      await session.close();
    } finally {
      await sshd.stop();
    }
  });
});

describe('SshSession when the server refuses channels', () => {
  test('a channel beyond sshd MaxSessions fails with SSH_CHANNEL_OPEN_FAILED, the others run', async () => {
    const sshd = await startTestSshd({ maxSessions: 2 });
    try {
      const session = await connector.connect(
        {
          host: sshd.host,
          port: sshd.port,
          username: 'root',
          auth: { kind: 'privateKey', privateKey: sshd.clientKey.privateKey },
          hostKey: { kind: 'pinned', fingerprint: sshd.hostKeyFingerprint },
        },
        { maxChannels: 3 },
      );
      const outcomes = await Promise.allSettled(Array.from({ length: 3 }, () => session.exec(command('sleep', '0.5'), { timeoutMs: 10_000 })));
      const refused = outcomes.filter((o) => o.status === 'rejected');
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 2);
      assert.equal(refused.length, 1);
      isExecError('SSH_CHANNEL_OPEN_FAILED')((refused[0] as PromiseRejectedResult).reason);
      assert.equal(session.isOpen, true, 'a refused channel does not end the session');
      await session.close();
    } finally {
      await sshd.stop();
    }
  });
});
