/**
 * How far a reader got in one generation's numbered events: what a resume asks to continue
 * after (`Last-Event-ID`). The reader keeps it current, so it stays valid after a failure.
 */
export type StreamPosition = { generationId: string | null; lastEventId: number; traceId: string };

/** A reader's position before any event: of a new answer (no generation yet), or of a known generation from its start. */
export function startPosition(generationId: string | null = null): StreamPosition {
  return { generationId, lastEventId: 0, traceId: '' };
}

