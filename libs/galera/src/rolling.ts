/**
 * Rolling restarts: the order in which members go down, one at a time.
 */
import { compareNodeNames } from './node-names';

/** Options of {@link orderRollingRestart}. */
export interface RollingRestartOptions {
  /** The member that takes writes (the primary for the proxy); it goes last. */
  writer?: string;
}

/** The order of a rolling restart, or why none can be given. */
export type RollingRestartPlan =
  | {
      ok: true;
      /** Member names in restart order. */
      order: string[];
      /** Galera: wait for this state on each node before the next goes down. */
      waitFor: 'Synced';
      /** Human summary for the plan. */
      message: string;
    }
  | { ok: false; code: 'WRITER_NOT_A_MEMBER' | 'DUPLICATE_MEMBER'; message: string };

/**
 * Orders a rolling restart. Galera: one node at a time, each back to Synced before the next goes
 * down; the writer last, so writes move once. The others go in natural node-name order, so the
 * same cluster always gets the same plan.
 */
export function orderRollingRestart(members: readonly (string | { name: string })[], options: RollingRestartOptions = {}): RollingRestartPlan {
  const names = members.map((m) => (typeof m === 'string' ? m : m.name));
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) return { ok: false, code: 'DUPLICATE_MEMBER', message: `member ${duplicate} is listed twice` };
  const { writer } = options;
  if (writer !== undefined && !names.includes(writer)) {
    return { ok: false, code: 'WRITER_NOT_A_MEMBER', message: `writer ${writer} is not a member of the cluster` };
  }
  const order = names.filter((n) => n !== writer).sort(compareNodeNames);
  if (writer !== undefined) order.push(writer);
  return {
    ok: true,
    order,
    waitFor: 'Synced',
    message: `restart ${order.join(', ')} one at a time, each back to Synced before the next${writer ? `; writer ${writer} last` : ''}`,
  };
}
