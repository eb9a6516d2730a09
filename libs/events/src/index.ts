export * from './event-feed';
export * from './event-type-filter';
export * from './events.module';
export * from './events.service';
