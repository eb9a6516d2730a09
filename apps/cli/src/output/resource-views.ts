import type { Cluster, Credential, Node, Operation, OperationStep, Plan } from '@galera-cp/sdk';
import type { components } from '@galera-cp/sdk';
import { formatAge, formatDuration, Paint, paintState, renderFields, renderTable } from './table';

type Token = components['schemas']['Token'];
type OperationLog = components['schemas']['OperationLog'];
type Event = components['schemas']['Event'];
type Webhook = components['schemas']['Webhook'];
type WebhookDelivery = components['schemas']['WebhookDelivery'];
type AuditRecord = components['schemas']['AuditRecord'];

/** Everything a view needs besides the data: the clock (for ages) and the colours. */
export interface ViewContext {
  now: number;
  paint: Paint;
  /** Cluster names by id, for rows that name a cluster (a cluster not in it shows its id). */
  clusterNames?: ReadonlyMap<string, string>;
}

/** A cluster as a row shows it: its name when known, else its id; `-` for none. */
function clusterLabel(id: string | null | undefined, view: ViewContext): string {
  if (!id) return '-';
  return view.clusterNames?.get(id) ?? id;
}

/**
 * Steps are numbered from 1 everywhere galeractl shows them: `[2/5]` in the progress text, `#` in
 * tables, `[step 2]` in log lines. The API numbers them from 0 (`index`, `stepIndex`), so the
 * JSON galeractl writes carries the same number beside the API's fields: `number` on each step
 * (of an operation or a plan) and `stepNumber` on each log line.
 */
export function stepNumber(index: number): number {
  return index + 1;
}

/** An operation as --json writes it: the API's document, each step with its `number`. */
export function operationJson(operation: Operation): Operation & { steps: (OperationStep & { number: number })[] } {
  return { ...operation, steps: operation.steps.map((step) => ({ ...step, number: stepNumber(step.index) })) };
}

/** A plan as --json writes it: the API's document, each step with its `number`. */
export function planJson(plan: Plan): Omit<Plan, 'steps'> & { steps: Record<string, unknown>[] } {
  return { ...plan, steps: (plan.steps as Record<string, unknown>[]).map((step, index) => ({ ...step, number: stepNumber(index) })) };
}

/** A log line as --json writes it: the API's, with `stepNumber` (null when the line is no step's). */
export function logJson(line: OperationLog): OperationLog & { stepNumber: number | null } {
  return { ...line, stepNumber: line.stepIndex === null ? null : stepNumber(line.stepIndex) };
}

/** The step an operation's error names (by key), as people read it: `step 2 (restart:orders-0)`. */
export function failedStepLabel(operation: Operation): string | undefined {
  const key = operation.error?.step;
  if (!key) return undefined;
  const step = operation.steps.find((s) => s.key === key);
  return step ? `step ${stepNumber(step.index)} (${key})` : `step ${key}`;
}

function size(cluster: Cluster): string {
  const { desired, healthy } = cluster.status.size;
  return `${healthy}/${desired}`;
}

/** `clusters list`: one row per cluster. */
export function clusterTable(clusters: Cluster[], view: ViewContext): string {
  return renderTable(
    [
      { header: 'name', value: (c) => c.name },
      { header: 'id', value: (c) => c.id },
      { header: 'backend', value: (c) => c.spec.backend },
      { header: 'state', value: (c) => paintState(view.paint, c.status.state) },
      { header: 'healthy', value: size, align: 'right' },
      { header: 'operation', value: (c) => c.status.activeOperationId ?? '-' },
      { header: 'age', value: (c) => formatAge(c.createdAt, view.now), align: 'right' },
    ],
    clusters,
  );
}

/** `clusters get`: the cluster's fields and conditions. */
export function clusterDetail(cluster: Cluster, view: ViewContext): string {
  const { spec, status } = cluster;
  const target = spec.backend === 'ssh' ? `${spec.ssh?.hosts.length ?? 0} hosts (${spec.ssh?.hosts.map((h) => h.address).join(', ') ?? ''})` : `namespace ${spec.kubernetes?.namespace ?? 'default'}`;
  const labels = Object.entries(cluster.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  let text = renderFields([
    ['Name', cluster.name],
    ['Id', cluster.id],
    ['Backend', `${spec.backend}: ${target}`],
    ['Engine', `${spec.engine.flavor} ${spec.engine.version}`],
    ['State', `${paintState(view.paint, status.state)}${status.message ? `  ${view.paint.dim(status.message)}` : ''}`],
    ['Members', `${status.size.healthy} healthy of ${status.size.desired} desired (observed cluster size ${status.size.observed ?? '-'})`],
    ['Generation', `${cluster.generation} (observed ${status.observedGeneration})`],
    ['Operation', status.activeOperationId ?? undefined],
    ['Labels', labels || undefined],
    ['Policy', `autoRecovery=${spec.policy.autoRecovery} deletionProtection=${spec.policy.deletionProtection}`],
    ['Last observed', status.lastObservedAt ? `${formatAge(status.lastObservedAt, view.now)} ago` : 'never'],
    ['Created', `${cluster.createdAt} (${formatAge(cluster.createdAt, view.now)} ago)`],
  ]);
  if (status.conditions.length > 0) {
    text += '\nConditions:\n';
    text += indent(
      renderTable(
        [
          { header: 'type', value: (c) => c.type },
          { header: 'status', value: (c) => paintState(view.paint, c.status) },
          { header: 'reason', value: (c) => c.reason },
          { header: 'message', value: (c) => c.message },
        ],
        status.conditions,
      ),
    );
  }
  return text;
}

/** `clusters nodes`: one row per member, with its wsrep state. */
export function nodeTable(nodes: Node[], view: ViewContext): string {
  return renderTable(
    [
      { header: 'name', value: (n) => n.name },
      { header: 'address', value: (n) => n.address },
      { header: 'role', value: (n) => n.role },
      { header: 'phase', value: (n) => n.phase },
      { header: 'wsrep', value: (n) => paintState(view.paint, n.wsrepState) },
      { header: 'healthy', value: (n) => (n.healthy ? view.paint.green('yes') : view.paint.red('no')) },
      { header: 'seqno', value: (n) => (n.seqno === null ? '-' : String(n.seqno)), align: 'right' },
      { header: 'last seen', value: (n) => (n.lastSeenAt ? `${formatAge(n.lastSeenAt, view.now)} ago` : 'never') },
    ],
    nodes,
  );
}

/** `operations list`: one row per operation. */
export function operationTable(operations: Operation[], view: ViewContext): string {
  return renderTable(
    [
      { header: 'id', value: (o) => o.id },
      { header: 'type', value: (o) => o.type },
      { header: 'state', value: (o) => paintState(view.paint, o.state) },
      { header: 'progress', value: (o) => `${o.progress}%`, align: 'right' },
      { header: 'cluster', value: (o) => clusterLabel(o.clusterId, view) },
      { header: 'age', value: (o) => formatAge(o.createdAt, view.now), align: 'right' },
      { header: 'duration', value: (o) => durationOf(o, view.now), align: 'right' },
    ],
    operations,
  );
}

/** How long an operation ran (or has been running). */
export function durationOf(operation: Operation, now: number): string {
  if (!operation.startedAt) return '-';
  const end = operation.finishedAt ? Date.parse(operation.finishedAt) : now;
  return formatDuration(end - Date.parse(operation.startedAt));
}

/** The marker of a step state: done, failed, running, waiting, to do. */
export function stepMarker(state: OperationStep['state'], paint: Paint): string {
  switch (state) {
    case 'SUCCEEDED':
      return paint.green('✓');
    case 'FAILED':
      return paint.red('✗');
    case 'CANCELLED':
      return paint.red('-');
    case 'SKIPPED':
      return paint.dim('~');
    case 'RUNNING':
      return paint.cyan('▸');
    case 'WAITING':
      return paint.yellow('…');
    default:
      return paint.dim('·');
  }
}

/** `operations get`: fields, the step list, the result or error. */
export function operationDetail(operation: Operation, view: ViewContext): string {
  let text = renderFields([
    ['Id', operation.id],
    ['Type', operation.type],
    ['State', paintState(view.paint, operation.state)],
    ['Progress', `${operation.progress}%`],
    ['Cluster', operation.clusterId ? (view.clusterNames?.get(operation.clusterId) ? `${view.clusterNames.get(operation.clusterId)} (${operation.clusterId})` : operation.clusterId) : undefined],
    ['Plan', operation.plan?.summary],
    ['Approval', operation.approval.state === 'NOT_REQUIRED' ? undefined : `${operation.approval.state}${operation.approval.approvedBy ? ` by ${operation.approval.approvedBy}` : ''}`],
    ['Requested by', operation.requestedBy],
    ['Created', operation.createdAt],
    ['Duration', durationOf(operation, view.now)],
    ['Error', operation.error ? `${operation.error.code}: ${operation.error.detail}${operation.error.step ? ` (${failedStepLabel(operation)})` : ''}` : undefined],
  ]);
  if (operation.steps.length > 0) {
    text += '\nSteps:\n';
    text += indent(
      renderTable(
        [
          { header: '', value: (s) => stepMarker(s.state, view.paint) },
          { header: '#', value: (s) => String(stepNumber(s.index)), align: 'right' },
          { header: 'step', value: (s) => s.title },
          { header: 'state', value: (s) => paintState(view.paint, s.state) },
          { header: 'attempts', value: (s) => `${s.attempts}/${s.maxAttempts}`, align: 'right' },
          { header: 'error', value: (s) => (s.error ? `${s.error.code}: ${s.error.detail}` : '') },
        ],
        operation.steps,
      ),
    );
  }
  const result = resultSummary(operation);
  if (result) text += `\nResult: ${result}\n`;
  if (operation.approval.state === 'PENDING') text += `\nWaiting for approval: galeractl operations approve ${operation.id}\n`;
  return text;
}

/** One line on what a SUCCEEDED operation produced, from its typed result. */
export function resultSummary(operation: Operation): string | undefined {
  const result = operation.result;
  if (!result) return undefined;
  switch (result.type) {
    case 'cluster.create':
      return `${result.members.length} members${result.bootstrapNode ? `, bootstrapped from ${result.bootstrapNode}` : ''}`;
    case 'cluster.scale':
      return `${result.fromReplicas} -> ${result.toReplicas} members${result.addedNodes.length ? `, added ${result.addedNodes.join(', ')}` : ''}${result.removedNodes.length ? `, removed ${result.removedNodes.join(', ')}` : ''}`;
    default: {
      const members = 'members' in result && Array.isArray(result.members) ? `${result.members.length} members` : undefined;
      return members ?? result.type;
    }
  }
}

/** A dry run's plan: steps, warnings, quorum before and after, the bootstrap node. */
export function planView(plan: Plan, view: ViewContext): string {
  let text = `${view.paint.bold('Dry run')} of ${plan.operationType}: ${plan.summary} (nothing was changed)\n`;
  if (plan.requiresApproval) text += `${view.paint.yellow('Requires approval')} before it runs.\n`;
  const steps = plan.steps as { key?: string; title?: string; node?: string | null }[];
  if (steps.length > 0) {
    text += '\nSteps:\n';
    text += indent(
      renderTable(
        [
          { header: '#', value: (s: { index: number }) => String(stepNumber(s.index)), align: 'right' },
          { header: 'step', value: (s) => s.title ?? s.key ?? '' },
          { header: 'node', value: (s) => s.node ?? '-' },
        ],
        steps.map((s, index) => ({ ...s, index })),
      ),
    );
  }
  const warnings = Array.isArray(plan.details.warnings) ? (plan.details.warnings as unknown[]) : [];
  for (const warning of warnings) text += `${view.paint.yellow('warning:')} ${typeof warning === 'string' ? warning : JSON.stringify(warning)}\n`;
  const quorum = plan.details.quorum as { before?: number; after?: number; quorumBefore?: number; quorumAfter?: number } | undefined;
  if (quorum && typeof quorum === 'object') text += `Quorum: ${quorum.before} members (quorum ${quorum.quorumBefore}) -> ${quorum.after} members (quorum ${quorum.quorumAfter})\n`;
  if (typeof plan.details.bootstrapNode === 'string') text += `Bootstrap node: ${plan.details.bootstrapNode}\n`;
  return text;
}

/** `credentials list`: metadata only. */
export function credentialTable(credentials: Credential[], view: ViewContext): string {
  return renderTable(
    [
      { header: 'name', value: (c) => c.name },
      { header: 'id', value: (c) => c.id },
      { header: 'kind', value: (c) => c.kind },
      { header: 'created by', value: (c) => c.createdBy },
      { header: 'age', value: (c) => formatAge(c.createdAt, view.now), align: 'right' },
    ],
    credentials,
  );
}

/** `credentials get`: metadata (never a secret). */
export function credentialDetail(credential: Credential, view: ViewContext): string {
  return renderFields([
    ['Name', credential.name],
    ['Id', credential.id],
    ['Kind', credential.kind],
    ...Object.entries(credential.metadata).map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
    ['Created by', credential.createdBy],
    ['Created', `${credential.createdAt} (${formatAge(credential.createdAt, view.now)} ago)`],
  ]);
}

/** `tokens list`/`get`: never a secret. */
export function tokenTable(tokens: Token[], view: ViewContext): string {
  return renderTable(
    [
      { header: 'name', value: (t) => t.name },
      { header: 'id', value: (t) => t.id },
      { header: 'role', value: (t) => t.role },
      { header: 'prefix', value: (t) => t.prefix },
      { header: 'state', value: (t) => (t.revokedAt ? view.paint.red('revoked') : t.expiresAt && Date.parse(t.expiresAt) <= view.now ? view.paint.red('expired') : 'active') },
      { header: 'last used', value: (t) => (t.lastUsedAt ? `${formatAge(t.lastUsedAt, view.now)} ago` : 'never') },
      { header: 'age', value: (t) => formatAge(t.createdAt, view.now), align: 'right' },
    ],
    tokens,
  );
}

/** A log line for people: `2025-01-02T03:04:05.678Z  info   [step 2]  message`. */
export function logLine(line: OperationLog, paint: Paint): string {
  const level = line.level === 'error' ? paint.red(line.level.padEnd(5)) : line.level === 'warn' ? paint.yellow(line.level.padEnd(5)) : paint.dim(line.level.padEnd(5));
  const step = line.stepIndex === null ? '' : `[step ${stepNumber(line.stepIndex)}] `;
  return `${paint.dim(line.at)}  ${level}  ${step}${line.message}`;
}

/** The gist of an event's data for a table: its message or summary, else its fields as k=v. */
function eventSummary(event: Event): string {
  // Every event type has its own payload; the table shows any of them the same way.
  const data: Record<string, unknown> = { ...(event.data ?? {}) };
  for (const key of ['message', 'summary', 'detail']) if (typeof data[key] === 'string') return data[key] as string;
  return Object.entries(data)
    .filter(([, value]) => value !== null && typeof value !== 'object')
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
}

/** `events list`: one row per event, oldest first. */
export function eventTable(events: Event[], view: ViewContext): string {
  return renderTable(
    [
      { header: 'id', value: (e) => String(e.id), align: 'right' },
      { header: 'at', value: (e) => e.at },
      { header: 'type', value: (e) => e.type },
      { header: 'cluster', value: (e) => clusterLabel(e.clusterId, view) },
      { header: 'operation', value: (e) => e.operationId ?? '-' },
      { header: 'data', value: eventSummary },
    ],
    events,
  );
}

/** `events stream`: one line per event as it happens. */
export function eventLine(event: Event, view: ViewContext): string {
  const cluster = event.clusterId ? ` ${clusterLabel(event.clusterId, view)}` : '';
  const operation = event.operationId ? ` ${event.operationId}` : '';
  const summary = eventSummary(event);
  return `${view.paint.dim(event.at)}  ${view.paint.bold(event.type)}${cluster}${operation}${summary ? `  ${summary}` : ''}`;
}

/** `webhooks list`: one row per webhook (never its secret). */
export function webhookTable(webhooks: Webhook[], view: ViewContext): string {
  return renderTable(
    [
      { header: 'id', value: (w) => w.id },
      { header: 'url', value: (w) => w.url },
      { header: 'events', value: (w) => w.events.join(',') },
      { header: 'cluster', value: (w) => clusterLabel(w.clusterId, view) },
      { header: 'enabled', value: (w) => (w.enabled ? 'yes' : view.paint.yellow('no')) },
      { header: 'age', value: (w) => formatAge(w.createdAt, view.now), align: 'right' },
    ],
    webhooks,
  );
}

/** `webhooks get`: its fields (never its secret). */
export function webhookDetail(webhook: Webhook, view: ViewContext): string {
  return renderFields([
    ['Id', webhook.id],
    ['URL', webhook.url],
    ['Events', webhook.events.join(', ')],
    ['Cluster', webhook.clusterId ? clusterLabel(webhook.clusterId, view) : 'every cluster'],
    ['Description', webhook.description ?? undefined],
    ['Enabled', webhook.enabled ? 'yes' : 'no'],
    ['Created by', webhook.createdBy],
    ['Created', `${webhook.createdAt} (${formatAge(webhook.createdAt, view.now)} ago)`],
  ]);
}

/** `webhooks deliveries`: one row per delivery attempt series. */
export function deliveryTable(deliveries: WebhookDelivery[], view: ViewContext): string {
  return renderTable(
    [
      { header: 'id', value: (d) => d.id },
      { header: 'event', value: (d) => d.eventType },
      { header: 'state', value: (d) => paintState(view.paint, d.state) },
      { header: 'attempts', value: (d) => `${d.attempts}/${d.maxAttempts}`, align: 'right' },
      { header: 'status', value: (d) => (d.lastStatusCode === null ? '-' : String(d.lastStatusCode)), align: 'right' },
      { header: 'error', value: (d) => d.lastError ?? '' },
      { header: 'age', value: (d) => formatAge(d.createdAt, view.now), align: 'right' },
    ],
    deliveries,
  );
}

/** `audit list`: who did what to which target, and how it ended. */
export function auditTable(records: AuditRecord[], view: ViewContext): string {
  return renderTable(
    [
      { header: 'at', value: (r) => r.at },
      { header: 'actor', value: (r) => r.actorName ?? r.actor },
      { header: 'action', value: (r) => r.action },
      { header: 'target', value: (r) => (r.targetId ? clusterLabel(r.targetId, view) : '-') },
      { header: 'outcome', value: (r) => (r.outcome === 'succeeded' ? r.outcome : view.paint.red(r.outcome)) },
      { header: 'status', value: (r) => (r.statusCode === null ? '-' : String(r.statusCode)), align: 'right' },
      { header: 'request', value: (r) => r.requestId ?? '-' },
    ],
    records,
  );
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
