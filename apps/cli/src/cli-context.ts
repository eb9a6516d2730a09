import { createGaleraClient, GaleraClient } from '@galera-cp/sdk';
import type { Command } from 'commander';
import { RequestTimeoutError } from './cli-errors';
import { configPathOf, loadProfileFile, resolveSettings, Settings } from './config/profile-config';
import type { ViewContext } from './output/resource-views';
import { createPaint, Paint } from './output/table';

/** A stream galeractl writes to (process.stdout/stderr, or a buffer in tests). */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Everything galeractl takes from its process, so that tests can run it in memory. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** All of standard input (for `--password-stdin`, `-f -`). */
  readStdin(): Promise<string>;
  /** The environment, read once here: nothing else in galeractl reads process.env. */
  env: Record<string, string | undefined>;
  homeDir: string;
  now(): number;
  /** The fetch the SDK uses (default: the global fetch). */
  fetch?: FetchLike;
  /** Aborted when the user interrupts (Ctrl-C): waits stop, the operation goes on. */
  signal?: AbortSignal;
}

/** The options every command takes (commander's global options). */
export interface GlobalOptions {
  url?: string;
  token?: string;
  profile?: string;
  json?: boolean;
  color?: boolean;
  /** Milliseconds (commander parses the duration). */
  requestTimeout?: number;
}

/** What the run has decided so far; an action sets `exitCode` when it ends other than 0 without an error. */
export interface CliRunState {
  exitCode: number;
  /** Settled once a command resolves its settings; used to name the API in error reports. */
  url?: string;
  /** Settled with `url`: whether a token was configured at all (a 401 then gets a hint). */
  tokenSet?: boolean;
  json: boolean;
  /** The long flags the command that runs has (`--force`), for hints on errors. */
  flags?: string[];
  /** The options it was given (commander's camelCase keys: `force`, `dryRun`). */
  flagsGiven?: string[];
}

/** The default bound on waiting for an answer's headers (a stream's body is not bounded). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const USER_AGENT = 'galeractl/0.1.0';

/** A fetch as galeractl calls it: a request, and init carrying the signal that may abort it. */
export type FetchLike = (request: Request, init?: { signal?: AbortSignal }) => Promise<Response>;

/**
 * Wraps fetch with a bound on the time until the answer's headers arrive, so a server that
 * hangs ends the command (exit 6) instead of leaving it waiting forever. Bodies are not bounded:
 * an event stream stays open as long as its operation runs.
 */
export function fetchWithTimeout(base: FetchLike, timeoutMs: number): (request: Request) => Promise<Response> {
  return async (request) => {
    const timer = new AbortController();
    const handle = setTimeout(() => timer.abort(), timeoutMs);
    try {
      // The signal goes in init, not into a new Request: undici holds a Request's own signal only
      // weakly, and after a garbage collection its abort would never arrive (the request would hang).
      return await base(request, { signal: AbortSignal.any([request.signal, timer.signal]) });
    } catch (error) {
      if (timer.signal.aborted && !request.signal.aborted)
        throw new RequestTimeoutError(`No answer from ${new URL(request.url).origin} within ${timeoutMs / 1000}s (${request.method} ${new URL(request.url).pathname})`);
      throw error;
    } finally {
      clearTimeout(handle);
    }
  };
}

/**
 * One command's view of the world: its options, the output streams, the connection settings
 * (resolved on first use, so `config` commands and `--help` never read the profile file) and
 * the SDK client.
 */
export class CommandSession {
  readonly json: boolean;
  readonly paint: Paint;
  private resolved?: Settings;
  private sdkClient?: GaleraClient;

  constructor(
    readonly io: CliIo,
    readonly options: GlobalOptions,
    private readonly state: CliRunState,
  ) {
    this.json = options.json === true;
    const colour = options.color !== false && !this.json && io.stdout.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
    this.paint = createPaint(colour);
  }

  /** The session of the command an action runs for (its options merged with the global ones). */
  static of(command: Command, io: CliIo, state: CliRunState): CommandSession {
    return new CommandSession(io, command.optsWithGlobals<GlobalOptions>(), state);
  }

  get configPath(): string {
    return configPathOf(this.io.env, this.io.homeDir);
  }

  /** The connection settings: flags > environment > profile file > defaults. */
  get settings(): Settings {
    if (!this.resolved) {
      const loaded = loadProfileFile(this.configPath);
      for (const warning of loaded.warnings) this.io.stderr.write(`galeractl: warning: ${warning}\n`);
      this.resolved = resolveSettings({ flags: this.options, env: this.io.env, file: loaded.file, configPath: this.configPath });
      this.state.url = this.resolved.url;
      this.state.tokenSet = this.resolved.token !== undefined;
    }
    return this.resolved;
  }

  get client(): GaleraClient {
    if (!this.sdkClient) {
      const { url, token } = this.settings;
      const timeoutMs = this.options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS;
      const base: FetchLike = this.io.fetch ?? ((request, init) => globalThis.fetch(request, init));
      // galeractl bounds requests itself (--request-timeout): the SDK's own bound stays off.
      this.sdkClient = createGaleraClient({ baseUrl: url, token, fetch: fetchWithTimeout(base, timeoutMs), timeoutMs: 0, userAgent: USER_AGENT });
    }
    return this.sdkClient;
  }

  get view(): ViewContext {
    return { now: this.io.now(), paint: this.paint };
  }

  set exitCode(code: number) {
    this.state.exitCode = code;
  }

  /** Writes human output to stdout (nothing in --json mode, where stdout holds one document). */
  print(text: string): void {
    if (!this.json) this.io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }

  /** Writes the command's one JSON document to stdout. */
  printJson(document: unknown): void {
    this.io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }

  /** Writes the JSON document with --json, or the text otherwise. */
  output(document: unknown, text: () => string): void {
    if (this.json) this.printJson(document);
    else this.print(text());
  }

  /** A message for people that is not the command's output (hints, warnings): stderr. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }
}
