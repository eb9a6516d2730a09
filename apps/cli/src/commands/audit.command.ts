import { paginate, unwrap } from '@galera-cp/sdk';
import type { components } from '@galera-cp/sdk';
import { Command } from 'commander';
import { auditTable } from '../output/resource-views';
import { ClusterNames } from '../resource-resolver';
import { choiceOption, collect, integerArgument, SessionOf } from './command-support';

type Outcome = components['schemas']['AuditRecord']['outcome'];

const OUTCOMES: readonly Outcome[] = ['succeeded', 'failed', 'denied'];

/** `galeractl audit list` (admin): who changed what, when, and how it ended. */
export function auditCommand(sessionOf: SessionOf): Command {
  const audit = new Command('audit').description('the audit trail (admin only): every mutation, refused ones too');

  audit
    .command('list')
    .description('list audit records, newest first')
    .option('--actor <actor>', 'only this actor (a token id, a chat identity, system)')
    .option('--action <action>', 'only this action (e.g. cluster.scale)')
    .option('--target <id>', 'only records about this target id (cl_…, op_…, cr_…)')
    .addOption(choiceOption('--outcome <outcome>', 'only records with this outcome', OUTCOMES))
    .option('--limit <n>', 'show at most this many (0: all)', integerArgument(0, 1_000_000), 50)
    .action(async (options: { actor?: string; action?: string; target?: string; outcome?: Outcome; limit: number }, command: Command) => {
      const session = sessionOf(command);
      const { client } = session;
      const pageSize = options.limit > 0 ? Math.min(200, options.limit) : 200;
      const items = await collect(
        paginate((pageToken) =>
          unwrap(client.GET('/v1/audit', { params: { query: { pageToken, pageSize, actor: options.actor, action: options.action, targetId: options.target, outcome: options.outcome } } })),
        ),
        options.limit,
      );
      if (session.json) return session.printJson(items);
      const clusterNames = await new ClusterNames(client).of(items.filter((r) => r.targetType === 'cluster').map((r) => r.targetId));
      session.print(auditTable(items, { ...session.view, clusterNames }) || 'No audit records.\n');
    });

  return audit;
}
