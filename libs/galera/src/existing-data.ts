/**
 * Whether a host that is about to become a member holds data that would be lost or would leak
 * into the cluster. A new member's datadir is either bootstrapped (its data becomes the
 * cluster's) or joined (a state transfer replaces it): neither may happen to data of another
 * cluster, or to a standalone server's databases, without a person deciding so.
 */
import { ZERO_UUID, type Grastate } from './grastate';

/** Schema directories every MariaDB datadir has (information_schema has none). */
const SYSTEM_SCHEMAS: ReadonlySet<string> = new Set(['mysql', 'performance_schema', 'sys']);

/** What a host's datadir holds, as read before it becomes a member. */
export interface ExistingData {
  /** The datadir, for messages. */
  datadir: string;
  /** grastate.dat, when present and valid. */
  grastate?: Grastate;
  /** The names of the datadir's subdirectories (schemas, and the server's own `#...` folders). */
  directories: readonly string[];
  /**
   * Files of the `test` schema, when it exists: the empty database some installers create
   * (mariadb-install-db without --skip-test-db) holds `db.opt` at most and is not user data.
   */
  testSchemaFiles?: readonly string[];
}

/** The verdict of {@link judgeExistingData}. */
export type ExistingDataVerdict = { ok: true; reason: 'empty' | 'same-history' } | { ok: false; code: 'HOST_HAS_DATA'; message: string; history?: { uuid: string; seqno: number }; schemas: string[] };

/** The databases of a datadir that are not the server's own (an installer's empty `test` included). */
export function userSchemas(directories: readonly string[], testSchemaFiles: readonly string[] = []): string[] {
  const emptyTest = testSchemaFiles.every((f) => f === 'db.opt');
  return directories.filter((d) => d !== '' && !SYSTEM_SCHEMAS.has(d) && !d.startsWith('#') && !d.startsWith('.') && d !== 'lost+found' && !(d === 'test' && emptyTest)).sort();
}

/**
 * Judges a new member's datadir. `clusterHistories` are the state UUIDs of the cluster it joins
 * (empty for a cluster being created). Accepted: no Galera history and no user databases, or the
 * cluster's own history (a former member coming back rejoins by IST or SST). Refused with
 * `HOST_HAS_DATA`: another Galera history (bootstrapping would bring that data into the new
 * cluster; a join would replace it by a state transfer), or user databases without a history (a
 * standalone server's data).
 */
export function judgeExistingData(data: ExistingData, clusterHistories: readonly string[]): ExistingDataVerdict {
  const schemas = userSchemas(data.directories, data.testSchemaFiles);
  const uuid = data.grastate?.uuid.toLowerCase();
  const hasHistory = uuid !== undefined && uuid !== ZERO_UUID;
  if (hasHistory && clusterHistories.map((h) => h.toLowerCase()).includes(uuid)) return { ok: true, reason: 'same-history' };
  if (!hasHistory && schemas.length === 0) return { ok: true, reason: 'empty' };
  const listed = schemas.length > 0 ? `; databases: ${schemas.slice(0, 10).join(', ')}${schemas.length > 10 ? `, and ${schemas.length - 10} more` : ''}` : '';
  const consequence = clusterHistories.length === 0 ? "bootstrapping would make that data the new cluster's" : 'joining would replace it by a state transfer';
  const remedy = 'move the data away (or delete the cluster that owned it with purge), then retry';
  if (hasHistory) {
    const seqno = data.grastate!.seqno;
    return {
      ok: false,
      code: 'HOST_HAS_DATA',
      message: `${data.datadir} holds the data of another Galera cluster (history ${uuid}, seqno ${seqno}${listed}): ${consequence}; ${remedy}`,
      history: { uuid: uuid!, seqno },
      schemas,
    };
  }
  return { ok: false, code: 'HOST_HAS_DATA', message: `${data.datadir} holds a server's own databases (${schemas.join(', ')}): ${consequence}; ${remedy}`, schemas };
}
