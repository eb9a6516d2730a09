import { InvalidShellArgumentError } from './shell.errors';

// Words made only of these characters mean themselves to a POSIX shell in argument position
// (no expansion, no globbing, no field splitting, no operator). `=` is left out so a bare word
// can never be read as an assignment, `~` so it can never be a tilde expansion.
const SAFE_BARE_WORD = /^[A-Za-z0-9_@%+:,./-]+$/;

// A lone surrogate has no UTF-8 encoding: Node would silently send U+FFFD instead.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Quotes one argument for POSIX `/bin/sh` (dash, bash, busybox ash, zsh in sh mode), so the
 * remote program receives exactly the UTF-8 bytes of `value` as one argv entry.
 *
 * Plain words are returned as they are (readable logs); anything else is wrapped in single
 * quotes, inside which a shell interprets nothing, and each `'` becomes `'\''` (close, escaped
 * quote, reopen). This is the only function in the product that turns a value into shell text.
 *
 * Quoting protects against the shell, not against the program: an argument starting with `-`
 * is still read as an option by most programs; builders put `--` before such operands.
 *
 * @throws InvalidShellArgumentError when `value` contains NUL (argv entries are C strings) or
 *   a lone UTF-16 surrogate (not representable in UTF-8).
 */
export function quoteShellArg(value: string): string {
  if (typeof value !== 'string') {
    throw new InvalidShellArgumentError('a shell argument must be a string', 'argument');
  }
  if (value.includes('\0')) {
    throw new InvalidShellArgumentError('a shell argument cannot contain a NUL character', 'argument');
  }
  if (LONE_SURROGATE.test(value)) {
    throw new InvalidShellArgumentError('a shell argument cannot contain a lone UTF-16 surrogate', 'argument');
  }
  if (SAFE_BARE_WORD.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
