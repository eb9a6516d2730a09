import { randomBytes } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { AbortMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { DomainError } from '@galera-cp/core';
import type { BackupStoreDriver, BackupStoreTarget, StoreCallOptions, StoredObject } from '../store-driver';
import { assertValidKey, BackupStoreError } from './store.errors';

/** Multipart part size: large enough for few requests, small enough that a part in memory is cheap. */
const PART_BYTES = 8 * 1024 * 1024;
/** Parts in flight at once (each buffered in memory). */
const PARTS_IN_FLIGHT = 2;

/** Tunables of an S3 driver (tests shorten them). */
export interface S3StoreDriverOptions {
  /** Attempts per request, the SDK's standard retry strategy (backoff with jitter) between them. */
  maxAttempts?: number;
  connectionTimeoutMs?: number;
  /** Idle socket time before a request fails (a stalled service is unreachable, not slow forever). */
  requestTimeoutMs?: number;
}

type S3Target = Extract<BackupStoreTarget, { kind: 's3' }>;

/**
 * A store in an S3-compatible service (AWS S3, MinIO, Ceph) through the AWS SDK v3. Writes are
 * multipart uploads (`@aws-sdk/lib-storage`), aborted when anything fails, so no orphan upload
 * keeps costing space; SDK failures become {@link BackupStoreError}s.
 */
export class S3StoreDriver implements BackupStoreDriver {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(target: S3Target, options: S3StoreDriverOptions = {}) {
    const { settings, secret } = target;
    this.bucket = settings.bucket;
    this.prefix = settings.prefix.replace(/^\/+|\/+$/g, '');
    this.client = new S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: secret.accessKeyId, secretAccessKey: secret.secretAccessKey },
      maxAttempts: options.maxAttempts ?? 3,
      retryMode: 'standard',
      // Checksums only where the API requires them: trailing checksums (aws-chunked bodies) are
      // not understood by every S3-compatible service, and the backup path checksums the
      // envelope itself (sha256 in the record and manifest).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: options.connectionTimeoutMs ?? 5_000, requestTimeout: options.requestTimeoutMs ?? 60_000 },
    });
  }

  async put(key: string, body: Readable, { signal }: StoreCallOptions): Promise<{ bytes: number }> {
    assertValidKey(key);
    const objectKey = this.full(key);
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    // A failing body destroys the counter with its error, which fails the upload's read.
    body.once('error', (error) => counter.destroy(error));
    body.pipe(counter);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: objectKey, Body: counter, ContentType: 'application/octet-stream' },
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    const onAbort = () => {
      counter.destroy(abortError(signal));
      void upload.abort().catch(() => undefined);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    try {
      await upload.done();
      if (signal.aborted) {
        // completed just as the caller gave up: the caller will not record it, so do not keep it
        await this.delete(key, { signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
        throw abortError(signal);
      }
      return { bytes };
    } catch (error) {
      body.unpipe(counter);
      if (!body.destroyed) body.destroy();
      // lib-storage aborts its multipart upload on failure; abort any left for this key anyway
      // (its abort may itself have failed), with a fresh signal: the caller's may be aborted.
      await this.abortPending(objectKey).catch(() => undefined);
      if (signal.aborted) throw abortError(signal);
      throw this.mapError(error, `put ${key}`);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async get(key: string, { signal }: StoreCallOptions): Promise<Readable> {
    assertValidKey(key);
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.full(key) }), { abortSignal: signal });
      const stream = answer.Body;
      if (stream instanceof Readable) return stream;
      return Readable.from((stream as unknown as AsyncIterable<Uint8Array> | undefined) ?? []).pipe(new PassThrough());
    } catch (error) {
      throw this.mapError(error, `get ${key}`, 'object');
    }
  }

  async head(key: string, { signal }: StoreCallOptions): Promise<StoredObject | undefined> {
    assertValidKey(key);
    try {
      const answer = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.full(key) }), { abortSignal: signal });
      return { key, bytes: answer.ContentLength ?? 0 };
    } catch (error) {
      const mapped = this.mapError(error, `head ${key}`, 'object');
      if (mapped.code === 'BACKUP_OBJECT_NOT_FOUND') return undefined;
      throw mapped;
    }
  }

  async delete(key: string, { signal }: StoreCallOptions): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.full(key) }), { abortSignal: signal });
    } catch (error) {
      const mapped = this.mapError(error, `delete ${key}`, 'object');
      if (mapped.code !== 'BACKUP_OBJECT_NOT_FOUND') throw mapped;
    }
  }

  async list(prefix: string, { signal }: StoreCallOptions): Promise<StoredObject[]> {
    assertValidKey(prefix, { allowEmpty: true });
    const found: StoredObject[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.full(prefix), ContinuationToken: token }), { abortSignal: signal });
        for (const item of page.Contents ?? []) {
          if (item.Key === undefined) continue;
          found.push({ key: this.relative(item.Key), bytes: item.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw this.mapError(error, `list ${prefix}`);
    }
    return found;
  }

  async pendingUploads({ signal }: StoreCallOptions): Promise<string[]> {
    try {
      return (await this.listPending(this.full(''), signal)).map((upload) => this.relative(upload.key));
    } catch (error) {
      throw this.mapError(error, 'list pending uploads');
    }
  }

  async probe({ signal }: StoreCallOptions): Promise<{ latencyMs: number }> {
    const started = performance.now();
    const key = `_probe/${Date.now()}-${randomBytes(6).toString('hex')}`;
    const payload = randomBytes(64);
    await this.put(key, Readable.from([payload]), { signal });
    try {
      const read = await streamToBuffer(await this.get(key, { signal }));
      if (!read.equals(payload)) throw new BackupStoreError('BACKUP_STORE_MISCONFIGURED', 'the probe object read back differs from what was written');
    } finally {
      await this.delete(key, { signal }).catch(() => undefined);
    }
    return { latencyMs: Math.round(performance.now() - started) };
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async abortPending(objectKey: string): Promise<void> {
    const signal = AbortSignal.timeout(30_000);
    for (const upload of await this.listPending(objectKey, signal)) {
      if (upload.key !== objectKey) continue;
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.key, UploadId: upload.uploadId }), { abortSignal: signal });
    }
  }

  private async listPending(prefix: string, signal: AbortSignal): Promise<Array<{ key: string; uploadId: string }>> {
    const found: Array<{ key: string; uploadId: string }> = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }), { abortSignal: signal });
      for (const upload of page.Uploads ?? []) {
        if (upload.Key !== undefined && upload.UploadId !== undefined) found.push({ key: upload.Key, uploadId: upload.UploadId });
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return found;
  }

  private full(key: string): string {
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  private relative(objectKey: string): string {
    return this.prefix === '' ? objectKey : objectKey.slice(this.prefix.length + 1);
  }

  /** SDK failure -> store error; `scope` says whether a 404 means a missing object or a missing bucket. */
  private mapError(error: unknown, what: string, scope: 'object' | 'bucket' = 'bucket'): BackupStoreError {
    if (error instanceof BackupStoreError) return error;
    if (error instanceof DomainError) throw error;
    const e = error as { name?: string; code?: string; message?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
    const name = e.name ?? '';
    const status = e.$metadata?.httpStatusCode;
    const where = `S3 bucket ${this.bucket}${this.prefix ? ` (prefix ${this.prefix})` : ''}`;
    const said = `${name || e.code || 'error'}${e.message && e.message !== name ? `: ${e.message}` : ''}`.slice(0, 300);
    if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'AllAccessDisabled', 'InvalidToken', 'ExpiredToken', 'AccountProblem'].includes(name) || status === 401 || status === 403) {
      return new BackupStoreError('BACKUP_STORE_ACCESS_DENIED', `${where} refuses the credential (${what}): ${said}`, { cause: error });
    }
    if (name === 'NoSuchBucket') return new BackupStoreError('BACKUP_STORE_MISCONFIGURED', `${where} does not exist (${what})`, { cause: error });
    if (status === 404 || name === 'NoSuchKey' || name === 'NotFound') {
      if (scope === 'object') return new BackupStoreError('BACKUP_OBJECT_NOT_FOUND', `${where} has no object for ${what}`, { cause: error });
      return new BackupStoreError('BACKUP_STORE_MISCONFIGURED', `${where} answers 404 (${what}): ${said}`, { cause: error });
    }
    if (status === undefined || status >= 500 || e.$fault === 'server' || name === 'TimeoutError' || name === 'RequestTimeout') {
      return new BackupStoreError('BACKUP_STORE_UNREACHABLE', `${where} does not answer (${what}): ${said}`, { cause: error });
    }
    return new BackupStoreError('BACKUP_STORE_MISCONFIGURED', `${where} refuses ${what}: ${said}`, { cause: error });
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted', 'AbortError');
}

async function streamToBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
