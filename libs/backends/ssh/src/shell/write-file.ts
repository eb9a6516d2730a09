import { ProgramCommand, reviewedScript } from './command';
import { InvalidShellArgumentError } from './shell.errors';

/** Options of {@link writeFileCommand}. */
export interface WriteFileOptions {
  /** Octal permission bits, e.g. `0640` (3 or 4 octal digits). */
  readonly mode: string;
  /** `user` or `user:group` (names or numeric ids) to own the file; omitted keeps the writer's. */
  readonly owner?: string;
}

const MODE = /^[0-7]{3,4}$/;
const OWNER_PART = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}';
const OWNER = new RegExp(`^${OWNER_PART}(:${OWNER_PART})?$`);

// $1 target, $2 mode, $3 owner (may be empty). mktemp creates the temporary file beside the
// target (same file system, so mv is an atomic rename(2)) with mode 0600, so the content is
// never readable by others before chmod; the EXIT trap removes it when any step fails. mv
// replaces a symlink at the target instead of writing through it.
const WRITE_FILE_SCRIPT = [
  'set -eu',
  'tmp=$(mktemp -- "$1.tmp-XXXXXXXXXX")',
  `trap 'rm -f -- "$tmp"' EXIT`,
  'cat >"$tmp"',
  'chmod -- "$2" "$tmp"',
  'if [ -n "$3" ]; then chown -- "$3" "$tmp"; fi',
  'mv -f -- "$tmp" "$1"',
  'trap - EXIT',
].join('\n');

/**
 * Writes the command's stdin to `path` atomically: a temporary file beside the target gets the
 * content, mode and owner, then is renamed over the target, so readers see the old file or the
 * new one, never half of it. Send the content as the `stdin` of the exec; run it with the
 * session's `sudo` option to write where the login user cannot.
 *
 * @throws InvalidShellArgumentError on a relative path, a path ending in `/`, a malformed mode
 *   or owner.
 */
export function writeFileCommand(path: string, options: WriteFileOptions): ProgramCommand {
  if (typeof path !== 'string' || !path.startsWith('/') || path.endsWith('/')) {
    throw new InvalidShellArgumentError('path must be an absolute file path', 'path');
  }
  if (!MODE.test(options.mode)) throw new InvalidShellArgumentError('mode must be 3 or 4 octal digits', 'mode');
  const owner = options.owner ?? '';
  if (owner !== '' && !OWNER.test(owner)) {
    throw new InvalidShellArgumentError('owner must be "user" or "user:group"', 'owner');
  }
  return reviewedScript('sh', WRITE_FILE_SCRIPT, 'write-file', [path, options.mode, owner]);
}
