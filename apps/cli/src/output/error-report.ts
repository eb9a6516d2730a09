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
  /** What to do about it, naming the command's flag when one overrides the refusal (`--force`). */
  hint?: string;
  /** The exit code galeractl ends with (see the README). */
  exitCode: number;
}

/** The command an error ended: the long flags it has, and the options it was given (camelCase). */
export interface CommandFlags {
  flags: readonly string[];
  given: readonly string[];
}

/**
 * A hint for a refusal the user can act on with a flag of the same command. The API's words are
 * the request's (`set force`); the hint names the command line's (`--force`).
 */
export function hintOf(report: ErrorReport, command: CommandFlags): string | undefined {
  const forceWouldDo = report.code === 'CLUSTER_SIZE_UNSAFE' || (report.errors ?? []).some((field) => field.pointer === '/force');
  if (forceWouldDo && command.flags.includes('--force') && !command.given.includes('force'))
    return 'add --force to accept the unsafe size (see the risk first with --dry-run --force); a loss of quorum is refused even with --force';
  if (report.code === 'DELETION_PROTECTED') return 'turn deletion protection off first: galeractl clusters update <cluster> --no-deletion-protection';
  return undefined;
}

/**
 * Whether a problem's detail only repeats its field errors: the API writes a refusal's detail as
 * its fields joined (`/name: …; /bogus: …`), which the report prints one per line already.
 */
function detailRepeatsFields(report: ErrorReport): boolean {
  const fields = report.errors ?? [];
  return fields.length > 0 && report.detail === fields.map((field) => `${field.pointer}: ${field.detail}`).join('; ');
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
    return {
      code: error.reason === 'timeout' ? 'WAIT_TIMEOUT' : 'INTERRUPTED',
      detail: `${detail}; it goes on (galeractl operations wait ${error.operationId})`,
      operationId: error.operationId,
      exitCode,
    };
  }
  if (error instanceof StreamLostError) return { code: 'STREAM_LOST', detail: error.message, exitCode };
  if (error instanceof RequestTimeoutError) return { code: 'REQUEST_TIMEOUT', detail: error.message, exitCode };
  if (isNetworkError(error)) return { code: 'UNREACHABLE', detail: `Cannot reach the API${url ? ` at ${url}` : ''}: ${networkCause(error as Error)}`, exitCode };
  return { code: 'INTERNAL', detail: error instanceof Error ? error.message : String(error), exitCode };
}

/**
 * The report for people: one `galeractl: …` line, then field pointers, the active operation, a
 * hint and the request id. Each thing is said once: a detail that only repeats the field errors
 * is left out of the first line, and a field error the detail already says is not listed again.
 */
export function formatErrorReport(report: ErrorReport): string {
  const repeats = detailRepeatsFields(report);
  const detail = repeats ? '' : ` ${report.detail}`;
  const head = report.status ? `${report.status} ${report.code}:${detail}` : report.code === 'USAGE' ? report.detail : `${report.code}:${detail}`;
  const lines = [`galeractl: error: ${head}`];
  for (const field of report.errors ?? []) {
    if (!repeats && report.detail.includes(field.detail)) continue;
    lines.push(`  ${field.pointer || '/'}: ${field.detail}`);
  }
  if (report.activeOperationId) lines.push(`  active operation: ${report.activeOperationId} (galeractl operations wait ${report.activeOperationId})`);
  if (report.hint) lines.push(`  hint: ${report.hint}`);
  if (report.requestId) lines.push(`  request id: ${report.requestId}`);
  if (report.code === 'USAGE') lines.push('  (add --help to the command for its usage)');
  return `${lines.join('\n')}\n`;
}
