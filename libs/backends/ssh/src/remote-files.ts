/**
 * Reading and writing a host's files through the command vocabulary: several files in one round
 * trip (missing ones told apart from empty ones), atomic writes (`writeFileCommand`) only when
 * the content differs, so a step run again changes nothing.
 */
import { and, command, or, sequence, writeFileCommand, type RemoteCommand } from './shell';
import { markerNonce } from './marker-nonce';
import type { RemoteHost } from './remote-host';

export { markerNonce } from './marker-nonce';

/** Prints each file between `@@file-<nonce> <i>` markers, or `@@missing-<nonce> <i>`. */
export function readFilesCommand(paths: readonly string[], nonce: string): RemoteCommand {
  const parts = paths.map((path, i) =>
    or(and(command('test', '-f', path), command('printf', '\n@@file-%s %s\n', nonce, String(i)), command('cat', '--', path)), command('printf', '\n@@missing-%s %s\n', nonce, String(i))),
  );
  return parts.length === 1 ? parts[0] : sequence(...parts);
}

/** Reads {@link readFilesCommand}'s output: the content of each path, undefined when missing. */
export function parseFiles(stdout: string, count: number, nonce: string): Array<string | undefined> {
  const files: Array<string | undefined> = Array.from({ length: count }, () => undefined);
  let current: number | undefined;
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const marker = /^@@(file|missing)-([0-9a-f]+) (\d+)$/.exec(lines[i]);
    if (marker && marker[2] === nonce && Number(marker[3]) < count) {
      // Each marker starts with a newline of its own: it is not part of the previous file.
      if (current !== undefined) files[current] = (files[current] as string).replace(/\n$/, '');
      current = marker[1] === 'file' ? Number(marker[3]) : undefined;
      if (current !== undefined) files[current] = '';
      continue;
    }
    if (current !== undefined) files[current] += i < lines.length - 1 ? `${lines[i]}\n` : lines[i];
  }
  return files;
}

/** Reads files from a host. */
export async function readFiles(host: RemoteHost, paths: readonly string[]): Promise<Array<string | undefined>> {
  const nonce = markerNonce();
  const result = await host.run(readFilesCommand(paths, nonce), { log: 'quiet' });
  return parseFiles(result.stdout, paths.length, nonce);
}

/** Writes a file atomically when its content differs; returns whether it wrote. */
export async function writeFileIfChanged(host: RemoteHost, path: string, content: string, current: string | undefined, options: { mode: string; owner?: string }): Promise<boolean> {
  if (current === content) return false;
  await host.run(writeFileCommand(path, options), { stdin: content });
  return true;
}
