import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, stat, chmod, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadMasterKey, MasterKeyError } from './master-key';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  test('round-trips and never stores the plaintext', () => {
    const sealed = box.seal('hunter2-secret', 'cr_1');
    assert.ok(!sealed.includes('hunter2'));
    assert.equal(box.open(sealed, 'cr_1'), 'hunter2-secret');
  });

  test('two seals of one secret differ (random nonce)', () => {
    assert.notEqual(box.seal('x', 'cr_1'), box.seal('x', 'cr_1'));
  });

  test('a ciphertext moved to another owner does not open', () => {
    const sealed = box.seal('secret', 'cr_1');
    assert.throws(() => box.open(sealed, 'cr_2'));
  });

  test('a tampered ciphertext does not open', () => {
    const parts = box.seal('secret', 'cr_1').split('.');
    const ct = Buffer.from(parts[4], 'base64url');
    ct[0] ^= 1;
    parts[4] = ct.toString('base64url');
    assert.throws(() => box.open(parts.join('.'), 'cr_1'));
  });

  test('another master key is named as such', () => {
    const sealed = new SecretBox(randomBytes(32)).seal('secret', 'cr_1');
    assert.throws(() => box.open(sealed, 'cr_1'), /another master key/);
  });
});

describe('loadMasterKey', () => {
  test('generates a 0600 key file once and reads the same key back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mk-'));
    const file = join(dir, 'sub', 'master.key');
    const first = await loadMasterKey({ masterKeyFile: file });
    assert.equal(first.generated, true);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const second = await loadMasterKey({ masterKeyFile: file });
    assert.equal(second.generated, false);
    assert.deepEqual(second.key, first.key);
  });

  test('refuses a key file others can read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mk-'));
    const file = join(dir, 'master.key');
    await writeFile(file, randomBytes(32).toString('base64'));
    await chmod(file, 0o644);
    await assert.rejects(loadMasterKey({ masterKeyFile: file }), MasterKeyError);
  });

  test('MASTER_KEY wins over the file and must be 32 bytes', async () => {
    const key = randomBytes(32);
    const loaded = await loadMasterKey({ masterKey: key.toString('base64'), masterKeyFile: '/nonexistent/x' });
    assert.deepEqual(loaded.key, key);
    await assert.rejects(loadMasterKey({ masterKey: 'c2hvcnQ=', masterKeyFile: '/nonexistent/x' }), MasterKeyError);
  });
});
