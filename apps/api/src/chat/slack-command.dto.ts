import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

/** A slash command as Slack sends it (application/x-www-form-urlencoded; more fields are ignored). */
@ApiSchema({ name: 'SlackCommandForm' })
export class SlackCommandFormDto {
  /** The workspace. */
  @ApiProperty({ example: 'T0001' }) team_id!: string;
  /** The user; `<team_id>/<user_id>` is looked up in CHAT_USER_ROLES. */
  @ApiProperty({ example: 'U0001' }) user_id!: string;
  /** The user's name (for audit records and messages). */
  @ApiPropertyOptional({ example: 'alice' }) user_name?: string;
  /** The slash command typed. */
  @ApiProperty({ example: '/galera' }) command!: string;
  /** What follows it: `status <cluster>`, `scale <cluster> <n>`, `confirm <code>`, `recover <cluster>`, `approve <operation>`, `help`. */
  @ApiProperty({ example: 'scale orders 5' }) text!: string;
  /** Where replies are posted later (must be on CHAT_RESPONSE_URL_HOSTS). */
  @ApiPropertyOptional({ example: 'https://hooks.slack.com/commands/T0001/1/abc' }) response_url?: string;
  /** The channel. */
  @ApiPropertyOptional({ example: 'C0001' }) channel_id?: string;
}

/** A section of a Slack message. */
@ApiSchema({ name: 'SlackBlock' })
export class SlackBlockDto {
  /** `section` or `context`. */
  @ApiProperty({ enum: ['section', 'context'] }) type!: string;
  /** The section's mrkdwn text. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) text?: Record<string, unknown>;
  /** The context's elements. */
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true } }) elements?: Record<string, unknown>[];
}

/** The answer to a slash command, in Slack's message format. */
@ApiSchema({ name: 'SlackMessage' })
export class SlackMessageDto {
  /** `ephemeral` (only the user sees it) or `in_channel`. */
  @ApiProperty({ enum: ['ephemeral', 'in_channel'] }) response_type!: 'ephemeral' | 'in_channel';
  /** The message as plain mrkdwn (also the notification text). */
  @ApiProperty() text!: string;
  /** The message as blocks. */
  @ApiPropertyOptional({ type: [SlackBlockDto] }) blocks?: SlackBlockDto[];
  /** Whether the message replaces the one it answers. */
  @ApiPropertyOptional() replace_original?: boolean;
}
