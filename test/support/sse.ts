/** One server-sent event as received. */
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/**
 * Reads a text/event-stream until it ends, `until` returns true, or the timeout; returns the
 * events received (real HTTP, no EventSource polyfill).
 */
export async function readSse(
  url: string,
  options: { token: string; lastEventId?: string; until?: (event: SseEvent) => boolean; timeoutMs?: number },
): Promise<{ status: number; events: SseEvent[] }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 15_000);
  const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' };
  if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
  const events: SseEvent[] = [];
  try {
    const response = await fetch(url, { headers, signal: controller.signal });
    if (!response.body || response.status !== 200) return { status: response.status, events };
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let split: number;
      while ((split = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, split);
        buffer = buffer.slice(split + 2);
        const event: SseEvent = { data: '' };
        for (const line of block.split('\n')) {
          const [field, ...rest] = line.split(':');
          const value = rest.join(':').replace(/^ /, '');
          if (field === 'id') event.id = value;
          else if (field === 'event') event.event = value;
          else if (field === 'data') event.data += value;
        }
        if (event.data === '' && !event.event) continue;
        events.push(event);
        if (options.until?.(event)) {
          controller.abort();
          return { status: 200, events };
        }
      }
    }
    return { status: 200, events };
  } catch (error) {
    if ((error as Error).name === 'AbortError') return { status: 200, events };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
