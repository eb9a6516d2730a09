export * from './webhook-delivery.worker';
export * from './webhook-payload';
export * from './webhook-signature';
export * from './webhook-targets';
export * from './webhooks.errors';
export * from './webhooks.module';
export * from './webhooks.service';
