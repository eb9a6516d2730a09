import { Module } from '@nestjs/common';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookTargets } from './webhook-targets';
import { WebhooksService } from './webhooks.service';

/**
 * Webhook subscriptions and their delivery. The worker starts only in processes with the worker
 * role (`WebhookDeliveryWorker.start()` from startWorkerRole).
 */
@Module({
  providers: [WebhookTargets, WebhooksService, WebhookDeliveryWorker],
  exports: [WebhooksService, WebhookDeliveryWorker],
})
export class WebhooksModule {}
