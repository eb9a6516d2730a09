import { Audited } from '@galera-cp/audit';
import { CurrentPrincipal, RequireRole } from '@galera-cp/auth';
import type { Principal } from '@galera-cp/core';
import { HttpAnswer, mapPage, paginate, RequestWithContext } from '@galera-cp/http';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WebhooksService } from '@galera-cp/webhooks';
import { ApiDryRun, ApiIdempotentPost, ApiProblems } from '../common/api-problems.decorator';
import { parseDryRun } from '../common/dry-run';
import {
  CreatedWebhookDto,
  CreateWebhookRequestDto,
  ListWebhookDeliveriesQueryDto,
  ListWebhooksQueryDto,
  TestWebhookRequestDto,
  UpdateWebhookRequestDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookDto,
  WebhookPageDto,
} from './webhook.dto';
import { toWebhookDeliveryDto, toWebhookDto } from './webhook.mapper';

/**
 * Webhook subscriptions and their delivery logs (operator role: URLs and logs can carry what a
 * receiver considers confidential). Deliveries are signed: see the README for verification.
 */
@ApiTags('webhooks')
@ApiBearerAuth()
@RequireRole('operator')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Audited('webhook.create', 'webhook')
  @ApiOperation({ operationId: 'createWebhook', summary: 'Subscribe a URL to events; answers the signing secret once (generated when not given)' })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  @ApiOkResponse({ type: WebhookDto, description: 'dryRun=true: the subscription could be created; nothing was stored and no secret is given' })
  @ApiDryRun({ redact: ['url', 'description'] })
  @ApiIdempotentPost()
  @ApiProblems({ 400: ['WEBHOOK_TARGET_REFUSED'] })
  async create(
    @Body() body: CreateWebhookRequestDto,
    @Query('dryRun') dryRun: unknown,
    @CurrentPrincipal() principal: Principal,
    @Req() request: RequestWithContext,
  ): Promise<HttpAnswer<CreatedWebhookDto | WebhookDto>> {
    const { webhook, secret } = await this.webhooks.create(body, principal, { dryRun: parseDryRun(dryRun) });
    request.auditTarget = { type: 'webhook', id: webhook.id };
    request.auditDetail = { url: webhook.url, events: webhook.eventTypes, clusterId: webhook.clusterId };
    return secret === null ? new HttpAnswer(toWebhookDto(webhook), 200) : new HttpAnswer({ ...toWebhookDto(webhook), secret }, 201);
  }

  @Get()
  @ApiOperation({ operationId: 'listWebhooks', summary: 'List webhook subscriptions (never their secrets)' })
  @ApiOkResponse({ type: WebhookPageDto })
  @ApiProblems(401, 403, { 400: ['INVALID_PAGE_TOKEN'] })
  async list(@Query() query: ListWebhooksQueryDto): Promise<WebhookPageDto> {
    const page = await paginate(this.webhooks.query(), { keyColumn: 'w.id', keyOf: (w) => w.id, direction: 'ASC', page: query, scope: 'webhooks' });
    return mapPage(page, toWebhookDto);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getWebhook', summary: 'Get a webhook subscription' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblems(401, 403, { 404: ['WEBHOOK_NOT_FOUND'] })
  async get(@Param('id') id: string): Promise<WebhookDto> {
    return toWebhookDto(await this.webhooks.get(id));
  }

  @Patch(':id')
  @Audited('webhook.update', 'webhook')
  @ApiOperation({ operationId: 'updateWebhook', summary: 'Change a subscription: URL, events, cluster, secret, description, enabled' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiDryRun({ redact: ['url', 'description'] })
  @ApiProblems(400, 401, 403, 413, 415, { 400: ['WEBHOOK_TARGET_REFUSED'], 404: ['WEBHOOK_NOT_FOUND'] })
  async update(@Param('id') id: string, @Body() body: UpdateWebhookRequestDto, @Query('dryRun') dryRun: unknown, @Req() request: RequestWithContext): Promise<WebhookDto> {
    const webhook = await this.webhooks.update(id, body, { dryRun: parseDryRun(dryRun) });
    request.auditDetail = {
      fields: Object.keys(body)
        .filter((k) => k !== 'secret')
        .concat(body.secret !== undefined ? ['secret (rotated)'] : []),
    };
    return toWebhookDto(webhook);
  }

  @Delete(':id')
  @HttpCode(204)
  @Audited('webhook.delete', 'webhook')
  @ApiOperation({ operationId: 'deleteWebhook', summary: 'Delete a subscription and its delivery log' })
  @ApiNoContentResponse({ description: 'Deleted (dryRun=true: it could be deleted; nothing changed)' })
  @ApiDryRun()
  @ApiProblems(401, 403, { 400: [], 404: ['WEBHOOK_NOT_FOUND'] })
  async delete(@Param('id') id: string, @Query('dryRun') dryRun: unknown): Promise<void> {
    await this.webhooks.delete(id, { dryRun: parseDryRun(dryRun) });
  }

  @Get(':id/deliveries')
  @ApiOperation({ operationId: 'listWebhookDeliveries', summary: 'The delivery log of a subscription, newest first: attempts, last status and error, next attempt, delivered at, duration' })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiProblems(401, 403, { 400: ['INVALID_PAGE_TOKEN'], 404: ['WEBHOOK_NOT_FOUND'] })
  async deliveries(@Param('id') id: string, @Query() query: ListWebhookDeliveriesQueryDto): Promise<WebhookDeliveryPageDto> {
    const q = await this.webhooks.deliveriesQuery(id, query.state);
    const page = await paginate(q, { keyColumn: 'd.id', keyOf: (d) => d.id, direction: 'DESC', page: query, scope: `webhook-deliveries|${id}|${query.state ?? ''}` });
    return mapPage(page, toWebhookDeliveryDto);
  }

  @Post(':id/test')
  @HttpCode(200)
  @Audited('webhook.test', 'webhook')
  @ApiOperation({ operationId: 'testWebhook', summary: 'Send a signed ping (event type webhook.ping) now, once; answers its delivery record' })
  @ApiOkResponse({ type: WebhookDeliveryDto, description: "The ping's delivery record (dryRun=true: the target is checked, nothing is sent or stored)" })
  @ApiDryRun({ redact: ['lastError'] })
  @ApiIdempotentPost()
  @ApiProblems({ 404: ['WEBHOOK_NOT_FOUND'] })
  async test(@Param('id') id: string, @Body() _body: TestWebhookRequestDto, @Query('dryRun') dryRun: unknown): Promise<WebhookDeliveryDto> {
    return toWebhookDeliveryDto(await this.webhooks.ping(id, { dryRun: parseDryRun(dryRun) }));
  }
}
