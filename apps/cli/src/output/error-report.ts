import { ConnectionError, OperationWaitError, ProblemError, ProblemFieldError } from '@galera-cp/sdk';
import { InterruptedError, NotFoundError, RequestTimeoutError, StreamLostError, UsageError } from '../cli-errors';
import { exitCodeOf, isNetworkError } from '../exit-codes';

/**
 * An error as a problem document (RFC 9457 fields where they apply), what `--json` writes to
 * stderr: the API's own problem when it answered one, otherwise one built the same way.
 */
export interface ErrorReport {
  status?: number;
  code: string;
  title?: string;
  detail: string;
  requestId?: string;
  instance?: string;
  errors?: ProblemFieldError[];
  activeOperationId?: string;
  operationId?: string;
  /** The exit code galeractl ends with (see the README). */
  exitCode: number;
}

/** The socket error behind fetch's `TypeError: fetch failed` (`connect ECONNREFUSED 127.0.0.1:8080`). */
function networkCause(error: Error): string {
  if (error instanceof ConnectionError) return error.detail;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return cause.message || (cause as NodeJS.ErrnoException).code || error.message;
  return error.message;
}

/** What went wrong, as a problem document. `url` is the API the command talked to. */
export function errorReport(error: unknown, url: string | undefined): ErrorReport {
  const exitCode = exitCodeOf(error);
  if (error instanceof ProblemError) {
    const problem = error.problem;
    return {
      status: error.status,
      code: error.code,
      ...(problem?.title ? { title: problem.title } : {}),
      detail: error.detail,
      ...(error.requestId ? { requestId: error.requestId } : {}),
      ...(problem?.instance ? { instance: problem.instance } : {}),
      ...(error.errors.length ? { errors: error.errors } : {}),
      ...(error.activeOperationId ? { activeOperationId: error.activeOperationId } : {}),
      exitCode,
    };
  }
  if (error instanceof UsageError) return { code: 'USAGE', detail: error.message, exitCode };
  if (error instanceof NotFoundError) return { status: 404, code: error.code, detail: error.message, exitCode };
  if (error instanceof InterruptedError) return { code: 'INTERRUPTED', detail: error.message, exitCode };
  if (error instanceof OperationWaitError) {
    const seen = error.lastSeen ? ` (it was ${error.lastSeen.state}, ${error.lastSeen.progress}%)` : '';
    const detail = error.reason === 'timeout' ? `Stopped waiting for operation ${error.operationId}: the wait timed out${seen}` : `Stopped waiting for operation ${error.operationId}${seen}`;
    return { code: error.reason === 'timeout' ? 'WAIT_TIMEOUT' : 'INTERRUPTED', detail: `${detail}; it goes on (galeractl operations wait ${error.operationId})`, operationId: error.operationId, exitCode };
  }
  if (error instanceof StreamLostError) return { code: 'STREAM_LOST', detail: error.message, exitCode };
  if (error instanceof RequestTimeoutError) return { code: 'REQUEST_TIMEOUT', detail: error.message, exitCode };
  if (isNetworkError(error)) return { code: 'UNREACHABLE', detail: `Cannot reach the API${url ? ` at ${url}` : ''}: ${networkCause(error as Error)}`, exitCode };
  return { code: 'INTERNAL', detail: error instanceof Error ? error.message : String(error), exitCode };
}

/** The report for people: one `galeractl: …` line, then field pointers, the active operation and the request id. */
export function formatErrorReport(report: ErrorReport): string {
  const head = report.status ? `${report.status} ${report.code}: ${report.detail}` : report.code === 'USAGE' ? report.detail : `${report.code}: ${report.detail}`;
  const lines = [`galeractl: error: ${head}`];
  for (const field of report.errors ?? []) lines.push(`  ${field.pointer || '/'}: ${field.detail}`);
  if (report.activeOperationId) lines.push(`  active operation: ${report.activeOperationId} (galeractl operations wait ${report.activeOperationId})`);
  if (report.requestId) lines.push(`  request id: ${report.requestId}`);
  if (report.code === 'USAGE') lines.push('  (add --help to the command for its usage)');
  return `${lines.join('\n')}\n`;
}
