import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { startS3Server, type S3TestServer } from '../../../../test/support/s3-server';
import { S3StoreDriver } from './s3-store-driver';
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

const opts = () => ({ signal: AbortSignal.timeout(60_000) });

describe('S3StoreDriver against a real S3-protocol server on loopback', () => {
  let server: S3TestServer;
  const driverFor = (overrides: { secretAccessKey?: string; bucket?: string; prefix?: string; endpoint?: string } = {}) =>
    new S3StoreDriver(
      {
        id: 'bs_test',
        kind: 's3',
        settings: { endpoint: overrides.endpoint ?? server.endpoint, region: server.region, bucket: overrides.bucket ?? server.bucket, prefix: overrides.prefix ?? 'gcp/test', forcePathStyle: true },
        secret: { kind: 's3-access-key', accessKeyId: server.accessKeyId, secretAccessKey: overrides.secretAccessKey ?? server.secretAccessKey },
      },
      { maxAttempts: 2, connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000 },
    );

  before(async () => {
    server = await startS3Server();
  });
  after(async () => {
    await server.close();
  });

  test('a 24 MiB stream goes up in parts and comes back byte for byte; head, list and delete see it', async () => {
    const driver = driverFor();
    try {
      const total = 24 * MiB + 12345;
      const expected = await sha256Of(bytesStream(total, 'a'));
      const before = server.calls.get('UploadPart') ?? 0;
      const { bytes } = await driver.put('clusters/c1/bk_1/data.gcpb', bytesStream(total, 'a'), opts());
      assert.equal(bytes, total);
      assert.ok((server.calls.get('UploadPart') ?? 0) - before >= 3, 'multipart upload');
      assert.deepEqual(await sha256Of(await driver.get('clusters/c1/bk_1/data.gcpb', opts())), expected);
      assert.deepEqual(await driver.head('clusters/c1/bk_1/data.gcpb', opts()), { key: 'clusters/c1/bk_1/data.gcpb', bytes: total });
      await driver.put('clusters/c1/bk_1/manifest.json', Readable.from([Buffer.from('{}')]), opts());
      assert.deepEqual((await driver.list('clusters/c1/', opts())).map((o) => o.key).sort(), ['clusters/c1/bk_1/data.gcpb', 'clusters/c1/bk_1/manifest.json']);
      await driver.delete('clusters/c1/bk_1/data.gcpb', opts());
      await driver.delete('clusters/c1/bk_1/data.gcpb', opts()); // absent is not an error
      await driver.delete('clusters/c1/bk_1/manifest.json', opts());
      assert.equal(await driver.head('clusters/c1/bk_1/data.gcpb', opts()), undefined);
      await assert.rejects(driver.get('clusters/c1/bk_1/data.gcpb', opts()), (e: unknown) => e instanceof BackupStoreError && e.code === 'BACKUP_OBJECT_NOT_FOUND');
      assert.deepEqual(await driver.pendingUploads(opts()), []);
    } finally {
      await driver.close();
    }
  });

  test('a body that fails mid-stream and a put aborted by its caller leave no object and no pending upload', async () => {
    const driver = driverFor();
    try {
      await assert.rejects(driver.put('clusters/c1/bk_2/data.gcpb', bytesStream(30 * MiB, 'b', 17 * MiB), opts()), /member stream broke/);
      const controller = new AbortController();
      const put = driver.put('clusters/c1/bk_3/data.gcpb', bytesStream(40 * MiB, 'c'), { signal: controller.signal });
      setTimeout(() => controller.abort(new Error('operation cancelled')), 150);
      await assert.rejects(put, /operation cancelled/);
      assert.deepEqual(await driver.pendingUploads(opts()), []);
      assert.deepEqual(await driver.list('clusters/', opts()), []);
    } finally {
      await driver.close();
    }
  });

  test('the probe writes, reads and deletes its object', async () => {
    const driver = driverFor();
    try {
      const { latencyMs } = await driver.probe(opts());
      assert.ok(latencyMs >= 0);
      assert.deepEqual(await driver.list('', opts()), []);
    } finally {
      await driver.close();
    }
  });

  test('keys outside the alphabet are refused before any request', async () => {
    const driver = driverFor();
    try {
      for (const key of ['../x', 'a//b', '/a', 'a b', 'a/./b', '']) {
        await assert.rejects(driver.head(key, opts()), (e: unknown) => (e as { code?: string }).code === 'VALIDATION_FAILED', key);
      }
    } finally {
      await driver.close();
    }
  });

  test('a wrong secret is ACCESS_DENIED, a missing bucket MISCONFIGURED', async () => {
    const wrong = driverFor({ secretAccessKey: 'not-the-secret' });
    const missing = driverFor({ bucket: 'no-such-bucket' });
    try {
      await assert.rejects(wrong.probe(opts()), (e: unknown) => e instanceof BackupStoreError && e.code === 'BACKUP_STORE_ACCESS_DENIED' && /SignatureDoesNotMatch/.test(e.detail));
      await assert.rejects(missing.probe(opts()), (e: unknown) => e instanceof BackupStoreError && e.code === 'BACKUP_STORE_MISCONFIGURED');
      assert.deepEqual(await driverFor().list('', opts()), []);
    } finally {
      await wrong.close();
      await missing.close();
    }
  });

  test('a server that goes away is UNREACHABLE (retryable), mid-upload too, and the upload is aborted once it is back', async () => {
    const driver = driverFor();
    try {
      const put = driver.put('clusters/c1/bk_4/data.gcpb', bytesStream(40 * MiB, 'd'), opts());
      const started = Date.now();
      while ((server.calls.get('CreateMultipartUpload') ?? 0) === 0 || Date.now() - started < 100) await new Promise((r) => setTimeout(r, 20));
      await server.stop();
      await assert.rejects(put, (e: unknown) => e instanceof BackupStoreError && e.code === 'BACKUP_STORE_UNREACHABLE' && e.retryable);
      await assert.rejects(driver.probe(opts()), (e: unknown) => e instanceof BackupStoreError && e.code === 'BACKUP_STORE_UNREACHABLE');
      await server.start();
      // the server could not be told to abort while it was away: what it kept shows, and a
      // later abort (the lead's cleanup of a failed backup) can still find it by key
      const pending = await driver.pendingUploads(opts());
      assert.ok(pending.every((key) => key === 'clusters/c1/bk_4/data.gcpb'));
      assert.equal(await driver.head('clusters/c1/bk_4/data.gcpb', opts()), undefined);
    } finally {
      await driver.close();
    }
  });
});
