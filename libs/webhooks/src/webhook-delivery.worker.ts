import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { EventEntity, newId, queryRows, WebhookEntity } from '@galera-cp/database';
import { CHANNELS, EventsService, matchesEventType } from '@galera-cp/events';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import { CoalescingRunner } from '@galera-cp/core';
import { OutboundError, retryDelayMs } from '@galera-cp/outbound';
import { deliveredEvent, deliveryRequest } from './webhook-payload';
import { WebhookTargets } from './webhook-targets';
import { describeAnswer, WebhooksService } from './webhooks.service';

/** Events the dispatcher reads per pass. */
const DISPATCH_BATCH = 500;
/** Deliveries one worker process claims at once (and sends concurrently). */
const SEND_BATCH = 10;
/** How often a worker looks for due retries (and for events whose notification it missed). */
const POLL_MS = 1_000;

interface ClaimedDelivery {
  id: string;
  webhook_id: string;
  event_id: string;
  attempts: number;
  max_attempts: number;
}

/**
 * The worker role of webhooks, in two halves that any number of worker processes run:
 *
 * - the dispatcher reads `events` after a cursor (one row, locked FOR UPDATE SKIP LOCKED by
 *   whichever process dispatches) and writes one delivery row per matching subscription and
 *   event (`UNIQUE (webhook_id, event_id)`: a race writes nothing twice); event ids become
 *   visible in id order, so the cursor never passes an event that commits later;
 * - the sender claims due deliveries (FOR UPDATE SKIP LOCKED, a lock until the attempt's
 *   timeout), POSTs them signed, and records the outcome: delivered, retried later with
 *   exponential backoff, or failed after WEBHOOK_MAX_ATTEMPTS. A worker that dies mid-attempt
 *   leaves a lock that expires; the delivery is then attempted again.
 *
 * Delivery is at least once: a receiver deduplicates by the Galera-Delivery header.
 */
@Injectable()
export class WebhookDeliveryWorker implements BeforeApplicationShutdown {
  private readonly logger = new Logger('webhooks');
  private subscriptions: Subscription[] = [];
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly runs = { dispatch: new CoalescingRunner(), send: new CoalescingRunner() };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: EventsService,
    private readonly webhooks: WebhooksService,
    private readonly targets: WebhookTargets,
  ) {}

  async start(): Promise<void> {
    if (this.timer) return;
    this.subscriptions.push(
      this.events.listen(CHANNELS.events).subscribe(() => this.dispatchSoon()),
      this.events.listen(CHANNELS.deliveries).subscribe((n) => {
        if (n.payload === 'webhooks') this.sendSoon();
      }),
    );
    await this.events.ready();
    this.timer = setInterval(() => {
      this.dispatchSoon();
      this.sendSoon();
    }, POLL_MS);
    this.timer.unref();
    this.dispatchSoon();
    this.sendSoon();
  }

  private dispatchSoon(): void {
    if (!this.stopped)
      this.runs.dispatch.trigger(
        () => this.dispatch(),
        (error) => this.logger.warn({ msg: 'webhook dispatch failed', err: String(error) }),
      );
  }

  private sendSoon(): void {
    if (!this.stopped)
      this.runs.send.trigger(
        () => this.sendDue(),
        (error) => this.logger.warn({ msg: 'webhook send failed', err: String(error) }),
      );
  }

  /** Turns new events into deliveries until caught up; answers how many deliveries it wrote. */
  async dispatch(): Promise<number> {
    // Without a subscription there is nothing to write; the cursor may lag, as a subscription
    // never receives events from before it was created (from_event_id).
    const [any] = await queryRows<{ exists: boolean }>(this.dataSource, 'SELECT EXISTS (SELECT 1 FROM webhooks WHERE enabled) AS exists');
    if (!any?.exists) return 0;
    let written = 0;
    for (;;) {
      const pass = await this.dataSource.transaction(async (manager) => {
        const [cursor] = await queryRows<{ last_event_id: string }>(manager, 'SELECT last_event_id FROM webhook_dispatch_cursor WHERE id = 1 FOR UPDATE SKIP LOCKED');
        if (!cursor) return { events: 0, written: 0 }; // another process is dispatching
        const hooks = await manager.getRepository(WebhookEntity).find({ where: { enabled: true } });
        if (hooks.length === 0) return { events: 0, written: 0 };
        // Events up to the oldest subscription's start concern no subscription: skip them at once.
        const after = Math.max(Number(cursor.last_event_id), Math.min(...hooks.map((h) => h.fromEventId)));
        const events = await manager.getRepository(EventEntity).createQueryBuilder('e').where('e.id > :after', { after }).orderBy('e.id', 'ASC').limit(DISPATCH_BATCH).getMany();
        if (events.length === 0) {
          if (after > Number(cursor.last_event_id)) await manager.query('UPDATE webhook_dispatch_cursor SET last_event_id = $1 WHERE id = 1', [after]);
          return { events: 0, written: 0 };
        }
        const rows: unknown[][] = [];
        for (const event of events) {
          for (const hook of hooks) {
            if (event.id <= hook.fromEventId) continue;
            if (hook.clusterId && hook.clusterId !== event.clusterId) continue;
            if (!matchesEventType(hook.eventTypes, event.type)) continue;
            rows.push([newId('delivery'), hook.id, event.id, event.type, this.config.webhookMaxAttempts]);
          }
        }
        let inserted = 0;
        for (let i = 0; i < rows.length; i += 1000) {
          const chunk = rows.slice(i, i + 1000);
          const values = chunk.map((_, j) => `($${j * 5 + 1}, $${j * 5 + 2}, $${j * 5 + 3}, $${j * 5 + 4}, 'PENDING', 0, $${j * 5 + 5}, now(), now())`).join(', ');
          const result = await queryRows(
            manager,
            `INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, state, attempts, max_attempts, next_attempt_at, created_at)
             VALUES ${values} ON CONFLICT (webhook_id, event_id) DO NOTHING RETURNING id`,
            chunk.flat(),
          );
          inserted += result.length;
        }
        await manager.query('UPDATE webhook_dispatch_cursor SET last_event_id = $1 WHERE id = 1', [events[events.length - 1].id]);
        if (inserted > 0) await this.events.notify(CHANNELS.deliveries, 'webhooks', manager);
        return { events: events.length, written: inserted };
      });
      written += pass.written;
      if (pass.events < DISPATCH_BATCH || this.stopped) return written;
    }
  }

  /** Sends due deliveries until none is left; answers how many attempts it made. */
  async sendDue(): Promise<number> {
    let attempts = 0;
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0 || this.stopped) return attempts;
      attempts += claimed.length;
      await Promise.all(
        claimed.map((delivery) => this.attempt(delivery).catch((error) => this.logger.error({ msg: 'delivery attempt failed unexpectedly', deliveryId: delivery.id, err: String(error) }))),
      );
    }
  }

  private async claim(): Promise<ClaimedDelivery[]> {
    const lockSeconds = this.config.webhookTimeoutSeconds + 30;
    // Pings (no event) are sent by the API process itself; a ping whose process died is closed here.
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET state = 'FAILED', locked_until = NULL, last_error = 'the process sending this ping stopped'
       WHERE event_id IS NULL AND state = 'SENDING' AND locked_until < now()`,
    );
    return queryRows<ClaimedDelivery>(
      this.dataSource,
      `UPDATE webhook_deliveries d
          SET state = 'SENDING', attempts = d.attempts + 1, last_attempt_at = now(), locked_until = now() + make_interval(secs => $2)
        WHERE d.id IN (
          SELECT x.id FROM webhook_deliveries x JOIN webhooks w ON w.id = x.webhook_id
           WHERE w.enabled AND x.event_id IS NOT NULL AND x.next_attempt_at <= now()
             AND (x.state = 'PENDING' OR (x.state = 'SENDING' AND x.locked_until < now()))
           ORDER BY x.next_attempt_at
           LIMIT $1
           FOR UPDATE OF x SKIP LOCKED)
        RETURNING d.id, d.webhook_id, d.event_id, d.attempts, d.max_attempts`,
      [SEND_BATCH, lockSeconds],
    );
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    if (delivery.attempts > delivery.max_attempts) {
      // Its last attempt was interrupted (the worker died): nothing more is tried.
      await this.finish(delivery, { state: 'FAILED', error: 'the worker stopped during the last attempt' });
      return;
    }
    const [hook, event] = await Promise.all([
      this.dataSource.getRepository(WebhookEntity).findOneBy({ id: delivery.webhook_id }),
      this.dataSource.getRepository(EventEntity).findOneBy({ id: Number(delivery.event_id) }),
    ]);
    if (!hook) return; // deleted meanwhile: its deliveries went with it
    if (!event) {
      await this.finish(delivery, { state: 'FAILED', error: `event ${delivery.event_id} no longer exists` });
      return;
    }
    const request = deliveryRequest({ webhookId: hook.id, deliveryId: delivery.id, event: deliveredEvent(event), secret: this.webhooks.secretOf(hook), nowMs: Date.now() });
    try {
      const answer = await this.targets.http.post({ url: hook.url, ...request, timeoutMs: this.config.webhookTimeoutSeconds * 1000 });
      if (answer.status >= 200 && answer.status < 300) {
        await this.finish(delivery, { state: 'SUCCEEDED', status: answer.status, durationMs: answer.durationMs });
      } else {
        await this.retryOrFail(delivery, describeAnswer(answer.status, answer.excerpt), true, answer.status, answer.durationMs);
      }
    } catch (error) {
      const outbound = error instanceof OutboundError ? error : new OutboundError(String(error), true, 0);
      await this.retryOrFail(delivery, outbound.message, outbound.retryable, null, outbound.durationMs);
    }
  }

  private async retryOrFail(delivery: ClaimedDelivery, error: string, retryable: boolean, status: number | null, durationMs: number): Promise<void> {
    if (retryable && delivery.attempts < delivery.max_attempts) {
      const next = new Date(Date.now() + retryDelayMs(delivery.attempts, this.config.webhookRetryBaseSeconds));
      await this.finish(delivery, { state: 'PENDING', error, status, durationMs, nextAttemptAt: next });
    } else {
      await this.finish(delivery, { state: 'FAILED', error: retryable ? `${error} (gave up after ${delivery.attempts} attempts)` : error, status, durationMs });
    }
  }

  /** Records an attempt's outcome, unless another worker took the delivery over meanwhile. */
  private async finish(delivery: ClaimedDelivery, outcome: { state: string; error?: string; status?: number | null; durationMs?: number; nextAttemptAt?: Date }): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries
          SET state = $3, locked_until = NULL, next_attempt_at = $4, last_status_code = $5, last_error = $6, last_duration_ms = $7,
              delivered_at = CASE WHEN $3 = 'SUCCEEDED' THEN now() ELSE delivered_at END
        WHERE id = $1 AND state = 'SENDING' AND attempts = $2`,
      [delivery.id, delivery.attempts, outcome.state, outcome.nextAttemptAt ?? null, outcome.status ?? null, outcome.error ?? null, outcome.durationMs ?? null],
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const s of this.subscriptions) s.unsubscribe();
    await Promise.all([this.runs.dispatch.idle(), this.runs.send.idle()]);
  }
}
