import { AuditService } from '@galera-cp/audit';
import { RequireRole } from '@galera-cp/auth';
import type { AuditRecordEntity } from '@galera-cp/database';
import { mapPage, paginate, PageQueryDto } from '@galera-cp/http';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiSchema, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiProblems } from '../common/api-problems.decorator';

@ApiSchema({ name: 'AuditRecord' })
export class AuditRecordDto {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'Token id, chat identity, system or anonymous' }) actor!: string;
  @ApiProperty({ type: String, nullable: true }) actorName!: string | null;
  @ApiProperty({ example: 'cluster.scale' }) action!: string;
  @ApiProperty({ type: String, nullable: true }) targetType!: string | null;
  @ApiProperty({ type: String, nullable: true }) targetId!: string | null;
  @ApiProperty({ enum: ['succeeded', 'failed', 'denied'] }) outcome!: string;
  @ApiProperty({ type: 'integer', nullable: true }) statusCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) detail!: Record<string, unknown>;
}

@ApiSchema({ name: 'AuditRecordPage' })
export class AuditRecordPageDto {
  @ApiProperty({ type: [AuditRecordDto] }) items!: AuditRecordDto[];
  @ApiProperty({ type: String, nullable: true }) nextPageToken!: string | null;
}

@ApiSchema({ name: 'ListAuditQuery' })
export class ListAuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  action?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  targetId?: string;

  @ApiPropertyOptional({ enum: ['succeeded', 'failed', 'denied'] })
  @IsOptional()
  @IsIn(['succeeded', 'failed', 'denied'])
  outcome?: string;
}

function toAuditRecordDto(r: AuditRecordEntity): AuditRecordDto {
  return {
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    actorName: r.actorName,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    outcome: r.outcome,
    statusCode: r.statusCode,
    requestId: r.requestId,
    detail: r.detail,
  };
}

/** The audit trail (admin only), newest first. */
@ApiTags('audit')
@ApiBearerAuth()
@RequireRole('admin')
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ operationId: 'listAuditRecords', summary: 'List audit records, newest first' })
  @ApiOkResponse({ type: AuditRecordPageDto })
  @ApiProblems(401, 403, { 400: ['INVALID_PAGE_TOKEN'] })
  async list(@Query() query: ListAuditQueryDto): Promise<AuditRecordPageDto> {
    const q = this.audit.query();
    if (query.actor) q.andWhere('a.actor = :actor', { actor: query.actor });
    if (query.action) q.andWhere('a.action = :action', { action: query.action });
    if (query.targetId) q.andWhere('a.target_id = :targetId', { targetId: query.targetId });
    if (query.outcome) q.andWhere('a.outcome = :outcome', { outcome: query.outcome });
    const page = await paginate(q, {
      keyColumn: 'a.id',
      keyOf: (a) => String(a.id),
      keyType: 'integer',
      direction: 'DESC',
      page: query,
      scope: `audit|${query.actor ?? ''}|${query.action ?? ''}|${query.targetId ?? ''}|${query.outcome ?? ''}`,
    });
    return mapPage(page, toAuditRecordDto);
  }
}
