import { ClustersService } from '@galera-cp/clusters';
import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { DomainError } from '@galera-cp/core';
import { describeEventFilter, EventFeed, EventFilter } from '@galera-cp/events';
import { mapPage, paginate } from '@galera-cp/http';
import { Controller, Get, Headers, Inject, MessageEvent, Param, Query, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { interval, map, merge, Observable } from 'rxjs';
import { ApiProblems } from '../common/api-problems.decorator';
import { EventPageDto, ListClusterEventsQueryDto, ListEventsQueryDto, StreamEventsQueryDto } from './event.dto';
import { toEventDto, toEventFilter } from './event.mapper';

/** Where a stream resumes: Last-Event-ID (an EventSource reconnecting) wins over `after`. */
function resumeAfter(lastEventId: string | undefined, after: number | undefined): number {
  if (lastEventId === undefined || lastEventId.trim() === '') return after ?? 0;
  if (!/^\d{1,15}$/.test(lastEventId.trim())) {
    throw new DomainError('invalid', 'VALIDATION_FAILED', 'Last-Event-ID must be an event id', { errors: [{ pointer: '/headers/last-event-id', detail: 'must be an event id (an integer)' }] });
  }
  return Number(lastEventId.trim());
}

/** The event log: lists (oldest first, keyset-paged) and a live stream with resume. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly feed: EventFeed,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listEvents',
    summary: 'List events, oldest first; filter by cluster, operation and type (exact or prefix); after=<id> reads what came since',
    description: 'Events are kept for RETENTION_DAYS (default 30); operations, their logs and the audit log are kept for good.',
  })
  @ApiOkResponse({ type: EventPageDto })
  @ApiProblems(400, 401)
  async list(@Query() query: ListEventsQueryDto): Promise<EventPageDto> {
    return listEvents(this.feed, toEventFilter(query), query);
  }

  @Sse('stream')
  @ApiOperation({
    operationId: 'streamEvents',
    summary: 'Server-sent events of every event passing the filters (id = event id, type = event type), then live ones; resume with Last-Event-ID or after=<id>; a heartbeat comment keeps an idle stream open',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id (as sent in each event); wins over after' })
  @ApiOkResponse({ description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiProblems(400, 401)
  stream(@Query() query: StreamEventsQueryDto, @Headers('last-event-id') lastEventId: string | undefined): Observable<MessageEvent> {
    const events = this.feed.stream(toEventFilter(query), resumeAfter(lastEventId, query.after)).pipe(map((event): MessageEvent => ({ id: String(event.id), type: event.type, data: toEventDto(event) })));
    const heartbeat = interval(this.config.sseHeartbeatSeconds * 1000).pipe(map((): MessageEvent => ({ comment: 'heartbeat' })));
    return merge(events, heartbeat);
  }
}

/** A cluster's events (the same list, scoped by path). */
@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/clusters/:id/events')
export class ClusterEventsController {
  constructor(
    private readonly feed: EventFeed,
    private readonly clusters: ClustersService,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listClusterEvents', summary: 'List a cluster\'s events, oldest first' })
  @ApiOkResponse({ type: EventPageDto })
  @ApiProblems(400, 401, 404)
  async list(@Param('id') clusterId: string, @Query() query: ListClusterEventsQueryDto): Promise<EventPageDto> {
    await this.clusters.get(clusterId);
    return listEvents(this.feed, { ...toEventFilter(query), clusterId }, query);
  }
}

async function listEvents(feed: EventFeed, filter: EventFilter, query: ListClusterEventsQueryDto): Promise<EventPageDto> {
  const page = await paginate(feed.query(filter, query.after), {
    keyColumn: 'e.id',
    keyOf: (e) => String(e.id),
    keyType: 'integer',
    direction: 'ASC',
    page: query,
    scope: `events|${describeEventFilter(filter)}|${query.after ?? ''}`,
    defaultPageSize: 100,
  });
  return mapPage(page, toEventDto);
}
