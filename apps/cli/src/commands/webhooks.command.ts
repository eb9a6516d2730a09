import { paginate, unwrap } from '@galera-cp/sdk';
import type { components } from '@galera-cp/sdk';
import { Command } from 'commander';
import { UsageError } from '../cli-errors';
import { deliveryTable, webhookDetail, webhookTable } from '../output/resource-views';
import { ClusterNames, resolveClusterId } from '../resource-resolver';
import { choiceOption, collect, commaList, SessionOf } from './command-support';

type UpdateWebhookRequest = components['schemas']['UpdateWebhookRequest'];
type DeliveryState = components['schemas']['WebhookDelivery']['state'];

const DELIVERY_STATES: readonly DeliveryState[] = ['PENDING', 'SENDING', 'SUCCEEDED', 'FAILED'];
const WEBHOOK_ARGUMENT = 'webhook id (wh_…)';

/** A webhook's signing secret from standard input, without the line end a shell adds. */
async function readSecret(readStdin: () => Promise<string>): Promise<string> {
  const secret = (await readStdin()).replace(/\r?\n$/, '');
  if (!secret) throw new UsageError('--secret-stdin: standard input was empty');
  return secret;
}

/** `galeractl webhooks …`: event deliveries to HTTP endpoints: create, list, get, update, delete, deliveries, test. */
export function webhooksCommand(sessionOf: SessionOf): Command {
  const webhooks = new Command('webhooks').description('webhooks (events POSTed to your endpoints, signed): create, list, get, update, delete, deliveries, test');

  webhooks
    .command('create')
    .description('subscribe an HTTPS endpoint to events; the signing secret is printed this once unless you give one')
    .requiredOption('--endpoint <url>', "the HTTPS endpoint events are POSTed to (--url is the API's)")
    .requiredOption('--events <types>', 'event types: exact (cluster.ready), a prefix ending in a dot (operation.), or * for all; comma-separated, repeatable', commaList)
    .option('--cluster <cluster>', "only this cluster's events (id or name)")
    .option('--description <text>', 'what it is for')
    .option('--secret-stdin', 'read the signing secret (16 to 256 characters) from standard input instead of letting the API make one')
    .option('--disabled', 'create it disabled (no deliveries until: galeractl webhooks update <id> --enable)')
    .option('--dry-run', 'validate it and change nothing')
    .action(async (options: { endpoint: string; events: string[]; cluster?: string; description?: string; secretStdin?: boolean; disabled?: boolean; dryRun?: boolean }, command: Command) => {
      const session = sessionOf(command);
      const clusterId = options.cluster ? await resolveClusterId(session.client, options.cluster) : undefined;
      const secret = options.secretStdin ? await readSecret(() => session.io.readStdin()) : undefined;
      const body = {
        url: options.endpoint,
        events: options.events,
        ...(clusterId ? { clusterId } : {}),
        ...(options.description ? { description: options.description } : {}),
        ...(secret ? { secret } : {}),
        ...(options.disabled ? { enabled: false } : {}),
      };
      const created = await unwrap(session.client.POST('/v1/webhooks', { params: { query: { dryRun: options.dryRun || undefined } }, body }));
      if (session.json) return session.printJson(created);
      let text = `${options.dryRun ? 'Dry run (nothing was created): the webhook would be' : 'Created webhook'} ${created.id} for ${created.url} (${created.events.join(', ')}).\n`;
      // The one time the signing secret can be seen (when the API made it).
      if ('secret' in created && created.secret && !secret) text += `Signing secret (shown this once; store it now):\n  ${created.secret}\n`;
      session.print(text);
    });

  webhooks
    .command('list')
    .description('list webhooks (never their secrets)')
    .action(async (_options: unknown, command: Command) => {
      const session = sessionOf(command);
      const items = await collect(paginate((pageToken) => unwrap(session.client.GET('/v1/webhooks', { params: { query: { pageToken, pageSize: 200 } } }))));
      if (session.json) return session.printJson(items);
      const clusterNames = await new ClusterNames(session.client).of(items.map((w) => w.clusterId));
      session.print(webhookTable(items, { ...session.view, clusterNames }) || 'No webhooks.\n');
    });

  webhooks
    .command('get')
    .description('show a webhook (never its secret)')
    .argument('<webhook>', WEBHOOK_ARGUMENT)
    .action(async (id: string, _options: unknown, command: Command) => {
      const session = sessionOf(command);
      const webhook = await unwrap(session.client.GET('/v1/webhooks/{id}', { params: { path: { id } } }));
      if (session.json) return session.printJson(webhook);
      const clusterNames = await new ClusterNames(session.client).of([webhook.clusterId]);
      session.print(webhookDetail(webhook, { ...session.view, clusterNames }));
    });

  webhooks
    .command('update')
    .description('change a webhook: URL, events, cluster, description, secret, enabled')
    .argument('<webhook>', WEBHOOK_ARGUMENT)
    .option('--endpoint <url>', 'the new endpoint')
    .option('--events <types>', 'the new event types (replace the old ones), comma-separated, repeatable', commaList)
    .option('--cluster <cluster>', "only this cluster's events (id or name)")
    .option('--all-clusters', "every cluster's events")
    .option('--description <text>', 'what it is for')
    .option('--secret-stdin', 'read a new signing secret from standard input')
    .option('--enable', 'deliver again')
    .option('--disable', 'stop delivering (events are not queued meanwhile)')
    .option('--dry-run', 'validate the change and change nothing')
    .action(
      async (
        id: string,
        options: { endpoint?: string; events?: string[]; cluster?: string; allClusters?: boolean; description?: string; secretStdin?: boolean; enable?: boolean; disable?: boolean; dryRun?: boolean },
        command: Command,
      ) => {
        const session = sessionOf(command);
        if (options.enable && options.disable) throw new UsageError('--enable and --disable contradict each other');
        if (options.cluster && options.allClusters) throw new UsageError('--cluster and --all-clusters contradict each other');
        const body: UpdateWebhookRequest = {};
        if (options.endpoint) body.url = options.endpoint;
        if (options.events) body.events = options.events;
        if (options.cluster) body.clusterId = await resolveClusterId(session.client, options.cluster);
        if (options.allClusters) body.clusterId = null;
        if (options.description !== undefined) body.description = options.description;
        if (options.secretStdin) body.secret = await readSecret(() => session.io.readStdin());
        if (options.enable) body.enabled = true;
        if (options.disable) body.enabled = false;
        if (Object.keys(body).length === 0)
          throw new UsageError('webhooks update: nothing to change (give --endpoint, --events, --cluster, --all-clusters, --description, --secret-stdin, --enable or --disable)');
        const updated = await unwrap(session.client.PATCH('/v1/webhooks/{id}', { params: { path: { id }, query: { dryRun: options.dryRun || undefined } }, body }));
        session.output(updated, () => `${options.dryRun ? 'Dry run (nothing was changed): the webhook would be' : 'Updated webhook'} ${updated.id}.\n${webhookDetail(updated, session.view)}`);
      },
    );

  webhooks
    .command('delete')
    .description('delete a webhook: no more deliveries')
    .argument('<webhook>', WEBHOOK_ARGUMENT)
    .option('--dry-run', 'check that it could be deleted, and change nothing')
    .action(async (id: string, options: { dryRun?: boolean }, command: Command) => {
      const session = sessionOf(command);
      await unwrap(session.client.DELETE('/v1/webhooks/{id}', { params: { path: { id }, query: { dryRun: options.dryRun || undefined } } }));
      session.output({ id, deleted: !options.dryRun, ...(options.dryRun ? { dryRun: true } : {}) }, () =>
        options.dryRun ? `Dry run: webhook ${id} could be deleted (nothing was changed).\n` : `Deleted webhook ${id}.\n`,
      );
    });

  webhooks
    .command('deliveries')
    .description("a webhook's deliveries, newest first: state, attempts, last HTTP status and error")
    .argument('<webhook>', WEBHOOK_ARGUMENT)
    .addOption(choiceOption('--state <state>', 'only deliveries in this state', DELIVERY_STATES))
    .action(async (id: string, options: { state?: DeliveryState }, command: Command) => {
      const session = sessionOf(command);
      const items = await collect(
        paginate((pageToken) => unwrap(session.client.GET('/v1/webhooks/{id}/deliveries', { params: { path: { id }, query: { pageToken, pageSize: 200, state: options.state } } }))),
      );
      session.output(items, () => deliveryTable(items, session.view) || 'No deliveries.\n');
    });

  webhooks
    .command('test')
    .description('send a test event (webhook.ping) to the endpoint now, and show its delivery')
    .argument('<webhook>', WEBHOOK_ARGUMENT)
    .option('--dry-run', 'check that it could be sent, and send nothing')
    .action(async (id: string, options: { dryRun?: boolean }, command: Command) => {
      const session = sessionOf(command);
      const delivery = await unwrap(session.client.POST('/v1/webhooks/{id}/test', { params: { path: { id }, query: { dryRun: options.dryRun || undefined } }, body: {} }));
      session.output(delivery, () => deliveryTable([delivery], session.view));
    });

  return webhooks;
}
