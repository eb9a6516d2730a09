import { ApiTokenService } from '@galera-cp/auth';
import type { ClusterBackends } from '@galera-cp/backends';
import { AppConfig, loadConfig } from '@galera-cp/config';
import type { Role } from '@galera-cp/core';
import { runMigrations } from '@galera-cp/database';
import { JsonLogger } from '@galera-cp/observability';
import { startWorkerRole } from '@galera-cp/platform';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { Agent, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApiApp } from '../../apps/api/src/http-app';
import { createTestDatabase, TestDatabase } from './database';
import { DeterministicBackend, DeterministicInfrastructure } from './deterministic-backend';
import { ProblemConformance } from './problem-conformance';

/** A running API (the product's own HTTP app) on a database of its own. */
export interface TestApp {
  url: string;
  databaseUrl: string;
  config: AppConfig;
  env: Record<string, string>;
  adminToken: string;
  infrastructure: DeterministicInfrastructure;
  app: NestExpressApplication;
  /** Issues a token with a role. */
  token(role: Role, name?: string): Promise<string>;
  /**
   * supertest on this app's URL (`app.request().get('/v1/clusters').set(...).expect(200)`): the
   * URL, not the Nest server object, so it works whichever HTTP adapter the app runs on.
   */
  request(): ReturnType<typeof request>;
  /** A request with the admin token (or another), answering status, headers and parsed body (through supertest). */
  call(method: string, path: string, options?: { token?: string | null; body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<ApiAnswer>;
  close(): Promise<void>;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface TestAppOptions {
  /** Run the worker in this process (default true). */
  worker?: boolean;
  /** Environment overrides (the configuration is read from these, as in production). */
  env?: Record<string, string>;
  /** Backends to use instead of the deterministic one. */
  backends?: ClusterBackends;
  /** Reuse a database (e.g. one shared with a worker process). */
  database?: TestDatabase;
  /** Receives every JSON log line of the server instead of stdout (e.g. to look for leaks). */
  logSink?: (line: string) => void;
}

/** Settings that keep engine tests quick: short leases and sweeps, no periodic monitor. */
export const FAST_ENGINE_ENV = {
  OPERATION_LEASE_SECONDS: '3',
  OPERATION_SWEEP_SECONDS: '1',
  MONITOR_INTERVAL_SECONDS: '0',
  STEP_MAX_ATTEMPTS: '3',
  WORKER_CONCURRENCY: '4',
  // Suites send bad tokens on purpose; the one that checks the limit turns it on.
  AUTH_FAILURE_LIMIT: '0',
};

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase('e2e'));
  const dataDir = mkdtempSync(join(tmpdir(), 'gcp-test-'));
  const env: Record<string, string> = {
    ...FAST_ENGINE_ENV,
    DATA_DIR: dataDir,
    MASTER_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: database.url,
    GCP_TEST_INFRA_DIR: join(dataDir, 'infrastructure'),
    ...options.env,
  };
  const config = loadConfig(env);
  await runMigrations(database.url);
  const infrastructure = new DeterministicInfrastructure(env.GCP_TEST_INFRA_DIR);
  const backend = new DeterministicBackend(infrastructure);
  // Errors (and a 5xx's cause) reach the test output; set LOG_LEVEL in env to see more.
  const app = await createApiApp({
    config,
    databaseUrl: database.url,
    backends: options.backends ?? { ssh: backend, kubernetes: backend },
    applicationName: 'galera-cp-test',
    logger: new JsonLogger(options.env?.LOG_LEVEL ?? 'error', options.logSink ? { write: (line: string) => void options.logSink?.(line) } : undefined),
  });
  const tokens = app.get(ApiTokenService);
  const adminToken = (await tokens.issue('test-admin', 'admin', 'test')).secret;
  if (options.worker ?? true) await startWorkerRole(app);
  // Every problem the app answers must be one its route documents (closing fails otherwise).
  const conformance = new ProblemConformance();
  conformance.attach(app.getHttpServer());
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  // Connections kept open between calls, as fetch does: suites that race writers against a
  // stream count on a request costing no new TCP connection.
  const keepAlive = new Agent({ keepAlive: true });
  const call: TestApp['call'] = async (method, path, callOptions = {}) => {
    const headers: Record<string, string> = { ...(callOptions.headers ?? {}) };
    const token = callOptions.token === undefined ? adminToken : callOptions.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = callOptions.raw;
    if (callOptions.body !== undefined) {
      body = JSON.stringify(callOptions.body);
      headers['content-type'] ??= 'application/json';
    }
    // The body as sent (a string is not re-encoded: suites send malformed JSON on purpose) and the
    // answer as text, parsed here only when it says JSON: superagent's own parsers would judge
    // content types (and refuse bad JSON) differently from a client's view of the wire.
    let pending = request(url)[method.toLowerCase() as 'get'](path).agent(keepAlive).set(headers).buffer(true).parse(asText);
    if (body !== undefined) pending = pending.send(body);
    const response = await pending;
    const text = typeof response.body === 'string' ? response.body : '';
    let parsed: unknown = text;
    if (String(response.headers['content-type'] ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: headersOf(response.headers), body: parsed };
  };

  return {
    url,
    databaseUrl: database.url,
    config,
    env,
    adminToken,
    infrastructure,
    app,
    token: async (role, name = `test-${role}`) => (await tokens.issue(name, role, 'test')).secret,
    request: () => request(url),
    call,
    async close() {
      keepAlive.destroy();
      await app.close();
      if (!options.database) await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
      conformance.assertConformant();
    },
  };
}

/** superagent parser that keeps the body as text, whatever its content type. */
function asText(answer: unknown, done: (error: Error | null, body: string) => void): void {
  // superagent types the parser's argument as its Response; in Node it is the IncomingMessage
  const response = answer as IncomingMessage;
  let text = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (text += chunk));
  response.on('end', () => done(null, text));
  response.on('error', (error) => done(error, text));
}

/** Node's answer headers as a fetch `Headers` (what the suites read with `.get()`). */
function headersOf(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs` with the last state. */
export async function eventually<T>(check: () => Promise<T | undefined>, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'a condition'}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}

/** Waits until an operation is terminal and returns it. */
export async function waitForOperation(app: TestApp, operationId: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const answer = await app.call('GET', `/v1/operations/${operationId}`);
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(answer.body.state) ? answer.body : undefined;
    },
    { timeoutMs, what: `operation ${operationId} to finish` },
  );
}
