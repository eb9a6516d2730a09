import { Command, InvalidArgumentError, Option } from 'commander';
import type { CommandSession } from '../cli-context';
import { parseDuration } from '../duration';
import { DEFAULT_WAIT_TIMEOUT_MS } from '../operations/operation-waiter';

/** Makes the session of the command an action runs for. */
export type SessionOf = (command: Command) => CommandSession;

/** Options of every mutating command. */
export interface MutationOptions {
  dryRun?: boolean;
  wait?: boolean;
  timeout?: number;
  idempotencyKey?: string;
}

/** Adds `--wait` and `--timeout` (commands that start or change an operation). */
export function addWaitOptions(command: Command): Command {
  return command
    .option('--wait', 'wait until the operation ends, with a live progress display; exit 0 if it SUCCEEDED, 1 if it FAILED or was CANCELLED')
    .option('--timeout <duration>', 'with --wait: give up waiting after this long (exit 6; the operation goes on), e.g. 90s, 15m, 1h (default: 30m)', durationArgument('--timeout'));
}

/** Adds `--dry-run`, `--wait`, `--timeout` and, for POSTs, `--idempotency-key`. */
export function addMutationOptions(command: Command, options: { idempotencyKey?: boolean } = { idempotencyKey: true }): Command {
  command.option('--dry-run', 'print the plan (steps, bootstrap node, quorum before and after) and change nothing');
  addWaitOptions(command);
  if (options.idempotencyKey !== false)
    command.option('--idempotency-key <key>', 'send this Idempotency-Key: running the same command again with it replays the first answer instead of starting a second operation');
  return command;
}

/** The `--timeout` of a waiting command, in milliseconds. */
export function waitTimeoutOf(options: { timeout?: number }): number {
  return options.timeout ?? DEFAULT_WAIT_TIMEOUT_MS;
}

/** A commander parser for a duration flag, so a bad value is refused before anything is sent. */
export function durationArgument(flag: string): (value: string) => number {
  return (value) => {
    try {
      return parseDuration(value, flag);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message.replace(`${flag}: `, ''));
    }
  };
}

/** The Idempotency-Key header of a POST, when the user gave one. */
export function idempotencyHeader(options: MutationOptions): { 'Idempotency-Key': string } | undefined {
  return options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : undefined;
}

/** A commander parser for a whole number within bounds (the argument's name goes in the message). */
export function integerArgument(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    const number = Number(value);
    if (number < min || number > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    return number;
  };
}

/** A comma-separated list flag (`--accept-missing a,b`); repeating the flag adds to the list. */
export function commaList(value: string, previous: string[] = []): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('expected one or more comma-separated names.');
  return [...previous, ...items];
}

/** An option whose value must be one of `choices` (commander checks it: a usage error, exit 2). */
export function choiceOption(flags: string, description: string, choices: readonly string[]): Option {
  return new Option(flags, description).choices(choices);
}

/** Collects up to `limit` items of an async iterator (0: all of them). */
export async function collect<T>(items: AsyncIterable<T>, limit = 0): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    out.push(item);
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}
