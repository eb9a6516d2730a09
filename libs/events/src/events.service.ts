import { EventEntity, queryRows } from '@galera-cp/database';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { Observable, Subject, filter } from 'rxjs';
import { DataSource, EntityManager } from 'typeorm';

/** The notification channels the control plane uses between its processes. */
export const CHANNELS = {
  /** A row was added to `events` (payload: `<id> <clusterId|-> <operationId|->`). */
  events: 'gcp_events',
  /** Log lines were added to an operation (payload: operation id). */
  operationLogs: 'gcp_operation_logs',
  /** An operation was queued or released (payload: operation id): wakes workers at once. */
  operationQueued: 'gcp_operation_queued',
  /** Cancellation of an operation was asked (payload: operation id). */
  operationCancel: 'gcp_operation_cancel',
  /** Outbound deliveries (webhooks, chat replies) are due (payload: what kind): wakes the senders. */
  deliveries: 'gcp_deliveries',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/** One notification as received. */
export interface Notification {
  channel: string;
  payload: string;
}

/** An event to append. */
export interface NewEvent {
  type: string;
  clusterId?: string | null;
  operationId?: string | null;
  data?: Record<string, unknown>;
}

/**
 * Events and cross-process notifications. `append()` writes an event and notifies in the
 * caller's transaction (PostgreSQL delivers NOTIFY only on commit, so a listener never sees an
 * event that was rolled back). One LISTEN connection per process fans notifications out.
 */
@Injectable()
export class EventsService implements OnApplicationShutdown {
  private readonly logger = new Logger('events');
  private readonly notifications = new Subject<Notification>();
  private listener?: Client;
  private connecting?: Promise<void>;
  private closed = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async append(event: NewEvent, manager?: EntityManager): Promise<EventEntity> {
    // Event ids must become visible in id order, or a reader resuming "after id N" (SSE streams,
    // the webhook dispatcher) could skip an id that commits later: appends are serialised by a
    // transaction-scoped lock held until commit (the caller's transaction, or this statement's
    // own when there is none). One statement: lock, insert and NOTIFY (delivered at commit, so a
    // listener never sees an event that was rolled back).
    const rows = await queryRows<{ id: string; at: Date }>(
      manager ?? this.dataSource,
      `INSERT INTO events (type, cluster_id, operation_id, data)
       SELECT $1, $2, $3, $4 FROM (SELECT pg_advisory_xact_lock(7301004)) AS serialised
       RETURNING id, at, pg_notify($5, id || ' ' || coalesce(cluster_id, '-') || ' ' || coalesce(operation_id, '-'))`,
      [event.type, event.clusterId ?? null, event.operationId ?? null, JSON.stringify(event.data ?? {}), CHANNELS.events],
    );
    const id = Number(rows[0].id);
    return Object.assign(new EventEntity(), { id, at: rows[0].at, type: event.type, clusterId: event.clusterId ?? null, operationId: event.operationId ?? null, data: event.data ?? {} });
  }

  /** NOTIFY on a channel, in the caller's transaction when a manager is given. */
  async notify(channel: Channel, payload: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  /** Notifications of the given channels, from any process. Starts listening on first use. */
  listen(...channels: Channel[]): Observable<Notification> {
    void this.ensureListener().catch((error) => this.logger.error({ msg: 'LISTEN failed', err: String(error) }));
    return this.notifications.pipe(filter((n) => channels.includes(n.channel as Channel)));
  }

  /** Resolves once this process is listening (tests and workers wait for it before relying on wake-ups). */
  async ready(): Promise<void> {
    await this.ensureListener();
  }

  query() {
    return this.dataSource.getRepository(EventEntity).createQueryBuilder('e');
  }

  private ensureListener(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.connecting ??= this.connect().catch((error) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const options = this.dataSource.options as { url?: string };
    const client = new Client({ connectionString: options.url, application_name: 'galera-cp-listen' });
    client.on('notification', (message) => this.notifications.next({ channel: message.channel, payload: message.payload ?? '' }));
    client.on('error', (error) => {
      this.logger.warn({ msg: 'LISTEN connection lost; reconnecting', err: String(error) });
      this.listener = undefined;
      this.connecting = undefined;
      if (!this.closed) setTimeout(() => void this.ensureListener().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    for (const channel of Object.values(CHANNELS)) await client.query(`LISTEN ${channel}`);
    this.listener = client;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.notifications.complete();
    await this.listener?.end().catch(() => undefined);
  }
}
