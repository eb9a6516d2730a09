import { unwrap } from '@galera-cp/sdk';
import { Command } from 'commander';
import { UsageError } from '../cli-errors';
import { renderFields } from '../output/table';
import { tokenTable } from '../output/resource-views';
import { choiceOption, SessionOf } from './command-support';

const ROLES = ['viewer', 'operator', 'admin'] as const;

/** `galeractl tokens …` (admin): issue, list, show and revoke API tokens. */
export function tokensCommand(sessionOf: SessionOf): Command {
  const tokens = new Command('tokens').description('API tokens (admin only): create, list, get, revoke');

  tokens
    .command('create')
    .description('issue a token; its secret is printed this once (stored only as a hash)')
    .requiredOption('--name <name>', 'what the token is for (e.g. portal, ci)')
    .addOption(choiceOption('--role <role>', 'viewer (reads), operator (changes), admin (tokens, audit)', ROLES).makeOptionMandatory())
    .option('--expires-at <date>', 'when it stops working (ISO 8601, e.g. 2026-01-31T00:00:00Z)')
    .option('--dry-run', 'validate it and issue nothing')
    .action(async (options: { name: string; role: (typeof ROLES)[number]; expiresAt?: string; dryRun?: boolean }, command: Command) => {
      const session = sessionOf(command);
      if (options.expiresAt !== undefined && Number.isNaN(Date.parse(options.expiresAt)))
        throw new UsageError(`--expires-at: "${options.expiresAt}" is not a date (ISO 8601, e.g. 2026-01-31T00:00:00Z)`);
      const expiresAt = options.expiresAt ? new Date(options.expiresAt).toISOString() : undefined;
      const issued = await unwrap(
        session.client.POST('/v1/tokens', { params: { query: { dryRun: options.dryRun || undefined } }, body: { name: options.name, role: options.role, ...(expiresAt ? { expiresAt } : {}) } }),
      );
      // A dry run answers the token as it would be, without a secret.
      if (options.dryRun) return session.output(issued, () => `Dry run (nothing was issued): the token would be\n${tokenTable([issued], session.view)}`);
      if (!('token' in issued)) throw new Error('the API issued the token without its secret');
      // The one place a secret is printed: this is the only time anyone can see it.
      session.output(
        issued,
        () =>
          `${renderFields([
            ['Id', issued.id],
            ['Name', issued.name],
            ['Role', issued.role],
            ['Expires', issued.expiresAt ?? 'never'],
          ])}\nToken (shown this once; store it now):\n  ${issued.token}\n`,
      );
    });

  tokens
    .command('list')
    .description('list tokens (never their secrets)')
    .action(async (_options: unknown, command: Command) => {
      const session = sessionOf(command);
      const list = await unwrap(session.client.GET('/v1/tokens'));
      session.output(list.items, () => tokenTable(list.items, session.view) || 'No tokens.\n');
    });

  tokens
    .command('get')
    .description('show a token (never its secret)')
    .argument('<token>', 'token id (tk_…)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const session = sessionOf(command);
      const token = await unwrap(session.client.GET('/v1/tokens/{id}', { params: { path: { id } } }));
      session.output(token, () => tokenTable([token], session.view));
    });

  tokens
    .command('revoke')
    .description('revoke a token: it stops working at once')
    .argument('<token>', 'token id (tk_…)')
    .option('--dry-run', 'check that it could be revoked, and change nothing')
    .action(async (id: string, options: { dryRun?: boolean }, command: Command) => {
      const session = sessionOf(command);
      const token = await unwrap(session.client.DELETE('/v1/tokens/{id}', { params: { path: { id }, query: { dryRun: options.dryRun || undefined } } }));
      session.output(token, () => (options.dryRun ? `Dry run: token ${token.name} (${token.id}) could be revoked (nothing was changed).\n` : `Revoked token ${token.name} (${token.id}).\n`));
    });

  return tokens;
}
