export * from './http-metrics.middleware';
export * from './json-logger';
export * from './metrics.service';
export * from './observability.module';
export * from './process-safety-net';
export * from './metrics-access';
