import { CoalescingRunner } from '@galera-cp/core';
import { EventEntity } from '@galera-cp/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Observable } from 'rxjs';
import { Brackets, DataSource, SelectQueryBuilder } from 'typeorm';
import { EventFilter, likePrefix } from './event-type-filter';
import { CHANNELS, EventsService } from './events.service';

/** Events read per query while catching up. */
const BATCH = 500;
/** A stream also looks for new events this often, in case a notification was lost (LISTEN reconnect). */
const SAFETY_POLL_MS = 5_000;

/**
 * The event log as clients read it: filtered lists in id order and live streams that resume
 * after an event id. Ids become visible in id order (EventsService.append serialises appends
 * to commit), so "everything after id N" never misses an event that commits later.
 */
@Injectable()
export class EventFeed {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventsService,
  ) {}

  /** Events passing the filter, after `afterId` when given (ascending by id, for keyset pagination). */
  query(filter: EventFilter, afterId?: number): SelectQueryBuilder<EventEntity> {
    const q = this.dataSource.getRepository(EventEntity).createQueryBuilder('e');
    if (filter.clusterId) q.andWhere('e.cluster_id = :clusterId', { clusterId: filter.clusterId });
    if (filter.operationId) q.andWhere('e.operation_id = :operationId', { operationId: filter.operationId });
    const types = filter.types ?? [];
    if (types.length > 0 && !types.includes('*')) {
      q.andWhere(
        new Brackets((w) => {
          types.forEach((pattern, i) => {
            if (pattern.endsWith('.')) w.orWhere(`e.type LIKE :type${i}`, { [`type${i}`]: likePrefix(pattern) });
            else w.orWhere(`e.type = :type${i}`, { [`type${i}`]: pattern });
          });
        }),
      );
    }
    if (afterId !== undefined) q.andWhere('e.id > :afterId', { afterId });
    return q;
  }

  /**
   * The id of the newest stored event (0 when there is none): a stream that starts "from now"
   * resumes after it. Ids become visible in id order, so no event that commits later has a
   * smaller id.
   */
  async latestId(): Promise<number> {
    const row = await this.dataSource.getRepository(EventEntity).createQueryBuilder('e').select('max(e.id)', 'id').getRawOne<{ id: string | null }>();
    return Number(row?.id ?? 0);
  }

  /**
   * Every event passing the filter after `afterId` (0: from the start): what is stored, then
   * what arrives, woken by NOTIFY from any process. Never completes; unsubscribing ends it.
   */
  stream(filter: EventFilter, afterId = 0): Observable<EventEntity> {
    return new Observable<EventEntity>((subscriber) => {
      let cursor = afterId;
      const runner = new CoalescingRunner();
      const readAll = async () => {
        for (;;) {
          const batch = await this.query(filter, cursor).orderBy('e.id', 'ASC').limit(BATCH).getMany();
          for (const event of batch) {
            if (subscriber.closed) return;
            cursor = event.id;
            subscriber.next(event);
          }
          if (batch.length < BATCH || subscriber.closed) return;
        }
      };
      const pump = () => runner.trigger(readAll, (error) => subscriber.error(error));
      const subscription = this.events.listen(CHANNELS.events).subscribe((n) => {
        // payload: `<id> <clusterId|-> <operationId|->`; skip what cannot pass the filter.
        const [id, clusterId, operationId] = n.payload.split(' ');
        if (Number(id) <= cursor) return;
        if (filter.clusterId && clusterId !== filter.clusterId) return;
        if (filter.operationId && operationId !== filter.operationId) return;
        pump();
      });
      const poll = setInterval(pump, SAFETY_POLL_MS);
      poll.unref();
      void this.events.ready().then(pump, (error: unknown) => subscriber.error(error));
      return () => {
        clearInterval(poll);
        subscription.unsubscribe();
      };
    });
  }
}
