import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedDatabase, EmbeddedDatabase } from '@galera-cp/database';

const root = join(__dirname, '..', '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A benchmark environment: PostgreSQL (DATABASE_URL, or an embedded one) and shared settings. */
export interface BenchEnvironment {
  env: Record<string, string>;
  database?: EmbeddedDatabase;
  close(): Promise<void>;
}

export async function benchEnvironment(): Promise<BenchEnvironment> {
  const dir = mkdtempSync(join(tmpdir(), 'gcp-bench-'));
  // The embedded PostgreSQL runs as the OS user postgres when we are root: it must enter `dir`.
  chmodSync(dir, 0o711);
  const database = process.env.DATABASE_URL ? undefined : await startEmbeddedDatabase(join(dir, 'data'));
  const env: Record<string, string> = {
    DATABASE_URL: process.env.DATABASE_URL ?? database?.url ?? '',
    MASTER_KEY: randomBytes(32).toString('base64'),
    DATA_DIR: join(dir, 'data'),
    GCP_TEST_INFRA_DIR: join(dir, 'infrastructure'),
    LOG_LEVEL: 'warn',
    MONITOR_INTERVAL_SECONDS: '0',
  };
  return {
    env,
    database,
    async close() {
      await database?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A child process of the benchmark, with its output kept for errors. */
export interface BenchProcess {
  child: ChildProcess;
  firstLine: string;
  rssMiB(): number;
  stop(): Promise<void>;
}

/** Starts `script` (TypeScript, through swc-node) and waits for its first stdout line. */
export async function startBenchProcess(script: string, env: Record<string, string>, readyPattern?: RegExp): Promise<BenchProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, script)], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output}`)), 60_000);
    child.stdout?.on('data', (c: Buffer) => {
      buffer += c.toString();
      const lines = buffer.split('\n');
      const line = lines.find((l) => (readyPattern ? readyPattern.test(l) : l.trim().length > 0));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.on('exit', (code) => reject(new Error(`${script} exited (${code}):\n${output}`)));
  });
  return {
    child,
    firstLine,
    rssMiB: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/** A JSON HTTP call for setting up benchmarks. */
export async function call(base: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
