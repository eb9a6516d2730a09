/** What replaces a secret in redacted text. */
export const REDACTED = '[REDACTED]';

// A line of a multi-line secret (a private key) is redacted on its own too, because command
// output is handled line by line; shorter lines are too common to be worth hiding.
const MIN_SECRET_LINE_LENGTH = 8;

/**
 * Replaces known secrets (passwords, passphrases, private keys) with `[REDACTED]` so command
 * output can be logged. Immutable: {@link with} returns a new redactor for one command's extra
 * secrets without changing the session's.
 */
export class Redactor {
  readonly #secrets: readonly string[];
  readonly #pattern: RegExp | undefined;

  constructor(secrets: Iterable<string | Buffer | null | undefined> = []) {
    const all = new Set<string>();
    for (const secret of secrets) {
      if (secret === null || secret === undefined) continue;
      const text = typeof secret === 'string' ? secret : secret.toString('utf8');
      if (text.length === 0) continue;
      all.add(text);
      if (text.includes('\n')) {
        for (const line of text.split('\n')) {
          const trimmed = line.replace(/\r$/, '').trim();
          if (trimmed.length >= MIN_SECRET_LINE_LENGTH) all.add(trimmed);
        }
      }
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.#secrets = [...all].sort((a, b) => b.length - a.length);
    this.#pattern = this.#secrets.length === 0 ? undefined : new RegExp(this.#secrets.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  }

  /** How many distinct strings (secrets and secret lines) are hidden. */
  get size(): number {
    return this.#secrets.length;
  }

  /** A redactor that hides these secrets as well as this one's. */
  with(...secrets: ReadonlyArray<string | Buffer | null | undefined>): Redactor {
    if (secrets.every((s) => s === null || s === undefined || s.length === 0)) return this;
    return new Redactor([...this.#secrets, ...secrets]);
  }

  /** `text` with every occurrence of every secret replaced by `[REDACTED]`. */
  redact(text: string): string {
    if (!this.#pattern || text.length === 0) return text;
    this.#pattern.lastIndex = 0;
    return text.replace(this.#pattern, REDACTED);
  }
}
