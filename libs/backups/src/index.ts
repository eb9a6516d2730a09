/** Backups and disaster recovery (`@galera-cp/backups`): stores, backups, schedules, verification, restores. */
export * from './store-driver';
export { BackupStoreError, assertValidKey, type BackupStoreErrorCode } from './stores/store.errors';
export { S3StoreDriver, type S3StoreDriverOptions } from './stores/s3-store-driver';
export { SshStoreDriver, type SshStoreDriverOptions } from './stores/ssh-store-driver';
export { DefaultBackupStoreDrivers } from './stores/default-store-drivers';
export { BackupStoresService, type NewBackupStore, type StoreCheck } from './stores/backup-stores.service';
export { BackupStoresModule } from './stores/backup-stores.module';
