import type { BackupStoreEntity } from '@galera-cp/database';
import type { BackupStoreCheckDto, BackupStoreDto, S3StoreSettingsDto, SshStoreSettingsDto } from './backup-store.dto';

export function toBackupStoreDto(entity: BackupStoreEntity): BackupStoreDto {
  const settings = entity.settings as Record<string, unknown>;
  return {
    id: entity.id,
    name: entity.name,
    kind: entity.kind,
    credentialId: entity.credentialId,
    ...(entity.kind === 's3' ? { s3: settings as unknown as S3StoreSettingsDto } : { ssh: settings as unknown as SshStoreSettingsDto }),
    description: entity.description,
    lastCheck: (entity.lastCheck as unknown as BackupStoreCheckDto | null) ?? null,
    createdBy: entity.createdBy,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}
