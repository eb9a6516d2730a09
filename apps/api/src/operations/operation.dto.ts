import { PageQueryDto } from '@galera-cp/http';
import { OPERATION_STATES, STEP_STATES } from '@galera-cp/operations';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { OPERATION_RESULT_SCHEMA } from './operation-result.dto';

export const OPERATION_TYPES = ['cluster.create', 'cluster.scale', 'node.add', 'node.remove', 'cluster.restart', 'cluster.stop', 'cluster.start', 'cluster.recover', 'cluster.reconfigure', 'cluster.delete'] as const;

/** The error of a failed operation or step. */
@ApiSchema({ name: 'OperationError' })
export class OperationErrorDto {
  @ApiProperty({ example: 'HOST_KEY_MISMATCH' }) code!: string;
  @ApiProperty() detail!: string;
  @ApiPropertyOptional({ description: 'Key of the step that failed' }) step?: string;
  @ApiPropertyOptional({ description: 'Member the failure is about' }) node?: string;
}

/** One step of an operation's plan, with its execution state. */
@ApiSchema({ name: 'OperationStep' })
export class OperationStepDto {
  @ApiProperty({ type: 'integer' }) index!: number;
  @ApiProperty({ example: 'join:orders-1' }) key!: string;
  @ApiProperty({ example: 'ssh.join-node' }) action!: string;
  @ApiProperty({ example: 'Join orders-1 and wait until Synced' }) title!: string;
  @ApiProperty({ type: String, nullable: true }) node!: string | null;
  @ApiProperty({ enum: STEP_STATES }) state!: string;
  @ApiProperty({ type: 'integer' }) attempts!: number;
  @ApiProperty({ type: 'integer' }) maxAttempts!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty({ type: OperationErrorDto, nullable: true }) error!: OperationErrorDto | null;
}

/** The plan an operation follows (also a dry run's answer). */
@ApiSchema({ name: 'PlanSummary' })
export class PlanSummaryDto {
  @ApiProperty() summary!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Bootstrap node, donors, quorum before/after, recovery evidence, objects written, warnings' }) details!: Record<string, unknown>;
}

@ApiSchema({ name: 'OperationApproval' })
export class OperationApprovalDto {
  @ApiProperty({ enum: ['NOT_REQUIRED', 'PENDING', 'APPROVED'] }) state!: string;
  @ApiProperty({ type: String, nullable: true }) approvedBy!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) approvedAt!: string | null;
}

/** A durable, observable, cancellable job. */
@ApiSchema({ name: 'Operation' })
export class OperationDto {
  @ApiProperty({ example: 'op_01jd2x…' }) id!: string;
  @ApiProperty({ enum: OPERATION_TYPES }) type!: string;
  @ApiProperty({ enum: OPERATION_STATES }) state!: string;
  @ApiProperty({ type: String, nullable: true }) clusterId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What was asked' }) params!: Record<string, unknown>;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 }) progress!: number;
  @ApiProperty({ type: [OperationStepDto] }) steps!: OperationStepDto[];
  @ApiProperty({ type: PlanSummaryDto, nullable: true }) plan!: PlanSummaryDto | null;
  @ApiProperty({ type: OperationApprovalDto }) approval!: OperationApprovalDto;
  @ApiProperty(OPERATION_RESULT_SCHEMA) result!: Record<string, unknown> | null;
  @ApiProperty({ type: OperationErrorDto, nullable: true }) error!: OperationErrorDto | null;
  @ApiProperty({ description: 'Token id (or chat identity) that asked for it' }) requestedBy!: string;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({ type: String, nullable: true }) cancelRequestedBy!: string | null;
  @ApiProperty({ description: 'Times a worker started it (more than 1 after a worker crash)' }) runs!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

@ApiSchema({ name: 'OperationPage' })
export class OperationPageDto {
  @ApiProperty({ type: [OperationDto] }) items!: OperationDto[];
  @ApiProperty({ type: String, nullable: true }) nextPageToken!: string | null;
}

/** A dry run's answer: the plan, nothing changed. */
@ApiSchema({ name: 'Plan' })
export class PlanDto {
  @ApiProperty({ enum: [true] }) dryRun!: true;
  @ApiProperty({ enum: OPERATION_TYPES }) operationType!: string;
  @ApiProperty() summary!: string;
  @ApiProperty({ type: [Object], description: 'Ordered steps (key, action, title, node)', example: [{ key: 'bootstrap:orders-0', action: 'ssh.bootstrap-node', title: 'Bootstrap orders-0', node: 'orders-0' }] })
  steps!: { key: string; action: string; title: string; node: string | null }[];
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiProperty() requiresApproval!: boolean;
}

/** One log line of an operation. */
@ApiSchema({ name: 'OperationLog' })
export class OperationLogDto {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['debug', 'info', 'warn', 'error'] }) level!: string;
  @ApiProperty({ type: 'integer', nullable: true }) stepIndex!: number | null;
  @ApiProperty() message!: string;
}

@ApiSchema({ name: 'OperationLogPage' })
export class OperationLogPageDto {
  @ApiProperty({ type: [OperationLogDto] }) items!: OperationLogDto[];
  @ApiProperty({ type: String, nullable: true }) nextPageToken!: string | null;
}

@ApiSchema({ name: 'ListOperationsQuery' })
export class ListOperationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only this cluster\'s operations' })
  @IsOptional() @Matches(/^cl_[0-9a-z]{26}$/, { message: 'clusterId must be a cluster id (cl_…)' })
  clusterId?: string;

  @ApiPropertyOptional({ enum: OPERATION_TYPES })
  @IsOptional() @IsIn([...OPERATION_TYPES])
  type?: string;

  @ApiPropertyOptional({ enum: OPERATION_STATES })
  @IsOptional() @IsIn([...OPERATION_STATES])
  state?: string;
}

/** Paging of logs and scoped lists. */
@ApiSchema({ name: 'ListLogsQuery' })
export class ListLogsQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  pageSize?: number;

  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(512)
  pageToken?: string;
}
