import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** A worker process of the control plane (with the deterministic backend), started by a test. */
export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** SIGKILL: no shutdown hook runs, its leases stay until they expire. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a worker process on the given environment and waits until it is ready. */
export async function startWorkerProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<WorkerProcess> {
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'test/support/worker-process.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      if (output.includes('worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    pid: child.pid ?? 0,
    output: () => output,
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
