import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import type { Principal } from '@galera-cp/core';
import { asRow, newId, queryRows, WebhookDeliveryEntity, WebhookEntity } from '@galera-cp/database';
import { isEventTypePattern } from '@galera-cp/events';
import { SECRET_BOX, SecretBox } from '@galera-cp/secrets';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OutboundError, TargetRefusedError } from '@galera-cp/outbound';
import { deliveryRequest, PING_EVENT_TYPE, pingEvent } from './webhook-payload';
import { generateWebhookSecret } from './webhook-signature';
import { WebhookTargets } from './webhook-targets';
import { webhookErrors } from './webhooks.errors';

/** A new subscription. */
export interface NewWebhook {
  url: string;
  events: string[];
  clusterId?: string | null;
  secret?: string;
  description?: string | null;
  enabled?: boolean;
}

/** A change of a subscription (absent fields stay). */
export type WebhookChange = Partial<NewWebhook>;

/** Delivery states, in the order they go through. */
export const DELIVERY_STATES = ['PENDING', 'SENDING', 'SUCCEEDED', 'FAILED'] as const;

/**
 * Webhook subscriptions: targets are checked against the outbound policy when they are written
 * (and again by the sender at each attempt); the signing secret is sealed with the master key,
 * bound to the webhook id, and leaves only once, in the answer of the create.
 */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly targets: WebhookTargets,
  ) {}

  private get webhooks() {
    return this.dataSource.getRepository(WebhookEntity);
  }

  /**
   * Creates a subscription; answers it with its secret (generated when not given), shown this
   * once. With `dryRun`, checks everything and stores nothing (the answer has no secret).
   */
  async create(input: NewWebhook, principal: Principal, options: { dryRun?: boolean } = {}): Promise<{ webhook: WebhookEntity; secret: string | null }> {
    await this.checkTarget(input.url);
    this.checkEvents(input.events);
    if (input.clusterId) await this.checkCluster(input.clusterId);
    const id = newId('webhook');
    const secret = input.secret ?? generateWebhookSecret();
    const now = new Date();
    if (options.dryRun) {
      const draft = this.webhooks.create({
        id,
        url: input.url,
        eventTypes: [...new Set(input.events)],
        clusterId: input.clusterId ?? null,
        description: input.description ?? null,
        enabled: input.enabled ?? true,
        secretCiphertext: '',
        fromEventId: 0,
        createdBy: principal.id,
        createdAt: now,
        updatedAt: now,
      });
      return { webhook: draft, secret: null };
    }
    const webhook = await this.dataSource.transaction(async (manager) => {
      // Under the dispatcher's cursor lock, the newest event is exactly where the subscription
      // starts: the dispatcher's next pass sees the subscription and every event after it.
      await manager.query('SELECT last_event_id FROM webhook_dispatch_cursor WHERE id = 1 FOR UPDATE');
      const [{ max }] = await queryRows<{ max: string }>(manager, 'SELECT coalesce(max(id), 0) AS max FROM events');
      const entity = manager.getRepository(WebhookEntity).create({
        id,
        url: input.url,
        eventTypes: [...new Set(input.events)],
        clusterId: input.clusterId ?? null,
        description: input.description ?? null,
        enabled: input.enabled ?? true,
        secretCiphertext: this.box.seal(secret, `webhook:${id}`),
        fromEventId: Number(max),
        createdBy: principal.id,
        createdAt: now,
        updatedAt: now,
      });
      await manager.getRepository(WebhookEntity).insert(asRow(entity));
      return entity;
    });
    return { webhook, secret };
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<WebhookEntity> {
    const webhook = await manager.getRepository(WebhookEntity).findOneBy({ id });
    if (!webhook) throw webhookErrors.notFound(id);
    return webhook;
  }

  query() {
    return this.webhooks.createQueryBuilder('w');
  }

  /** Changes a subscription (checked like a create); with `dryRun`, answers the result and keeps nothing. */
  async update(id: string, change: WebhookChange, options: { dryRun?: boolean } = {}): Promise<WebhookEntity> {
    const webhook = await this.get(id);
    if (change.url !== undefined) await this.checkTarget(change.url);
    if (change.events !== undefined) this.checkEvents(change.events);
    if (change.clusterId) await this.checkCluster(change.clusterId);
    const update: Partial<WebhookEntity> = { updatedAt: new Date() };
    if (change.url !== undefined) update.url = change.url;
    if (change.events !== undefined) update.eventTypes = [...new Set(change.events)];
    if (change.clusterId !== undefined) update.clusterId = change.clusterId;
    if (change.description !== undefined) update.description = change.description;
    if (change.enabled !== undefined) update.enabled = change.enabled;
    if (change.secret !== undefined) update.secretCiphertext = this.box.seal(change.secret, `webhook:${id}`);
    if (!options.dryRun) await this.webhooks.update({ id }, update);
    return Object.assign(webhook, update);
  }

  /** Deletes a subscription and its delivery log; a delivery in flight ends unrecorded. With `dryRun`, only checks it exists. */
  async delete(id: string, options: { dryRun?: boolean } = {}): Promise<void> {
    if (options.dryRun) {
      await this.get(id);
      return;
    }
    const result = await this.webhooks.delete({ id });
    if (!result.affected) throw webhookErrors.notFound(id);
  }

  /** The delivery log of a subscription (newest first when paged by id descending). */
  async deliveriesQuery(id: string, state?: string) {
    await this.get(id);
    const q = this.dataSource.getRepository(WebhookDeliveryEntity).createQueryBuilder('d').where('d.webhook_id = :id', { id });
    if (state) q.andWhere('d.state = :state', { state });
    return q;
  }

  /** The plaintext signing secret (for the sender). */
  secretOf(webhook: WebhookEntity): string {
    return this.box.open(webhook.secretCiphertext, `webhook:${webhook.id}`);
  }

  /**
   * Sends a ping now, from this process, once (no retry), and records it in the delivery log:
   * the answer says at once whether the receiver is reachable and checks signatures.
   */
  async ping(id: string, options: { dryRun?: boolean } = {}): Promise<WebhookDeliveryEntity> {
    const webhook = await this.get(id);
    const now = new Date();
    if (options.dryRun) {
      // What a ping would be: the target is checked (DNS included); nothing is sent or stored.
      const refusal = await this.targets.policy.check(webhook.url).then(
        () => null,
        (error: unknown) => (error instanceof TargetRefusedError ? `target refused: ${error.reason}` : String(error)),
      );
      return this.dataSource.getRepository(WebhookDeliveryEntity).create({
        id: newId('delivery'),
        webhookId: id,
        eventId: null,
        eventType: PING_EVENT_TYPE,
        state: refusal ? 'FAILED' : 'PENDING',
        attempts: 0,
        maxAttempts: 1,
        nextAttemptAt: null,
        lockedUntil: null,
        lastAttemptAt: null,
        lastStatusCode: null,
        lastError: refusal,
        lastDurationMs: null,
        deliveredAt: null,
        createdAt: now,
      });
    }
    const delivery = this.dataSource.getRepository(WebhookDeliveryEntity).create({
      id: newId('delivery'),
      webhookId: id,
      eventId: null,
      eventType: PING_EVENT_TYPE,
      state: 'SENDING',
      attempts: 1,
      maxAttempts: 1,
      nextAttemptAt: null,
      lockedUntil: new Date(now.getTime() + (this.config.webhookTimeoutSeconds + 30) * 1000),
      lastAttemptAt: now,
      lastStatusCode: null,
      lastError: null,
      lastDurationMs: null,
      deliveredAt: null,
      createdAt: now,
    });
    await this.dataSource.getRepository(WebhookDeliveryEntity).insert(asRow(delivery));
    const request = deliveryRequest({ webhookId: id, deliveryId: delivery.id, event: pingEvent(now), secret: this.secretOf(webhook), nowMs: Date.now() });
    const outcome = await this.targets.http.post({ url: webhook.url, ...request, timeoutMs: this.config.webhookTimeoutSeconds * 1000 }).then(
      (answer) => ({ answer, error: undefined }),
      (error: unknown) => ({ answer: undefined, error: error instanceof OutboundError ? error : new OutboundError(String(error), true, 0) }),
    );
    const ok = outcome.answer !== undefined && outcome.answer.status >= 200 && outcome.answer.status < 300;
    const update: Partial<WebhookDeliveryEntity> = {
      state: ok ? 'SUCCEEDED' : 'FAILED',
      lockedUntil: null,
      lastStatusCode: outcome.answer?.status ?? null,
      lastError: ok ? null : (outcome.error?.message ?? describeAnswer(outcome.answer?.status ?? 0, outcome.answer?.excerpt ?? '')),
      lastDurationMs: outcome.answer?.durationMs ?? outcome.error?.durationMs ?? null,
      deliveredAt: ok ? new Date() : null,
    };
    await this.dataSource.getRepository(WebhookDeliveryEntity).update({ id: delivery.id }, update);
    return Object.assign(delivery, update);
  }

  private async checkTarget(url: string): Promise<void> {
    try {
      await this.targets.policy.check(url);
    } catch (error) {
      if (error instanceof TargetRefusedError) throw webhookErrors.targetRefused(error.reason);
      throw error;
    }
  }

  private checkEvents(events: string[]): void {
    if (events.length === 0) throw webhookErrors.invalid('/events', 'name at least one event type, prefix (cluster.) or *');
    events.forEach((pattern, i) => {
      if (!isEventTypePattern(pattern)) throw webhookErrors.invalid(`/events/${i}`, 'must be an event type (cluster.ready), a prefix ending in a dot (cluster.) or *');
    });
  }

  private async checkCluster(clusterId: string): Promise<void> {
    const rows = await queryRows(this.dataSource, 'SELECT 1 FROM clusters WHERE id = $1 AND deleted_at IS NULL', [clusterId]);
    if (rows.length === 0) throw webhookErrors.invalid('/clusterId', `cluster ${clusterId} does not exist`);
  }
}

/** A non-2xx answer, as the delivery log shows it. */
export function describeAnswer(status: number, excerpt: string): string {
  const text = excerpt.replace(/\s+/g, ' ').trim().slice(0, 200);
  return `HTTP ${status}${text ? `: ${text}` : ''}`;
}
