import { Audited } from '@galera-cp/audit';
import { CurrentPrincipal } from '@galera-cp/auth';
import { ChangeClusterUseCase, ClusterChangeRequest, ClustersService, CreateClusterUseCase, UpdateClusterUseCase } from '@galera-cp/clusters';
import type { Principal } from '@galera-cp/core';
import { etagOf, HttpAnswer, mapPage, RequestWithContext } from '@galera-cp/http';
import { OperationsService } from '@galera-cp/operations';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiDryRun, ApiIdempotentPost, ApiProblems, ProblemCodesByStatus } from '../common/api-problems.decorator';
import { parseDryRun, parseFlag } from '../common/dry-run';
import { operationAnswer } from '../common/operation-answer';
import { OperationDto, PlanDto } from '../operations/operation.dto';
import { OPERATION_RESULT_TYPES } from '../operations/operation-result.dto';
import {
  AddNodeRequestDto,
  ClusterDto,
  ClusterPageDto,
  CreateClusterRequestDto,
  EmptyRequestDto,
  ListClustersQueryDto,
  NodeDto,
  NodeListDto,
  ReconfigureClusterRequestDto,
  RecoverClusterRequestDto,
  ScaleClusterRequestDto,
  UpdateClusterRequestDto,
} from './cluster.dto';
import { toClusterDto, toNodeDto } from './cluster.mapper';

const IF_MATCH = ApiHeader({ name: 'If-Match', required: false, description: 'The ETag (generation) the change is based on; 412 when it moved' });
const ACCEPTED = ApiAcceptedResponse({
  type: OperationDto,
  description: 'The operation started',
  headers: { Location: { description: 'The operation: /v1/operations/{id}', schema: { type: 'string' } } },
});
const WITH_ETAG = { ETag: { description: "The cluster's generation, for If-Match", schema: { type: 'string' } } };
const PLANNED = ApiOkResponse({ type: PlanDto, description: 'dryRun=true: the plan; nothing changed' });

/** Refusals of a backend's plan (a dry run answers them, a real call too before anything starts). */
const PLAN_REFUSALS: ProblemCodesByStatus = {
  409: [
    'NOT_A_FULL_CRASH',
    'RECOVERY_WAITING_FOR_NODES',
    'BOOTSTRAP_NO_ELIGIBLE_NODE',
    'BOOTSTRAP_DIVERGED_HISTORIES',
    'BOOTSTRAP_EVIDENCE_CONFLICT',
    'BOOTSTRAP_OPERATOR_CHOICE_INVALID',
    'WRITER_NOT_A_MEMBER',
    'DUPLICATE_MEMBER',
    'STEP_INVALID',
    'NO_SYNCED_MEMBER',
  ],
};
/** What every change of an existing cluster can answer. */
const CHANGE_PROBLEMS: ProblemCodesByStatus = {
  400: ['NOT_SUPPORTED', 'BACKEND_UNAVAILABLE'],
  404: ['CLUSTER_NOT_FOUND'],
  409: ['OPERATION_IN_PROGRESS', 'CLUSTER_STATE_CONFLICT'],
  412: [],
};
/** Galera's size and quorum rules (libs/galera). */
const SIZE_PROBLEMS: ProblemCodesByStatus = {
  400: ['CLUSTER_SIZE_INVALID', 'CLUSTER_SIZE_UNSAFE'],
  409: ['NO_CHANGE', 'MEMBER_NOT_FOUND', 'NOTHING_TO_REMOVE', 'NO_DATA_NODE_WOULD_REMAIN', 'QUORUM_WOULD_BE_LOST'],
};

/** Clusters and their members. Controllers only translate; use cases decide. */
@ApiTags('clusters')
@ApiBearerAuth()
@ApiExtraModels(PlanDto, ...Object.values(OPERATION_RESULT_TYPES))
@Controller('v1/clusters')
export class ClustersController {
  constructor(
    private readonly clusters: ClustersService,
    private readonly createCluster: CreateClusterUseCase,
    private readonly changeCluster: ChangeClusterUseCase,
    private readonly updateCluster: UpdateClusterUseCase,
    private readonly operations: OperationsService,
  ) {}

  @Post()
  @HttpCode(202)
  @Audited('cluster.create', 'cluster')
  @ApiOperation({ operationId: 'createCluster', summary: 'Create a cluster (starts a cluster.create operation)' })
  @ApiDryRun()
  @ApiIdempotentPost()
  @ACCEPTED
  @PLANNED
  @ApiProblems(PLAN_REFUSALS, {
    400: ['CREDENTIAL_NOT_FOUND', 'CREDENTIAL_KIND_MISMATCH', 'CLUSTER_SIZE_INVALID', 'CLUSTER_SIZE_UNSAFE', 'SSH_SPEC_INVALID', 'BACKEND_UNAVAILABLE', 'NOT_SUPPORTED'],
    409: ['CLUSTER_NAME_TAKEN', 'HOSTS_HELD_BY_OTHER_CLUSTER'],
  })
  async create(@Body() body: CreateClusterRequestDto, @Query('dryRun') dryRun: unknown, @CurrentPrincipal() principal: Principal, @Req() request: RequestWithContext) {
    const outcome = await this.createCluster.execute(body, { principal, requestId: request.requestId, dryRun: parseDryRun(dryRun) });
    return operationAnswer(outcome, this.operations, request);
  }

  @Get()
  @ApiOperation({ operationId: 'listClusters', summary: 'List clusters (keyset-paginated, oldest first)' })
  @ApiOkResponse({ type: ClusterPageDto })
  @ApiProblems(401, { 400: ['INVALID_PAGE_TOKEN'] })
  async list(@Query() query: ListClustersQueryDto): Promise<ClusterPageDto> {
    const page = await this.clusters.list({ state: query.state, backend: query.backend, name: query.name }, query);
    return mapPage(page, toClusterDto);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getCluster', summary: 'Get a cluster (ETag: its generation)' })
  @ApiOkResponse({ type: ClusterDto, headers: WITH_ETAG })
  @ApiProblems(401, { 404: ['CLUSTER_NOT_FOUND'] })
  async get(@Param('id') id: string, @Res({ passthrough: true }) response: Response): Promise<ClusterDto> {
    const cluster = await this.clusters.get(id);
    response.setHeader('ETag', etagOf(cluster.generation));
    return toClusterDto(cluster);
  }

  @Patch(':id')
  @Audited('cluster.update', 'cluster')
  @ApiOperation({ operationId: 'updateCluster', summary: 'Change labels or policy (no backend work); dryRun=true answers the result and keeps nothing' })
  @IF_MATCH
  @ApiDryRun()
  @ApiOkResponse({ type: ClusterDto, headers: WITH_ETAG })
  @ApiProblems(400, 401, 403, 412, 413, 415, { 404: ['CLUSTER_NOT_FOUND'] })
  async update(
    @Param('id') id: string,
    @Body() body: UpdateClusterRequestDto,
    @Query('dryRun') dryRun: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClusterDto> {
    const cluster = await this.updateCluster.execute(id, body, ifMatch, { dryRun: parseDryRun(dryRun) });
    response.setHeader('ETag', etagOf(cluster.generation));
    return toClusterDto(cluster);
  }

  @Delete(':id')
  @HttpCode(202)
  @Audited('cluster.delete', 'cluster')
  @ApiOperation({ operationId: 'deleteCluster', summary: 'Delete a cluster: stop its services, keep data unless purge; forget=true removes only the record' })
  @ApiDryRun()
  @IF_MATCH
  @ACCEPTED
  @PLANNED
  @ApiQuery({ name: 'purge', required: false, type: Boolean, description: 'Also remove data directories / volumes' })
  @ApiQuery({
    name: 'forget',
    required: false,
    type: Boolean,
    description: 'Remove only the record; nothing on the hosts or objects is touched (e.g. a stale record whose hosts another cluster took over). Not with purge.',
  })
  @ApiProblems(400, 401, 403, CHANGE_PROBLEMS, PLAN_REFUSALS, { 409: ['DELETION_PROTECTED'] })
  delete(
    @Param('id') id: string,
    @Query('purge') purge: unknown,
    @Query('forget') forget: unknown,
    @Query('dryRun') dryRun: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() request: RequestWithContext,
  ) {
    return this.change(id, { type: 'cluster.delete', purge: parseFlag('purge', purge), forget: parseFlag('forget', forget) }, dryRun, ifMatch, principal, request);
  }

  @Post(':id/scale')
  @HttpCode(202)
  @Audited('cluster.scale', 'cluster')
  @ApiOperation({ operationId: 'scaleCluster', summary: 'Scale to a number of members (quorum guard: odd >= 3 unless force; never below quorum)' })
  @ApiDryRun()
  @IF_MATCH
  @ApiIdempotentPost()
  @ACCEPTED
  @PLANNED
  @ApiProblems(CHANGE_PROBLEMS, PLAN_REFUSALS, SIZE_PROBLEMS)
  scale(
    @Param('id') id: string,
    @Body() body: ScaleClusterRequestDto,
    @Query('dryRun') dryRun: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() request: RequestWithContext,
  ) {
    return this.change(id, { type: 'cluster.scale', replicas: body.replicas, force: body.force }, dryRun, ifMatch, principal, request);
  }

  @Post(':id/restart')
  @HttpCode(202)
  @Audited('cluster.restart', 'cluster')
  @ApiOperation({ operationId: 'restartCluster', summary: 'Rolling restart: one member at a time, Synced before the next' })
  @ApiDryRun()
  @IF_MATCH
  @ApiIdempotentPost()
  @ACCEPTED
  @PLANNED
  @ApiProblems(CHANGE_PROBLEMS, PLAN_REFUSALS)
  restart(
    @Param('id') id: string,
    @Body() _body: EmptyRequestDto,
    @Query('dryRun') dryRun: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() request: RequestWithContext,
  ) {
    return this.change(id, { type: 'cluster.restart' }, dryRun, ifMatch, principal, request);
  }

  @Post(':id/stop')
  @HttpCode(202)
  @Audited('cluster.stop', 'cluster')
  @ApiOperation({ operationId: 'stopCluster', summary: 'Stop cleanly, in an order that leaves a safe bootstrap node' })
  @ApiDryRun()
  @IF_MATCH
  @ApiIdempotentPost()
  @ACCEPTED
  @PLANNED
  @ApiProblems(CHANGE_PROBLEMS, PLAN_REFUSALS)
  stop(
    @Param('id') id: string,
    @Body() _body: EmptyRequestDto,
    @Query('dryRun') dryRun: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() request: RequestWithContext,
  ) {
    return this.change(id, { type: 'cluster.stop' }, dryRun, ifMatch, principal, request);
  }

  @Post(':id/start')
  @HttpCode(202)
  @Audited('cluster.start', 'cluster')
  @ApiOperation({ operationId: 'startCluster', summary: 'Start a stopped cluster from its safe bootstrap node' })
  @ApiDryRun()
  @IF_MATCH
  @ApiIdempotentPost()
  @ACCEPTED
  @PLANNED
  @ApiProblems(CHANGE_PROBLEMS, PLAN_REFUSALS)
  start(
    @Param('id') id: string,
    @Body() _body: EmptyRequestDto,
    @Query('dryRun') dryRun: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() request: RequestWithContext,
  ) {
    return this.change(id, { type: 'cluster.start' }, dryRun, ifMatch, principal, request);
  }

  @Post(':id/recover')
  @HttpCode(202)
  @Audited('cluster.recover', 'cluster')
  @ApiOperation({ operationId: 'recoverCluster', summary: 'Full-crash recovery: collect evidence, choose the bootstrap node, run after approval' })
  @ApiDryRun()
  @IF_MATCH
  @ApiIdempotentPost()
  @ACCEPTED
  @PLANNED
  @ApiProblems(CHANGE_PROBLEMS, PLAN_REFUSALS)
  recover(
    @Param('id') id: string,
    @Body() body: RecoverClusterRequestDto,
    @Query('dryRun') dryRun: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() request: RequestWithContext,
  ) {
    return this.change(id, { type: 'cluster.recover', acceptMissing: body.acceptMissing, approve: body.approve }, dryRun, ifMatch, principal, request);
  }

  @Post(':id/reconfigure')
  @HttpCode(202)
  @Audited('cluster.reconfigure', 'cluster')
  @ApiOperation({ operationId: 'reconfigureCluster', summary: 'Change allow-listed server parameters (rolling restart when needed)' })
  @ApiDryRun()
  @IF_MATCH
  @ApiIdempotentPost()
  @ACCEPTED
  @PLANNED
  @ApiProblems(CHANGE_PROBLEMS, PLAN_REFUSALS, { 400: ['GALERA_CONFIG_INVALID', 'CONFIG_VALUE_UNSAFE'], 409: ['NO_CHANGE'] })
  reconfigure(
    @Param('id') id: string,
    @Body() body: ReconfigureClusterRequestDto,
    @Query('dryRun') dryRun: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() request: RequestWithContext,
  ) {
    return this.change(id, { type: 'cluster.reconfigure', parameters: body.parameters }, dryRun, ifMatch, principal, request);
  }

  @Get(':id/nodes')
  @ApiOperation({ operationId: 'listNodes', summary: "List a cluster's members" })
  @ApiOkResponse({ type: NodeListDto })
  @ApiProblems(401, { 404: ['CLUSTER_NOT_FOUND'] })
  async nodes(@Param('id') id: string): Promise<NodeListDto> {
    await this.clusters.get(id);
    return { items: (await this.clusters.nodes(id)).map(toNodeDto) };
  }

  @Get(':id/nodes/:nodeId')
  @ApiOperation({ operationId: 'getNode', summary: 'Get one member' })
  @ApiOkResponse({ type: NodeDto })
  @ApiProblems(401, { 404: ['CLUSTER_NOT_FOUND', 'NODE_NOT_FOUND'] })
  async node(@Param('id') id: string, @Param('nodeId') nodeId: string): Promise<NodeDto> {
    await this.clusters.get(id);
    return toNodeDto(await this.clusters.node(id, nodeId));
  }

  @Post(':id/nodes')
  @HttpCode(202)
  @Audited('node.add', 'cluster')
  @ApiOperation({ operationId: 'addNode', summary: 'Add one member (SSH: the host to add)' })
  @ApiDryRun()
  @IF_MATCH
  @ApiIdempotentPost()
  @ACCEPTED
  @PLANNED
  @ApiProblems(CHANGE_PROBLEMS, PLAN_REFUSALS, SIZE_PROBLEMS, { 400: ['NOT_ENOUGH_HOSTS'], 409: ['HOST_ALREADY_MEMBER', 'HOSTS_HELD_BY_OTHER_CLUSTER'] })
  addNode(
    @Param('id') id: string,
    @Body() body: AddNodeRequestDto,
    @Query('dryRun') dryRun: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() request: RequestWithContext,
  ) {
    return this.change(id, { type: 'node.add', host: body.host, force: body.force, takeover: body.takeover }, dryRun, ifMatch, principal, request);
  }

  @Delete(':id/nodes/:nodeId')
  @HttpCode(202)
  @Audited('node.remove', 'cluster')
  @ApiOperation({ operationId: 'removeNode', summary: 'Remove one member cleanly (never below quorum)' })
  @ApiDryRun()
  @IF_MATCH
  @ACCEPTED
  @PLANNED
  @ApiQuery({ name: 'force', required: false, type: Boolean, description: 'Accept an unsafe resulting size (never a loss of quorum)' })
  @ApiProblems(400, 401, 403, CHANGE_PROBLEMS, PLAN_REFUSALS, SIZE_PROBLEMS, { 404: ['NODE_NOT_FOUND'] })
  removeNode(
    @Param('id') id: string,
    @Param('nodeId') nodeId: string,
    @Query('force') force: unknown,
    @Query('dryRun') dryRun: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() request: RequestWithContext,
  ) {
    return this.change(id, { type: 'node.remove', nodeId, force: parseFlag('force', force) }, dryRun, ifMatch, principal, request);
  }

  private async change(
    id: string,
    change: ClusterChangeRequest,
    dryRun: unknown,
    ifMatch: string | undefined,
    principal: Principal,
    request: RequestWithContext,
  ): Promise<HttpAnswer<OperationDto | PlanDto>> {
    const outcome = await this.changeCluster.execute(id, change, { principal, requestId: request.requestId, dryRun: parseDryRun(dryRun), ifMatch });
    return operationAnswer(outcome, this.operations, request);
  }
}
