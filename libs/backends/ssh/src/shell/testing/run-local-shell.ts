// Runs shell text through a real local shell the way sshd does (`<shell> -c <text>`), with
// argv only: no `shell: true`, so Node adds no quoting of its own.
import { spawn } from 'node:child_process';

/** What a local shell run produced. */
export interface LocalShellResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/**
 * Runs `shell -c text` (default `/bin/sh`, dash on Debian) in `cwd` and collects its output as
 * bytes. Give every spec its own temporary `cwd`: if quoting ever broke, whatever the shell then
 * did by accident (a stray `> file`) would land there, not in the checkout.
 */
export function runLocalShell(text: string, options: { cwd: string; shell?: string; stdin?: string | Buffer; env?: NodeJS.ProcessEnv }): Promise<LocalShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.shell ?? '/bin/sh', ['-c', text], {
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}
