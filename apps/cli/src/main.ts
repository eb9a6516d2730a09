import { homedir } from 'node:os';
import { runCli } from './cli';
import { EXIT } from './exit-codes';

/** All of standard input, as text; on a terminal, says how to end it. */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('(reading standard input; end with Ctrl-D)\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The galeractl process: wires the real streams, environment and signals into runCli.
 * The first Ctrl-C stops a wait (the operation goes on; exit 130), a second one ends the process.
 */
async function main(): Promise<void> {
  const interrupt = new AbortController();
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(EXIT.INTERRUPTED);
    interrupt.abort(new Error('interrupted'));
    setTimeout(() => process.exit(EXIT.INTERRUPTED), 2000).unref();
  });
  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin,
    env: process.env,
    homeDir: homedir(),
    now: () => Date.now(),
    signal: interrupt.signal,
  });
  // Exit once stdout has taken everything (a pipe reader must see the whole JSON document).
  process.stdout.write('', () => process.exit(code));
}

main().catch((error: unknown) => {
  process.stderr.write(`galeractl: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(EXIT.INTERNAL);
});
