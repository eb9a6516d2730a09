import { isPlan, isTerminal, Operation, OperationWaitError, Plan, waitForOperation } from '@galera-cp/sdk';
import type { CommandSession, OutputStream } from '../cli-context';
import { EXIT } from '../exit-codes';
import { ProgressRenderer } from '../output/progress-renderer';
import { operationJson, planJson, planView } from '../output/resource-views';

/** How long `--wait` and `operations wait` wait by default. */
export const DEFAULT_WAIT_TIMEOUT_MS = 30 * 60_000;
/** Pause between two polls of a waited-for operation. */
const POLL_INTERVAL_MS = 500;

/** The exit code of an operation that has ended: 0 when it SUCCEEDED, 1 when FAILED or CANCELLED. */
export function exitCodeOfOperation(operation: Operation): number {
  return operation.state === 'SUCCEEDED' ? EXIT.OK : EXIT.OPERATION_FAILED;
}

/**
 * Where the live display goes: stdout for people; with --json (stdout holds the one document)
 * stderr, and only when it is a terminal, so scripts see nothing but the document.
 */
function progressTarget(session: CommandSession): OutputStream | undefined {
  if (!session.json) return session.io.stdout;
  return session.io.stderr.isTTY ? session.io.stderr : undefined;
}

/**
 * Waits for an operation with the live progress display, and answers it once it has ended.
 * A timeout or an interrupt rejects with the SDK's OperationWaitError (exit 6 or 130); the
 * operation itself goes on.
 */
export async function waitWithProgress(session: CommandSession, operation: Operation | string, timeoutMs: number): Promise<Operation> {
  const id = typeof operation === 'string' ? operation : operation.id;
  const target = progressTarget(session);
  const renderer = target
    ? new ProgressRenderer({ write: (text) => target.write(text) }, { tty: target.isTTY === true, paint: session.paint, now: () => session.io.now(), columns: target.columns })
    : undefined;
  if (typeof operation !== 'string' && !isTerminal(operation)) renderer?.update(operation);
  let done: Operation;
  try {
    done = await waitForOperation(session.client, id, {
      timeoutMs,
      pollIntervalMs: POLL_INTERVAL_MS,
      signal: session.io.signal,
      onProgress: (seen) => {
        if (!isTerminal(seen)) renderer?.update(seen);
      },
    });
  } catch (error) {
    renderer?.detach();
    if (error instanceof OperationWaitError && target?.isTTY) target.write('\n');
    throw error;
  }
  renderer?.finish(done);
  return done;
}

/**
 * What a mutating command does with the API's answer: a dry run prints the plan; otherwise the
 * started operation is printed, or, with `--wait`, waited for (exit 0 when it SUCCEEDED, 1 when
 * it FAILED or was CANCELLED).
 */
export async function reportStarted(session: CommandSession, answer: Operation | Plan, options: { wait?: boolean; timeoutMs: number }): Promise<void> {
  if (isPlan(answer)) {
    session.output(planJson(answer), () => planView(answer, session.view));
    return;
  }
  const operation = answer as Operation;
  if (!options.wait) {
    session.output(operationJson(operation), () => startedMessage(operation));
    return;
  }
  const done = await waitWithProgress(session, operation, options.timeoutMs);
  if (session.json) session.printJson(operationJson(done));
  session.exitCode = exitCodeOfOperation(done);
}

function startedMessage(operation: Operation): string {
  let text = `Started ${operation.type} ${operation.id}${operation.clusterId ? ` on cluster ${operation.clusterId}` : ''} (${operation.state}).\n`;
  if (operation.approval.state === 'PENDING') text += `It waits for approval: galeractl operations approve ${operation.id}\n`;
  text += `Follow it: galeractl operations wait ${operation.id}   (or: galeractl operations logs ${operation.id} --follow)\n`;
  return text;
}
