import type { JsonLogger } from './json-logger';

/** Exit code of a process that stopped on a programming error (EX_SOFTWARE of sysexits.h). */
export const EXIT_ON_FATAL_ERROR = 70;

/**
 * What a process does about an unhandled rejection or an uncaught exception: a bug left it in a
 * state nobody planned for, so it does not carry on silently. It logs one `fatal` JSON line
 * (`msg: "unhandled rejection"` or `"uncaught exception"`, the error's name, message and stack),
 * then calls `stop` with {@link EXIT_ON_FATAL_ERROR}: the process stops listening (so readiness
 * fails at once), closes, and exits with that code for its supervisor to restart it. Operations
 * it ran resume on another worker once their lease expires.
 */
export function installProcessSafetyNet(logger: JsonLogger, stop: (reason: string, exitCode: number) => void): void {
  const fatal = (msg: string) => (error: unknown) => {
    logger.fatal({ msg, err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { message: String(error) } });
    logger.flush();
    stop(msg, EXIT_ON_FATAL_ERROR);
  };
  process.on('unhandledRejection', fatal('unhandled rejection'));
  process.on('uncaughtException', fatal('uncaught exception'));
}
