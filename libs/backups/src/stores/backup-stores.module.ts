import { Module } from '@nestjs/common';
import { BACKUP_STORE_DRIVERS } from '../store-driver';
import { BackupStoresService } from './backup-stores.service';
import { DefaultBackupStoreDrivers } from './default-store-drivers';

/** Backup stores and their drivers (tests may override `BACKUP_STORE_DRIVERS`). */
@Module({
  providers: [BackupStoresService, { provide: BACKUP_STORE_DRIVERS, useClass: DefaultBackupStoreDrivers }],
  exports: [BackupStoresService, BACKUP_STORE_DRIVERS],
})
export class BackupStoresModule {}
