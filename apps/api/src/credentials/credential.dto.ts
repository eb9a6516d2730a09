import { CREDENTIAL_KINDS } from '@galera-cp/secrets';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

/** A new credential. The secret fields are write-only: no answer ever contains them. */
@ApiSchema({ name: 'CreateCredentialRequest' })
export class CreateCredentialRequestDto {
  @ApiProperty({ description: 'Unique name', example: 'lab-root-key' })
  @IsString()
  @Matches(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/, { message: 'name must be 1-63 letters, digits, dots, dashes or underscores' })
  name!: string;

  @ApiProperty({ enum: CREDENTIAL_KINDS })
  @IsIn([...CREDENTIAL_KINDS])
  kind!: (typeof CREDENTIAL_KINDS)[number];

  @ApiPropertyOptional({ description: 'ssh-private-key: the private key (OpenSSH or PEM)', writeOnly: true })
  @ValidateIf((o: CreateCredentialRequestDto) => o.kind === 'ssh-private-key')
  @IsString()
  @MinLength(32)
  @MaxLength(16_384)
  privateKey?: string;

  @ApiPropertyOptional({ description: 'ssh-private-key: its passphrase, if any', writeOnly: true })
  @IsOptional()
  @ValidateIf((o: CreateCredentialRequestDto) => o.kind === 'ssh-private-key')
  @IsString()
  @MaxLength(1024)
  passphrase?: string;

  @ApiPropertyOptional({ description: 'ssh-password: the login password (also used for sudo)', writeOnly: true })
  @ValidateIf((o: CreateCredentialRequestDto) => o.kind === 'ssh-password')
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ description: 'kubeconfig: the kubeconfig YAML', writeOnly: true })
  @ValidateIf((o: CreateCredentialRequestDto) => o.kind === 'kubeconfig')
  @IsString()
  @MinLength(20)
  @MaxLength(262_144)
  kubeconfig?: string;

  @ApiPropertyOptional({ description: 's3-access-key: the access key id (kept as public metadata)', example: 'AKIAIOSFODNN7EXAMPLE' })
  @ValidateIf((o: CreateCredentialRequestDto) => o.kind === 's3-access-key')
  @IsString()
  @MinLength(3)
  @MaxLength(128)
  accessKeyId?: string;

  @ApiPropertyOptional({ description: 's3-access-key: the secret access key', writeOnly: true })
  @ValidateIf((o: CreateCredentialRequestDto) => o.kind === 's3-access-key')
  @IsString()
  @MinLength(8)
  @MaxLength(256)
  secretAccessKey?: string;
}

/** A credential's metadata; the secret never leaves. */
@ApiSchema({ name: 'Credential' })
export class CredentialDto {
  @ApiProperty({ example: 'cr_01jd2x…' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CREDENTIAL_KINDS }) kind!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Public facts: key type and public key fingerprint, kubeconfig contexts and servers, S3 access key id' }) metadata!: Record<
    string,
    unknown
  >;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

@ApiSchema({ name: 'CredentialPage' })
export class CredentialPageDto {
  @ApiProperty({ type: [CredentialDto] }) items!: CredentialDto[];
  @ApiProperty({ type: String, nullable: true }) nextPageToken!: string | null;
}
