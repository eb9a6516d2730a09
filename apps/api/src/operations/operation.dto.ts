import { PageQueryDto } from '@galera-cp/http';
import { OPERATION_STATES, STEP_STATES } from '@galera-cp/operations';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { OPERATION_RESULT_SCHEMA, RecoveryEvidenceDto } from './operation-result.dto';

export const OPERATION_TYPES = [
  'cluster.create',
  'cluster.scale',
  'node.add',
  'node.remove',
  'cluster.restart',
  'cluster.stop',
  'cluster.start',
  'cluster.recover',
  'cluster.reconfigure',
  'cluster.delete',
] as const;

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

/** Voters and the quorum (a majority of them) before and after a change (Galera: quorum = floor(n/2) + 1). */
@ApiSchema({ name: 'QuorumChange' })
export class QuorumChangeDto {
  /** Voting members before the change. */
  @ApiProperty({ type: 'integer', minimum: 0 }) before!: number;
  /** Voting members after the change. */
  @ApiProperty({ type: 'integer', minimum: 0 }) after!: number;
  /** Members needed for a Primary component before the change (0 when there were none). */
  @ApiProperty({ type: 'integer', minimum: 0 }) quorumBefore!: number;
  /** Members needed for a Primary component after the change (0 when none remain). */
  @ApiProperty({ type: 'integer', minimum: 0 }) quorumAfter!: number;
}

/** An object a Kubernetes plan writes. */
@ApiSchema({ name: 'PlanObject' })
export class PlanObjectDto {
  /** Kubernetes kind (`StatefulSet`, `ConfigMap`, ...). */
  @ApiProperty({ example: 'StatefulSet' }) kind!: string;
  /** Namespace of the object, when namespaced. */
  @ApiPropertyOptional() namespace?: string;
  /** Object name. */
  @ApiProperty() name!: string;
  /** What the plan does with it (`apply`, `delete`, ...). */
  @ApiProperty({ example: 'apply' }) action!: string;
}

/** An SSH host a plan uses. */
@ApiSchema({ name: 'PlanHost' })
export class PlanHostDto {
  /** Member name (`<cluster>-<ordinal>`). */
  @ApiProperty() node!: string;
  /** Host address from the inventory. */
  @ApiProperty() address!: string;
  /** Member ordinal. */
  @ApiProperty({ type: 'integer' }) ordinal!: number;
}

/** Why a recovery plan bootstraps where it does. */
@ApiSchema({ name: 'BootstrapDecision' })
export class BootstrapDecisionDto {
  /** Stable code of the decision (`BOOTSTRAP_SAFE_TO_BOOTSTRAP`, `BOOTSTRAP_MOST_ADVANCED`, ...). */
  @ApiProperty() code!: string;
  /** The decision in words. */
  @ApiProperty() message!: string;
}

/**
 * What a plan tells a person before anything runs. Which fields are present depends on the
 * operation type and the backend: `quorum` on every change of size or membership (create, scale,
 * node.add, node.remove, stop, start, recover, delete, and restart/reconfigure with equal sizes);
 * `bootstrapNode` on create, start (and stop: the member to start from), recover; `donors` when
 * members join; `evidence` and `decision` on recover; `objects` on Kubernetes; `changes` on
 * reconfigure. Backends may add more (additional properties).
 */
@ApiSchema({ name: 'PlanDetails' })
export class PlanDetailsDto {
  /** Why the plan is risky, when it is (forced sizes, data kept or purged, ...). Always present. */
  @ApiProperty({ type: [String] }) warnings!: string[];
  /** Voters and quorum before and after the change. */
  @ApiPropertyOptional({ type: QuorumChangeDto }) quorum?: QuorumChangeDto;
  /** The member that bootstraps the cluster (create, start, recover), or (stop) the one stopped last and safe to start from. */
  @ApiPropertyOptional() bootstrapNode?: string;
  /** The donor chosen per joining member (state transfer source). */
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { 'orders-3': 'orders-0' } }) donors?: Record<string, string>;
  /** Full-crash recovery evidence, one row per member. */
  @ApiPropertyOptional({ type: [RecoveryEvidenceDto] }) evidence?: RecoveryEvidenceDto[];
  /** Recovery: why this member bootstraps. */
  @ApiPropertyOptional({ type: BootstrapDecisionDto }) decision?: BootstrapDecisionDto;
  /** Members the cluster has when the plan has run. */
  @ApiPropertyOptional({ type: [String] }) membersAfter?: string[];
  /** Members the cluster had when the operation was planned (operations only). */
  @ApiPropertyOptional({ type: [String] }) membersBefore?: string[];
  /** The order members are restarted or stopped in. */
  @ApiPropertyOptional({ type: [String] }) order?: string[];
  /** SSH hosts the plan adds or uses. */
  @ApiPropertyOptional({ type: [PlanHostDto] }) hosts?: PlanHostDto[];
  /** Objects a Kubernetes plan writes. */
  @ApiPropertyOptional({ type: [PlanObjectDto] }) objects?: PlanObjectDto[];
  /** Reconfigure: each parameter change and how it is applied. */
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true } }) changes?: Record<string, unknown>[];
  /** Reconfigure: whether the change needs a rolling restart. */
  @ApiPropertyOptional() restartRequired?: boolean;
}

/** The plan an operation follows (also a dry run's answer). */
@ApiSchema({ name: 'PlanSummary' })
export class PlanSummaryDto {
  /** The plan in one sentence. */
  @ApiProperty() summary!: string;
  /** Bootstrap node, donors, quorum before/after, recovery evidence, objects written, warnings. */
  @ApiProperty({ type: PlanDetailsDto }) details!: PlanDetailsDto;
}

/** One step of a dry run's plan. */
@ApiSchema({ name: 'PlanStep' })
export class PlanStepDto {
  /** Unique within the plan, e.g. `join:orders-3`. */
  @ApiProperty({ example: 'join:orders-3' }) key!: string;
  /** The backend verb that executes it. */
  @ApiProperty({ example: 'ssh.join-node' }) action!: string;
  /** What a person reads. */
  @ApiProperty({ example: 'Join orders-3 and wait until Synced' }) title!: string;
  /** The member it acts on, if any. */
  @ApiProperty({ type: String, nullable: true }) node!: string | null;
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
  /** Always true: this is a plan, nothing changed. */
  @ApiProperty({ enum: [true] }) dryRun!: true;
  /** The operation the change would start. */
  @ApiProperty({ enum: OPERATION_TYPES }) operationType!: string;
  /** The plan in one sentence. */
  @ApiProperty() summary!: string;
  /** Ordered steps. */
  @ApiProperty({ type: [PlanStepDto] }) steps!: PlanStepDto[];
  /** Bootstrap node, donors, quorum before/after, recovery evidence, objects written, warnings. */
  @ApiProperty({ type: PlanDetailsDto }) details!: PlanDetailsDto;
  /** The operation would wait for POST /v1/operations/{id}/approve before it runs (recovery). */
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
  @ApiPropertyOptional({ description: "Only this cluster's operations" })
  @IsOptional()
  @Matches(/^cl_[0-9a-z]{26}$/, { message: 'clusterId must be a cluster id (cl_…)' })
  clusterId?: string;

  @ApiPropertyOptional({ enum: OPERATION_TYPES })
  @IsOptional()
  @IsIn([...OPERATION_TYPES])
  type?: string;

  @ApiPropertyOptional({ enum: OPERATION_STATES })
  @IsOptional()
  @IsIn([...OPERATION_STATES])
  state?: string;
}

/** Paging of an operation's log lines: 200 lines a page unless asked (the logs route passes that default to paginate). */
@ApiSchema({ name: 'ListLogsQuery' })
export class ListLogsQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  pageSize?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(512)
  pageToken?: string;
}
