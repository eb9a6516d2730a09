export * from './events.module';
export * from './events.service';
