export * from './ip-address';
export * from './outbound-http';
export * from './target-policy';
export * from './outbound-targets';
