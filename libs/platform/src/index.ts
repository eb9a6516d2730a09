export * from './platform.module';
export * from './lazy-backend';
