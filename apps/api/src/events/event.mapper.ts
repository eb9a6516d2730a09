import type { EventEntity } from '@galera-cp/database';
import type { EventFilter } from '@galera-cp/events';
import type { EventDto } from './event.dto';

export function toEventDto(event: EventEntity): EventDto {
  return { id: event.id, at: event.at.toISOString(), type: event.type, clusterId: event.clusterId, operationId: event.operationId, data: event.data };
}

/** The filter a query asks for. */
export function toEventFilter(query: { clusterId?: string; operationId?: string; type?: string }): EventFilter {
  return { clusterId: query.clusterId, operationId: query.operationId, types: query.type ? query.type.split(',').map((t) => t.trim()) : undefined };
}
