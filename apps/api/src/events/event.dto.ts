import { isEventTypePattern } from '@galera-cp/events';
import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { OperationErrorDto, OPERATION_TYPES, PlanSummaryDto } from '../operations/operation.dto';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, registerDecorator } from 'class-validator';

/** A comma-separated list of event type patterns (exact, prefix ending in a dot, or *). */
function IsEventTypeList() {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isEventTypeList',
      target: object.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.split(',').every((p) => isEventTypePattern(p.trim())),
        defaultMessage: () => `${propertyName} must be event types (cluster.ready), prefixes ending in a dot (cluster.) or *, separated by commas`,
      },
    });
}

const TYPE_DESCRIPTION = 'Event types: exact (`cluster.ready`) or a prefix ending in a dot (`operation.`), comma-separated';
const AFTER_DESCRIPTION = 'Only events after this event id';

/** Filters shared by event lists and streams. */
class EventFilterQueryDto {
  /** Only events of this operation. */
  @ApiPropertyOptional({ description: "Only this operation's events" })
  @IsOptional()
  @Matches(/^op_[0-9a-z]{26}$/, { message: 'operationId must be an operation id (op_…)' })
  operationId?: string;

  /** Event type patterns. */
  @ApiPropertyOptional({ description: TYPE_DESCRIPTION, example: 'cluster.,operation.succeeded' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @IsEventTypeList()
  type?: string;

  /** Only events after this id. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: AFTER_DESCRIPTION })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;
}

/** Filters and paging of a cluster's events. */
@ApiSchema({ name: 'ListClusterEventsQuery' })
export class ListClusterEventsQueryDto extends EventFilterQueryDto {
  /** Items per page (1-500). */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize?: number;

  /** The `nextPageToken` of the previous page; opaque. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(512)
  pageToken?: string;
}

/** Filters and paging of the event log. */
@ApiSchema({ name: 'ListEventsQuery' })
export class ListEventsQueryDto extends ListClusterEventsQueryDto {
  /** Only events of this cluster. */
  @ApiPropertyOptional({ description: "Only this cluster's events" })
  @IsOptional()
  @Matches(/^cl_[0-9a-z]{26}$/, { message: 'clusterId must be a cluster id (cl_…)' })
  clusterId?: string;
}

/** Filters of an event stream. */
@ApiSchema({ name: 'StreamEventsQuery' })
export class StreamEventsQueryDto extends EventFilterQueryDto {
  /** Only events of this cluster. */
  @ApiPropertyOptional({ description: "Only this cluster's events" })
  @IsOptional()
  @Matches(/^cl_[0-9a-z]{26}$/, { message: 'clusterId must be a cluster id (cl_…)' })
  clusterId?: string;

  /** `now`: only events stored after the newest one when the stream opens (no replay of the log). */
  @ApiPropertyOptional({
    enum: ['now'],
    description:
      '`now`: skip the stored log and send only events newer than the newest stored one; the stream then opens with a `position` message (`id:` = that event id) so a reconnect with Last-Event-ID misses nothing. Without it, after=<id> or Last-Event-ID (which win over it), the stream replays the whole stored log',
  })
  @IsOptional()
  @IsIn(['now'], { message: 'from must be now' })
  from?: 'now';
}

/** What every event carries, whatever its type. */
@ApiSchema({ name: 'EventBase' })
export class EventBaseDto {
  /** Position in the event log: ids only grow, and become visible in order (resume after one). */
  @ApiProperty({ type: 'integer', example: 1042 }) id!: number;
  /** When it happened. */
  @ApiProperty({ format: 'date-time' }) at!: string;
  /** The cluster it is about, if any. */
  @ApiProperty({ type: String, nullable: true }) clusterId!: string | null;
  /** The operation it is about, if any. */
  @ApiProperty({ type: String, nullable: true }) operationId!: string | null;
}

/** `operation.created`: an operation was asked for. */
@ApiSchema({ name: 'OperationCreatedEventData' })
export class OperationCreatedEventDataDto {
  /** The operation type. */
  @ApiProperty({ enum: OPERATION_TYPES }) type!: string;
  /** Token id (or chat identity) that asked for it. */
  @ApiProperty() requestedBy!: string;
}

/** `operation.started`: a worker began it. */
@ApiSchema({ name: 'OperationStartedEventData' })
export class OperationStartedEventDataDto {
  /** The operation type. */
  @ApiProperty({ enum: OPERATION_TYPES }) type!: string;
}

/** `operation.planned`: its steps are known. */
@ApiSchema({ name: 'OperationPlannedEventData' })
export class OperationPlannedEventDataDto {
  /** The plan in one sentence. */
  @ApiProperty() summary!: string;
  /** Number of steps. */
  @ApiProperty({ type: 'integer' }) steps!: number;
}

/** `operation.step_started`: a step (attempt) began. */
@ApiSchema({ name: 'OperationStepStartedEventData' })
export class OperationStepStartedEventDataDto {
  /** Step key. */
  @ApiProperty() step!: string;
  /** Step title. */
  @ApiProperty() title!: string;
  /** 1 on the first attempt. */
  @ApiProperty({ type: 'integer' }) attempt!: number;
}

/** `operation.step_succeeded`: a step finished. */
@ApiSchema({ name: 'OperationStepSucceededEventData' })
export class OperationStepSucceededEventDataDto {
  /** Step key. */
  @ApiProperty() step!: string;
}

/** `operation.succeeded`, `operation.failed`, `operation.cancelled`: it ended. */
@ApiSchema({ name: 'OperationEndedEventData' })
export class OperationEndedEventDataDto {
  /** The operation type (absent when it was cancelled before a worker took it). */
  @ApiPropertyOptional({ enum: OPERATION_TYPES }) type?: string;
  /** Why it failed or was cancelled. */
  @ApiPropertyOptional({ type: OperationErrorDto }) error?: OperationErrorDto;
  /** Who cancelled it before it ran. */
  @ApiPropertyOptional() by?: string;
}

/** `operation.cancel_requested`, `operation.approved`: someone acted on it. */
@ApiSchema({ name: 'OperationActedEventData' })
export class OperationActedEventDataDto {
  /** Principal id of who did. */
  @ApiProperty() by!: string;
}

/** `operation.resumed`: another worker took it over after a crash. */
@ApiSchema({ name: 'OperationResumedEventData' })
export class OperationResumedEventDataDto {
  /** The run number (2 for the first resume). */
  @ApiProperty({ type: 'integer' }) run!: number;
}

/** `operation.awaiting_approval`: its plan waits for POST /v1/operations/{id}/approve. */
@ApiSchema({ name: 'OperationAwaitingApprovalEventData' })
export class OperationAwaitingApprovalEventDataDto {
  /** The plan to approve. */
  @ApiProperty({ type: PlanSummaryDto }) plan!: PlanSummaryDto;
}

/** `cluster.ready`, `cluster.degraded`, `cluster.down`, `cluster.unknown`: the observed state changed. */
@ApiSchema({ name: 'ClusterStateEventData' })
export class ClusterStateEventDataDto {
  /** State before. */
  @ApiProperty() from!: string;
  /** State now. */
  @ApiProperty() to!: string;
  /** Why, in words. */
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  /** Healthy members now. */
  @ApiProperty({ type: 'integer' }) healthy!: number;
  /** Desired members. */
  @ApiProperty({ type: 'integer' }) desired!: number;
}

/** `cluster.updated`: labels or policy changed. */
@ApiSchema({ name: 'ClusterUpdatedEventData' })
export class ClusterUpdatedEventDataDto {
  /** The new generation (ETag). */
  @ApiProperty({ type: 'integer' }) generation!: number;
  /** Fields the update set. */
  @ApiProperty({ type: [String] }) fields!: string[];
}

/** `cluster.deleted`: the cluster is gone. */
@ApiSchema({ name: 'ClusterDeletedEventData' })
export class ClusterDeletedEventDataDto {
  /** Data directories / volumes were removed too. */
  @ApiProperty() purged!: boolean;
  /** Only the record went (`forget`): nothing on the hosts or objects was touched. */
  @ApiProperty() forgotten!: boolean;
}

/** `node.up`, `node.down`: a member became healthy or not. */
@ApiSchema({ name: 'NodeHealthEventData' })
export class NodeHealthEventDataDto {
  /** Member name. */
  @ApiProperty() node!: string;
  /** Its wsrep state (Synced, Donor/Desynced, Unreachable, ...). */
  @ApiProperty() wsrepState!: string;
  /** Why, when it is down. */
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
}

/** The payload (`data`) of each event type. */
export const EVENT_DATA_TYPES = {
  'operation.created': OperationCreatedEventDataDto,
  'operation.started': OperationStartedEventDataDto,
  'operation.planned': OperationPlannedEventDataDto,
  'operation.step_started': OperationStepStartedEventDataDto,
  'operation.step_succeeded': OperationStepSucceededEventDataDto,
  'operation.succeeded': OperationEndedEventDataDto,
  'operation.failed': OperationEndedEventDataDto,
  'operation.cancelled': OperationEndedEventDataDto,
  'operation.cancel_requested': OperationActedEventDataDto,
  'operation.approved': OperationActedEventDataDto,
  'operation.resumed': OperationResumedEventDataDto,
  'operation.awaiting_approval': OperationAwaitingApprovalEventDataDto,
  'cluster.ready': ClusterStateEventDataDto,
  'cluster.degraded': ClusterStateEventDataDto,
  'cluster.down': ClusterStateEventDataDto,
  'cluster.unknown': ClusterStateEventDataDto,
  'cluster.updated': ClusterUpdatedEventDataDto,
  'cluster.deleted': ClusterDeletedEventDataDto,
  'node.up': NodeHealthEventDataDto,
  'node.down': NodeHealthEventDataDto,
} as const;

/** Every event type the control plane emits. */
export type EventType = keyof typeof EVENT_DATA_TYPES;

/** The schema name of the event variant of one type: `operation.step_started` -> `OperationStepStartedEvent`. */
function variantName(type: string): string {
  return `${type
    .split(/[._]/)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('')}Event`;
}

/**
 * One schema per event type (`OperationCreatedEvent`, ...): the common fields, `type` fixed to
 * that type and `data` its payload. `Event` is their union, discriminated by `type`.
 */
export const EVENT_SCHEMAS: Record<string, Record<string, unknown>> = {
  ...Object.fromEntries(
    Object.entries(EVENT_DATA_TYPES).map(([type, data]) => [
      variantName(type),
      {
        allOf: [{ $ref: getSchemaPath(EventBaseDto) }, { type: 'object', required: ['type', 'data'], properties: { type: { type: 'string', enum: [type] }, data: { $ref: getSchemaPath(data) } } }],
      },
    ]),
  ),
  Event: {
    description: 'Something that happened to a cluster or an operation; `data` is typed by `type`',
    oneOf: Object.keys(EVENT_DATA_TYPES).map((type) => ({ $ref: `#/components/schemas/${variantName(type)}` })),
    discriminator: { propertyName: 'type', mapping: Object.fromEntries(Object.keys(EVENT_DATA_TYPES).map((type) => [type, `#/components/schemas/${variantName(type)}`])) },
  },
};

/** Something that happened to a cluster or an operation (the server's view; the document types it per `type`). */
export interface EventDto extends EventBaseDto {
  /** Dotted type: `operation.*`, `cluster.*`, `node.*`. */
  type: string;
  /** Facts of the event, by type. */
  data: Record<string, unknown>;
}

/** The event models the document needs besides those reachable from routes. */
export const EVENT_MODELS = [EventBaseDto, ...new Set(Object.values(EVENT_DATA_TYPES))];

/** One page of events, oldest first. */
@ApiSchema({ name: 'EventPage' })
export class EventPageDto {
  /** The events of the page. */
  @ApiProperty({ type: 'array', items: { $ref: '#/components/schemas/Event' } }) items!: EventDto[];
  /** Token of the next page, or null on the last page. */
  @ApiProperty({ type: String, nullable: true }) nextPageToken!: string | null;
}
