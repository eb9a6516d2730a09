import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { startTestSshd, type TestSshd } from '../../../backends/ssh/src/transport/testing/test-sshd';
import { SshStoreDriver } from './ssh-store-driver';
import { BackupStoreError } from './store.errors';

const MiB = 1024 * 1024;

/** A deterministic stream of `total` bytes in 1 MiB chunks, optionally failing after `failAfter` bytes. */
function bytesStream(total: number, seed: string, failAfter?: number): Readable {
  let sent = 0;
  let counter = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && sent >= failAfter) {
        this.destroy(new Error('the member stream broke'));
        return;
      }
      if (sent >= total) {
        this.push(null);
        return;
      }
      const size = Math.min(MiB, total - sent);
      const chunk = Buffer.alloc(size);
      const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
      for (let i = 0; i < size; i += block.length) block.copy(chunk, i);
      sent += size;
      this.push(chunk);
    },
  });
}

async function sha256Of(stream: Readable): Promise<{ sha: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha: hash.digest('hex'), bytes };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const opts = () => ({ signal: AbortSignal.timeout(60_000) });

describe('SshStoreDriver against a real sshd (SFTP)', () => {
  let sshd: TestSshd;
  let directory: string;
  const drivers: SshStoreDriver[] = [];
  const driverFor = (overrides: { fingerprint?: string | null; directory?: string; port?: number; privateKey?: string } = {}) => {
    const driver = new SshStoreDriver(
      {
        id: 'bs_test',
        kind: 'ssh',
        settings: {
          address: sshd.host,
          port: overrides.port ?? sshd.port,
          user: 'root',
          directory: overrides.directory ?? directory,
          ...(overrides.fingerprint === null ? {} : { hostKeyFingerprint: overrides.fingerprint ?? sshd.hostKeyFingerprint }),
        },
        secret: { kind: 'ssh-private-key', privateKey: overrides.privateKey ?? sshd.clientKey.privateKey },
      },
      undefined,
      { connectTimeoutMs: 2_000, readyTimeoutMs: 5_000 },
    );
    drivers.push(driver);
    return driver;
  };

  before(async () => {
    sshd = await startTestSshd();
    directory = await mkdtemp(join(tmpdir(), 'gcp-ssh-store-'));
  });
  after(async () => {
    for (const driver of drivers) await driver.close();
    await sshd?.stop();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  test('a 24 MiB stream is written under its key and comes back byte for byte; head, list and delete see it', async () => {
    const driver = driverFor();
    const key = 'clusters/cl_1/bk_1/data.gcpb';
    const expected = await sha256Of(bytesStream(24 * MiB, 'big'));
    const put = await driver.put(key, bytesStream(24 * MiB, 'big'), opts());
    assert.equal(put.bytes, 24 * MiB);
    assert.deepEqual(await sha256Of(await driver.get(key, opts())), expected);
    assert.deepEqual(await driver.head(key, opts()), { key, bytes: 24 * MiB });
    assert.deepEqual(await driver.list('clusters/cl_1/', opts()), [{ key, bytes: 24 * MiB }]);
    assert.deepEqual(await driver.pendingUploads(opts()), []);
    // a second put over the same key replaces it whole
    await driver.put(key, bytesStream(MiB, 'small'), opts());
    assert.deepEqual(await driver.head(key, opts()), { key, bytes: MiB });
    await driver.delete(key, opts());
    assert.equal(await driver.head(key, opts()), undefined);
    await driver.delete(key, opts()); // absent: not an error
    await assert.rejects(driver.get(key, opts()), (e: unknown) => e instanceof BackupStoreError && e.code === 'BACKUP_OBJECT_NOT_FOUND');
  });

  test('a body that fails mid-stream and a put aborted by its caller leave no object and no partial file', async () => {
    const driver = driverFor();
    await assert.rejects(driver.put('broken/data.gcpb', bytesStream(8 * MiB, 'x', 3 * MiB), opts()));
    const controller = new AbortController();
    const slow = bytesStream(64 * MiB, 'slow');
    setTimeout(() => controller.abort(new Error('the operation was cancelled')), 150);
    await assert.rejects(driver.put('aborted/data.gcpb', slow, { signal: controller.signal }), /cancelled/);
    assert.equal(await driver.head('broken/data.gcpb', opts()), undefined);
    assert.equal(await driver.head('aborted/data.gcpb', opts()), undefined);
    assert.deepEqual(await driver.pendingUploads(opts()), []);
  });

  test('the probe writes, reads and deletes its object and reports the host key it saw (trust on first use)', async () => {
    const driver = driverFor({ fingerprint: null });
    const probe = await driver.probe(opts());
    assert.equal(probe.hostKeyFingerprint, sshd.hostKeyFingerprint);
    assert.ok(probe.latencyMs >= 0);
    assert.deepEqual(await driver.list('_probe/', opts()), []);
  });

  test('keys outside the alphabet are refused before any request', async () => {
    const driver = driverFor();
    for (const key of ['../etc/passwd', 'a/../../b', '/abs', 'a//b', 'spa ce', '']) {
      await assert.rejects(driver.put(key, Readable.from([Buffer.from('x')]), opts()), /VALIDATION|not made of/i, key);
    }
  });

  test('another host key is ACCESS_DENIED, an unknown client key too; a missing directory is MISCONFIGURED; a closed port UNREACHABLE', async () => {
    const code = (c: string) => (e: unknown) => e instanceof BackupStoreError && e.code === c;
    await assert.rejects(driverFor({ fingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }).probe(opts()), code('BACKUP_STORE_ACCESS_DENIED'));
    await assert.rejects(driverFor({ privateKey: sshd.unauthorizedKey.privateKey }).probe(opts()), code('BACKUP_STORE_ACCESS_DENIED'));
    await assert.rejects(driverFor({ directory: join(directory, 'missing') }).probe(opts()), code('BACKUP_STORE_MISCONFIGURED'));
    await assert.rejects(driverFor({ port: await closedPort() }).probe(opts()), code('BACKUP_STORE_UNREACHABLE'));
  });
});
