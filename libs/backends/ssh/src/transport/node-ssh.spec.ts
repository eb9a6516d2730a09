import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NodeSSH, type SSHExecCommandResponse } from 'node-ssh';
import { command } from '../shell/command';
import { SshConnector } from './ssh-connector';
import type { SshSession } from './ssh-session';
import { startTestSshd, type TestSshd } from './testing/test-sshd';

// The transport runs on node-ssh: these checks watch node-ssh's own calls, so a regression to
// bare ssh2 (or node-ssh buffering whole outputs again) shows here, not on a busy host.
describe('the transport on node-ssh, against a real sshd', () => {
  let sshd: TestSshd;
  let session: SshSession;
  const connects: unknown[] = [];
  const responses: SSHExecCommandResponse[] = [];
  const originalConnect = NodeSSH.prototype.connect;
  const originalExecCommand = NodeSSH.prototype.execCommand;

  before(async () => {
    NodeSSH.prototype.connect = function (this: NodeSSH, ...args: Parameters<NodeSSH['connect']>) {
      connects.push(args[0]);
      return originalConnect.apply(this, args);
    };
    NodeSSH.prototype.execCommand = async function (this: NodeSSH, ...args: Parameters<NodeSSH['execCommand']>) {
      const response = await originalExecCommand.apply(this, args);
      responses.push(response);
      return response;
    };
    sshd = await startTestSshd();
    session = await new SshConnector().connect({
      host: sshd.host,
      port: sshd.port,
      username: 'root',
      auth: { kind: 'privateKey', privateKey: sshd.clientKey.privateKey },
      hostKey: { kind: 'pinned', fingerprint: sshd.hostKeyFingerprint },
    });
  });
  after(async () => {
    NodeSSH.prototype.connect = originalConnect;
    NodeSSH.prototype.execCommand = originalExecCommand;
    await session?.close();
    await sshd?.stop();
  });

  test('connects through NodeSSH.connect with the host verifier passed through', () => {
    assert.equal(connects.length, 1);
    assert.equal(typeof (connects[0] as { hostVerifier?: unknown }).hostVerifier, 'function');
  });

  test('runs commands through execCommand and keeps no second copy of a large output', async () => {
    const before = responses.length;
    const size = 4 * 1024 * 1024;
    const result = await session.exec(command('head', '-c', String(size), '/dev/zero'), { timeoutMs: 20_000, maxOutputBytes: 4096 });
    assert.equal(result.stdoutTruncated, true);
    assert.equal(Buffer.byteLength(result.stdout), 4096);
    assert.equal(responses.length, before + 1);
    const kept = responses[before];
    assert.equal(kept.code, 0);
    // At most the packets of the read that opened the channel reach node-ssh's own buffers.
    assert.ok(kept.stdout.length < 512 * 1024, `node-ssh kept ${kept.stdout.length} bytes of the output`);
  });
});
