import { ClustersService } from '@galera-cp/clusters';
import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { DomainError } from '@galera-cp/core';
import { describeEventFilter, EventFeed, EventFilter } from '@galera-cp/events';
import { mapPage, paginate } from '@galera-cp/http';
import { Controller, Get, Headers, Inject, MessageEvent, Param, Query, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { concat, EMPTY, interval, map, merge, Observable, of } from 'rxjs';
import { ApiProblems } from '../common/api-problems.decorator';
import { EVENT_MODELS, EventPageDto, ListClusterEventsQueryDto, ListEventsQueryDto, StreamEventsQueryDto } from './event.dto';
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
@ApiExtraModels(...EVENT_MODELS)
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
  @ApiProblems(401, { 400: ['INVALID_PAGE_TOKEN'] })
  async list(@Query() query: ListEventsQueryDto): Promise<EventPageDto> {
    return listEvents(this.feed, toEventFilter(query), query);
  }

  @Sse('stream')
  @ApiOperation({
    operationId: 'streamEvents',
    summary:
      'Server-sent events of every event passing the filters (id = event id, type = event type), then live ones; resume with Last-Event-ID or after=<id>, or start from=now; a heartbeat comment keeps an idle stream open',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id (as sent in each event); wins over after' })
  @ApiOkResponse({ description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiProblems(400, 401)
  async stream(@Query() query: StreamEventsQueryDto, @Headers('last-event-id') lastEventId: string | undefined): Promise<Observable<MessageEvent>> {
    const resumed = lastEventId !== undefined && lastEventId.trim() !== '';
    const fromNow = query.from === 'now' && !resumed && query.after === undefined;
    const after = fromNow ? await this.feed.latestId() : resumeAfter(lastEventId, query.after);
    // A `position` message carries where a from=now stream starts, so a reconnect resumes there.
    const position = fromNow ? of<MessageEvent>({ id: String(after), type: 'position', data: { after } }) : EMPTY;
    const events = this.feed.stream(toEventFilter(query), after).pipe(map((event): MessageEvent => ({ id: String(event.id), type: event.type, data: toEventDto(event) })));
    const heartbeat = interval(this.config.sseHeartbeatSeconds * 1000).pipe(map((): MessageEvent => ({ comment: 'heartbeat' })));
    return concat(position, merge(events, heartbeat));
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
  @ApiOperation({ operationId: 'listClusterEvents', summary: "List a cluster's events, oldest first" })
  @ApiOkResponse({ type: EventPageDto })
  @ApiProblems(401, { 400: ['INVALID_PAGE_TOKEN'], 404: ['CLUSTER_NOT_FOUND'] })
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
