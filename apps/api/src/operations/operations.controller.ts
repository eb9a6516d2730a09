import { Audited } from '@galera-cp/audit';
import { CurrentPrincipal } from '@galera-cp/auth';
import { ChangeClusterUseCase, ClustersService } from '@galera-cp/clusters';
import type { Principal } from '@galera-cp/core';
import { mapPage, PageQueryDto, paginate, RequestWithContext } from '@galera-cp/http';
import { OperationStream, OperationsService, parseCursor } from '@galera-cp/operations';
import { Controller, Get, Headers, HttpCode, MessageEvent, Param, Post, Query, Req, Sse, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Observable, map } from 'rxjs';
import { ApiDryRun, ApiIdempotentPost, ApiProblems } from '../common/api-problems.decorator';
import { parseDryRun } from '../common/dry-run';
import { operationAnswer } from '../common/operation-answer';
import { ListLogsQueryDto, ListOperationsQueryDto, OperationDto, OperationLogPageDto, OperationPageDto, PlanDto } from './operation.dto';
import { toOperationDto, toOperationLogDto } from './operation.mapper';
import { OperationFoundGuard } from './operation-found.guard';

/** Operations: read, cancel, approve, logs, and a live stream. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/operations')
export class OperationsController {
  constructor(
    private readonly operations: OperationsService,
    private readonly stream: OperationStream,
    private readonly changeCluster: ChangeClusterUseCase,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listOperations', summary: 'List operations, newest first; filter by cluster, type, state' })
  @ApiOkResponse({ type: OperationPageDto })
  @ApiProblems(401, { 400: ['INVALID_PAGE_TOKEN'] })
  async list(@Query() query: ListOperationsQueryDto): Promise<OperationPageDto> {
    const q = this.operations.listQuery({ clusterId: query.clusterId, type: query.type, state: query.state });
    const page = await paginate(q, { keyColumn: 'o.id', keyOf: (o) => o.id, direction: 'DESC', page: query, scope: `operations|${query.clusterId ?? ''}|${query.type ?? ''}|${query.state ?? ''}` });
    const steps = await this.operations.stepsOf(page.items.map((o) => o.id));
    return mapPage(page, (o) => toOperationDto(o, steps.get(o.id) ?? []));
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getOperation', summary: 'Get an operation with its steps, plan, progress and result' })
  @ApiOkResponse({ type: OperationDto })
  @ApiProblems(401, { 404: ['OPERATION_NOT_FOUND'] })
  async get(@Param('id') id: string): Promise<OperationDto> {
    const operation = await this.operations.get(id);
    return toOperationDto(operation, await this.operations.steps(id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Audited('operation.cancel', 'operation')
  @ApiOperation({ operationId: 'cancelOperation', summary: 'Cancel: stops between steps and aborts the running step' })
  @ApiOkResponse({ type: OperationDto, description: 'The operation after the request (dryRun=true: as it would be; nothing changed)' })
  @ApiDryRun()
  @ApiIdempotentPost()
  @ApiProblems({ 404: ['OPERATION_NOT_FOUND'], 409: ['OPERATION_FINISHED'] })
  async cancel(@Param('id') id: string, @Query('dryRun') dryRun: unknown, @CurrentPrincipal() principal: Principal): Promise<OperationDto> {
    const operation = await this.operations.cancel(id, principal, { dryRun: parseDryRun(dryRun) });
    return toOperationDto(operation, await this.operations.steps(id));
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Audited('operation.approve', 'operation')
  @ApiOperation({ operationId: 'approveOperation', summary: 'Approve the plan of an operation that waits for approval (recovery)' })
  @ApiOkResponse({ type: OperationDto, description: 'The operation after the request (dryRun=true: as it would be; nothing changed)' })
  @ApiDryRun()
  @ApiIdempotentPost()
  @ApiProblems({ 404: ['OPERATION_NOT_FOUND'], 409: ['OPERATION_FINISHED', 'APPROVAL_NOT_REQUIRED'] })
  async approve(@Param('id') id: string, @Query('dryRun') dryRun: unknown, @CurrentPrincipal() principal: Principal): Promise<OperationDto> {
    const operation = await this.operations.approve(id, principal, { dryRun: parseDryRun(dryRun) });
    return toOperationDto(operation, await this.operations.steps(id));
  }

  @Post(':id/retry')
  @HttpCode(202)
  @Audited('operation.retry', 'operation')
  @ApiOperation({
    operationId: 'retryOperation',
    summary: "Start a failed or cancelled operation again (the cluster's latest only): a new operation with the same change, planned from what is there now",
  })
  @ApiAcceptedResponse({ type: OperationDto, description: 'The new operation', headers: { Location: { description: 'The new operation: /v1/operations/{id}', schema: { type: 'string' } } } })
  @ApiOkResponse({ type: PlanDto, description: 'dryRun=true: the plan; nothing changed' })
  @ApiDryRun()
  @ApiIdempotentPost()
  @ApiProblems(412, {
    400: ['NOT_SUPPORTED', 'BACKEND_UNAVAILABLE', 'CLUSTER_SIZE_INVALID', 'CLUSTER_SIZE_UNSAFE', 'NOT_ENOUGH_HOSTS'],
    404: ['OPERATION_NOT_FOUND', 'CLUSTER_NOT_FOUND', 'NODE_NOT_FOUND'],
    409: [
      'OPERATION_NOT_RETRYABLE',
      'OPERATION_SUPERSEDED',
      'OPERATION_IN_PROGRESS',
      'CLUSTER_STATE_CONFLICT',
      'NO_CHANGE',
      'HOST_ALREADY_MEMBER',
      'DELETION_PROTECTED',
      'MEMBER_NOT_FOUND',
      'NOTHING_TO_REMOVE',
      'NO_DATA_NODE_WOULD_REMAIN',
      'QUORUM_WOULD_BE_LOST',
      'NOT_A_FULL_CRASH',
      'RECOVERY_WAITING_FOR_NODES',
      'BOOTSTRAP_NO_ELIGIBLE_NODE',
      'BOOTSTRAP_DIVERGED_HISTORIES',
      'BOOTSTRAP_EVIDENCE_CONFLICT',
      'BOOTSTRAP_OPERATOR_CHOICE_INVALID',
      'WRITER_NOT_A_MEMBER',
      'DUPLICATE_MEMBER',
      'STEP_INVALID',
    ],
  })
  retry(@Param('id') id: string, @Query('dryRun') dryRun: unknown, @CurrentPrincipal() principal: Principal, @Req() request: RequestWithContext) {
    return this.changeCluster.retry(id, { principal, requestId: request.requestId, dryRun: parseDryRun(dryRun) }).then((outcome) => operationAnswer(outcome, this.operations, request));
  }

  @Get(':id/logs')
  @ApiOperation({ operationId: 'listOperationLogs', summary: 'Log lines of an operation, oldest first (paged)' })
  @ApiOkResponse({ type: OperationLogPageDto })
  @ApiProblems(401, { 400: ['INVALID_PAGE_TOKEN'], 404: ['OPERATION_NOT_FOUND'] })
  async logs(@Param('id') id: string, @Query() query: ListLogsQueryDto): Promise<OperationLogPageDto> {
    await this.operations.get(id);
    const page = await paginate(this.operations.logsQuery(id), {
      keyColumn: 'l.id',
      keyOf: (l) => String(l.id),
      keyType: 'integer',
      direction: 'ASC',
      page: query,
      scope: `logs|${id}`,
      defaultPageSize: 200,
    });
    return mapPage(page, toOperationLogDto);
  }

  @Sse(':id/events')
  @UseGuards(OperationFoundGuard)
  @ApiOperation({
    operationId: 'streamOperationEvents',
    summary: 'Server-sent events of an operation: its events (type = event type) and log lines (type = log); ends after the terminal event. Resume with Last-Event-ID.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this id (as sent in each event)' })
  @ApiOkResponse({ description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiProblems(401, { 400: [], 404: ['OPERATION_NOT_FOUND'] })
  events(@Param('id') id: string, @Headers('last-event-id') lastEventId: string | undefined): Observable<MessageEvent> {
    return this.stream.stream(id, parseCursor(lastEventId)).pipe(
      map((item) =>
        item.kind === 'event'
          ? {
              id: item.cursor,
              type: item.event.type,
              data: { id: item.event.id, at: item.event.at.toISOString(), type: item.event.type, clusterId: item.event.clusterId, operationId: item.event.operationId, data: item.event.data },
            }
          : { id: item.cursor, type: 'log', data: toOperationLogDto(item.log) },
      ),
    );
  }
}

/** A cluster's operations: the same list and paging as GET /v1/operations (50 a page, at most 200), scoped by path. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/clusters/:id/operations')
export class ClusterOperationsController {
  constructor(
    private readonly operations: OperationsService,
    private readonly clusters: ClustersService,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listClusterOperations', summary: "List a cluster's operations, newest first" })
  @ApiOkResponse({ type: OperationPageDto })
  @ApiProblems(401, { 400: ['INVALID_PAGE_TOKEN'], 404: ['CLUSTER_NOT_FOUND'] })
  async list(@Param('id') clusterId: string, @Query() query: PageQueryDto): Promise<OperationPageDto> {
    await this.clusters.get(clusterId);
    const q = this.operations.listQuery({ clusterId });
    const page = await paginate(q, { keyColumn: 'o.id', keyOf: (o) => o.id, direction: 'DESC', page: query, scope: `cluster-operations|${clusterId}` });
    const steps = await this.operations.stepsOf(page.items.map((o) => o.id));
    return mapPage(page, (o) => toOperationDto(o, steps.get(o.id) ?? []));
  }
}
