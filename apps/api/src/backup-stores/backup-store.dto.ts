import { BACKUP_STORE_KINDS } from '@galera-cp/backups';
import { PageQueryDto } from '@galera-cp/http';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';

const HOST = /^(?=.{1,253}$)([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$|^[0-9a-fA-F:]{2,39}$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
/** An http(s) URL of scheme, host, optional port and path: no user:password@, query or fragment. */
const ENDPOINT = /^https?:\/\/(\[[0-9a-fA-F:]{2,39}\]|[A-Za-z0-9]([-A-Za-z0-9.]{0,251}[A-Za-z0-9])?)(:[0-9]{1,5})?(\/[A-Za-z0-9._~-]*)*$/;
/** S3 bucket naming rules: 3-63 lower-case letters, digits, dots and dashes, starting and ending with a letter or digit. */
const BUCKET = /^(?!xn--)(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]{2,32}$/;
/** Key prefix: `/`-separated segments of [A-Za-z0-9._-], no `.` or `..` segment. */
const PREFIX = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/?$|^$/;
/** Absolute directory without `.`/`..` segments, of safe characters. */
const DIRECTORY = /^(?!.*\/\.\.?(\/|$))(\/[A-Za-z0-9._-]+)+\/?$/;

/** Where an s3 store writes. */
@ApiSchema({ name: 'S3StoreSettings' })
export class S3StoreSettingsDto {
  @ApiPropertyOptional({ description: 'The S3-compatible service (http or https, no credentials in it); absent: AWS S3 of the region', example: 'https://minio.example.com:9000', maxLength: 512 })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(ENDPOINT, { message: 'endpoint must be an http(s) URL of a host, optional port and path, without credentials, query or fragment' })
  endpoint?: string;

  @ApiProperty({ example: 'eu-central-1' })
  @IsString()
  @Matches(REGION, { message: 'region must be 2-32 lower-case letters, digits or dashes' })
  region!: string;

  @ApiProperty({ example: 'galera-backups' })
  @IsString()
  @Matches(BUCKET, { message: 'bucket must follow S3 bucket naming rules (3-63 lower-case letters, digits, dots, dashes)' })
  bucket!: string;

  @ApiPropertyOptional({ description: 'Key prefix of every object of the store', default: '', example: 'prod/galera', maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  @Matches(PREFIX, { message: 'prefix must be /-separated segments of letters, digits, dots, dashes or underscores' })
  prefix?: string;

  @ApiPropertyOptional({ description: 'Path-style addressing (https://host/bucket/key), which MinIO and Ceph usually need', default: false })
  @IsOptional()
  @IsBoolean()
  forcePathStyle?: boolean;
}

/** Where an ssh store writes. */
@ApiSchema({ name: 'SshStoreSettings' })
export class SshStoreSettingsDto {
  @ApiProperty({ description: 'The backup host (IP address or DNS name)', example: '10.250.0.50' })
  @IsString()
  @Matches(HOST, { message: 'address must be an IP address or a DNS name' })
  address!: string;

  @ApiPropertyOptional({ type: 'integer', default: 22 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ description: 'Login user (needs write access to the directory)', default: 'root' })
  @IsOptional()
  @Matches(/^[a-z_][a-z0-9_-]{0,31}$/, { message: 'user must be a POSIX user name' })
  user?: string;

  @ApiProperty({ description: 'Absolute directory that holds the store (it must exist)', example: '/srv/backups/galera', maxLength: 512 })
  @IsString()
  @MaxLength(512)
  @Matches(DIRECTORY, { message: 'directory must be an absolute path of letters, digits, dots, dashes or underscores, without . or .. segments' })
  directory!: string;

  @ApiPropertyOptional({
    description: "The host key's SHA-256 fingerprint, as `ssh-keygen -lf` prints it; required unless trustOnFirstUse",
    example: 'SHA256:2nX1q3W5VBE4P8dC4bH0V0x9yqJ3r8o0Z0cS3QeJ6yQ',
  })
  @ValidateIf((o: SshStoreSettingsDto) => o.trustOnFirstUse !== true || o.hostKeyFingerprint !== undefined)
  @Matches(FINGERPRINT, { message: 'hostKeyFingerprint must look like SHA256:<43 base64 characters> (or set trustOnFirstUse)' })
  hostKeyFingerprint?: string;

  @ApiPropertyOptional({ description: 'Accept and pin the key the host presents on the creating probe when no fingerprint is given', default: false })
  @IsOptional()
  @IsBoolean()
  trustOnFirstUse?: boolean;
}

/** A new backup store. It is probed (a probe object written, read and deleted) before it is kept. */
@ApiSchema({ name: 'CreateBackupStoreRequest' })
export class CreateBackupStoreRequestDto {
  @ApiProperty({ description: 'Unique name', example: 'nightly-s3' })
  @IsString()
  @Matches(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/, { message: 'name must be 1-63 letters, digits, dots, dashes or underscores' })
  name!: string;

  @ApiProperty({ enum: BACKUP_STORE_KINDS })
  @IsIn([...BACKUP_STORE_KINDS])
  kind!: (typeof BACKUP_STORE_KINDS)[number];

  @ApiProperty({ description: 'The credential to log in with: s3-access-key for s3; ssh-private-key or ssh-password for ssh', example: 'cr_01jd2x…' })
  @IsString()
  @Matches(/^cr_[0-9a-z]{26}$/, { message: 'credentialId must be a credential id (cr_…)' })
  credentialId!: string;

  @ApiPropertyOptional({ type: S3StoreSettingsDto, description: 'Required for kind s3' })
  @ValidateIf((o: CreateBackupStoreRequestDto) => o.kind === 's3' || o.s3 !== undefined)
  @IsObject({ message: 's3 settings are required for an s3 store' })
  @ValidateNested()
  @Type(() => S3StoreSettingsDto)
  s3?: S3StoreSettingsDto;

  @ApiPropertyOptional({ type: SshStoreSettingsDto, description: 'Required for kind ssh' })
  @ValidateIf((o: CreateBackupStoreRequestDto) => o.kind === 'ssh' || o.ssh !== undefined)
  @IsObject({ message: 'ssh settings are required for an ssh store' })
  @ValidateNested()
  @Type(() => SshStoreSettingsDto)
  ssh?: SshStoreSettingsDto;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string | null;
}

/** The outcome of a store's probe. */
@ApiSchema({ name: 'BackupStoreCheck' })
export class BackupStoreCheckDto {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'The probe object was written, read back identical and deleted' }) ok!: boolean;
  @ApiPropertyOptional({ type: 'integer', description: 'Round trip of the probe' }) latencyMs?: number;
  @ApiPropertyOptional({ description: 'Problem code when not ok (BACKUP_STORE_UNREACHABLE, ..._ACCESS_DENIED, ..._MISCONFIGURED)' }) code?: string;
  @ApiPropertyOptional() detail?: string;
}

/** A backup store (its secret is a credential, never shown). */
@ApiSchema({ name: 'BackupStore' })
export class BackupStoreDto {
  @ApiProperty({ example: 'bs_01jd2x…' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: BACKUP_STORE_KINDS }) kind!: string;
  @ApiProperty() credentialId!: string;
  @ApiPropertyOptional({ type: S3StoreSettingsDto }) s3?: S3StoreSettingsDto;
  @ApiPropertyOptional({ type: SshStoreSettingsDto, description: 'hostKeyFingerprint is the pinned key' }) ssh?: SshStoreSettingsDto;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: BackupStoreCheckDto, nullable: true }) lastCheck!: BackupStoreCheckDto | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

@ApiSchema({ name: 'BackupStorePage' })
export class BackupStorePageDto {
  @ApiProperty({ type: [BackupStoreDto] }) items!: BackupStoreDto[];
  @ApiProperty({ type: String, nullable: true }) nextPageToken!: string | null;
}

@ApiSchema({ name: 'ListBackupStoresQuery' })
export class ListBackupStoresQueryDto extends PageQueryDto {}

/** The body of a check (empty). */
@ApiSchema({ name: 'CheckBackupStoreRequest' })
export class CheckBackupStoreRequestDto {}
