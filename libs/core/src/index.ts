export * from './domain-error';
export * from './principal';
export * from './coalescing-runner';
export * from './problem-codes';
export * from './step';
