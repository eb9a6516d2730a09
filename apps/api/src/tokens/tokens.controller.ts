import { Audited } from '@galera-cp/audit';
import { ApiTokenService, CurrentPrincipal, RequireRole } from '@galera-cp/auth';
import { DomainError, Principal, ROLES } from '@galera-cp/core';
import type { ApiTokenEntity } from '@galera-cp/database';
import { HttpAnswer, RequestWithContext } from '@galera-cp/http';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiSchema, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import { ApiDryRun, ApiIdempotentPost, ApiProblems } from '../common/api-problems.decorator';
import { parseDryRun } from '../common/dry-run';

@ApiSchema({ name: 'CreateTokenRequest' })
export class CreateTokenRequestDto {
  @ApiProperty({ example: 'portal' })
  @Matches(/^[a-zA-Z0-9][a-zA-Z0-9 ._-]{0,62}$/, { message: 'name must be 1-63 letters, digits, spaces, dots, dashes or underscores' })
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn([...ROLES])
  role!: 'viewer' | 'operator' | 'admin';

  @ApiPropertyOptional({ format: 'date-time', description: 'When it stops working' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

/** An API token's metadata (the secret is shown once, at creation). */
@ApiSchema({ name: 'Token' })
export class TokenDto {
  @ApiProperty({ example: 'tk_01jd2x…' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: string;
  @ApiProperty({ description: 'The first characters of the secret, to recognise it' }) prefix!: string;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) expiresAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) revokedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastUsedAt!: string | null;
}

@ApiSchema({ name: 'IssuedToken' })
export class IssuedTokenDto extends TokenDto {
  @ApiProperty({ description: 'The bearer secret: shown this once, stored only as a hash' }) token!: string;
}

@ApiSchema({ name: 'TokenList' })
export class TokenListDto {
  @ApiProperty({ type: [TokenDto] }) items!: TokenDto[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;
function toTokenDto(t: ApiTokenEntity): TokenDto {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    prefix: t.prefix,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
    lastUsedAt: iso(t.lastUsedAt),
  };
}

/** API tokens (admin only). */
@ApiTags('tokens')
@ApiBearerAuth()
@RequireRole('admin')
@Controller('v1/tokens')
export class TokensController {
  constructor(private readonly tokens: ApiTokenService) {}

  @Post()
  @Audited('token.create', 'token')
  @ApiOperation({ operationId: 'createToken', summary: 'Issue an API token (the secret is in this answer only)' })
  @ApiCreatedResponse({ type: IssuedTokenDto })
  @ApiOkResponse({ type: TokenDto, description: 'dryRun=true: the token could be issued; nothing was stored and no secret is given' })
  @ApiDryRun({ redact: ['prefix'] })
  @ApiIdempotentPost()
  async create(
    @Body() body: CreateTokenRequestDto,
    @Query('dryRun') dryRun: unknown,
    @CurrentPrincipal() principal: Principal,
    @Req() request: RequestWithContext,
  ): Promise<HttpAnswer<IssuedTokenDto | TokenDto>> {
    const dry = parseDryRun(dryRun);
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : undefined;
    if (expiresAt && expiresAt.getTime() <= Date.now())
      throw new DomainError('invalid', 'VALIDATION_FAILED', 'expiresAt is in the past', { errors: [{ pointer: '/expiresAt', detail: 'must be in the future' }] });
    const { token, secret } = await this.tokens.issue(body.name, body.role, principal.id, expiresAt, undefined, { dryRun: dry });
    request.auditTarget = { type: 'token', id: token.id };
    request.auditDetail = { role: token.role, name: token.name };
    return dry ? new HttpAnswer(toTokenDto(token), 200) : new HttpAnswer({ ...toTokenDto(token), token: secret }, 201);
  }

  @Get()
  @ApiOperation({ operationId: 'listTokens', summary: 'List API tokens' })
  @ApiOkResponse({ type: TokenListDto })
  @ApiProblems(401, 403, { 400: ['INVALID_PAGE_TOKEN'] })
  async list(): Promise<TokenListDto> {
    return { items: (await this.tokens.list()).map(toTokenDto) };
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getToken', summary: "Get an API token's metadata" })
  @ApiOkResponse({ type: TokenDto })
  @ApiProblems(401, 403, { 404: ['TOKEN_NOT_FOUND'] })
  async get(@Param('id') id: string): Promise<TokenDto> {
    return toTokenDto(await this.tokens.get(id));
  }

  @Delete(':id')
  @HttpCode(200)
  @Audited('token.revoke', 'token')
  @ApiOperation({ operationId: 'revokeToken', summary: 'Revoke an API token (kept for the audit trail)' })
  @ApiOkResponse({ type: TokenDto })
  @ApiDryRun({ redact: ['prefix'] })
  @ApiProblems(401, 403, { 400: [], 404: ['TOKEN_NOT_FOUND'], 409: ['CANNOT_REVOKE_OWN_TOKEN'] })
  async revoke(@Param('id') id: string, @Query('dryRun') dryRun: unknown, @CurrentPrincipal() principal: Principal): Promise<TokenDto> {
    return toTokenDto(await this.tokens.revoke(id, principal, { dryRun: parseDryRun(dryRun) }));
  }
}
