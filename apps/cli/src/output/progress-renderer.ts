import type { Operation, OperationStep } from '@galera-cp/sdk';
import { failedStepLabel, resultSummary, stepMarker, stepNumber } from './resource-views';
import { formatDuration, Paint, paintState, visibleWidth } from './table';

/** Where progress is drawn: a terminal (redrawn in place) or a log/pipe (one line per change). */
export interface ProgressTarget {
  write(text: string): void;
}

/** How the progress display draws. */
export interface ProgressOptions {
  /** Redraw a block in place (a terminal); otherwise print one plain line per change. */
  tty: boolean;
  paint: Paint;
  /** The local clock (for the elapsed time of the live display). */
  now: () => number;
  /** Terminal width: live lines are cut to it so that they never wrap (wrapping breaks the redraw). */
  columns?: number;
  /** Most step lines the live display shows (default 10); the rest are summarised. */
  maxStepLines?: number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const BAR_WIDTH = 16;

/** Cuts a string to `width` visible characters, keeping its colour codes intact. */
export function truncateVisible(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  let out = '';
  let visible = 0;
  for (let i = 0; i < text.length;) {
    // eslint-disable-next-line no-control-regex
    const escape = /^\x1b\[[0-9;]*m/.exec(text.slice(i));
    if (escape) {
      out += escape[0];
      i += escape[0].length;
      continue;
    }
    if (visible >= width - 1) {
      out += '…';
      break;
    }
    out += text[i];
    visible += 1;
    i += 1;
  }
  return text.includes('\x1b[') ? `${out}\x1b[0m` : out;
}

/** `[██████░░░░]` for a percentage. */
export function progressBar(percent: number, width = BAR_WIDTH): string {
  const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/** How an operation ended, in one line: marker, type, id, state, duration, and its result or error. */
export function outcomeLine(operation: Operation, paint: Paint): string {
  const ok = operation.state === 'SUCCEEDED';
  const marker = ok ? paint.green('✓') : paint.red('✗');
  const took = operation.startedAt && operation.finishedAt ? ` ${ok ? 'in' : 'after'} ${formatDuration(Date.parse(operation.finishedAt) - Date.parse(operation.startedAt))}` : '';
  let detail = '';
  if (ok) {
    const summary = resultSummary(operation);
    if (summary) detail = `: ${summary}`;
  } else if (operation.error) {
    detail = `: ${operation.error.code}: ${operation.error.detail}${operation.error.step ? ` (${failedStepLabel(operation)})` : ''}`;
  }
  return `${marker} ${operation.type} ${operation.id} ${paintState(paint, operation.state)}${took}${detail}`;
}

/**
 * The progress display of an operation someone waits for. On a terminal it redraws a block in
 * place: a header with a spinner, the state, a progress bar and the elapsed time, then the step
 * list (✓ done, ▸ running, · to do). Elsewhere (a pipe, a CI log) it prints one plain line per
 * change, so the output reads as a log and never contains control codes.
 */
export class ProgressRenderer {
  private linesDrawn = 0;
  private frame = 0;
  private readonly startedAt: number;
  private previous?: Operation;
  private approvalHinted = false;

  constructor(
    private readonly out: ProgressTarget,
    private readonly options: ProgressOptions,
  ) {
    this.startedAt = options.now();
  }

  /** Shows the operation as last polled. */
  update(operation: Operation): void {
    if (this.options.tty) this.redraw(this.liveBlock(operation, false));
    else this.printChanges(operation);
    this.previous = operation;
  }

  /** Shows the terminal state and the outcome line; the display ends here. */
  finish(operation: Operation): void {
    if (this.options.tty) {
      this.redraw(this.liveBlock(operation, true));
      this.linesDrawn = 0;
    } else {
      this.printChanges(operation, true);
    }
    this.previous = operation;
    this.out.write(`${outcomeLine(operation, this.options.paint)}\n`);
  }

  /** Leaves the live display as it is (e.g. when interrupted), so later output starts on a fresh line. */
  detach(): void {
    this.linesDrawn = 0;
  }

  private redraw(lines: string[]): void {
    const width = Math.max(20, (this.options.columns || 80) - 1);
    const cursorUp = this.linesDrawn > 0 ? `\x1b[${this.linesDrawn}F\x1b[J` : '';
    this.out.write(cursorUp + lines.map((line) => `${truncateVisible(line, width)}\n`).join(''));
    this.linesDrawn = lines.length;
  }

  private liveBlock(operation: Operation, final: boolean): string[] {
    const { paint } = this.options;
    const marker = final ? (operation.state === 'SUCCEEDED' ? paint.green('✓') : paint.red('✗')) : paint.cyan(SPINNER[this.frame++ % SPINNER.length]);
    const elapsed = formatDuration(this.options.now() - this.startedAt);
    // The id goes last: on a narrow terminal it is what gets cut, not the progress.
    const lines = [
      `${marker} ${paint.bold(operation.type)}  ${paintState(paint, operation.state)}  ${progressBar(operation.progress)} ${String(operation.progress).padStart(3)}%  ${paint.dim(elapsed)}  ${operation.id}`,
    ];
    lines.push(...this.stepLines(operation.steps));
    if (operation.approval.state === 'PENDING') lines.push(paint.yellow(`  waiting for approval: galeractl operations approve ${operation.id}`));
    return lines;
  }

  private stepLines(steps: OperationStep[]): string[] {
    const { paint } = this.options;
    const max = this.options.maxStepLines ?? 10;
    const total = steps.length;
    const line = (step: OperationStep) => {
      const retry = step.attempts > 1 ? paint.dim(`  (attempt ${step.attempts}/${step.maxAttempts})`) : '';
      const error = step.error ? paint.red(`  ${step.error.code}: ${step.error.detail}`) : '';
      return `  ${stepMarker(step.state, paint)} ${String(stepNumber(step.index)).padStart(String(total).length)}/${total} ${step.title}${retry}${error}`;
    };
    if (total <= max) return steps.map(line);
    // A window around the first unfinished step: the lines before and after it are summarised.
    const current = steps.findIndex((s) => s.state !== 'SUCCEEDED' && s.state !== 'SKIPPED');
    const focus = current < 0 ? total - 1 : current;
    const start = Math.max(0, Math.min(focus - 2, total - (max - 2)));
    const end = Math.min(total, start + max - 2);
    const lines: string[] = [];
    if (start > 0) lines.push(`  ${paint.green('✓')} ${paint.dim(`${start} earlier steps`)}`);
    lines.push(...steps.slice(start, end).map(line));
    if (end < total) lines.push(`  ${paint.dim(`· ${total - end} more steps`)}`);
    return lines;
  }

  /** One line per change since the last update; `final`: the outcome line follows, so the state line is left out. */
  private printChanges(operation: Operation, final = false): void {
    const { paint } = this.options;
    const before = this.previous;
    const total = operation.steps.length;
    if (!final) {
      if (!before) this.out.write(`${operation.type} ${operation.id}: ${paintState(paint, operation.state)} ${operation.progress}%${total ? ` (${total} steps)` : ''}\n`);
      else if (before.state !== operation.state) this.out.write(`${operation.type} ${operation.id}: ${paintState(paint, operation.state)} ${operation.progress}%\n`);
      else if (before.steps.length === 0 && total > 0) this.out.write(`${operation.type} ${operation.id}: planned ${total} step${total === 1 ? '' : 's'}\n`);
    }
    for (const step of operation.steps) {
      const earlier = before?.steps.find((s) => s.index === step.index);
      const changed = earlier ? earlier.state !== step.state || earlier.attempts !== step.attempts : step.state !== 'PENDING';
      if (!changed) continue;
      const retry = step.attempts > 1 ? ` (attempt ${step.attempts}/${step.maxAttempts})` : '';
      const error = step.error ? `: ${step.error.code}: ${step.error.detail}` : '';
      this.out.write(`  [${stepNumber(step.index)}/${total}] ${paintState(paint, step.state)} ${step.title}${retry}${error}\n`);
    }
    if (operation.approval.state === 'PENDING' && !this.approvalHinted) {
      this.approvalHinted = true;
      this.out.write(`  waiting for approval: galeractl operations approve ${operation.id}\n`);
    }
  }
}
