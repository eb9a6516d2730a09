import type { PlanView } from '@galera-cp/clusters';
import type { NodeEntity, OperationEntity } from '@galera-cp/database';
import { CHAT_USAGE } from './chat-command';

/** A mrkdwn block of a Slack message. */
export type SlackBlock = { type: 'section'; text: { type: 'mrkdwn'; text: string } } | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

/** A Slack message: the immediate answer of a slash command, or a post to its response URL. */
export interface SlackMessage {
  response_type: 'ephemeral' | 'in_channel';
  text: string;
  blocks?: SlackBlock[];
  replace_original?: boolean;
}

/** Slack's mrkdwn needs &, < and > escaped in anything that came from elsewhere. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack refuses section texts over 3,000 characters. */
function clip(text: string, max = 2_900): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text) } };
}

function message(responseType: SlackMessage['response_type'], text: string, more: string[] = []): SlackMessage {
  return { response_type: responseType, text, blocks: [section(text), ...more.filter(Boolean).map(section)] };
}

/** An answer only the asking user sees. */
export function privateNote(text: string, more: string[] = []): SlackMessage {
  return message('ephemeral', text, more);
}

export function helpMessage(command: string): SlackMessage {
  return privateNote(`Commands of \`${escapeMrkdwn(command)}\`:`, [CHAT_USAGE.map((line) => `• ${line}`).join('\n')]);
}

/** A cluster's state, conditions and members. */
export function statusMessage(cluster: { name: string; id: string; state: string; status: Record<string, unknown> }, nodes: NodeEntity[]): SlackMessage {
  const status = cluster.status as {
    conditions?: { type: string; status: string; reason: string; message: string }[];
    size?: { desired: number; healthy: number };
    activeOperationId?: string | null;
    message?: string;
  };
  const size = status.size ? ` (${status.size.healthy}/${status.size.desired} members healthy)` : '';
  const conditions = (status.conditions ?? []).map((c) => `• ${c.type}=${c.status} (${escapeMrkdwn(c.reason)}): ${escapeMrkdwn(c.message)}`).join('\n');
  const members = nodes
    .map((n) => `• ${n.healthy ? ':large_green_circle:' : ':red_circle:'} \`${escapeMrkdwn(n.name)}\` ${escapeMrkdwn(n.address)} ${escapeMrkdwn(n.wsrepState)} (${n.role})`)
    .join('\n');
  return privateNote(`*${escapeMrkdwn(cluster.name)}* (\`${cluster.id}\`) is *${cluster.state}*${size}`, [
    conditions ? `*Conditions*\n${conditions}` : '',
    members ? `*Members*\n${members}` : '*Members*: none yet',
    status.activeOperationId ? `Active operation: \`${status.activeOperationId}\`` : '',
  ]);
}

function planLines(plan: { summary: string; steps: { title: string }[]; details: Record<string, unknown> }): string[] {
  const steps = plan.steps.map((s, i) => `${i + 1}. ${escapeMrkdwn(s.title)}`).join('\n');
  const warnings = ((plan.details.warnings as string[] | undefined) ?? []).map((w) => `:warning: ${escapeMrkdwn(w)}`).join('\n');
  const evidence = (plan.details.evidence as { node: string; reachable: boolean; seqno: number | null; safeToBootstrap: boolean | null; eligible: boolean; reason: string }[] | undefined) ?? [];
  const evidenceText = evidence
    .map(
      (e) =>
        `• \`${escapeMrkdwn(e.node)}\`: ${e.reachable ? `seqno ${e.seqno ?? 'unknown'}${e.safeToBootstrap ? ', safe_to_bootstrap' : ''}` : 'unreachable'}${e.eligible ? '' : ` (not eligible: ${escapeMrkdwn(e.reason)})`}`,
    )
    .join('\n');
  const bootstrap = typeof plan.details.bootstrapNode === 'string' ? `Bootstrap node: \`${escapeMrkdwn(plan.details.bootstrapNode)}\`` : '';
  return [`*Plan*: ${escapeMrkdwn(plan.summary)}\n${steps}`, evidenceText ? `*Evidence*\n${evidenceText}` : '', bootstrap, warnings];
}

/** The plan of a change, with the code that starts it. */
export function planMessage(clusterName: string, plan: PlanView, command: string, code: string, ttlSeconds: number): SlackMessage {
  return privateNote(`Plan for ${plan.operationType} of *${escapeMrkdwn(clusterName)}*. Nothing has changed yet.`, [
    ...planLines(plan),
    `To start it, type \`${escapeMrkdwn(command)} confirm ${code}\` within ${Math.round(ttlSeconds / 60)} minutes. The code works only for you, for this exact change.`,
  ]);
}

/** An operation started from the chat (visible to the channel). */
export function startedMessage(text: string, operation: OperationEntity, more: string[] = []): SlackMessage {
  return message('in_channel', `${text} Operation \`${operation.id}\`.`, more);
}

/** The plan and evidence of an operation that waits for approval (posted to the response URL). */
export function approvalMessage(operation: OperationEntity, steps: { title: string }[], clusterName: string, command: string): SlackMessage {
  const stored = (operation.plan ?? {}) as { summary?: string; details?: Record<string, unknown> };
  const plan = { summary: stored.summary ?? operation.type, steps, details: stored.details ?? {} };
  const head = `${operation.type} of *${escapeMrkdwn(clusterName)}* (\`${operation.id}\`) waits for approval.`;
  const approved = operation.approvedAt ? `Already approved by ${escapeMrkdwn(operation.approvedBy ?? 'someone')}.` : `Approve with \`${escapeMrkdwn(command)} approve ${operation.id}\`.`;
  return { ...message('in_channel', head, [...planLines(plan), approved]), replace_original: false };
}

const STATE_ICON: Record<string, string> = { SUCCEEDED: ':white_check_mark:', FAILED: ':x:', CANCELLED: ':no_entry_sign:' };

/** What a finished operation's result says, in one line (scale: from and to; recovery: bootstrap node). */
function resultLine(operation: OperationEntity): string {
  const result = (operation.result ?? {}) as Record<string, unknown>;
  if (operation.type === 'cluster.scale' && typeof result.toReplicas === 'number') {
    const added = (result.addedNodes as string[] | undefined) ?? [];
    const removed = (result.removedNodes as string[] | undefined) ?? [];
    return `${String(result.fromReplicas)} → ${result.toReplicas} members${added.length ? `; added ${added.join(', ')}` : ''}${removed.length ? `; removed ${removed.join(', ')}` : ''}.`;
  }
  if (operation.type === 'cluster.recover' && typeof result.bootstrapNode === 'string') return `Bootstrapped from ${result.bootstrapNode}.`;
  return '';
}

/** The outcome of an operation (posted to the response URL when it ends), with its result. */
export function outcomeMessage(operation: OperationEntity, clusterName: string): SlackMessage {
  const error = operation.error as { code?: string; detail?: string } | null;
  const head = `${STATE_ICON[operation.state] ?? ''} ${operation.type} of *${escapeMrkdwn(clusterName)}* ${operation.state} (\`${operation.id}\`).`.trim();
  const line = operation.state === 'SUCCEEDED' ? resultLine(operation) : error ? `${escapeMrkdwn(error.code ?? 'ERROR')}: ${escapeMrkdwn(error.detail ?? '')}` : '';
  const result = operation.result ? `*Result*\n\`\`\`${escapeMrkdwn(clip(JSON.stringify(operation.result, null, 1), 2_500))}\`\`\`` : '';
  return { ...message('in_channel', line ? `${head} ${line}` : head, [result]), replace_original: false };
}
