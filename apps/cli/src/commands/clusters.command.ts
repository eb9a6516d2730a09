import { CreateClusterRequest, unwrap } from '@galera-cp/sdk';
import type { components } from '@galera-cp/sdk';
import { Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../cli-errors';
import { reportStarted } from '../operations/operation-waiter';
import { clusterDetail, clusterTable, nodeTable } from '../output/resource-views';
import { allClusters, resolveCluster, resolveClusterId } from '../resource-resolver';
import { readSpecFile, resolveSpecCredentials } from '../spec-file';
import { addMutationOptions, choiceOption, collect, commaList, idempotencyHeader, integerArgument, MutationOptions, SessionOf, waitTimeoutOf } from './command-support';

type UpdateClusterRequest = components['schemas']['UpdateClusterRequest'];
type ParameterValue = string | number | boolean;

/** `key=value` (a label, a server parameter); repeating the flag adds to the list. */
export function keyValue(value: string, previous: [string, string][] = []): [string, string][] {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}".`);
  return [...previous, [value.slice(0, at).trim(), value.slice(at + 1)]];
}

/** A server parameter's value as typed: numbers and true/false become JSON numbers and booleans, the rest stays text. */
export function parameterValue(text: string): ParameterValue {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** What `clusters update` sends: the labels (the API replaces them all) and the policy fields to merge. */
export function clusterUpdateOf(current: Record<string, string>, options: UpdateOptions): UpdateClusterRequest {
  const body: UpdateClusterRequest = {};
  if (options.label || options.removeLabel || options.clearLabels) {
    const labels: Record<string, string> = options.clearLabels ? {} : { ...current };
    for (const key of options.removeLabel ?? []) delete labels[key];
    for (const [key, value] of options.label ?? []) labels[key] = value;
    body.labels = labels;
  }
  const policy: NonNullable<UpdateClusterRequest['policy']> = {};
  if (options.deletionProtection !== undefined) policy.deletionProtection = options.deletionProtection;
  if (options.autoRecovery !== undefined) policy.autoRecovery = options.autoRecovery;
  if (options.donorServesTraffic !== undefined) policy.donorServesTraffic = options.donorServesTraffic;
  if (Object.keys(policy).length > 0) body.policy = policy;
  return body;
}

/** Options of `clusters update`. */
interface UpdateOptions {
  label?: [string, string][];
  removeLabel?: string[];
  clearLabels?: boolean;
  deletionProtection?: boolean;
  autoRecovery?: boolean;
  donorServesTraffic?: boolean;
  dryRun?: boolean;
}

const CLUSTER_STATES = ['CREATING', 'READY', 'DEGRADED', 'DOWN', 'STOPPED', 'FAILED', 'DELETING', 'UNKNOWN'] as const;
const CLUSTER_ARGUMENT = 'cluster id (cl_…) or name';

/** `galeractl clusters …`: list, inspect, create, scale, restart, stop, start, recover and delete clusters. */
export function clustersCommand(sessionOf: SessionOf): Command {
  const clusters = new Command('clusters').description('Galera clusters: list, inspect, create, update, scale, reconfigure, restart, stop, start, recover, delete');

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
    .description("list a cluster's members (Galera nodes); the same as: galeractl nodes list <cluster>")
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
      .requiredOption('-f, --file <path>', 'the spec file (YAML or JSON; - reads standard input)')
      .option('--force', 'accept an unsafe size (1, 2 or even); the plan says why it is risky (the same as force: true in the spec)'),
  )
    .addHelpText(
      'after',
      '\nSpec file (YAML); the credential may be given by id (credentialId: cr_…) or by name (credential: ops-key):\n  name: orders\n  backend: ssh\n  ssh:\n    credential: ops-key\n    hosts:\n      - { address: 10.0.0.11, hostKeyFingerprint: "SHA256:…" }\n      - { address: 10.0.0.12, hostKeyFingerprint: "SHA256:…" }\n      - { address: 10.0.0.13, hostKeyFingerprint: "SHA256:…" }\n',
    )
    .action(async (options: MutationOptions & { file: string; force?: boolean }, command: Command) => {
      const session = sessionOf(command);
      const spec = await readSpecFile(options.file, () => session.io.readStdin());
      const resolved = await resolveSpecCredentials(session.client, spec, options.file === '-' ? 'standard input' : options.file);
      const body = { ...resolved, ...(options.force ? { force: true } : {}) } as unknown as CreateClusterRequest;
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
      session.client.POST('/v1/clusters/{id}/scale', {
        params: { path: { id }, query: { dryRun: options.dryRun || undefined }, header: idempotencyHeader(options) },
        body: { replicas, ...(options.force ? { force: true } : {}) },
      }),
    );
    await reportStarted(session, answer, { wait: options.wait, timeoutMs: waitTimeoutOf(options) });
  });

  clusters
    .command('update')
    .description('change labels and policy (deletion protection, auto recovery, donor serving traffic); no operation runs')
    .argument('<cluster>', CLUSTER_ARGUMENT)
    .option('--label <key=value>', 'set a label (repeatable); other labels are kept', keyValue)
    .option('--remove-label <key>', 'remove a label (repeatable, or comma-separated)', commaList)
    .option('--clear-labels', 'remove every label (then --label sets the new ones)')
    .option('--deletion-protection', 'refuse deletion until turned off')
    .option('--no-deletion-protection', 'allow deletion')
    .option('--auto-recovery', 'run full-crash recovery without waiting for an approval')
    .option('--no-auto-recovery', 'wait for an approval before a full-crash recovery')
    .option('--donor-serves-traffic', 'count a Donor/Desynced member as serving traffic')
    .option('--no-donor-serves-traffic', 'do not count a Donor/Desynced member as serving traffic')
    .option('--dry-run', 'show the cluster as it would be, and change nothing')
    .action(async (ref: string, options: UpdateOptions, command: Command) => {
      const session = sessionOf(command);
      const { client } = session;
      const id = await resolveClusterId(client, ref);
      // The labels are replaced as a whole: read them (and the ETag) so that the change applies
      // to what is there, and a concurrent change is refused (412) instead of overwritten.
      const read = await client.GET('/v1/clusters/{id}', { params: { path: { id } } });
      const current = await unwrap(read);
      const body = clusterUpdateOf(current.labels, options);
      if (Object.keys(body).length === 0) throw new UsageError('clusters update: nothing to change (give --label, --remove-label, --clear-labels or a policy flag such as --no-deletion-protection)');
      const etag = read.response.headers.get('etag');
      const updated = await unwrap(
        client.PATCH('/v1/clusters/{id}', { params: { path: { id }, query: { dryRun: options.dryRun || undefined }, header: etag ? { 'If-Match': etag } : undefined }, body }),
      );
      session.output(
        updated,
        () => `${options.dryRun ? 'Dry run (nothing was changed): cluster would be' : 'Updated cluster'} ${updated.name} (${updated.id}).\n${clusterDetail(updated, session.view)}`,
      );
    });

  addMutationOptions(
    clusters
      .command('reconfigure')
      .description('change MariaDB/Galera server parameters; members restart one at a time when a parameter needs it')
      .argument('<cluster>', CLUSTER_ARGUMENT)
      .option('--set <name=value>', 'a server parameter (repeatable), e.g. --set max_connections=800', keyValue)
      .option('-f, --file <path>', 'the parameters as a YAML or JSON mapping (- reads standard input); --set wins over it'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  galeractl clusters reconfigure orders --set max_connections=800 --set innodb_buffer_pool_size=2G --dry-run\n  galeractl clusters reconfigure orders -f params.yaml --wait\n',
    )
    .action(async (ref: string, options: MutationOptions & { set?: [string, string][]; file?: string }, command: Command) => {
      const session = sessionOf(command);
      const parameters: Record<string, ParameterValue> = {};
      if (options.file) {
        for (const [name, value] of Object.entries(await readSpecFile(options.file, () => session.io.readStdin()))) {
          if (!['string', 'number', 'boolean'].includes(typeof value)) throw new UsageError(`parameter ${name} in ${options.file}: expected a string, number or boolean`);
          parameters[name] = value as ParameterValue;
        }
      }
      for (const [name, value] of options.set ?? []) parameters[name] = parameterValue(value);
      if (Object.keys(parameters).length === 0) throw new UsageError('clusters reconfigure: give at least one parameter (--set name=value or -f <file>)');
      const id = await resolveClusterId(session.client, ref);
      const answer = await unwrap(
        session.client.POST('/v1/clusters/{id}/reconfigure', { params: { path: { id }, query: { dryRun: options.dryRun || undefined }, header: idempotencyHeader(options) }, body: { parameters } }),
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
      const answer = await unwrap(
        session.client.POST(`/v1/clusters/{id}/${verb}`, { params: { path: { id }, query: { dryRun: options.dryRun || undefined }, header: idempotencyHeader(options) }, body: {} }),
      );
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
    const answer = await unwrap(
      session.client.POST('/v1/clusters/{id}/recover', { params: { path: { id }, query: { dryRun: options.dryRun || undefined }, header: idempotencyHeader(options) }, body }),
    );
    await reportStarted(session, answer, { wait: options.wait, timeoutMs: waitTimeoutOf(options) });
  });

  addMutationOptions(
    clusters
      .command('delete')
      .description('delete a cluster: stop its services; its data is kept unless --purge')
      .argument('<cluster>', CLUSTER_ARGUMENT)
      .option('--purge', 'also remove data directories / volumes')
      .option('--forget', 'remove only the record: touch no host or object (e.g. hosts another cluster took over)'),
    { idempotencyKey: false },
  ).action(async (ref: string, options: MutationOptions & { purge?: boolean; forget?: boolean }, command: Command) => {
    const session = sessionOf(command);
    const id = await resolveClusterId(session.client, ref);
    const query = { purge: options.purge || undefined, forget: options.forget || undefined, dryRun: options.dryRun || undefined };
    const answer = await unwrap(session.client.DELETE('/v1/clusters/{id}', { params: { path: { id }, query } }));
    await reportStarted(session, answer, { wait: options.wait, timeoutMs: waitTimeoutOf(options) });
  });

  return clusters;
}
