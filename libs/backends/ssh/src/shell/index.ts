export { quoteShellArg } from './quote';
export { InvalidShellArgumentError, type ShellErrorCode } from './shell.errors';
export {
  REMOTE_PROGRAMS,
  RemoteCommand,
  ProgramCommand,
  and,
  command,
  commandExists,
  discardOutput,
  inNewSession,
  isValidHost,
  mergeStderrIntoStdout,
  not,
  or,
  pipeline,
  redirectInput,
  redirectOutput,
  sequence,
  tcpProbeCommand,
  withEnv,
  withTimeout,
  type OutputStream,
  type RedirectOutputOptions,
  type RemoteProgram,
  type WithTimeoutOptions,
} from './command';
export { writeFileCommand, type WriteFileOptions } from './write-file';
export { emptyDirectoryCommand } from './empty-directory';
export type { SudoMode } from './exec-envelope';
