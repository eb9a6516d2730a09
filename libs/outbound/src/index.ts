export * from './coalescing-runner';
export * from './ip-address';
export * from './outbound-http';
export * from './target-policy';
