import type { WebhookDeliveryEntity, WebhookEntity } from '@galera-cp/database';
import type { WebhookDeliveryDto, WebhookDto } from './webhook.dto';

export function toWebhookDto(entity: WebhookEntity): WebhookDto {
  return {
    id: entity.id,
    url: entity.url,
    events: entity.eventTypes,
    clusterId: entity.clusterId,
    description: entity.description,
    enabled: entity.enabled,
    createdBy: entity.createdBy,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}

export function toWebhookDeliveryDto(entity: WebhookDeliveryEntity): WebhookDeliveryDto {
  return {
    id: entity.id,
    webhookId: entity.webhookId,
    eventId: entity.eventId,
    eventType: entity.eventType,
    state: entity.state,
    attempts: entity.attempts,
    maxAttempts: entity.maxAttempts,
    lastStatusCode: entity.lastStatusCode,
    lastError: entity.lastError,
    durationMs: entity.lastDurationMs,
    nextAttemptAt: entity.state === 'PENDING' ? (entity.nextAttemptAt?.toISOString() ?? null) : null,
    lastAttemptAt: entity.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: entity.deliveredAt?.toISOString() ?? null,
    createdAt: entity.createdAt.toISOString(),
  };
}
