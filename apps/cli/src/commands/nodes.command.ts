import { unwrap } from '@galera-cp/sdk';
import { Command } from 'commander';
import { UsageError } from '../cli-errors';
import { reportStarted } from '../operations/operation-waiter';
import { nodeTable } from '../output/resource-views';
import { renderFields } from '../output/table';
import { resolveClusterId, resolveNodeId } from '../resource-resolver';
import { addMutationOptions, idempotencyHeader, MutationOptions, SessionOf, waitTimeoutOf } from './command-support';

const CLUSTER_ARGUMENT = 'cluster id (cl_…) or name';
const NODE_ARGUMENT = 'member id (nd_…) or name (e.g. orders-3)';

/** `galeractl nodes …`: a cluster's members: list, show, add one, remove one. */
export function nodesCommand(sessionOf: SessionOf): Command {
  const nodes = new Command('nodes').description("a cluster's members (Galera nodes): list, get, add, remove");

  nodes
    .command('list')
    .description("list a cluster's members, with their wsrep state")
    .argument('<cluster>', CLUSTER_ARGUMENT)
    .action(async (ref: string, _options: unknown, command: Command) => {
      const session = sessionOf(command);
      const id = await resolveClusterId(session.client, ref);
      const list = await unwrap(session.client.GET('/v1/clusters/{id}/nodes', { params: { path: { id } } }));
      session.output(list.items, () => nodeTable(list.items, session.view) || 'No members yet.\n');
    });

  nodes
    .command('get')
    .description('show one member: address, role, phase, wsrep state and the figures last observed')
    .argument('<cluster>', CLUSTER_ARGUMENT)
    .argument('<node>', NODE_ARGUMENT)
    .action(async (ref: string, nodeRef: string, _options: unknown, command: Command) => {
      const session = sessionOf(command);
      const id = await resolveClusterId(session.client, ref);
      const nodeId = await resolveNodeId(session.client, id, nodeRef);
      const node = await unwrap(session.client.GET('/v1/clusters/{id}/nodes/{nodeId}', { params: { path: { id, nodeId } } }));
      session.output(node, () =>
        renderFields([
          ['Name', node.name],
          ['Id', node.id],
          ['Address', node.address],
          ['Role', node.role],
          ['Phase', node.phase],
          ['wsrep state', node.wsrepState],
          ['Healthy', node.healthy ? 'yes' : 'no'],
          ['Seqno', node.seqno === null ? undefined : String(node.seqno)],
          ['Last seen', node.lastSeenAt ?? 'never'],
          ...Object.entries(node.observed).map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
        ]),
      );
    });

  addMutationOptions(
    nodes
      .command('add')
      .description('add one member: SSH clusters take --host (added to the inventory) or the next unused host; Kubernetes ones one more pod')
      .argument('<cluster>', CLUSTER_ARGUMENT)
      .option('--host <address>', 'SSH: the host to add (IP address or DNS name)')
      .option('--host-key-fingerprint <fingerprint>', 'SSH: the pinned SHA-256 host key fingerprint of --host, as ssh-keygen -lf prints it')
      .option('--force', 'accept an unsafe resulting size (1, 2 or even); never a loss of quorum'),
  ).action(async (ref: string, options: MutationOptions & { host?: string; hostKeyFingerprint?: string; force?: boolean }, command: Command) => {
    const session = sessionOf(command);
    if (options.hostKeyFingerprint && !options.host) throw new UsageError('--host-key-fingerprint needs --host');
    const id = await resolveClusterId(session.client, ref);
    const body = {
      ...(options.host ? { host: { address: options.host, ...(options.hostKeyFingerprint ? { hostKeyFingerprint: options.hostKeyFingerprint } : {}) } } : {}),
      ...(options.force ? { force: true } : {}),
    };
    const answer = await unwrap(session.client.POST('/v1/clusters/{id}/nodes', { params: { path: { id }, query: { dryRun: options.dryRun || undefined }, header: idempotencyHeader(options) }, body }));
    await reportStarted(session, answer, { wait: options.wait, timeoutMs: waitTimeoutOf(options) });
  });

  addMutationOptions(
    nodes
      .command('remove')
      .description('remove one member: it leaves the cluster cleanly; refused when the rest would lose quorum')
      .argument('<cluster>', CLUSTER_ARGUMENT)
      .argument('<node>', NODE_ARGUMENT)
      .option('--force', 'accept an unsafe resulting size (1, 2 or even); never a loss of quorum'),
    { idempotencyKey: false },
  ).action(async (ref: string, nodeRef: string, options: MutationOptions & { force?: boolean }, command: Command) => {
    const session = sessionOf(command);
    const id = await resolveClusterId(session.client, ref);
    const nodeId = await resolveNodeId(session.client, id, nodeRef);
    const answer = await unwrap(
      session.client.DELETE('/v1/clusters/{id}/nodes/{nodeId}', { params: { path: { id, nodeId }, query: { force: options.force || undefined, dryRun: options.dryRun || undefined } } }),
    );
    await reportStarted(session, answer, { wait: options.wait, timeoutMs: waitTimeoutOf(options) });
  });

  return nodes;
}
