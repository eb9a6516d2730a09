import { Audited } from '@galera-cp/audit';
import { CurrentPrincipal } from '@galera-cp/auth';
import type { Principal } from '@galera-cp/core';
import type { CredentialEntity } from '@galera-cp/database';
import { HttpAnswer, mapPage, PageQueryDto, paginate, RequestWithContext } from '@galera-cp/http';
import { CredentialSecret, CredentialsService } from '@galera-cp/secrets';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiDryRun, ApiIdempotentPost, ApiProblems } from '../common/api-problems.decorator';
import { parseDryRun } from '../common/dry-run';
import { CreateCredentialRequestDto, CredentialDto, CredentialPageDto } from './credential.dto';

function toCredentialDto(entity: CredentialEntity): CredentialDto {
  return { id: entity.id, name: entity.name, kind: entity.kind, metadata: entity.metadata, createdBy: entity.createdBy, createdAt: entity.createdAt.toISOString() };
}

function secretOf(body: CreateCredentialRequestDto): CredentialSecret {
  switch (body.kind) {
    case 'ssh-private-key':
      return { kind: body.kind, privateKey: body.privateKey ?? '', ...(body.passphrase ? { passphrase: body.passphrase } : {}) };
    case 'ssh-password':
      return { kind: body.kind, password: body.password ?? '' };
    case 'kubeconfig':
      return { kind: body.kind, kubeconfig: body.kubeconfig ?? '' };
    case 's3-access-key':
      return { kind: body.kind, accessKeyId: body.accessKeyId ?? '', secretAccessKey: body.secretAccessKey ?? '' };
  }
}

/** Credentials: write-only secrets, encrypted at rest. */
@ApiTags('credentials')
@ApiBearerAuth()
@Controller('v1/credentials')
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Post()
  @Audited('credential.create', 'credential')
  @ApiOperation({ operationId: 'createCredential', summary: 'Store a credential (the secret is encrypted and never returned)' })
  @ApiCreatedResponse({ type: CredentialDto })
  @ApiOkResponse({ type: CredentialDto, description: 'dryRun=true: the credential is valid and could be stored; nothing was stored (the id is not kept)' })
  @ApiDryRun()
  @ApiIdempotentPost()
  @ApiProblems({ 400: ['INVALID_CREDENTIAL'], 409: ['CREDENTIAL_NAME_TAKEN'] })
  async create(
    @Body() body: CreateCredentialRequestDto,
    @Query('dryRun') dryRun: unknown,
    @CurrentPrincipal() principal: Principal,
    @Req() request: RequestWithContext,
  ): Promise<HttpAnswer<CredentialDto>> {
    const dry = parseDryRun(dryRun);
    const entity = await this.credentials.create(body.name, secretOf(body), principal, { dryRun: dry });
    request.auditTarget = { type: 'credential', id: entity.id };
    request.auditDetail = { kind: entity.kind, name: entity.name };
    return new HttpAnswer(toCredentialDto(entity), dry ? 200 : 201);
  }

  @Get()
  @ApiOperation({ operationId: 'listCredentials', summary: 'List credentials (metadata only)' })
  @ApiOkResponse({ type: CredentialPageDto })
  @ApiProblems(401, { 400: ['INVALID_PAGE_TOKEN'] })
  async list(@Query() query: PageQueryDto): Promise<CredentialPageDto> {
    const page = await paginate(this.credentials.query(), { keyColumn: 'c.id', keyOf: (c) => c.id, direction: 'ASC', page: query, scope: 'credentials' });
    return mapPage(page, toCredentialDto);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getCredential', summary: "Get a credential's metadata" })
  @ApiOkResponse({ type: CredentialDto })
  @ApiProblems(401, { 404: ['CREDENTIAL_NOT_FOUND'] })
  async get(@Param('id') id: string): Promise<CredentialDto> {
    return toCredentialDto(await this.credentials.get(id));
  }

  @Delete(':id')
  @HttpCode(204)
  @Audited('credential.delete', 'credential')
  @ApiOperation({ operationId: 'deleteCredential', summary: 'Delete a credential (409 while a cluster uses it)' })
  @ApiNoContentResponse({ description: 'Deleted (dryRun=true: it could be deleted; nothing changed)' })
  @ApiDryRun()
  @ApiProblems(401, 403, { 400: [], 404: ['CREDENTIAL_NOT_FOUND'], 409: ['CREDENTIAL_IN_USE'] })
  async delete(@Param('id') id: string, @Query('dryRun') dryRun: unknown): Promise<void> {
    await this.credentials.delete(id, { dryRun: parseDryRun(dryRun) });
  }
}
