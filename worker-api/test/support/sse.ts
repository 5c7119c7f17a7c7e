import { createParser } from 'eventsource-parser';

export type SseItem = { kind: 'event'; event: string; data: unknown; id: string | undefined } | { kind: 'ping' };

/** Reads an event stream to its end (or until `stopWhen` says so), keeping events and pings in order. */
export async function readSse(res: Response, stopWhen?: (items: SseItem[]) => boolean): Promise<SseItem[]> {
  const items: SseItem[] = [];
  const parser = createParser({
    onEvent: (e) => items.push({ kind: 'event', event: e.event ?? 'message', data: JSON.parse(e.data), id: e.id }),
    onComment: (comment) => {
      if (comment.trim() === 'ping') items.push({ kind: 'ping' });
    },
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(value);
    if (stopWhen?.(items)) {
      await reader.cancel();
      break;
    }
  }
  return items;
}

/** Just the events, without pings. */
export function eventsOf(items: SseItem[]): { event: string; data: unknown }[] {
  return items.flatMap((i) => (i.kind === 'event' ? [{ event: i.event, data: i.data }] : []));
}

/** The events with their `id:` (the generation's seq), without pings. */
export function numberedEventsOf(items: SseItem[]): { id: number; event: string; data: unknown }[] {
  return items.flatMap((i) => (i.kind === 'event' ? [{ id: Number(i.id), event: i.event, data: i.data }] : []));
}
