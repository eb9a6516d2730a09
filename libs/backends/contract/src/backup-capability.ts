/**
 * The data of the backup capability (`BackupCapability` in cluster-backend.ts): requests, streams,
 * facts and figures.
 */
import type { Readable } from 'node:stream';

/** Cancellation and log lines of one call. */
export interface BackupCallOptions {
  signal: AbortSignal;
  log: (message: string) => void;
}

/** What backup to take, and where from. */
export interface BackupStreamRequest {
  /** The member to back up (chosen by the control plane). */
  node: string;
  kind: 'full' | 'incremental';
  /** For an incremental: the parent's `toLsn` (the backup holds the pages changed after it). */
  fromLsn?: string;
  /** Desync the member for the backup's duration (`wsrep_desync`), so flow control does not slow the cluster. */
  desync: boolean;
  /** Names the scratch place on the host (the backup's id), so a retry or a cleanup finds what a killed attempt left. */
  scratchId: string;
}

/** The bytes of one backup as they come off the member. */
export interface BackupStream {
  /** How `data` is compressed (the restore decompresses the same way). */
  compression: BackupCompression;
  data: Readable;
  /** Settles once `data` ended and the backup on the member exited: its facts, or why it failed. */
  finished: Promise<BackupFacts>;
}

export type BackupCompression = 'zstd' | 'gzip';

/** A Galera position: the cluster's state uuid and the seqno of the last transaction in the backup. */
export interface GaleraPosition {
  uuid: string;
  seqno: number;
}

/** What the backup tool reported about one backup. */
export interface BackupFacts {
  /** From `--galera-info`; null when the member was not a Galera node at the time. */
  galeraPosition: GaleraPosition | null;
  /** The GTID of the last change in the backup (`gtid_current_pos`), when binary logs are on. */
  gtid: string | null;
  /** InnoDB LSN range: `fromLsn` 0 for a full. Decimal strings (LSNs exceed 2^53). */
  fromLsn: string;
  toLsn: string;
  /** Binary log coordinates at the backup point, when binary logs are on. */
  binlog: { file: string; position: number } | null;
  /** The tool and its version (`mariabackup 10.11.19-MariaDB`). */
  tool: string;
  /** Whether the member was desynced for the backup. */
  desynced: boolean;
}

/** One link of a chain to restore, opened on demand. */
export interface RestoreLink {
  backupId: string;
  kind: 'full' | 'incremental';
  compression: BackupCompression;
  /** The bytes `streamBackup` produced, decrypted and verified by the control plane. */
  open(signal: AbortSignal): Promise<Readable>;
}

/** A chain to restore on a member: the full first, then its incrementals in order. */
export interface RestoreRequest {
  node: string;
  chain: RestoreLink[];
  scratchId: string;
}

/** What a restore left on the member. */
export interface RestoredMember {
  galeraPosition: GaleraPosition | null;
  gtid: string | null;
  /** Bytes of the prepared datadir. */
  datadirBytes: number;
  transferMs: number;
  prepareMs: number;
}

/** What a verification found. */
export interface VerificationFigures {
  /** Tables checked (`CHECK TABLE`), and their rows counted. */
  tables: number;
  rows: number;
  /** Tables whose check did not answer OK, with the server's message. */
  failures: { table: string; message: string }[];
  galeraPosition: GaleraPosition | null;
  transferMs: number;
  prepareMs: number;
  checkMs: number;
}
