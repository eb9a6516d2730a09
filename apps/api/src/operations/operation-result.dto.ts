import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';

/** What every typed result adds when its operation was cancelled: what was reached. */
export abstract class ResultOutcomeDto {
  /** True when the operation was cancelled: the result describes what was reached, not what was asked for. */
  @ApiPropertyOptional({ description: 'True when the operation was cancelled: the result is what was reached' }) cancelled?: boolean;
  /** Cancelled: what was reached, e.g. `3 of 5 members; cancelled`. */
  @ApiPropertyOptional({ description: 'Cancelled: what was reached, e.g. "3 of 5 members; cancelled"' }) summary?: string;
  /** Cancelled: the keys of the steps that had finished. */
  @ApiPropertyOptional({ type: [String], description: 'Cancelled: the keys of the steps that had finished' }) completedSteps?: string[];
}

@ApiSchema({ name: 'ResultMember' })
export class ResultMemberDto {
  @ApiProperty() name!: string;
  @ApiProperty() address!: string;
  @ApiProperty() wsrepState!: string;
}

@ApiSchema({ name: 'RecoveryEvidence' })
export class RecoveryEvidenceDto {
  @ApiProperty() node!: string;
  @ApiProperty() reachable!: boolean;
  @ApiProperty({ type: String, nullable: true }) uuid!: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) seqno!: number | null;
  @ApiProperty({ type: Boolean, nullable: true }) safeToBootstrap!: boolean | null;
  @ApiProperty({ description: 'Where the position came from (grastate.dat, wsrep-recover, ...)' }) source!: string;
  @ApiProperty() eligible!: boolean;
  @ApiProperty() reason!: string;
}

@ApiSchema({ name: 'ClusterCreateResult' })
export class ClusterCreateResultDto extends ResultOutcomeDto {
  @ApiProperty({ enum: ['cluster.create'] }) type!: 'cluster.create';
  @ApiProperty() clusterId!: string;
  @ApiProperty({ type: String, nullable: true }) bootstrapNode!: string | null;
  @ApiProperty({ type: [ResultMemberDto] }) members!: ResultMemberDto[];
}

@ApiSchema({ name: 'ClusterScaleResult' })
export class ClusterScaleResultDto extends ResultOutcomeDto {
  @ApiProperty({ enum: ['cluster.scale'] }) type!: 'cluster.scale';
  @ApiProperty({ type: 'integer' }) fromReplicas!: number;
  @ApiProperty({ type: 'integer' }) toReplicas!: number;
  @ApiProperty({ type: [String] }) addedNodes!: string[];
  @ApiProperty({ type: [String] }) removedNodes!: string[];
  @ApiProperty({ type: [ResultMemberDto] }) members!: ResultMemberDto[];
  /** Cancelled: the number of members that was asked for (the spec's replicas are set to what was reached). */
  @ApiPropertyOptional({ type: 'integer', description: 'Cancelled: the number of members asked for (the spec now says what was reached)' }) requestedReplicas?: number;
}

@ApiSchema({ name: 'NodeAddResult' })
export class NodeAddResultDto extends ResultOutcomeDto {
  @ApiProperty({ enum: ['node.add'] }) type!: 'node.add';
  @ApiProperty({ type: String, nullable: true }) node!: string | null;
  @ApiProperty({ type: [ResultMemberDto] }) members!: ResultMemberDto[];
  /** Cancelled: the number of members that was asked for (the spec's replicas are set to what was reached). */
  @ApiPropertyOptional({ type: 'integer', description: 'Cancelled: the number of members asked for (the spec now says what was reached)' }) requestedReplicas?: number;
}

@ApiSchema({ name: 'NodeRemoveResult' })
export class NodeRemoveResultDto extends ResultOutcomeDto {
  @ApiProperty({ enum: ['node.remove'] }) type!: 'node.remove';
  @ApiProperty() node!: string;
  @ApiProperty({ type: [ResultMemberDto] }) members!: ResultMemberDto[];
  /** Cancelled: the number of members that was asked for (the spec's replicas are set to what was reached). */
  @ApiPropertyOptional({ type: 'integer', description: 'Cancelled: the number of members asked for (the spec now says what was reached)' }) requestedReplicas?: number;
}

@ApiSchema({ name: 'ClusterRestartResult' })
export class ClusterRestartResultDto extends ResultOutcomeDto {
  @ApiProperty({ enum: ['cluster.restart'] }) type!: 'cluster.restart';
  @ApiProperty({ type: [String], description: 'In the order they were restarted' }) restartedNodes!: string[];
  @ApiProperty({ type: [ResultMemberDto] }) members!: ResultMemberDto[];
}

@ApiSchema({ name: 'ClusterStopResult' })
export class ClusterStopResultDto extends ResultOutcomeDto {
  @ApiProperty({ enum: ['cluster.stop'] }) type!: 'cluster.stop';
  @ApiProperty({ type: [String] }) stoppedNodes!: string[];
  @ApiProperty({ type: String, nullable: true, description: 'The member stopped last, safe to bootstrap from' }) safeBootstrapNode!: string | null;
}

@ApiSchema({ name: 'ClusterStartResult' })
export class ClusterStartResultDto extends ResultOutcomeDto {
  @ApiProperty({ enum: ['cluster.start'] }) type!: 'cluster.start';
  @ApiProperty({ type: [String] }) startedNodes!: string[];
  @ApiProperty({ type: String, nullable: true }) bootstrapNode!: string | null;
  @ApiProperty({ type: [ResultMemberDto] }) members!: ResultMemberDto[];
}

@ApiSchema({ name: 'ClusterRecoverResult' })
export class ClusterRecoverResultDto extends ResultOutcomeDto {
  @ApiProperty({ enum: ['cluster.recover'] }) type!: 'cluster.recover';
  @ApiProperty({ type: String, nullable: true }) bootstrapNode!: string | null;
  @ApiProperty({ type: [RecoveryEvidenceDto] }) evidence!: RecoveryEvidenceDto[];
  @ApiProperty({ type: [ResultMemberDto] }) members!: ResultMemberDto[];
}

@ApiSchema({ name: 'ClusterReconfigureResult' })
export class ClusterReconfigureResultDto extends ResultOutcomeDto {
  @ApiProperty({ enum: ['cluster.reconfigure'] }) type!: 'cluster.reconfigure';
  @ApiProperty({ type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } }) changedParameters!: Record<string, unknown>;
  @ApiProperty({ type: [String] }) restartedNodes!: string[];
  @ApiProperty({ type: [ResultMemberDto] }) members!: ResultMemberDto[];
}

@ApiSchema({ name: 'ClusterDeleteResult' })
export class ClusterDeleteResultDto extends ResultOutcomeDto {
  @ApiProperty({ enum: ['cluster.delete'] }) type!: 'cluster.delete';
  @ApiProperty({ description: 'Data directories / volumes were removed too' }) purged!: boolean;
  @ApiProperty({ description: 'Only the record went (forget=true): nothing on the hosts or objects was touched' }) forgotten!: boolean;
}

/** Every typed result, by operation type. */
export const OPERATION_RESULT_TYPES = {
  'cluster.create': ClusterCreateResultDto,
  'cluster.scale': ClusterScaleResultDto,
  'node.add': NodeAddResultDto,
  'node.remove': NodeRemoveResultDto,
  'cluster.restart': ClusterRestartResultDto,
  'cluster.stop': ClusterStopResultDto,
  'cluster.start': ClusterStartResultDto,
  'cluster.recover': ClusterRecoverResultDto,
  'cluster.reconfigure': ClusterReconfigureResultDto,
  'cluster.delete': ClusterDeleteResultDto,
} as const;

/** The OpenAPI schema of `Operation.result`: one of the typed results, discriminated by `type`. */
export const OPERATION_RESULT_SCHEMA = {
  nullable: true,
  description: 'The typed result once SUCCEEDED, or what was reached once CANCELLED while running (cancelled: true; discriminated by type); null otherwise',
  oneOf: Object.values(OPERATION_RESULT_TYPES).map((dto) => ({ $ref: getSchemaPath(dto) })),
  discriminator: {
    propertyName: 'type',
    mapping: Object.fromEntries(Object.entries(OPERATION_RESULT_TYPES).map(([type, dto]) => [type, getSchemaPath(dto)])),
  },
};
