import { SshConnector } from '@galera-cp/backend-ssh';
import { Injectable } from '@nestjs/common';
import type { BackupStoreDriver, BackupStoreDrivers, BackupStoreTarget } from '../store-driver';
import { S3StoreDriver } from './s3-store-driver';
import { SshStoreDriver } from './ssh-store-driver';

/** Opens the driver of a store's kind (the production {@link BackupStoreDrivers}). */
@Injectable()
export class DefaultBackupStoreDrivers implements BackupStoreDrivers {
  private readonly connector = new SshConnector();

  open(store: BackupStoreTarget): BackupStoreDriver {
    return store.kind === 's3' ? new S3StoreDriver(store) : new SshStoreDriver(store, this.connector);
  }
}
