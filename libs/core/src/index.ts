export * from './domain-error';
export * from './principal';
