import { AuditedByHandler } from '@galera-cp/audit';
import { Public } from '@galera-cp/auth';
import { RequestWithContext } from '@galera-cp/http';
import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { SlackCommandUseCase } from '@galera-cp/chatops';
import { ApiProblems, ProblemDto } from '../common/api-problems.decorator';
import { SlackCommandFormDto, SlackMessageDto } from './slack-command.dto';

/**
 * Chatops for Slack. Public: the request proves itself with Slack's signature, checked by the
 * use case (which also writes the audit records, with the chat user's identity).
 */
@ApiTags('chat')
@ApiExtraModels(SlackCommandFormDto)
@Controller('v1/chat/slack')
export class SlackCommandsController {
  constructor(private readonly slack: SlackCommandUseCase) {}

  @Post('commands')
  @Public()
  @HttpCode(200)
  @AuditedByHandler()
  @ApiOperation({
    operationId: 'slackCommand',
    summary:
      'Slack slash command: status, scale (plan + confirm code), confirm, recover, approve, help. Signed by Slack (X-Slack-Signature over the raw body); answers at once and posts outcomes to response_url',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({ type: SlackCommandFormDto })
  @ApiHeader({ name: 'X-Slack-Request-Timestamp', required: true, description: 'Unix seconds; refused when more than five minutes away' })
  @ApiHeader({ name: 'X-Slack-Signature', required: true, description: 'v0=<hex HMAC-SHA256 of "v0:<timestamp>:<raw body>" with the signing secret>' })
  @ApiOkResponse({ type: SlackMessageDto })
  @ApiProblems(413, { 400: ['CHAT_FORM_REQUIRED', 'CHAT_FORM_INVALID'], 401: ['CHAT_SIGNATURE_INVALID', 'CHAT_REQUEST_EXPIRED', 'CHAT_REQUEST_REPLAYED'], 404: ['CHAT_NOT_CONFIGURED'] })
  @ApiResponse({
    status: 401,
    description:
      'Not from Slack: signature missing or wrong (CHAT_SIGNATURE_INVALID), timestamp more than five minutes away (CHAT_REQUEST_EXPIRED), or a request already handled (CHAT_REQUEST_REPLAYED)',
    content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
  })
  command(@Req() request: RequestWithContext): Promise<SlackMessageDto> {
    return this.slack.execute({
      rawBody: Buffer.isBuffer(request.body) ? request.body : undefined,
      timestamp: request.header('x-slack-request-timestamp'),
      signature: request.header('x-slack-signature'),
      requestId: request.requestId,
    });
  }
}
