export * from './cluster-backend';
export * from './cluster-spec';
export * from './member-names';
export * from './backup-capability';
