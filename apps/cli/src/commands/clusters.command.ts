import { CreateClusterRequest, unwrap } from '@galera-cp/sdk';
import { Command } from 'commander';
import { reportStarted } from '../operations/operation-waiter';
import { clusterDetail, clusterTable, nodeTable } from '../output/resource-views';
import { allClusters, resolveCluster, resolveClusterId } from '../resource-resolver';
import { readSpecFile } from '../spec-file';
import { addMutationOptions, choiceOption, collect, commaList, idempotencyHeader, integerArgument, MutationOptions, SessionOf, waitTimeoutOf } from './command-support';

const CLUSTER_STATES = ['CREATING', 'READY', 'DEGRADED', 'DOWN', 'STOPPED', 'FAILED', 'DELETING', 'UNKNOWN'] as const;
const CLUSTER_ARGUMENT = 'cluster id (cl_…) or name';

/** `galeractl clusters …`: list, inspect, create, scale, restart, stop, start, recover and delete clusters. */
export function clustersCommand(sessionOf: SessionOf): Command {
  const clusters = new Command('clusters').description('Galera clusters: list, inspect, create, scale, restart, stop, start, recover, delete');

  clusters
    .command('list')
    .description('list clusters')
    .addOption(choiceOption('--state <state>', 'only clusters in this state', CLUSTER_STATES))
    .addOption(choiceOption('--backend <backend>', 'only clusters on this backend', ['ssh', 'kubernetes']))
    .action(async (options: { state?: (typeof CLUSTER_STATES)[number]; backend?: 'ssh' | 'kubernetes' }, command: Command) => {
      const session = sessionOf(command);
      const items = await collect(allClusters(session.client, { state: options.state, backend: options.backend }));
      session.output(items, () => clusterTable(items, session.view) || 'No clusters.\n');
    });

  clusters
    .command('get')
    .description('show a cluster: spec, state, conditions and members')
    .argument('<cluster>', CLUSTER_ARGUMENT)
    .action(async (ref: string, _options: unknown, command: Command) => {
      const session = sessionOf(command);
      const cluster = await resolveCluster(session.client, ref);
      if (session.json) return session.printJson(cluster);
      const nodes = await unwrap(session.client.GET('/v1/clusters/{id}/nodes', { params: { path: { id: cluster.id } } }));
      session.print(clusterDetail(cluster, session.view));
      if (nodes.items.length > 0) session.print(`\nMembers:\n${nodeTable(nodes.items, session.view).replace(/^(?=.)/gm, '  ')}`);
    });

  clusters
    .command('nodes')
    .description("list a cluster's members (Galera nodes)")
    .argument('<cluster>', CLUSTER_ARGUMENT)
    .action(async (ref: string, _options: unknown, command: Command) => {
      const session = sessionOf(command);
      const id = await resolveClusterId(session.client, ref);
      const nodes = await unwrap(session.client.GET('/v1/clusters/{id}/nodes', { params: { path: { id } } }));
      session.output(nodes.items, () => nodeTable(nodes.items, session.view) || 'No members yet.\n');
    });

  addMutationOptions(
    clusters
      .command('create')
      .description('create a cluster from a YAML or JSON spec file (the body of POST /v1/clusters)')
      .requiredOption('-f, --file <path>', 'the spec file (YAML or JSON; - reads standard input)'),
  )
    .addHelpText('after', '\nSpec file (YAML):\n  name: orders\n  backend: ssh\n  ssh:\n    credentialId: cr_…\n    hosts:\n      - { address: 10.0.0.11, hostKeyFingerprint: "SHA256:…" }\n      - { address: 10.0.0.12, hostKeyFingerprint: "SHA256:…" }\n      - { address: 10.0.0.13, hostKeyFingerprint: "SHA256:…" }\n')
    .action(async (options: MutationOptions & { file: string }, command: Command) => {
      const session = sessionOf(command);
      const body = (await readSpecFile(options.file, () => session.io.readStdin())) as unknown as CreateClusterRequest;
      const answer = await unwrap(session.client.POST('/v1/clusters', { params: { query: { dryRun: options.dryRun || undefined }, header: idempotencyHeader(options) }, body }));
      await reportStarted(session, answer, { wait: options.wait, timeoutMs: waitTimeoutOf(options) });
    });

  addMutationOptions(
    clusters
      .command('scale')
      .description('change the number of members (Galera wants an odd number, 3 or more)')
      .argument('<cluster>', CLUSTER_ARGUMENT)
      .argument('<replicas>', 'members wanted (1-64)', integerArgument(1, 64))
      .option('--force', 'accept an unsafe size (1, 2 or even); never a loss of quorum'),
  ).action(async (ref: string, replicas: number, options: MutationOptions & { force?: boolean }, command: Command) => {
    const session = sessionOf(command);
    const id = await resolveClusterId(session.client, ref);
    const answer = await unwrap(
      session.client.POST('/v1/clusters/{id}/scale', { params: { path: { id }, query: { dryRun: options.dryRun || undefined }, header: idempotencyHeader(options) }, body: { replicas, ...(options.force ? { force: true } : {}) } }),
    );
    await reportStarted(session, answer, { wait: options.wait, timeoutMs: waitTimeoutOf(options) });
  });

  for (const [verb, description] of [
    ['restart', 'rolling restart, one member at a time, keeping quorum'],
    ['stop', 'stop every member (the cluster keeps its data)'],
    ['start', 'start a stopped cluster'],
  ] as const) {
    addMutationOptions(clusters.command(verb).description(description).argument('<cluster>', CLUSTER_ARGUMENT)).action(async (ref: string, options: MutationOptions, command: Command) => {
      const session = sessionOf(command);
      const id = await resolveClusterId(session.client, ref);
      const answer = await unwrap(session.client.POST(`/v1/clusters/{id}/${verb}`, { params: { path: { id }, query: { dryRun: options.dryRun || undefined }, header: idempotencyHeader(options) }, body: {} }));
      await reportStarted(session, answer, { wait: options.wait, timeoutMs: waitTimeoutOf(options) });
    });
  }

  addMutationOptions(
    clusters
      .command('recover')
      .description('recover from a full crash: bootstrap from the member with the highest seqno, then start the others')
      .argument('<cluster>', CLUSTER_ARGUMENT)
      .option('--approve', 'approve the recovery plan now (otherwise it waits for: galeractl operations approve <id>)')
      .option('--accept-missing <names>', 'members to recover without (unreachable ones), comma-separated', commaList),
  ).action(async (ref: string, options: MutationOptions & { approve?: boolean; acceptMissing?: string[] }, command: Command) => {
    const session = sessionOf(command);
    const id = await resolveClusterId(session.client, ref);
    const body = { ...(options.approve ? { approve: true } : {}), ...(options.acceptMissing ? { acceptMissing: options.acceptMissing } : {}) };
    const answer = await unwrap(session.client.POST('/v1/clusters/{id}/recover', { params: { path: { id }, query: { dryRun: options.dryRun || undefined }, header: idempotencyHeader(options) }, body }));
    await reportStarted(session, answer, { wait: options.wait, timeoutMs: waitTimeoutOf(options) });
  });

  addMutationOptions(
    clusters
      .command('delete')
      .description('delete a cluster: stop its services; its data is kept unless --purge')
      .argument('<cluster>', CLUSTER_ARGUMENT)
      .option('--purge', 'also remove data directories / volumes'),
    { idempotencyKey: false },
  ).action(async (ref: string, options: MutationOptions & { purge?: boolean }, command: Command) => {
    const session = sessionOf(command);
    const id = await resolveClusterId(session.client, ref);
    const answer = await unwrap(session.client.DELETE('/v1/clusters/{id}', { params: { path: { id }, query: { purge: options.purge || undefined, dryRun: options.dryRun || undefined } } }));
    await reportStarted(session, answer, { wait: options.wait, timeoutMs: waitTimeoutOf(options) });
  });

  return clusters;
}
