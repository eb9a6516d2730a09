/** Backups and disaster recovery (`@galera-cp/backups`): stores, backups, schedules, verification, restores. */
export * from './store-driver';
