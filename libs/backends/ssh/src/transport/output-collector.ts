import { StringDecoder } from 'node:string_decoder';

/** Longest line handed to a line callback; a longer run without newline is cut into pieces. */
export const MAX_LINE_LENGTH = 16 * 1024;

/**
 * Collects one output stream of a command: keeps at most `maxBytes` (the tail: the end of a
 * command's output says why it failed) and hands complete lines to a callback as they arrive.
 * Memory stays bounded however much the command writes.
 */
export class OutputCollector {
  readonly #maxBytes: number;
  readonly #onLine: ((line: string) => void) | undefined;
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  #total = 0;
  readonly #decoder = new StringDecoder('utf8');
  #pending = '';
  #finished = false;

  constructor(maxBytes: number, onLine?: (line: string) => void) {
    if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new RangeError('maxBytes must be a positive integer');
    this.#maxBytes = maxBytes;
    this.#onLine = onLine;
  }

  /** Bytes received in all, kept or not. */
  get totalBytes(): number {
    return this.#total;
  }

  /** True when the start of the output was dropped to respect the cap. */
  get truncated(): boolean {
    return this.#total > this.#maxBytes;
  }

  push(chunk: Buffer): void {
    if (this.#finished || chunk.length === 0) return;
    this.#total += chunk.length;
    this.#chunks.push(chunk);
    this.#kept += chunk.length;
    // Drop whole chunks from the head while the rest still covers the cap.
    while (this.#chunks.length > 1 && this.#kept - this.#chunks[0].length >= this.#maxBytes) {
      this.#kept -= this.#chunks.shift()!.length;
    }
    if (this.#onLine) this.#splitLines(this.#decoder.write(chunk));
  }

  /** Flushes the last line (one without a trailing newline). Call once, when the stream ended. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (!this.#onLine) return;
    this.#splitLines(this.#decoder.end());
    if (this.#pending.length > 0) this.#emit(this.#pending);
    this.#pending = '';
  }

  /**
   * The kept output as text. When the head was dropped, the text starts at the first complete
   * line of the tail, so a cut never leaves half a character or half a secret at the start.
   */
  text(): string {
    let buffer = Buffer.concat(this.#chunks);
    if (buffer.length > this.#maxBytes) buffer = buffer.subarray(buffer.length - this.#maxBytes);
    if (!this.truncated) return buffer.toString('utf8');
    const newline = buffer.indexOf(0x0a);
    if (newline >= 0 && newline < buffer.length - 1) return buffer.subarray(newline + 1).toString('utf8');
    // One enormous line: skip UTF-8 continuation bytes of a character cut in half.
    let start = 0;
    while (start < buffer.length && (buffer[start] & 0xc0) === 0x80) start++;
    return buffer.subarray(start).toString('utf8');
  }

  /** The last `maxChars` characters of {@link text}, starting at a line boundary when it can. */
  tail(maxChars: number): string {
    const all = this.text();
    if (all.length <= maxChars) return all;
    const cut = all.slice(all.length - maxChars);
    const newline = cut.indexOf('\n');
    return newline >= 0 && newline < cut.length - 1 ? cut.slice(newline + 1) : cut;
  }

  #splitLines(text: string): void {
    if (text.length === 0) return;
    let data = this.#pending + text;
    let newline = data.indexOf('\n');
    while (newline >= 0) {
      this.#emit(data.slice(0, newline));
      data = data.slice(newline + 1);
      newline = data.indexOf('\n');
    }
    while (data.length > MAX_LINE_LENGTH) {
      this.#emit(data.slice(0, MAX_LINE_LENGTH));
      data = data.slice(MAX_LINE_LENGTH);
    }
    this.#pending = data;
  }

  #emit(line: string): void {
    this.#onLine!(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}
