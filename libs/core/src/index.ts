export * from './domain-error';
export * from './principal';
export * from './coalescing-runner';
