import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { ClusterRepository } from '@galera-cp/clusters';
import { ChatReplyEntity, queryRows } from '@galera-cp/database';
import { OperationRepository } from '@galera-cp/operations';
import { CHANNELS, EventsService } from '@galera-cp/events';
import { SECRET_BOX, SecretBox } from '@galera-cp/secrets';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Subscription } from 'rxjs';
import { DataSource, EntityManager } from 'typeorm';
import { CoalescingRunner } from '@galera-cp/core';
import { OutboundError, retryDelayMs } from '@galera-cp/outbound';
import { ChatConfirmations } from './chat-confirmations';
import { ChatTargets } from './chat-targets';
import { approvalMessage, outcomeMessage, SlackMessage } from './slack-messages';

/** When a reply is posted: the plan once the operation waits for approval, or its outcome. */
export type ReplyStage = 'approval' | 'outcome';

/** How often the worker looks for replies that became due (besides event notifications). */
const POLL_MS = 1_000;
/** Replies one worker claims at once. */
const BATCH = 10;
/** How often expired confirmation codes and request signatures are dropped. */
const PURGE_MS = 60_000;

interface ClaimedReply {
  id: string;
  operation_id: string;
  stage: ReplyStage;
  principal_id: string;
  command: string;
  response_url_ciphertext: string;
  attempts: number;
  terminal: boolean;
  awaiting: boolean;
}

function sealedFor(operationId: string, stage: ReplyStage, principalId: string): string {
  return `chat-reply:${operationId}:${stage}:${principalId}`;
}

/**
 * Chat replies that wait for an operation: rows written when a chat command starts (or
 * approves) an operation, posted by the worker role when the operation reaches their stage,
 * retried with backoff, bounded by WEBHOOK_MAX_ATTEMPTS. They live in PostgreSQL and are due by
 * the operation's state (not by one notification), so restarts and a notification that was
 * missed lose nothing. The response URL is checked again at each attempt (DNS may have changed).
 */
@Injectable()
export class ChatReplies implements BeforeApplicationShutdown {
  private readonly logger = new Logger('chatops');
  private readonly runner = new CoalescingRunner();
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private lastPurge = 0;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    private readonly events: EventsService,
    private readonly targets: ChatTargets,
    private readonly confirmations: ChatConfirmations,
    private readonly operations: OperationRepository,
    private readonly clusters: ClusterRepository,
  ) {}

  /** Remembers to post the given stages of an operation to a response URL (in `manager`'s transaction when given). */
  async expect(input: { operationId: string; principalId: string; command: string; responseUrl: string; stages: ReplyStage[] }, manager: EntityManager = this.dataSource.manager): Promise<void> {
    for (const stage of input.stages) {
      await manager.query(
        `INSERT INTO chat_replies (operation_id, stage, principal_id, command, response_url_ciphertext, state)
         VALUES ($1, $2, $3, $4, $5, 'WAITING') ON CONFLICT (operation_id, stage, principal_id) DO NOTHING`,
        [input.operationId, stage, input.principalId, input.command, this.box.seal(input.responseUrl, sealedFor(input.operationId, stage, input.principalId))],
      );
    }
    await this.events.notify(CHANNELS.deliveries, 'chat', manager);
  }

  /** Posts a message to a response URL now (not durable: for answers that come late, such as a slow plan). */
  async postNow(responseUrl: string, message: SlackMessage): Promise<void> {
    const answer = await this.targets.http.post({
      url: responseUrl,
      body: JSON.stringify(message),
      headers: { 'content-type': 'application/json' },
      timeoutMs: this.config.webhookTimeoutSeconds * 1000,
    });
    if (answer.status < 200 || answer.status >= 300) throw new Error(`HTTP ${answer.status}`);
  }

  /** Starts the worker role's half: posting due replies. */
  async start(): Promise<void> {
    if (this.timer) return;
    this.subscription = this.events.listen(CHANNELS.events, CHANNELS.deliveries).subscribe((n) => {
      if (n.channel === CHANNELS.events ? n.payload.split(' ')[2] !== '-' : n.payload === 'chat') this.soon();
    });
    await this.events.ready();
    this.timer = setInterval(() => this.soon(), POLL_MS);
    this.timer.unref();
    this.soon();
  }

  private soon(): void {
    if (!this.stopped)
      this.runner.trigger(
        () => this.postDue(),
        (error) => this.logger.warn({ msg: 'chat replies failed', err: String(error) }),
      );
  }

  /** Posts every reply that is due; answers how many were attempted. */
  async postDue(): Promise<number> {
    if (Date.now() - this.lastPurge > PURGE_MS) {
      this.lastPurge = Date.now();
      await this.dataSource.query('DELETE FROM chat_request_signatures WHERE expires_at < now()');
      await this.confirmations.purge();
    }
    let attempted = 0;
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0 || this.stopped) return attempted;
      attempted += claimed.length;
      for (const reply of claimed) await this.post(reply).catch((error) => this.logger.error({ msg: 'chat reply failed unexpectedly', replyId: reply.id, err: String(error) }));
    }
  }

  private claim(): Promise<ClaimedReply[]> {
    return queryRows<ClaimedReply>(
      this.dataSource,
      `WITH due AS (
         SELECT x.id,
                o.state IN ('SUCCEEDED','FAILED','CANCELLED') AS terminal,
                EXISTS (SELECT 1 FROM events e WHERE e.operation_id = x.operation_id AND e.type = 'operation.awaiting_approval') AS awaiting
           FROM chat_replies x JOIN operations o ON o.id = x.operation_id
          WHERE x.state = 'WAITING' AND x.next_attempt_at <= now() AND (x.locked_until IS NULL OR x.locked_until < now())
            AND (o.state IN ('SUCCEEDED','FAILED','CANCELLED')
                 OR (x.stage = 'approval' AND EXISTS (SELECT 1 FROM events e WHERE e.operation_id = x.operation_id AND e.type = 'operation.awaiting_approval')))
          ORDER BY x.id
          LIMIT $1
          FOR UPDATE OF x SKIP LOCKED)
       UPDATE chat_replies r SET attempts = r.attempts + 1, locked_until = now() + make_interval(secs => $2)
         FROM due WHERE r.id = due.id
       RETURNING r.id, r.operation_id, r.stage, r.principal_id, r.command, r.response_url_ciphertext, r.attempts, due.terminal, due.awaiting`,
      [BATCH, this.config.webhookTimeoutSeconds + 30],
    );
  }

  private async post(reply: ClaimedReply): Promise<void> {
    if (reply.attempts > this.config.webhookMaxAttempts) {
      // Its last attempt was interrupted (the worker died): nothing more is tried.
      await this.finish(reply, 'FAILED', 'the worker stopped during the last attempt');
      return;
    }
    if (reply.stage === 'approval' && !reply.awaiting) {
      // It ended without ever waiting for approval: only its outcome is worth posting.
      await this.finish(reply, 'SKIPPED', null);
      return;
    }
    const operation = await this.operations.findById(reply.operation_id);
    if (!operation) throw new Error(`operation ${reply.operation_id} of a chat reply does not exist`);
    const clusterName = (operation.clusterId ? await this.clusters.nameOf(operation.clusterId) : undefined) ?? operation.clusterId ?? 'the control plane';
    let message: SlackMessage;
    if (reply.stage === 'approval') {
      // The plan's steps, without the engine's own approval step in front of them.
      const steps = await this.operations.steps(operation.id);
      message = approvalMessage(
        operation,
        steps.filter((s) => s.key !== 'approval'),
        clusterName,
        reply.command,
      );
    } else {
      message = outcomeMessage(operation, clusterName);
    }
    let url: string;
    try {
      url = this.box.open(reply.response_url_ciphertext, sealedFor(reply.operation_id, reply.stage, reply.principal_id));
    } catch (error) {
      await this.finish(reply, 'FAILED', `the response URL cannot be decrypted: ${String(error)}`);
      return;
    }
    try {
      const answer = await this.targets.http.post({ url, body: JSON.stringify(message), headers: { 'content-type': 'application/json' }, timeoutMs: this.config.webhookTimeoutSeconds * 1000 });
      if (answer.status >= 200 && answer.status < 300) return void (await this.finish(reply, 'SENT', null));
      await this.retryOrFail(reply, `HTTP ${answer.status}${answer.excerpt ? `: ${answer.excerpt.slice(0, 200)}` : ''}`, true);
    } catch (error) {
      const outbound = error instanceof OutboundError ? error : new OutboundError(String(error), true, 0);
      await this.retryOrFail(reply, outbound.message, outbound.retryable);
    }
  }

  private async retryOrFail(reply: ClaimedReply, error: string, retryable: boolean): Promise<void> {
    if (retryable && reply.attempts < this.config.webhookMaxAttempts) {
      await this.dataSource.query(`UPDATE chat_replies SET locked_until = NULL, last_error = $2, next_attempt_at = $3 WHERE id = $1 AND attempts = $4`, [
        reply.id,
        error,
        new Date(Date.now() + retryDelayMs(reply.attempts, this.config.webhookRetryBaseSeconds)),
        reply.attempts,
      ]);
    } else {
      await this.finish(reply, 'FAILED', error);
    }
  }

  private async finish(reply: ClaimedReply, state: 'SENT' | 'FAILED' | 'SKIPPED', error: string | null): Promise<void> {
    await this.dataSource.query(`UPDATE chat_replies SET state = $2, locked_until = NULL, last_error = $3, sent_at = CASE WHEN $2 = 'SENT' THEN now() END WHERE id = $1 AND attempts = $4`, [
      reply.id,
      state,
      error,
      reply.attempts,
    ]);
    if (state === 'FAILED') this.logger.warn({ msg: 'chat reply given up', operationId: reply.operation_id, stage: reply.stage, err: error });
  }

  /** The replies of an operation (for tests and diagnostics). */
  list(operationId: string): Promise<ChatReplyEntity[]> {
    return this.dataSource.getRepository(ChatReplyEntity).find({ where: { operationId }, order: { id: 'ASC' } });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.subscription?.unsubscribe();
    await this.runner.idle();
  }
}
