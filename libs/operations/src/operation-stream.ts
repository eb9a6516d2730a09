import { CoalescingRunner } from '@galera-cp/core';
import { EventEntity, OperationLogEntity } from '@galera-cp/database';
import { CHANNELS, EventsService } from '@galera-cp/events';
import { Injectable } from '@nestjs/common';
import { Observable } from 'rxjs';
import { OperationRepository } from './operation.repository';
import { isTerminal } from './operation-states';

/** Where a stream of an operation resumes: after this event id and this log line id. */
export interface StreamCursor {
  eventId: number;
  logId: number;
}

/** One item of an operation's stream. */
export type StreamItem = { kind: 'event'; cursor: string; event: EventEntity } | { kind: 'log'; cursor: string; log: OperationLogEntity };

/** `e<eventId>.l<logId>`: the SSE id of an item, so Last-Event-ID resumes both sequences. */
export function formatCursor(cursor: StreamCursor): string {
  return `e${cursor.eventId}.l${cursor.logId}`;
}

export function parseCursor(value: string | undefined): StreamCursor | undefined {
  const match = value ? /^e(\d{1,18})\.l(\d{1,18})$/.exec(value) : null;
  return match ? { eventId: Number(match[1]), logId: Number(match[2]) } : undefined;
}

/**
 * An operation's events and log lines as one ordered stream: what is stored after the cursor,
 * then what arrives (woken by NOTIFY from any process), ending after the operation's terminal
 * event. Each item carries the cursor to resume after it.
 */
@Injectable()
export class OperationStream {
  constructor(
    private readonly repository: OperationRepository,
    private readonly events: EventsService,
  ) {}

  stream(operationId: string, from: StreamCursor = { eventId: 0, logId: 0 }): Observable<StreamItem> {
    return new Observable<StreamItem>((subscriber) => {
      const cursor = { ...from };
      let done = false;
      const readAll = async () => {
        for (;;) {
          const [events, logs] = await Promise.all([
            this.events.query().where('e.operation_id = :operationId AND e.id > :after', { operationId, after: cursor.eventId }).orderBy('e.id').limit(500).getMany(),
            this.repository.logsAfter(operationId, cursor.logId, 1000),
          ]);
          // Merge by time so a reader sees lines and events in the order they happened.
          const items = [...events.map((e) => ({ at: e.at.getTime(), e })), ...logs.map((l) => ({ at: l.at.getTime(), l }))].sort((a, b) => a.at - b.at);
          for (const item of items) {
            if (subscriber.closed) return;
            if ('e' in item && item.e) {
              cursor.eventId = item.e.id;
              subscriber.next({ kind: 'event', cursor: formatCursor(cursor), event: item.e });
              if (item.e.type.startsWith('operation.') && isTerminal(item.e.type.slice('operation.'.length).toUpperCase())) done = true;
            } else if ('l' in item && item.l) {
              cursor.logId = item.l.id;
              subscriber.next({ kind: 'log', cursor: formatCursor(cursor), log: item.l });
            }
          }
          if ((events.length < 500 && logs.length < 1000) || subscriber.closed) break;
        }
        if (done) subscriber.complete();
      };
      const runner = new CoalescingRunner();
      const pump = () => runner.trigger(readAll, (error) => subscriber.error(error));
      const subscription = this.events.listen(CHANNELS.events, CHANNELS.operationLogs).subscribe((n) => {
        if (n.payload.includes(operationId)) pump();
      });
      void this.events.ready().then(pump, (error: unknown) => subscriber.error(error));
      return () => subscription.unsubscribe();
    });
  }
}
