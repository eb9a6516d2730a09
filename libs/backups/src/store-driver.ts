import type { Readable } from 'node:stream';

/** Kinds of backup store. */
export const BACKUP_STORE_KINDS = ['s3', 'ssh'] as const;
export type BackupStoreKind = (typeof BACKUP_STORE_KINDS)[number];

/** Where an `s3` store writes: any S3-compatible service (AWS S3, MinIO, Ceph). */
export interface S3StoreSettings {
  /** The service's URL; absent: AWS S3 of `region`. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Key prefix of every object of the store (no leading slash; may be empty). */
  prefix: string;
  /** Path-style addressing (`https://host/bucket/key`), which MinIO and Ceph usually need. */
  forcePathStyle: boolean;
}

/** Where an `ssh` store writes: a directory on a backup host. */
export interface SshStoreSettings {
  address: string;
  port: number;
  user: string;
  /** Absolute directory on the host that holds the store's objects. */
  directory: string;
  /** The host's key fingerprint (`SHA256:...`), pinned like a cluster host's. */
  hostKeyFingerprint?: string;
}

/** The decrypted secret a store driver logs in with (only drivers ever see it). */
export type BackupStoreSecret =
  { kind: 's3-access-key'; accessKeyId: string; secretAccessKey: string } | { kind: 'ssh-private-key'; privateKey: string; passphrase?: string } | { kind: 'ssh-password'; password: string };

/** A store as a driver opens it. */
export type BackupStoreTarget =
  | { id: string; kind: 's3'; settings: S3StoreSettings; secret: Extract<BackupStoreSecret, { kind: 's3-access-key' }> }
  | { id: string; kind: 'ssh'; settings: SshStoreSettings; secret: Exclude<BackupStoreSecret, { kind: 's3-access-key' }> };

/** One stored object. */
export interface StoredObject {
  /** Key relative to the store's prefix or directory. */
  key: string;
  bytes: number;
}

/** Cancellation of one call. */
export interface StoreCallOptions {
  signal: AbortSignal;
}

/**
 * One open store: the object operations backups need. Keys are relative to the store's prefix
 * or directory, `/`-separated, made of `[A-Za-z0-9._/-]` only (the drivers refuse others).
 * Failures are `BackupStoreError`s with a stable code.
 */
export interface BackupStoreDriver {
  /**
   * Writes `body` under `key`, completely or not at all: when `body` fails, the call is aborted
   * or the service refuses, the partial upload is removed (an S3 multipart upload is aborted, an
   * SSH partial file deleted) before the call rejects. Resolves with the bytes written.
   */
  put(key: string, body: Readable, options: StoreCallOptions): Promise<{ bytes: number }>;
  /** The object's bytes; `BACKUP_OBJECT_NOT_FOUND` when it is absent. */
  get(key: string, options: StoreCallOptions): Promise<Readable>;
  /** The object, or undefined when it is absent. */
  head(key: string, options: StoreCallOptions): Promise<StoredObject | undefined>;
  /** Removes the object; an absent object is not an error. */
  delete(key: string, options: StoreCallOptions): Promise<void>;
  /** Objects whose key starts with `prefix`. */
  list(prefix: string, options: StoreCallOptions): Promise<StoredObject[]>;
  /** Uploads begun and never completed nor aborted (S3 multipart uploads, SSH partial files), by key: what an interrupted put left. */
  pendingUploads(options: StoreCallOptions): Promise<string[]>;
  /**
   * Writes, reads back and deletes a probe object: resolves with the round trip's figures, or
   * rejects with `BACKUP_STORE_UNREACHABLE` (the service does not answer), `BACKUP_STORE_ACCESS_DENIED`
   * (it refuses the secret or the bucket/directory) or `BACKUP_STORE_MISCONFIGURED`. An SSH store
   * also answers the host key it saw (to pin when the store had none).
   */
  probe(options: StoreCallOptions): Promise<{ latencyMs: number; hostKeyFingerprint?: string }>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** Opens drivers for stores (a Nest provider under `BACKUP_STORE_DRIVERS`). */
export interface BackupStoreDrivers {
  open(store: BackupStoreTarget): BackupStoreDriver;
}

/** Injection token of {@link BackupStoreDrivers}. */
export const BACKUP_STORE_DRIVERS = Symbol('BACKUP_STORE_DRIVERS');
