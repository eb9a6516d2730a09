import { isEventTypePattern } from '@galera-cp/events';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, registerDecorator } from 'class-validator';

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
  @ApiPropertyOptional({ description: 'Only this operation\'s events' })
  @IsOptional() @Matches(/^op_[0-9a-z]{26}$/, { message: 'operationId must be an operation id (op_…)' })
  operationId?: string;

  /** Event type patterns. */
  @ApiPropertyOptional({ description: TYPE_DESCRIPTION, example: 'cluster.,operation.succeeded' })
  @IsOptional() @IsString() @MaxLength(500) @IsEventTypeList()
  type?: string;

  /** Only events after this id. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: AFTER_DESCRIPTION })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER)
  after?: number;
}

/** Filters and paging of a cluster's events. */
@ApiSchema({ name: 'ListClusterEventsQuery' })
export class ListClusterEventsQueryDto extends EventFilterQueryDto {
  /** Items per page (1-500). */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  pageSize?: number;

  /** The `nextPageToken` of the previous page; opaque. */
  @ApiPropertyOptional()
  @IsOptional() @IsString() @MaxLength(512)
  pageToken?: string;
}

/** Filters and paging of the event log. */
@ApiSchema({ name: 'ListEventsQuery' })
export class ListEventsQueryDto extends ListClusterEventsQueryDto {
  /** Only events of this cluster. */
  @ApiPropertyOptional({ description: 'Only this cluster\'s events' })
  @IsOptional() @Matches(/^cl_[0-9a-z]{26}$/, { message: 'clusterId must be a cluster id (cl_…)' })
  clusterId?: string;
}

/** Filters of an event stream. */
@ApiSchema({ name: 'StreamEventsQuery' })
export class StreamEventsQueryDto extends EventFilterQueryDto {
  /** Only events of this cluster. */
  @ApiPropertyOptional({ description: 'Only this cluster\'s events' })
  @IsOptional() @Matches(/^cl_[0-9a-z]{26}$/, { message: 'clusterId must be a cluster id (cl_…)' })
  clusterId?: string;
}

/** Something that happened to a cluster or an operation. */
@ApiSchema({ name: 'Event' })
export class EventDto {
  /** Position in the event log: ids only grow, and become visible in order (resume after one). */
  @ApiProperty({ type: 'integer', example: 1042 }) id!: number;
  /** When it happened. */
  @ApiProperty({ format: 'date-time' }) at!: string;
  /** Dotted type: `operation.*`, `cluster.*`, `node.*`. */
  @ApiProperty({ example: 'operation.succeeded' }) type!: string;
  /** The cluster it is about, if any. */
  @ApiProperty({ type: String, nullable: true }) clusterId!: string | null;
  /** The operation it is about, if any. */
  @ApiProperty({ type: String, nullable: true }) operationId!: string | null;
  /** Facts of the event, by type (e.g. the from/to states of `cluster.degraded`). */
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
}

/** One page of events, oldest first. */
@ApiSchema({ name: 'EventPage' })
export class EventPageDto {
  /** The events of the page. */
  @ApiProperty({ type: [EventDto] }) items!: EventDto[];
  /** Token of the next page, or null on the last page. */
  @ApiProperty({ type: String, nullable: true }) nextPageToken!: string | null;
}
