import type { EventEntity } from '@galera-cp/database';
import { signatureHeader, SIGNATURE_HEADER } from './webhook-signature';

/** The event as a delivery carries it (the same fields as `GET /v1/events`). */
export interface DeliveredEvent {
  /** Null for a ping. */
  id: number | null;
  at: string;
  type: string;
  clusterId: string | null;
  operationId: string | null;
  data: Record<string, unknown>;
}

/** The JSON body of a delivery. */
export interface DeliveryBody {
  webhookId: string;
  deliveryId: string;
  event: DeliveredEvent;
}

/** Event type of a test delivery. */
export const PING_EVENT_TYPE = 'webhook.ping';

export function deliveredEvent(event: EventEntity): DeliveredEvent {
  return { id: event.id, at: event.at.toISOString(), type: event.type, clusterId: event.clusterId, operationId: event.operationId, data: event.data };
}

export function pingEvent(now: Date): DeliveredEvent {
  return { id: null, at: now.toISOString(), type: PING_EVENT_TYPE, clusterId: null, operationId: null, data: { message: 'A test delivery from the Galera control plane' } };
}

/** The body and headers of one attempt; the timestamp is the attempt's, so each attempt is signed anew. */
export function deliveryRequest(input: { webhookId: string; deliveryId: string; event: DeliveredEvent; secret: string; nowMs: number }): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({ webhookId: input.webhookId, deliveryId: input.deliveryId, event: input.event } satisfies DeliveryBody);
  const timestamp = Math.floor(input.nowMs / 1000);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'galera-cp-webhooks/1',
      'galera-event': input.event.type,
      'galera-delivery': input.deliveryId,
      'galera-webhook': input.webhookId,
      [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(input.secret, timestamp, body),
    },
  };
}
