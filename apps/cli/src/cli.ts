import { Command, CommanderError, Option } from 'commander';
import { CliIo, CliRunState, CommandSession } from './cli-context';
import { auditCommand } from './commands/audit.command';
import { clustersCommand } from './commands/clusters.command';
import { durationArgument } from './commands/command-support';
import { configCommand } from './commands/config.command';
import { credentialsCommand } from './commands/credentials.command';
import { eventsCommand } from './commands/events.command';
import { nodesCommand } from './commands/nodes.command';
import { operationsCommand } from './commands/operations.command';
import { tokensCommand } from './commands/tokens.command';
import { webhooksCommand } from './commands/webhooks.command';
import { InterruptedError } from './cli-errors';
import { EXIT, exitCodeOf } from './exit-codes';
import { errorReport, formatErrorReport, hintOf } from './output/error-report';

/** galeractl's version (`--version`), as in apps/cli/package.json. */
export const VERSION = '0.1.0';

const EPILOG = `
Configuration: flags > environment (GALERA_URL, GALERA_TOKEN, GALERACTL_PROFILE) > the profile
file ($GALERACTL_CONFIG or ~/.config/galeractl/config.yaml) > http://127.0.0.1:8080.

Exit codes: 0 ok / operation SUCCEEDED, 1 operation FAILED or CANCELLED, 2 usage error,
3 API refused (4xx), 4 not found, 5 authentication/authorization, 6 unreachable / 5xx / wait timed
out, 7 galeractl bug, 130 interrupted.

Examples:
  galeractl clusters create -f orders.yaml --wait
  galeractl clusters scale orders 5 --dry-run
  galeractl clusters scale orders 5 --wait --json | jq -r .state
  galeractl operations logs op_01… --follow
  galeractl events stream --cluster orders --json
`;

/**
 * The command tree. Every setting that several commands share (output, errors, exit override)
 * is made on the root before the subcommands are added, so they inherit it.
 */
export function buildProgram(io: CliIo, state: CliRunState): Command {
  const program = new Command('galeractl')
    .description('Command-line client of the Galera control plane (MariaDB Galera clusters on SSH hosts and Kubernetes)')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      getOutHelpWidth: () => io.stdout.columns ?? 100,
      getErrHelpWidth: () => io.stderr.columns ?? 100,
    })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .showSuggestionAfterError(true)
    .option('--url <url>', 'API URL (env GALERA_URL)')
    .option('--token <token>', 'API token (env GALERA_TOKEN; prefer the environment or a profile: flags show in ps and shell history)')
    .option('--profile <name>', 'profile of the config file (env GALERACTL_PROFILE)')
    .option('--json', 'machine-readable output: one JSON document on stdout; errors as a JSON problem on stderr')
    .option('--no-color', 'no colours (also: NO_COLOR)')
    .addOption(new Option('--request-timeout <duration>', 'bound on waiting for an answer from the API (default: 30s)').argParser(durationArgument('--request-timeout')))
    .addHelpText('after', EPILOG);

  // The command that runs, so that an error's hint can name the flags it has (`--force`).
  program.hook('preAction', (_program, actionCommand) => {
    state.flags = actionCommand.options.map((option) => option.long).filter((flag): flag is string => flag !== undefined);
    state.flagsGiven = Object.keys(actionCommand.opts());
  });

  const sessionOf = (command: Command) => CommandSession.of(command, io, state);
  for (const group of [clustersCommand, nodesCommand, operationsCommand, eventsCommand, webhooksCommand, credentialsCommand, tokensCommand, auditCommand, configCommand]) {
    program.addCommand(inherit(program, group(sessionOf)));
  }
  return program;
}

/**
 * Commands built on their own (`new Command`) do not inherit the root's settings as `.command()`
 * children do: copy them down the tree (exit override, output, help after errors).
 */
function inherit(root: Command, command: Command): Command {
  command.copyInheritedSettings(root);
  for (const child of command.commands) inherit(root, child);
  return command;
}

/** The status commander gave up with: help and version asked for are success, everything else a usage error. */
function exitCodeOfCommander(error: CommanderError): number {
  return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
}

/**
 * Runs one command line (without the node and script arguments) and answers the exit code.
 * Errors are reported on stderr: as a JSON problem with --json, as text otherwise.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const state: CliRunState = { exitCode: EXIT.OK, json: argv.includes('--json') };
  const program = buildProgram(io, state);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeOfCommander(error);
    // Ctrl-C aborts requests and streams in flight: whatever they threw, the cause is the interrupt.
    if (io.signal?.aborted && exitCodeOf(error) === EXIT.INTERNAL) error = new InterruptedError('Interrupted; an operation that was started goes on (galeractl operations list)');
    const report = errorReport(error, state.url);
    const hint = hintOf(report, { flags: state.flags ?? [], given: state.flagsGiven ?? [] });
    if (hint) report.hint = hint;
    if (state.json) io.stderr.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      io.stderr.write(formatErrorReport(report));
      if (report.status === 401 && state.tokenSet === false) io.stderr.write('  no token is configured: set GALERA_TOKEN, or run: galeractl config set-profile <name> --url <url> --token-stdin\n');
    }
    if (report.exitCode === EXIT.INTERNAL && error instanceof Error)
      io.stderr.write(io.env.GALERACTL_DEBUG ? `${error.stack ?? ''}\n` : 'galeractl: this is a bug in galeractl; GALERACTL_DEBUG=1 shows the stack\n');
    return report.exitCode;
  }
}
