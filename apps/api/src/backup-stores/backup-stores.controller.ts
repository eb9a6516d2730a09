import { Audited } from '@galera-cp/audit';
import { CurrentPrincipal, RequireRole } from '@galera-cp/auth';
import { BackupStoresService, type NewBackupStore } from '@galera-cp/backups';
import { DomainError, type Principal } from '@galera-cp/core';
import { HttpAnswer, mapPage, paginate, RequestWithContext } from '@galera-cp/http';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiDryRun, ApiIdempotentPost, ApiProblems } from '../common/api-problems.decorator';
import { parseDryRun } from '../common/dry-run';
import { BackupStoreCheckDto, BackupStoreDto, BackupStorePageDto, CheckBackupStoreRequestDto, CreateBackupStoreRequestDto, ListBackupStoresQueryDto } from './backup-store.dto';
import { toBackupStoreDto } from './backup-store.mapper';

const PROBE_PROBLEMS = { 422: ['BACKUP_STORE_ACCESS_DENIED', 'BACKUP_STORE_MISCONFIGURED'], 503: ['BACKUP_STORE_UNREACHABLE'] } as const;

/** The request as the service takes it, with the defaults filled in. */
function newStoreOf(body: CreateBackupStoreRequestDto): NewBackupStore {
  const common = { name: body.name, description: body.description ?? null, credentialId: body.credentialId };
  if (body.kind === 's3') {
    if (body.ssh !== undefined) throw fieldError('/ssh', 'an s3 store takes s3 settings, not ssh');
    const s3 = body.s3!;
    return {
      ...common,
      kind: 's3',
      s3: { ...(s3.endpoint ? { endpoint: s3.endpoint } : {}), region: s3.region, bucket: s3.bucket, prefix: s3.prefix ?? '', forcePathStyle: s3.forcePathStyle ?? false },
    };
  }
  if (body.s3 !== undefined) throw fieldError('/s3', 'an ssh store takes ssh settings, not s3');
  const ssh = body.ssh!;
  return {
    ...common,
    kind: 'ssh',
    ssh: {
      address: ssh.address,
      port: ssh.port ?? 22,
      user: ssh.user ?? 'root',
      directory: ssh.directory.replace(/\/+$/, ''),
      ...(ssh.hostKeyFingerprint ? { hostKeyFingerprint: ssh.hostKeyFingerprint } : {}),
    },
  };
}

function fieldError(pointer: string, detail: string): DomainError {
  return new DomainError('invalid', 'VALIDATION_FAILED', `${pointer}: ${detail}`, { errors: [{ pointer, detail }] });
}

/**
 * Backup stores: S3-compatible buckets and directories on SSH backup hosts. Viewers read them;
 * operators create, check and delete them. Each is probed before it is kept.
 */
@ApiTags('backups')
@ApiBearerAuth()
@Controller('v1/backup-stores')
export class BackupStoresController {
  constructor(private readonly stores: BackupStoresService) {}

  @Post()
  @RequireRole('operator')
  @Audited('backup-store.create', 'backup-store')
  @ApiOperation({ operationId: 'createBackupStore', summary: 'Add a backup store; it is probed first (a probe object written, read back and deleted)' })
  @ApiCreatedResponse({ type: BackupStoreDto })
  @ApiOkResponse({ type: BackupStoreDto, description: 'dryRun=true: the store was probed and could be added; nothing was stored' })
  @ApiDryRun()
  @ApiIdempotentPost()
  @ApiProblems({ ...PROBE_PROBLEMS, 409: ['BACKUP_STORE_NAME_TAKEN'] })
  async create(
    @Body() body: CreateBackupStoreRequestDto,
    @Query('dryRun') dryRun: unknown,
    @CurrentPrincipal() principal: Principal,
    @Req() request: RequestWithContext,
  ): Promise<HttpAnswer<BackupStoreDto>> {
    const dry = parseDryRun(dryRun);
    const { store } = await this.stores.create(newStoreOf(body), principal, { dryRun: dry });
    const settings = store.settings as Record<string, unknown>;
    request.auditTarget = { type: 'backup-store', id: store.id };
    request.auditDetail = {
      name: store.name,
      kind: store.kind,
      credentialId: store.credentialId,
      ...(store.kind === 'ssh'
        ? {
            address: settings.address,
            directory: settings.directory,
            hostKeyFingerprint: settings.hostKeyFingerprint,
            hostKeyPinnedBy: body.ssh?.hostKeyFingerprint ? 'request' : 'trust-on-first-use',
          }
        : { endpoint: settings.endpoint ?? null, bucket: settings.bucket, prefix: settings.prefix }),
    };
    return new HttpAnswer(toBackupStoreDto(store), dry ? 200 : 201);
  }

  @Get()
  @ApiOperation({ operationId: 'listBackupStores', summary: 'List backup stores with their last check' })
  @ApiOkResponse({ type: BackupStorePageDto })
  @ApiProblems(401, 403, { 400: ['INVALID_PAGE_TOKEN'] })
  async list(@Query() query: ListBackupStoresQueryDto): Promise<BackupStorePageDto> {
    const page = await paginate(this.stores.query(), { keyColumn: 's.id', keyOf: (s) => s.id, direction: 'ASC', page: query, scope: 'backup-stores' });
    return mapPage(page, toBackupStoreDto);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getBackupStore', summary: 'Get a backup store' })
  @ApiOkResponse({ type: BackupStoreDto })
  @ApiProblems(401, 403, { 404: ['BACKUP_STORE_NOT_FOUND'] })
  async get(@Param('id') id: string): Promise<BackupStoreDto> {
    return toBackupStoreDto(await this.stores.get(id));
  }

  @Post(':id/check')
  @HttpCode(200)
  @RequireRole('operator')
  @Audited('backup-store.check', 'backup-store')
  @ApiOperation({ operationId: 'checkBackupStore', summary: 'Probe the store again now and record the outcome (a failing store is answered, ok=false, not an error)' })
  @ApiOkResponse({ type: BackupStoreCheckDto })
  @ApiDryRun()
  @ApiIdempotentPost()
  @ApiProblems({ 404: ['BACKUP_STORE_NOT_FOUND'] })
  async check(@Param('id') id: string, @Body() _body: CheckBackupStoreRequestDto, @Query('dryRun') dryRun: unknown, @Req() request: RequestWithContext): Promise<BackupStoreCheckDto> {
    const { check } = await this.stores.check(id, { dryRun: parseDryRun(dryRun) });
    request.auditDetail = { ok: check.ok, ...(check.code ? { code: check.code } : {}) };
    return check;
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireRole('operator')
  @Audited('backup-store.delete', 'backup-store')
  @ApiOperation({ operationId: 'deleteBackupStore', summary: 'Delete a store that holds no live backup (its objects are left where they are)' })
  @ApiNoContentResponse({ description: 'Deleted (dryRun=true: it could be deleted; nothing changed)' })
  @ApiDryRun()
  @ApiProblems(401, 403, { 400: [], 404: ['BACKUP_STORE_NOT_FOUND'], 409: ['BACKUP_STORE_IN_USE'] })
  async delete(@Param('id') id: string, @Query('dryRun') dryRun: unknown): Promise<void> {
    await this.stores.delete(id, { dryRun: parseDryRun(dryRun) });
  }
}
