import { AuditService } from '@galera-cp/audit';
import { ChangeClusterUseCase, ClusterChangeRequest, ClustersService, PlanView } from '@galera-cp/clusters';
import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { DomainError, Principal, Role, roleAllows } from '@galera-cp/core';
import { ClusterEntity, OperationEntity, queryRows } from '@galera-cp/database';
import { OperationsService } from '@galera-cp/operations';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { TargetRefusedError } from '@galera-cp/outbound';
import { ChatCommand, parseChatCommand } from './chat-command';
import { ChatConfirmations } from './chat-confirmations';
import { ChatReplies, ReplyStage } from './chat-replies';
import { ChatTargets } from './chat-targets';
import { verifySlackRequest } from './slack-signature';
import { escapeMrkdwn, helpMessage, planMessage, privateNote, SlackMessage, startedMessage, statusMessage } from './slack-messages';

/** The replies of one chat command (see SlackCommandUseCase.replyPlan). */
interface ReplyPlan {
  register?: (manager: EntityManager, operation: OperationEntity) => Promise<void>;
  note: (operation: OperationEntity) => string;
}

/** Slack gives up on a slash command after 3 s: a plan that takes longer is posted when ready. */
const ANSWER_BUDGET_MS = 2_500;
/** Signatures of handled requests are kept longer than the five minutes a timestamp is accepted. */
const SIGNATURE_MEMORY = '10 minutes';

/** A slash command request as it arrived. */
export interface SlackCommandRequest {
  /** The raw body (form-encoded); undefined when the request was not form-encoded. */
  rawBody: Buffer | undefined;
  /** `X-Slack-Request-Timestamp`. */
  timestamp: string | undefined;
  /** `X-Slack-Signature`. */
  signature: string | undefined;
  requestId: string;
}

/** Who asks and how, for answers and audit records. */
interface CommandContext {
  principal: Principal;
  teamId: string;
  userId: string;
  channelId: string | null;
  /** The slash command typed, e.g. `/galera`. */
  command: string;
  text: string;
  responseUrl: string | null;
  requestId: string;
}

type Outcome = 'succeeded' | 'failed' | 'denied';

/** The least role of each command. */
const NEEDED_ROLE: Record<Exclude<ChatCommand['verb'], 'help' | 'invalid'>, Role> = {
  status: 'viewer',
  scale: 'operator',
  confirm: 'operator',
  recover: 'operator',
  approve: 'operator',
};

/**
 * A Slack-compatible slash command: verifies Slack's signature (and refuses requests older than
 * five minutes, or seen before), maps the chat user to a role (CHAT_USER_ROLES), runs the
 * command through the same use cases as the REST API with the principal `chat:<team>/<user>`,
 * and answers at once. A change is planned first (dry run) and starts only with a confirmation
 * code bound to the user, the cluster, the exact change and the cluster's generation. Started
 * operations report back to the response URL when they wait for approval and when they end.
 * Every action, refused ones included, is audited with the chat identity.
 */
@Injectable()
export class SlackCommandUseCase {
  private readonly logger = new Logger('chatops');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly clusters: ClustersService,
    private readonly changeCluster: ChangeClusterUseCase,
    private readonly operations: OperationsService,
    private readonly confirmations: ChatConfirmations,
    private readonly replies: ChatReplies,
    private readonly targets: ChatTargets,
  ) {}

  async execute(request: SlackCommandRequest): Promise<SlackMessage> {
    const signingSecret = this.config.chatSigningSecret;
    if (!signingSecret) throw new DomainError('not_found', 'CHAT_NOT_CONFIGURED', 'Chatops is off: the control plane has no CHAT_SIGNING_SECRET');
    if (!Buffer.isBuffer(request.rawBody)) {
      throw new DomainError('invalid', 'CHAT_FORM_REQUIRED', 'Send the slash command as application/x-www-form-urlencoded, as Slack does');
    }
    const problem = verifySlackRequest({ signingSecret, timestamp: request.timestamp, signature: request.signature, rawBody: request.rawBody });
    if (problem) throw new DomainError('unauthenticated', problem.code, problem.detail);
    await this.rememberSignature(request.signature ?? '');

    const form = new URLSearchParams(request.rawBody.toString('utf8'));
    // PostgreSQL cannot store a NUL, and every field reaches the audit trail.
    if ([...form].some(([name, value]) => name.includes('\0') || value.includes('\0'))) {
      throw new DomainError('invalid', 'CHAT_FORM_INVALID', 'Form fields must not contain a NUL character');
    }
    if (form.get('ssl_check')) return privateNote('ok');
    const teamId = form.get('team_id');
    const userId = form.get('user_id');
    if (!teamId || !userId) throw new DomainError('invalid', 'CHAT_FORM_INVALID', 'team_id and user_id are required');
    const identity = `chat:${teamId}/${userId}`;
    const role = this.config.chatUserRoles[`${teamId}/${userId}`] ?? this.config.chatUserRoles[`${teamId}/*`];
    const context: CommandContext = {
      principal: { id: identity, name: form.get('user_name') || identity, role: role ?? 'viewer', kind: 'chat' },
      teamId,
      userId,
      channelId: form.get('channel_id'),
      command: form.get('command') || '/galera',
      text: (form.get('text') ?? '').trim(),
      responseUrl: form.get('response_url'),
      requestId: request.requestId,
    };
    if (!role) {
      await this.record(context, 'chat.command', 'denied', { code: 'CHAT_USER_UNKNOWN' });
      return privateNote(
        `Sorry <@${escapeMrkdwn(userId)}>, you are not allowed to use this control plane. An admin can give \`${escapeMrkdwn(teamId)}/${escapeMrkdwn(userId)}\` a role (CHAT_USER_ROLES).`,
      );
    }

    const command = parseChatCommand(context.text);
    if (command.verb === 'help') return helpMessage(context.command);
    if (command.verb === 'invalid') return privateNote(`I did not understand that: ${command.problem}.`, [`Type \`${escapeMrkdwn(context.command)} help\` for the commands.`]);
    const needed = NEEDED_ROLE[command.verb];
    if (!roleAllows(role, needed)) {
      await this.record(context, `chat.${command.verb}`, 'denied', { code: 'FORBIDDEN', role });
      return privateNote(`Sorry, \`${command.verb}\` needs the ${needed} role; you have ${role}.`);
    }
    try {
      switch (command.verb) {
        case 'status':
          return await this.status(context, command.cluster);
        case 'scale':
          return await this.scale(context, command.cluster, { type: 'cluster.scale', replicas: command.replicas, force: command.force });
        case 'confirm':
          return await this.confirm(context, command.code);
        case 'recover':
          return await this.recover(context, command.cluster);
        case 'approve':
          return await this.approve(context, command.operationId);
      }
    } catch (error) {
      if (!(error instanceof DomainError)) {
        await this.record(context, `chat.${command.verb}`, 'failed', { code: 'INTERNAL' }).catch(() => undefined);
        throw error;
      }
      return privateNote(`:x: ${escapeMrkdwn(error.detail)} (${error.code})`);
    }
  }

  /** A request is handled once: its signature is remembered past the five-minute window. */
  private async rememberSignature(signature: string): Promise<void> {
    const rows = await queryRows(
      this.dataSource,
      `INSERT INTO chat_request_signatures (signature, expires_at) VALUES ($1, now() + interval '${SIGNATURE_MEMORY}') ON CONFLICT DO NOTHING RETURNING signature`,
      [signature],
    );
    if (rows.length === 0) throw new DomainError('unauthenticated', 'CHAT_REQUEST_REPLAYED', 'This request was already handled; a replay is refused');
  }

  private async status(context: CommandContext, ref: string): Promise<SlackMessage> {
    const cluster = await this.findCluster(context, 'chat.status', ref);
    const nodes = await this.clusters.nodes(cluster.id);
    await this.record(context, 'chat.status', 'succeeded', { target: { type: 'cluster', id: cluster.id } });
    return statusMessage(cluster, nodes);
  }

  private async scale(context: CommandContext, ref: string, change: ClusterChangeRequest): Promise<SlackMessage> {
    const action = `${change.type}.dry-run`;
    const cluster = await this.findCluster(context, action, ref);
    // The planning promise is created and awaited in one place: started before another await,
    // its rejection (e.g. a FAILED cluster) would have no handler meanwhile and end the process.
    const answerPlan = async (): Promise<SlackMessage> => {
      let plan: PlanView;
      try {
        const outcome = await this.changeCluster.execute(cluster.id, change, { principal: context.principal, requestId: context.requestId, dryRun: true });
        if (outcome.kind !== 'planned') throw new Error('a dry run started an operation');
        plan = outcome.plan;
      } catch (error) {
        await this.recordFailure(context, action, error, { type: 'cluster', id: cluster.id });
        throw error;
      }
      const code = await this.confirmations.issue({ principalId: context.principal.id, clusterId: cluster.id, change, generation: cluster.generation, ttlSeconds: this.config.chatConfirmTtlSeconds });
      await this.record(context, action, 'succeeded', { target: { type: 'cluster', id: cluster.id }, change });
      return planMessage(cluster.name, plan, context.command, code, this.config.chatConfirmTtlSeconds);
    };
    const responseUrl = context.responseUrl && (await this.replyTargetProblem(context.responseUrl)) === null ? context.responseUrl : null;
    if (!responseUrl) return answerPlan();
    const answer = answerPlan();
    const first = await Promise.race([
      answer.then(
        () => 'ready' as const,
        () => 'ready' as const,
      ),
      new Promise<'late'>((r) => setTimeout(() => r('late'), ANSWER_BUDGET_MS).unref()),
    ]);
    if (first === 'ready') return answer;
    // Slack stops waiting after 3 s: answer now, post the plan when it is ready.
    void answer
      .then(
        (message) => this.replies.postNow(responseUrl, message),
        (error: unknown) => this.replies.postNow(responseUrl, privateNote(`:x: ${escapeMrkdwn(error instanceof DomainError ? `${error.detail} (${error.code})` : 'planning failed')}`)),
      )
      .catch((error: unknown) => this.logger.warn({ msg: 'could not post a late plan', err: String(error) }));
    return privateNote(`Planning ${change.type} of *${escapeMrkdwn(cluster.name)}*… the plan and its confirmation code follow here.`);
  }

  private async confirm(context: CommandContext, code: string): Promise<SlackMessage> {
    const confirmed = await this.confirmations.consume(code, context.principal.id);
    if (!confirmed) {
      await this.record(context, 'chat.confirm', 'failed', { code: 'CHAT_CONFIRMATION_INVALID' });
      return privateNote(`Code \`${escapeMrkdwn(code)}\` is unknown, expired or already used (a code works once, only for the person it was shown to). Ask for the plan again.`);
    }
    const target = { type: 'cluster', id: confirmed.clusterId };
    const replies = await this.replyPlan(context, () => ['outcome']);
    let operation: OperationEntity;
    try {
      // If-Match on the generation the plan was made on: a spec that moved since refuses the change.
      const outcome = await this.changeCluster.execute(confirmed.clusterId, confirmed.change, {
        principal: context.principal,
        requestId: context.requestId,
        ifMatch: `"${confirmed.generation}"`,
        withOperation: replies.register,
      });
      if (outcome.kind !== 'started') throw new Error('a confirmed change did not start');
      operation = outcome.operation;
    } catch (error) {
      await this.recordFailure(context, confirmed.change.type, error, target);
      if (error instanceof DomainError && error.code === 'PRECONDITION_FAILED') {
        return privateNote('The cluster changed since you saw the plan, so this code no longer applies. Ask for the plan again.');
      }
      throw error;
    }
    const cluster = await this.clusters.get(confirmed.clusterId);
    const note = replies.note(operation);
    await this.record(context, confirmed.change.type, 'succeeded', { target, operationId: operation.id, change: confirmed.change });
    const what =
      confirmed.change.type === 'cluster.scale' ? `scaling *${escapeMrkdwn(cluster.name)}* to ${confirmed.change.replicas} members` : `${confirmed.change.type} of *${escapeMrkdwn(cluster.name)}*`;
    return startedMessage(`<@${escapeMrkdwn(context.userId)}> started ${what}.`, operation, [note]);
  }

  private async recover(context: CommandContext, ref: string): Promise<SlackMessage> {
    const cluster = await this.findCluster(context, 'cluster.recover', ref);
    const target = { type: 'cluster', id: cluster.id };
    const replies = await this.replyPlan(context, (op) => (op.approvalRequired ? ['approval', 'outcome'] : ['outcome']));
    let operation: OperationEntity;
    try {
      const outcome = await this.changeCluster.execute(
        cluster.id,
        { type: 'cluster.recover', approve: false },
        { principal: context.principal, requestId: context.requestId, withOperation: replies.register },
      );
      if (outcome.kind !== 'started') throw new Error('a recovery did not start');
      operation = outcome.operation;
    } catch (error) {
      await this.recordFailure(context, 'cluster.recover', error, target);
      throw error;
    }
    const note = replies.note(operation);
    await this.record(context, 'cluster.recover', 'succeeded', { target, operationId: operation.id });
    const next = operation.approvalRequired
      ? `It collects recovery evidence from every member and chooses the bootstrap node, then waits for approval: the evidence and the plan follow here. Approve with \`${escapeMrkdwn(context.command)} approve ${operation.id}\`.`
      : 'The cluster policy allows automatic recovery: it runs without waiting for approval.';
    return startedMessage(`<@${escapeMrkdwn(context.userId)}> started a full-crash recovery of *${escapeMrkdwn(cluster.name)}*.`, operation, [next, note]);
  }

  private async approve(context: CommandContext, operationId: string): Promise<SlackMessage> {
    const target = { type: 'operation', id: operationId };
    const replies = await this.replyPlan(context, () => ['outcome']);
    let operation: OperationEntity;
    try {
      operation = await this.operations.approve(operationId, context.principal, { withOperation: replies.register });
    } catch (error) {
      await this.recordFailure(context, 'operation.approve', error, target);
      throw error;
    }
    const note = replies.note(operation);
    await this.record(context, 'operation.approve', 'succeeded', { target, clusterId: operation.clusterId });
    return startedMessage(`<@${escapeMrkdwn(context.userId)}> approved ${operation.type}; it resumes.`, operation, [note]);
  }

  /** A live cluster by id or name; a miss is audited and answered. */
  private async findCluster(context: CommandContext, action: string, ref: string): Promise<ClusterEntity> {
    const cluster = await this.clusters.findByRef(ref);
    if (cluster) return cluster;
    await this.record(context, action, 'failed', { code: 'CLUSTER_NOT_FOUND', cluster: ref });
    throw new DomainError('not_found', 'CLUSTER_NOT_FOUND', `There is no cluster named ${ref}`);
  }

  /**
   * The replies a command's operation will post, checked before anything starts: `register`
   * writes them in the operation's own transaction (a crash cannot leave an operation whose
   * outcome nobody posts), `note` tells the user what to expect.
   */
  private async replyPlan(context: CommandContext, stagesOf: (operation: OperationEntity) => ReplyStage[]): Promise<ReplyPlan> {
    const responseUrl = context.responseUrl;
    if (!responseUrl) return { note: () => 'This request has no response URL, so the outcome will not be posted here.' };
    const problem = await this.replyTargetProblem(responseUrl);
    if (problem) return { note: () => `I cannot post the outcome to this response URL (${escapeMrkdwn(problem)}).` };
    return {
      register: (manager, operation) =>
        this.replies.expect({ operationId: operation.id, principalId: context.principal.id, command: context.command, responseUrl, stages: stagesOf(operation) }, manager),
      note: (operation) => (stagesOf(operation).includes('approval') ? '' : 'The outcome follows here when it ends.'),
    };
  }

  private async replyTargetProblem(url: string): Promise<string | null> {
    try {
      await this.targets.policy.check(url);
      return null;
    } catch (error) {
      if (error instanceof TargetRefusedError) return error.reason;
      throw error;
    }
  }

  private async recordFailure(context: CommandContext, action: string, error: unknown, target: { type: string; id: string }): Promise<void> {
    const denied = error instanceof DomainError && (error.kind === 'forbidden' || error.kind === 'unauthenticated');
    await this.record(context, action, denied ? 'denied' : 'failed', { target, code: error instanceof DomainError ? error.code : 'INTERNAL' });
  }

  /** One audit record with the chat identity and the command as typed. */
  private async record(context: CommandContext, action: string, outcome: Outcome, extra: { target?: { type: string; id: string } } & Record<string, unknown>): Promise<void> {
    const { target, ...detail } = extra;
    await this.audit.record({
      actor: { id: context.principal.id, name: context.principal.name },
      action,
      target,
      outcome,
      statusCode: 200,
      requestId: context.requestId,
      detail: { via: 'slack', command: `${context.command} ${context.text}`.trim(), teamId: context.teamId, userId: context.userId, channelId: context.channelId, ...detail },
    });
  }
}
