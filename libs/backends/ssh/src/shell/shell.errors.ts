/** Stable codes of the errors raised while building a remote command. */
export type ShellErrorCode = 'SHELL_ARGUMENT_INVALID';

/**
 * A value cannot become part of a remote command: it holds a NUL byte or a lone UTF-16
 * surrogate (neither can be passed through argv unchanged), or it breaks a builder's rule
 * (an environment variable name, a file mode, an owner name, a port, ...).
 *
 * The message names the rule, never the offending value: the value may be a secret.
 */
export class InvalidShellArgumentError extends Error {
  /** Always `SHELL_ARGUMENT_INVALID`. */
  readonly code: ShellErrorCode = 'SHELL_ARGUMENT_INVALID';

  constructor(
    message: string,
    /** Which builder parameter was rejected, e.g. `argument`, `env name`, `mode`. */
    readonly parameter: string,
  ) {
    super(message);
    this.name = 'InvalidShellArgumentError';
  }
}
