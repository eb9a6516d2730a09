import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { command } from '../shell/command';
import { SshConnector, type SshTarget } from './ssh-connector';
import type { SshSession } from './ssh-session';
import { HostKeyMismatchError, SshError } from './ssh.errors';
import { startTestSshd, type TestSshd } from './testing/test-sshd';

const connector = new SshConnector({ connectTimeoutMs: 5_000, readyTimeoutMs: 10_000 });
// A valid fingerprint of some other key.
const OTHER_FINGERPRINT = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function isSshError(code: string) {
  return (error: unknown) => {
    assert.ok(error instanceof SshError, `expected an SshError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

describe('SshConnector against a real sshd', () => {
  let sshd: TestSshd;
  let rootTarget: SshTarget;
  const sessions: SshSession[] = [];
  const open = async (target: SshTarget) => {
    const session = await connector.connect(target);
    sessions.push(session);
    return session;
  };

  before(async () => {
    sshd = await startTestSshd();
    rootTarget = {
      host: sshd.host,
      port: sshd.port,
      username: 'root',
      auth: { kind: 'privateKey', privateKey: sshd.clientKey.privateKey },
      hostKey: { kind: 'pinned', fingerprint: sshd.hostKeyFingerprint },
    };
  });
  after(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await sshd?.stop();
  });

  test('accepts the pinned host key and runs commands', async () => {
    const session = await open(rootTarget);
    assert.equal(session.hostKeyVerifiedBy, 'pinned');
    assert.deepEqual(session.hostKey, { fingerprint: sshd.hostKeyFingerprint, keyType: 'ssh-ed25519' });
    const result = await session.exec(command('id', '-u'), { timeoutMs: 10_000 });
    assert.equal(result.stdout, '0\n');
  });

  test('accepts a pin written with base64 padding', async () => {
    const session = await open({ ...rootTarget, hostKey: { kind: 'pinned', fingerprint: `${sshd.hostKeyFingerprint}=` } });
    assert.equal(session.hostKey.fingerprint, sshd.hostKeyFingerprint);
  });

  test('refuses another host key with HOST_KEY_MISMATCH before authenticating', async () => {
    const logsBefore = sshd.logs().length;
    await assert.rejects(connector.connect({ ...rootTarget, hostKey: { kind: 'pinned', fingerprint: OTHER_FINGERPRINT } }), (error: unknown) => {
      assert.ok(error instanceof HostKeyMismatchError);
      assert.equal(error.code, 'HOST_KEY_MISMATCH');
      assert.equal(error.expectedFingerprint, OTHER_FINGERPRINT);
      assert.equal(error.actualFingerprint, sshd.hostKeyFingerprint);
      assert.equal(error.actualKeyType, 'ssh-ed25519');
      return true;
    });
    // The server saw no authentication at all, so no command can have run.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const logs = sshd.logs().slice(logsBefore);
    assert.doesNotMatch(logs, /Accepted|Failed|Starting session/);
  });

  test('trust-on-first-use reports the fingerprint it accepted', async () => {
    const session = await open({ ...rootTarget, hostKey: { kind: 'trust-on-first-use' } });
    assert.equal(session.hostKeyVerifiedBy, 'trust-on-first-use');
    assert.equal(session.hostKey.fingerprint, sshd.hostKeyFingerprint);
  });

  test('probeHostKey reads the key without authenticating', async () => {
    const logsBefore = sshd.logs().length;
    const key = await connector.probeHostKey({ host: sshd.host, port: sshd.port });
    assert.deepEqual(key, { fingerprint: sshd.hostKeyFingerprint, keyType: 'ssh-ed25519' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.doesNotMatch(sshd.logs().slice(logsBefore), /Accepted|Failed|Starting session/);
  });

  test('a key the server does not accept fails with SSH_AUTH_FAILED', async () => {
    await assert.rejects(connector.connect({ ...rootTarget, auth: { kind: 'privateKey', privateKey: sshd.unauthorizedKey.privateKey } }), isSshError('SSH_AUTH_FAILED'));
  });

  test('an encrypted key works with its passphrase and fails without the right one', async () => {
    const { privateKey, passphrase } = sshd.encryptedClientKey;
    const session = await open({ ...rootTarget, auth: { kind: 'privateKey', privateKey, passphrase } });
    assert.equal((await session.exec(command('true'), { timeoutMs: 10_000 })).exitCode, 0);
    await assert.rejects(connector.connect({ ...rootTarget, auth: { kind: 'privateKey', privateKey, passphrase: 'wrong' } }), isSshError('SSH_AUTH_FAILED'));
    await assert.rejects(connector.connect({ ...rootTarget, auth: { kind: 'privateKey', privateKey } }), isSshError('SSH_AUTH_FAILED'));
  });

  test('password login works and a wrong password fails with SSH_AUTH_FAILED', async () => {
    const user = sshd.plainUser;
    const target: SshTarget = { ...rootTarget, username: user.name, auth: { kind: 'password', password: user.password } };
    const session = await open(target);
    assert.equal((await session.exec(command('id', '-un'), { timeoutMs: 10_000 })).stdout, `${user.name}\n`);
    await assert.rejects(
      connector.connect({ ...target, auth: { kind: 'password', password: `${user.password}x` } }),
      (error: unknown) => isSshError('SSH_AUTH_FAILED')(error) && !(error as Error).message.includes(user.password),
    );
  });

  test('a closed port fails with SSH_UNREACHABLE', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    await assert.rejects(connector.connect({ ...rootTarget, port }), isSshError('SSH_UNREACHABLE'));
    await assert.rejects(connector.probeHostKey({ host: '127.0.0.1', port }), isSshError('SSH_UNREACHABLE'));
  });

  describe('a server that accepts TCP but never speaks SSH', () => {
    let silent: Server;
    let port: number;
    const accepted = new Set<Socket>();
    before(async () => {
      // Reads and ignores everything: the client's SSH banner gets no answer.
      silent = createServer((socket) => {
        accepted.add(socket);
        socket.resume();
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as { port: number }).port;
    });
    after(async () => {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    test('fails with SSH_UNREACHABLE after the ready timeout', async () => {
      await assert.rejects(connector.connect({ ...rootTarget, port }, { readyTimeoutMs: 300 }), isSshError('SSH_UNREACHABLE'));
    });

    test('connecting can be aborted', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('operation cancelled')), 100);
      await assert.rejects(connector.connect({ ...rootTarget, port }, { signal: controller.signal }), isSshError('SSH_ABORTED'));
    });
  });

  test('malformed targets fail with SSH_CONFIG_INVALID before any network use', async () => {
    const bad: SshTarget[] = [
      { ...rootTarget, host: '' },
      { ...rootTarget, port: 0 },
      { ...rootTarget, username: '' },
      { ...rootTarget, hostKey: { kind: 'pinned', fingerprint: 'MD5:aa:bb' } },
      { ...rootTarget, hostKey: undefined as unknown as SshTarget['hostKey'] },
      { ...rootTarget, auth: undefined as unknown as SshTarget['auth'] },
    ];
    for (const target of bad) await assert.rejects(connector.connect(target), isSshError('SSH_CONFIG_INVALID'));
    await assert.rejects(connector.connect(rootTarget, { maxChannels: 0 }), isSshError('SSH_CONFIG_INVALID'));
  });
});
