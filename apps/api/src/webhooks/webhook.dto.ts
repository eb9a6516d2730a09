import { EVENT_TYPE_PATTERN } from '@galera-cp/events';
import { PageQueryDto } from '@galera-cp/http';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

const DELIVERY_STATES = ['PENDING', 'SENDING', 'SUCCEEDED', 'FAILED'] as const;
const EVENTS_DESCRIPTION = 'Event types to deliver: exact (`cluster.ready`), a prefix ending in a dot (`operation.`), or `*` for every event';

/** A new webhook subscription. */
@ApiSchema({ name: 'CreateWebhookRequest' })
export class CreateWebhookRequestDto {
  /** Where deliveries are POSTed (http or https; checked against the outbound address policy). */
  @ApiProperty({ example: 'https://portal.example.com/hooks/galera', maxLength: 2048 })
  @IsString()
  @MaxLength(2048)
  url!: string;

  /** Which events to deliver. */
  @ApiProperty({ type: [String], description: EVENTS_DESCRIPTION, example: ['cluster.', 'operation.succeeded', 'operation.failed'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(EVENT_TYPE_PATTERN, { each: true, message: 'each of events must be an event type, a prefix ending in a dot, or *' })
  events!: string[];

  /** Only events of this cluster. */
  @ApiPropertyOptional({ type: String, nullable: true, description: "Only this cluster's events" })
  @IsOptional()
  @Matches(/^cl_[0-9a-z]{26}$/, { message: 'clusterId must be a cluster id (cl_…)' })
  clusterId?: string | null;

  /** The signing secret (16-256 printable characters); generated when absent. Write-only: answered once, by this create. */
  @ApiPropertyOptional({ writeOnly: true, minLength: 16, maxLength: 256 })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  @Matches(/^[\x21-\x7e]+$/, { message: 'secret must be printable ASCII without spaces' })
  secret?: string;

  /** What the subscription is for. */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string | null;

  /** Deliver events (default true); a disabled subscription keeps its log. */
  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** A change of a subscription; absent fields stay. */
@ApiSchema({ name: 'UpdateWebhookRequest' })
export class UpdateWebhookRequestDto {
  /** A new target URL (checked like at creation). */
  @ApiPropertyOptional({ maxLength: 2048 })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  /** New event types. */
  @ApiPropertyOptional({ type: [String], description: EVENTS_DESCRIPTION })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(EVENT_TYPE_PATTERN, { each: true, message: 'each of events must be an event type, a prefix ending in a dot, or *' })
  events?: string[];

  /** Only this cluster's events; null for every cluster. */
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(/^cl_[0-9a-z]{26}$/, { message: 'clusterId must be a cluster id (cl_…) or null' })
  clusterId?: string | null;

  /** A new signing secret (write-only; never answered). */
  @ApiPropertyOptional({ writeOnly: true, minLength: 16, maxLength: 256 })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  @Matches(/^[\x21-\x7e]+$/, { message: 'secret must be printable ASCII without spaces' })
  secret?: string;

  /** A new description; null clears it. */
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200 })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(200)
  description?: string | null;

  /** Turn deliveries on or off. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** A webhook subscription (the secret is never part of it). */
@ApiSchema({ name: 'Webhook' })
export class WebhookDto {
  /** Id (`wh_…`). */
  @ApiProperty({ example: 'wh_01jd…' }) id!: string;
  /** Where deliveries go. */
  @ApiProperty() url!: string;
  /** Event types delivered (exact, prefixes ending in a dot, or `*`). */
  @ApiProperty({ type: [String] }) events!: string[];
  /** Only this cluster's events, or null for all. */
  @ApiProperty({ type: String, nullable: true }) clusterId!: string | null;
  /** What it is for. */
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  /** Whether events are delivered. */
  @ApiProperty() enabled!: boolean;
  /** Who created it. */
  @ApiProperty() createdBy!: string;
  /** When it was created. */
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  /** When it last changed. */
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** The answer of a create: the subscription and its signing secret, shown this once. */
@ApiSchema({ name: 'CreatedWebhook' })
export class CreatedWebhookDto extends WebhookDto {
  /** The signing secret: keep it to verify the Galera-Signature header; it is never shown again. */
  @ApiProperty({ example: 'whsec_…' }) secret!: string;
}

@ApiSchema({ name: 'WebhookPage' })
export class WebhookPageDto {
  /** The subscriptions of the page. */
  @ApiProperty({ type: [WebhookDto] }) items!: WebhookDto[];
  /** Token of the next page, or null on the last page. */
  @ApiProperty({ type: String, nullable: true }) nextPageToken!: string | null;
}

/** One event (or ping) to deliver to a subscription, and how its attempts went. */
@ApiSchema({ name: 'WebhookDelivery' })
export class WebhookDeliveryDto {
  /** Id (`dl_…`), also sent as the Galera-Delivery header: receivers deduplicate by it. */
  @ApiProperty({ example: 'dl_01jd…' }) id!: string;
  /** The subscription. */
  @ApiProperty() webhookId!: string;
  /** The event delivered; null for a ping. */
  @ApiProperty({ type: 'integer', nullable: true }) eventId!: number | null;
  /** Its type (`webhook.ping` for a ping). */
  @ApiProperty({ example: 'cluster.degraded' }) eventType!: string;
  /** PENDING (waiting for its next attempt), SENDING, SUCCEEDED or FAILED (attempts exhausted or target refused). */
  @ApiProperty({ enum: DELIVERY_STATES }) state!: string;
  /** Attempts made. */
  @ApiProperty({ type: 'integer' }) attempts!: number;
  /** Attempts allowed. */
  @ApiProperty({ type: 'integer' }) maxAttempts!: number;
  /** HTTP status of the last answer; null when there was none. */
  @ApiProperty({ type: 'integer', nullable: true }) lastStatusCode!: number | null;
  /** What went wrong last (an answer's status and start, a network error, a refused target). */
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  /** Milliseconds the last attempt took. */
  @ApiProperty({ type: 'integer', nullable: true }) durationMs!: number | null;
  /** When the next attempt is due (PENDING only). */
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) nextAttemptAt!: string | null;
  /** When the last attempt started. */
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastAttemptAt!: string | null;
  /** When a 2xx answer arrived. */
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) deliveredAt!: string | null;
  /** When the delivery was created. */
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

@ApiSchema({ name: 'WebhookDeliveryPage' })
export class WebhookDeliveryPageDto {
  /** The deliveries of the page, newest first. */
  @ApiProperty({ type: [WebhookDeliveryDto] }) items!: WebhookDeliveryDto[];
  /** Token of the next page, or null on the last page. */
  @ApiProperty({ type: String, nullable: true }) nextPageToken!: string | null;
}

/** Paging of subscriptions. */
@ApiSchema({ name: 'ListWebhooksQuery' })
export class ListWebhooksQueryDto extends PageQueryDto {}

/** Paging and filter of a delivery log. */
@ApiSchema({ name: 'ListWebhookDeliveriesQuery' })
export class ListWebhookDeliveriesQueryDto extends ListWebhooksQueryDto {
  /** Only deliveries in this state. */
  @ApiPropertyOptional({ enum: DELIVERY_STATES })
  @IsOptional()
  @IsIn([...DELIVERY_STATES])
  state?: string;
}

/** Nothing to send. */
@ApiSchema({ name: 'TestWebhookRequest' })
export class TestWebhookRequestDto {}
