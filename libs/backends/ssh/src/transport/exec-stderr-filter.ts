import type { ExecMarkers } from '../shell/exec-envelope';

/** What the filter reports while it reads a command's stderr. */
export interface ExecStderrEvents {
  /** The login shell reported the command's process group. */
  onProcessGroup(processGroupId: number): void;
  /** sudo asked for the password (`count` = how many times so far). */
  onSudoPrompt(count: number): void;
  /** sudo let the root shell run; the command's own output follows. */
  onSudoReady(): void;
  /** Bytes the command itself wrote to stderr. */
  onOutput(chunk: Buffer): void;
}

// Longest partial line held back while looking for a marker.
const MAX_HELD_BYTES = 64 * 1024;
const MAX_NOISE_CHARS = 4096;

/**
 * Reads the stderr of an exec envelope (see `execEnvelope`): takes out the process group line,
 * sudo's prompts and the ready line, and passes everything else on. Output before the process
 * group line (e.g. a login script's chatter) is passed on too; sudo's own messages before the
 * ready line are kept apart as {@link sudoMessages} for a sudo error.
 */
export class ExecStderrFilter {
  readonly #processGroupMarker: Buffer;
  readonly #promptMarker: Buffer;
  readonly #readyMarker: string;
  readonly #events: ExecStderrEvents;
  #phase: 'process-group' | 'sudo' | 'command';
  readonly #sudo: boolean;
  #held: Buffer = Buffer.alloc(0);
  #prompts = 0;
  #noise = '';

  constructor(markers: ExecMarkers, sudo: boolean, events: ExecStderrEvents) {
    this.#processGroupMarker = Buffer.from(markers.processGroup);
    this.#promptMarker = Buffer.from(markers.sudoPrompt);
    this.#readyMarker = markers.sudoReady;
    this.#sudo = sudo;
    this.#events = events;
    this.#phase = 'process-group';
  }

  /** True once sudo has let the command run (always true without sudo, once it started). */
  get commandStarted(): boolean {
    return this.#phase === 'command';
  }

  /** How often sudo asked for a password. */
  get sudoPrompts(): number {
    return this.#prompts;
  }

  /** What sudo printed before the command started (its error messages), bounded. */
  get sudoMessages(): string {
    return this.#noise;
  }

  push(chunk: Buffer): void {
    if (this.#phase === 'command') {
      this.#events.onOutput(chunk);
      return;
    }
    this.#held = this.#held.length === 0 ? chunk : Buffer.concat([this.#held, chunk]);
    this.#drain();
  }

  /** The stream ended: whatever is held back is output (or sudo's messages). */
  end(): void {
    if (this.#held.length === 0) return;
    const rest = this.#held;
    this.#held = Buffer.alloc(0);
    if (this.#phase === 'sudo') this.#addNoise(rest.toString('utf8'));
    else this.#events.onOutput(rest);
  }

  #drain(): void {
    while (this.#phase !== 'command') {
      if (this.#phase === 'sudo') {
        const prompt = this.#held.indexOf(this.#promptMarker);
        if (prompt >= 0) {
          this.#held = Buffer.concat([this.#held.subarray(0, prompt), this.#held.subarray(prompt + this.#promptMarker.length)]);
          this.#events.onSudoPrompt(++this.#prompts);
          continue;
        }
      }
      const newline = this.#held.indexOf(0x0a);
      if (newline < 0) {
        if (this.#held.length > MAX_HELD_BYTES) {
          const rest = this.#held;
          this.#held = Buffer.alloc(0);
          if (this.#phase === 'sudo') this.#addNoise(rest.toString('utf8'));
          else this.#events.onOutput(rest);
        }
        return;
      }
      const line = this.#held.subarray(0, newline + 1);
      this.#held = this.#held.subarray(newline + 1);
      if (this.#phase === 'process-group') {
        if (line.subarray(0, this.#processGroupMarker.length).equals(this.#processGroupMarker)) {
          const id = Number.parseInt(line.subarray(this.#processGroupMarker.length).toString('latin1').trim(), 10);
          if (Number.isInteger(id) && id > 1) this.#events.onProcessGroup(id);
          this.#phase = this.#sudo ? 'sudo' : 'command';
        } else {
          this.#events.onOutput(line);
        }
      } else if (line.toString('utf8').replace(/\r?\n$/, '') === this.#readyMarker) {
        this.#phase = 'command';
        this.#events.onSudoReady();
      } else if (line.toString('utf8').trim() !== '') {
        this.#addNoise(line.toString('utf8'));
      }
    }
    if (this.#held.length > 0) {
      const rest = this.#held;
      this.#held = Buffer.alloc(0);
      this.#events.onOutput(rest);
    }
  }

  #addNoise(text: string): void {
    this.#noise = (this.#noise + text).slice(-MAX_NOISE_CHARS);
  }
}
