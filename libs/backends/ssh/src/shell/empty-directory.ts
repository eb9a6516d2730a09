import { ProgramCommand, reviewedScript } from './command';
import { InvalidShellArgumentError } from './shell.errors';

// $1 the directory. Removes every entry (dot files too) and keeps the directory itself, which
// may be a mount point (rm -rf of a mount point fails with EBUSY half-way). The globs match
// nothing or themselves when the directory is empty; the existence test skips those.
const EMPTY_DIRECTORY_SCRIPT = [
  'set -eu',
  '[ -d "$1" ] || exit 0',
  'cd -- "$1"',
  'for entry in * .[!.]* ..?*; do',
  '  if [ -e "$entry" ] || [ -L "$entry" ]; then rm -rf -- "./$entry"; fi',
  'done',
].join('\n');

/**
 * Empties a directory (a purged datadir), keeping the directory. Refuses `/`, relative paths,
 * `..` components and paths with fewer than two components, so a wrong datadir can never empty
 * `/` or `/var`.
 *
 * @throws InvalidShellArgumentError on such a path.
 */
export function emptyDirectoryCommand(path: string): ProgramCommand {
  const parts = typeof path === 'string' ? path.split('/').filter(Boolean) : [];
  if (typeof path !== 'string' || !path.startsWith('/') || parts.length < 2 || parts.includes('..') || parts.includes('.')) {
    throw new InvalidShellArgumentError('the directory to empty must be an absolute path of at least two components, without . or ..', 'path');
  }
  return reviewedScript('sh', EMPTY_DIRECTORY_SCRIPT, 'empty-directory', [path]);
}
