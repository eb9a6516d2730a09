import { paginate, unwrap } from '@galera-cp/sdk';
import type { components } from '@galera-cp/sdk';
import { Command } from 'commander';
import { followEvents } from '../operations/operation-event-stream';
import { eventLine, eventTable } from '../output/resource-views';
import { ClusterNames, resolveClusterId } from '../resource-resolver';
import { collect, integerArgument, SessionOf } from './command-support';

type Event = components['schemas']['Event'];

/** Filters shared by `events list` and `events stream`. */
interface EventOptions {
  cluster?: string;
  operation?: string;
  type?: string;
  after?: number;
}

/** `galeractl events …`: what happened to clusters and operations, as a list or a live stream. */
export function eventsCommand(sessionOf: SessionOf): Command {
  const events = new Command('events').description('events (what happened to clusters and operations): list, stream');

  const withFilters = (command: Command) =>
    command
      .option('--cluster <cluster>', "only this cluster's events (id or name)")
      .option('--operation <operation>', "only this operation's events (op_…)")
      .option('--type <types>', 'event types: exact (cluster.ready) or a prefix ending in a dot (operation.), comma-separated')
      .option('--after <event-id>', 'only events after this event id', integerArgument(0, Number.MAX_SAFE_INTEGER));

  withFilters(events.command('list').description('list events, oldest first'))
    .option('--limit <n>', 'show at most this many (0: all)', integerArgument(0, 1_000_000), 100)
    .action(async (options: EventOptions & { limit: number }, command: Command) => {
      const session = sessionOf(command);
      const { client } = session;
      const clusterId = options.cluster ? await resolveClusterId(client, options.cluster) : undefined;
      const pageSize = options.limit > 0 ? Math.min(500, options.limit) : 500;
      const items = await collect(
        paginate((pageToken) => unwrap(client.GET('/v1/events', { params: { query: { pageToken, pageSize, clusterId, operationId: options.operation, type: options.type, after: options.after } } }))),
        options.limit,
      );
      if (session.json) return session.printJson(items);
      const clusterNames = await new ClusterNames(client).of(items.map((e) => e.clusterId));
      session.print(eventTable(items, { ...session.view, clusterNames }) || 'No events.\n');
    });

  withFilters(events.command('stream').alias('follow').description('print events as they happen (the stored ones after --after first), until Ctrl-C; resumes after a dropped connection')).action(
    async (options: EventOptions, command: Command) => {
      const session = sessionOf(command);
      const { client } = session;
      const clusterId = options.cluster ? await resolveClusterId(client, options.cluster) : undefined;
      const names = new ClusterNames(client);
      // --json writes JSON Lines: one event object per line, as they happen.
      for await (const message of followEvents(
        client,
        { clusterId, operationId: options.operation, type: options.type, after: options.after },
        {
          signal: session.io.signal,
          onReconnect: ({ lastEventId, attempt }) => session.note(`galeractl: the event stream dropped; resuming${lastEventId ? ` after ${lastEventId}` : ''} (attempt ${attempt})`),
        },
      )) {
        const event = JSON.parse(message.data) as Event;
        if (session.json) session.io.stdout.write(`${JSON.stringify(event)}\n`);
        else session.print(eventLine(event, { ...session.view, clusterNames: await names.of([event.clusterId]) }));
      }
    },
  );

  return events;
}
