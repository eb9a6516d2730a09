/**
 * How each joiner gets its state: IST or SST (chooseStateTransfer) and, for an SST, which method.
 * Galera: the joiner asks for the method (its `wsrep_sst_method`) and the donor runs it, so the
 * choice is made per join. rsync is the fastest on small data but blocks the donor for the whole
 * transfer; mariabackup does not. A cluster being created holds no data and serves no clients, so
 * the donor blocking costs nothing there; a join into a serving cluster keeps the configured,
 * non-blocking method.
 */
import { chooseStateTransfer, type StateTransferChoice, type StateTransferInput } from './donor';
import type { SstMethod } from './galera-config';

/** Where a join happens. */
export type JoinSituation =
  /** The create of a new, empty cluster: no data written yet, no client connected. */
  | 'new-cluster'
  /** A cluster that holds data and may serve clients (scale-out, rejoin, restart, recovery). */
  | 'serving-cluster';

/** Codes of {@link SstMethodChoice}. */
export type SstMethodCode = 'SST_METHOD_NEW_CLUSTER' | 'SST_METHOD_CONFIGURED';

/** The SST method of one join. */
export interface SstMethodChoice {
  method: SstMethod;
  code: SstMethodCode;
  message: string;
}

/** The SST method a new, empty cluster's joins use: fast, and nobody waits on the blocked donor. */
export const NEW_CLUSTER_SST_METHOD: SstMethod = 'rsync';

/**
 * Chooses the SST method of one join: rsync while a new, empty cluster is created, the
 * configured method (the spec's, `mariabackup` by default) for any join into a serving cluster.
 */
export function chooseSstMethod(situation: JoinSituation, configured: SstMethod): SstMethodChoice {
  if (situation === 'new-cluster') {
    return {
      method: NEW_CLUSTER_SST_METHOD,
      code: 'SST_METHOD_NEW_CLUSTER',
      message:
        configured === NEW_CLUSTER_SST_METHOD
          ? 'rsync (configured); the cluster is new and empty'
          : `rsync while the cluster is created (empty, no clients: a blocked donor costs nothing); later joins use ${configured}`,
    };
  }
  return {
    method: configured,
    code: 'SST_METHOD_CONFIGURED',
    message: configured === 'rsync' ? 'rsync (configured): it blocks the donor for the whole transfer' : `${configured} (configured): the donor keeps serving`,
  };
}

/** What a plan says about one joiner's state transfer. */
export interface JoinTransfer {
  /** IST (from the donor's gcache) or SST (full copy), as expected. */
  kind: 'IST' | 'SST';
  /** The SST method the join asks for (used when Galera falls back to SST, too). */
  method: SstMethod;
  /** Why IST or SST ({@link StateTransferChoice} code). */
  code: StateTransferChoice['code'];
  /** Why this SST method ({@link SstMethodChoice} code). */
  methodCode: SstMethodCode;
  message: string;
}

/** IST or SST, and the SST method, for one join. */
export function planJoinTransfer(situation: JoinSituation, configured: SstMethod, transfer: StateTransferInput): JoinTransfer {
  const choice = chooseStateTransfer(transfer);
  const method = chooseSstMethod(situation, configured);
  return {
    kind: choice.method,
    method: method.method,
    code: choice.code,
    methodCode: method.code,
    message: choice.method === 'IST' ? `IST: ${choice.message}` : `SST by ${method.method}: ${choice.message}; ${method.message}`,
  };
}
