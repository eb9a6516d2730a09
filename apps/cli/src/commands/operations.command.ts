import { Operation, OperationState, OperationType, paginate, unwrap } from '@galera-cp/sdk';
import type { components } from '@galera-cp/sdk';
import { Command } from 'commander';
import { EXIT } from '../exit-codes';
import { followOperationEvents, TERMINAL_EVENTS } from '../operations/operation-event-stream';
import { exitCodeOfOperation, reportStarted, waitWithProgress } from '../operations/operation-waiter';
import { outcomeLine } from '../output/progress-renderer';
import { logJson, logLine, operationDetail, operationJson, operationTable } from '../output/resource-views';
import { ClusterNames, resolveClusterId } from '../resource-resolver';
import { addMutationOptions, addWaitOptions, choiceOption, collect, durationArgument, idempotencyHeader, integerArgument, MutationOptions, SessionOf, waitTimeoutOf } from './command-support';

type OperationLog = components['schemas']['OperationLog'];

const OPERATION_TYPES: readonly OperationType[] = [
  'cluster.create',
  'cluster.scale',
  'node.add',
  'node.remove',
  'cluster.restart',
  'cluster.stop',
  'cluster.start',
  'cluster.recover',
  'cluster.reconfigure',
  'cluster.delete',
];
const OPERATION_STATES: readonly OperationState[] = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLING', 'CANCELLED'];

/** Events that `logs --follow` shows besides the log lines (which already tell each step's start and end). */
const EVENT_NOTES: Record<string, (id: string) => string> = {
  'operation.awaiting_approval': (id) => `waiting for approval: galeractl operations approve ${id}`,
  'operation.approved': () => 'approved',
  'operation.cancel_requested': () => 'cancel requested',
  'operation.resumed': () => 'resumed by another worker',
};

/** `galeractl operations …`: list, inspect, wait for, read the logs of, cancel and approve operations. */
export function operationsCommand(sessionOf: SessionOf): Command {
  const operations = new Command('operations').description('operations (long-running changes): list, get, wait, logs, cancel, approve, retry');

  operations
    .command('list')
    .description('list operations, newest first')
    .option('--cluster <cluster>', 'only the operations of this cluster (id or name)')
    .addOption(choiceOption('--type <type>', 'only operations of this type', OPERATION_TYPES))
    .addOption(choiceOption('--state <state>', 'only operations in this state', OPERATION_STATES))
    .option('--limit <n>', 'show at most this many (0: all)', integerArgument(0, 1_000_000), 50)
    .action(async (options: { cluster?: string; type?: OperationType; state?: OperationState; limit: number }, command: Command) => {
      const session = sessionOf(command);
      const { client } = session;
      const clusterId = options.cluster ? await resolveClusterId(client, options.cluster) : undefined;
      const pageSize = options.limit > 0 ? Math.min(200, options.limit) : 200;
      const items = await collect(
        paginate((pageToken) => unwrap(client.GET('/v1/operations', { params: { query: { pageToken, pageSize, clusterId, type: options.type, state: options.state } } }))),
        options.limit,
      );
      if (session.json) return session.printJson(items.map(operationJson));
      const clusterNames = await new ClusterNames(client).of(items.map((o) => o.clusterId));
      session.print(operationTable(items, { ...session.view, clusterNames }) || 'No operations.\n');
    });

  operations
    .command('get')
    .description('show an operation: state, steps, result or error')
    .argument('<operation>', 'operation id (op_…)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const session = sessionOf(command);
      const operation = await unwrap(session.client.GET('/v1/operations/{id}', { params: { path: { id } } }));
      if (session.json) return session.printJson(operationJson(operation));
      const clusterNames = await new ClusterNames(session.client).of([operation.clusterId]);
      session.print(operationDetail(operation, { ...session.view, clusterNames }));
    });

  operations
    .command('wait')
    .description('wait until an operation ends, with a live progress display; exit 0 if it SUCCEEDED, 1 if it FAILED or was CANCELLED')
    .argument('<operation>', 'operation id (op_…)')
    .option('--timeout <duration>', 'give up waiting after this long (exit 6; the operation goes on), e.g. 90s, 15m, 1h (default: 30m)', durationArgument('--timeout'))
    .action(async (id: string, options: { timeout?: number }, command: Command) => {
      const session = sessionOf(command);
      const done = await waitWithProgress(session, id, waitTimeoutOf(options));
      if (session.json) session.printJson(operationJson(done));
      session.exitCode = exitCodeOfOperation(done);
    });

  operations
    .command('logs')
    .description('print the log lines of an operation; --follow streams them until it ends')
    .argument('<operation>', 'operation id (op_…)')
    .option('-f, --follow', 'stream new lines (and step events) until the operation ends, resuming after a dropped connection; exit 0 if it SUCCEEDED, 1 otherwise')
    .action(async (id: string, options: { follow?: boolean }, command: Command) => {
      const session = sessionOf(command);
      const { client } = session;
      if (!options.follow) {
        const lines = await collect(paginate((pageToken) => unwrap(client.GET('/v1/operations/{id}/logs', { params: { path: { id }, query: { pageToken, pageSize: 200 } } }))));
        session.output(lines.map(logJson), () => lines.map((line) => logLine(line, session.paint)).join('\n') + (lines.length ? '\n' : ''));
        return;
      }
      // --follow --json writes JSON Lines: one log line object per line, as they happen.
      let outcome: string | undefined;
      for await (const message of followOperationEvents(client, id, {
        signal: session.io.signal,
        onReconnect: ({ lastEventId, attempt }) => session.note(`galeractl: the event stream dropped; resuming${lastEventId ? ` after ${lastEventId}` : ''} (attempt ${attempt})`),
      })) {
        if (message.event === 'log') {
          const line = JSON.parse(message.data) as OperationLog;
          if (session.json) session.io.stdout.write(`${JSON.stringify(logJson(line))}\n`);
          else session.print(logLine(line, session.paint));
          continue;
        }
        if ((TERMINAL_EVENTS as readonly string[]).includes(message.event)) outcome = message.event;
        // Steps show in the log lines already; say what only events tell.
        const note = EVENT_NOTES[message.event];
        if (note && !session.json) session.print(session.paint.yellow(`-- ${note(id)}`));
      }
      if (!session.json) {
        const operation = await unwrap(client.GET('/v1/operations/{id}', { params: { path: { id } } }));
        session.print(outcomeLine(operation, session.paint));
        session.exitCode = exitCodeOfOperation(operation);
      } else {
        session.exitCode = outcome === 'operation.succeeded' ? EXIT.OK : EXIT.OPERATION_FAILED;
      }
    });

  addWaitOptions(
    operations
      .command('cancel')
      .description('cancel an operation: it stops between steps and aborts the running step')
      .argument('<operation>', 'operation id (op_…)')
      .option('--dry-run', 'check that it could be cancelled, and change nothing'),
  ).action(async (id: string, options: { dryRun?: boolean; wait?: boolean; timeout?: number }, command: Command) => {
    const session = sessionOf(command);
    const operation = await unwrap(session.client.POST('/v1/operations/{id}/cancel', { params: { path: { id }, query: { dryRun: options.dryRun || undefined } } }));
    await reportChanged(session, operation, options.dryRun ? 'Dry run: it could be cancelled (nothing was changed):' : 'Cancel requested for', options);
  });

  addWaitOptions(
    operations
      .command('approve')
      .description('approve an operation that waits for approval (e.g. a recovery plan)')
      .argument('<operation>', 'operation id (op_…)')
      .option('--dry-run', 'check that it could be approved, and change nothing'),
  ).action(async (id: string, options: { dryRun?: boolean; wait?: boolean; timeout?: number }, command: Command) => {
    const session = sessionOf(command);
    const operation = await unwrap(session.client.POST('/v1/operations/{id}/approve', { params: { path: { id }, query: { dryRun: options.dryRun || undefined } } }));
    await reportChanged(session, operation, options.dryRun ? 'Dry run: it could be approved (nothing was changed):' : 'Approved', options);
  });

  addMutationOptions(
    operations
      .command('retry')
      .description("start a FAILED or CANCELLED operation again (the cluster's latest only): a new operation with the same change, planned from what is there now")
      .argument('<operation>', 'operation id (op_…)'),
  ).action(async (id: string, options: MutationOptions, command: Command) => {
    const session = sessionOf(command);
    const answer = await unwrap(session.client.POST('/v1/operations/{id}/retry', { params: { path: { id }, query: { dryRun: options.dryRun || undefined }, header: idempotencyHeader(options) } }));
    await reportStarted(session, answer, { wait: options.wait, timeoutMs: waitTimeoutOf(options) });
  });

  return operations;
}

/** After cancel/approve: the operation, or with --wait its outcome. */
async function reportChanged(session: ReturnType<SessionOf>, operation: Operation, verb: string, options: { dryRun?: boolean; wait?: boolean; timeout?: number }): Promise<void> {
  if (options.wait && !options.dryRun) return reportStarted(session, operation, { wait: true, timeoutMs: waitTimeoutOf(options) });
  session.output(operationJson(operation), () => `${verb} ${operation.type} ${operation.id}: now ${operation.state}.\n`);
}
