import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { describeHostKey, normalizeFingerprint } from './host-key';

const run = promisify(execFile);

describe('host key fingerprints', () => {
  test('match what ssh-keygen prints, for each key type', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'galera-cp-hostkey-'));
    try {
      for (const [type, name] of [
        ['ed25519', 'ssh-ed25519'],
        ['ecdsa', 'ecdsa-sha2-nistp256'],
        ['rsa', 'ssh-rsa'],
      ]) {
        const path = join(dir, type);
        await run('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path]);
        const blob = Buffer.from((await readFile(`${path}.pub`, 'utf8')).split(' ')[1], 'base64');
        const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path}.pub`]);
        assert.deepEqual(describeHostKey(blob), { fingerprint: stdout.split(' ')[1], keyType: name });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('normalizeFingerprint accepts OpenSSH SHA256 fingerprints, with or without padding', () => {
    const fingerprint = 'SHA256:ZLdnmt1NE6xyI9BYwPa1P7Kb70a0gviDHaiLv2s2sE8';
    assert.equal(normalizeFingerprint(fingerprint), fingerprint);
    assert.equal(normalizeFingerprint(`${fingerprint}=`), fingerprint);
    assert.equal(normalizeFingerprint(` ${fingerprint}\n`), fingerprint);
    for (const bad of ['', 'SHA256:short', 'MD5:aa:bb:cc', fingerprint.replace('SHA256', 'sha256'), `${fingerprint}A`]) {
      assert.equal(normalizeFingerprint(bad), undefined, bad);
    }
  });
});
