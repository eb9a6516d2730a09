/**
 * Retention: rows that only record what happened, and would otherwise grow forever, are deleted
 * once older than the retention period. Kept whatever their age: clusters, nodes, operations with
 * their steps and logs (the history of every change) and the audit log. Pruned: events (the feed
 * behind GET /v1/events and the SSE stream), finished webhook deliveries and finished chat replies
 * (these hold an encrypted response URL that is useless after Slack's 30 minutes anyway).
 *
 * Deletes run in bounded batches so a first prune of a large backlog never holds long locks;
 * several workers pruning at once only delete the same rows twice over (no harm).
 */
import type { DataSource } from 'typeorm';
import { queryRows } from './data-source';

/** What one prune deleted, by table. */
export interface PruneResult {
  events: number;
  webhookDeliveries: number;
  chatReplies: number;
}

/** Options of {@link pruneExpiredRows}. */
export interface PruneOptions {
  /** Rows older than this many days go; 0 keeps everything. */
  retentionDays: number;
  /** Rows per DELETE statement. Default 5,000. */
  batchSize?: number;
  /** At most this many batches per table and call (the next call goes on). Default 20. */
  maxBatches?: number;
}

/** Deletes the rows past retention (see the file comment); answers what went. */
export async function pruneExpiredRows(dataSource: DataSource, options: PruneOptions): Promise<PruneResult> {
  const result: PruneResult = { events: 0, webhookDeliveries: 0, chatReplies: 0 };
  if (!Number.isInteger(options.retentionDays) || options.retentionDays <= 0) return result;
  const batch = options.batchSize ?? 5_000;
  const maxBatches = options.maxBatches ?? 20;
  const days = options.retentionDays;

  const repeat = async (statement: string, params: unknown[]): Promise<number> => {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const rows = await queryRows<{ n: string }>(dataSource, `WITH gone AS (${statement} RETURNING 1) SELECT count(*) AS n FROM gone`, params);
      const n = Number(rows[0]?.n ?? 0);
      total += n;
      if (n < batch) break;
    }
    return total;
  };

  // Event ids grow with their time, so the expired events are the ids below the first one
  // inside the period: found by walking the primary key, no index on the time needed.
  const [cut] = await queryRows<{ id: string | null }>(
    dataSource,
    `SELECT coalesce((SELECT id FROM events WHERE at >= now() - make_interval(days => $1) ORDER BY id LIMIT 1), (SELECT max(id) + 1 FROM events)) AS id`,
    [days],
  );
  if (cut?.id !== null && cut?.id !== undefined) {
    result.events = await repeat(`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE id < $1 ORDER BY id LIMIT $2)`, [cut.id, batch]);
  }
  result.webhookDeliveries = await repeat(
    `DELETE FROM webhook_deliveries WHERE id IN (
       SELECT id FROM webhook_deliveries
       WHERE state IN ('SUCCEEDED','FAILED') AND coalesce(delivered_at, last_attempt_at, created_at) < now() - make_interval(days => $1)
       LIMIT $2)`,
    [days, batch],
  );
  result.chatReplies = await repeat(
    `DELETE FROM chat_replies WHERE id IN (
       SELECT id FROM chat_replies
       WHERE state <> 'WAITING' AND coalesce(sent_at, created_at) < now() - make_interval(days => $1)
       LIMIT $2)`,
    [days, batch],
  );
  return result;
}
