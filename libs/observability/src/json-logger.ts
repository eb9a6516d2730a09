import { LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';

/**
 * Nest's logger as JSON lines (pino). Messages may be strings or objects (`{ msg, ...fields }`);
 * the Nest context becomes the `context` field.
 */
export class JsonLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(level = 'info', destination?: pino.DestinationStream) {
    this.pino = pino(
      { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
      destination ?? pino.destination({ sync: false }),
    );
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (message && typeof message === 'object' && !(message instanceof Error)) {
      this.pino[level]({ context, ...(message as Record<string, unknown>) });
    } else if (message instanceof Error) {
      this.pino[level]({ context, err: { message: message.message, stack: message.stack } }, message.message);
    } else {
      this.pino[level]({ context, ...(level === 'error' && typeof rest[0] === 'string' && rest.length > 1 ? { stack: rest[0] } : {}) }, String(message));
    }
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Access log line of one HTTP request. */
  request(fields: Record<string, unknown>): void {
    this.pino.info({ context: 'http', ...fields });
  }

  flush(): void {
    this.pino.flush();
  }
}
