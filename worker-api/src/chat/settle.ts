import { eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client';
import { conversations, messages, reservations, usageEvents } from '../db/schema';

/** How an AI request ended, with everything the ledger, the quota and the audit trail need. */
export type StreamOutcome = {
  reservationId: string;
  userId: string;
  traceId: string;
  conversationId: string;
  /** The assistant message to store, or null when there is nothing to store. */
  message: { id: string; content: string; finishReason: string } | null;
  model: string;
  promptTokens: number;
  completionTokens: number;
  estimated: boolean;
  status: 'ok' | 'aborted' | 'error' | 'rejected';
  errorCode: string | null;
  ttftMs: number | null;
  durationMs: number;
};

/**
 * Records a finished request exactly once: the usage row (keyed by the reservation id, so
 * a second settle of the same request fails its insert and the whole batch rolls back),
 * the release of the reservation, the assistant message and the conversation's timestamp,
 * all in one D1 transaction, with `also` (the end of the request's generation). Emits the
 * request's structured log line. Returns false when the request had already been settled.
 */
export async function settleStream(db: Db, o: StreamOutcome, now = Date.now(), also: readonly BatchItem<'sqlite'>[] = []): Promise<boolean> {
  // The ledger row and the log line carry the same fields, so Workers Logs and D1 agree.
  const record = {
    traceId: o.traceId,
    userId: o.userId,
    conversationId: o.conversationId,
    messageId: o.message?.id ?? null,
    model: o.model,
    promptTokens: o.promptTokens,
    completionTokens: o.completionTokens,
    totalTokens: o.promptTokens + o.completionTokens,
    estimated: o.estimated,
    status: o.status,
    errorCode: o.errorCode,
    ttftMs: o.ttftMs,
    durationMs: o.durationMs,
  };
  const usage = db.insert(usageEvents).values({ id: o.reservationId, ...record, createdAt: now });
  const release = db.delete(reservations).where(eq(reservations.id, o.reservationId));
  const touch = db.update(conversations).set({ updatedAt: now, model: o.model }).where(eq(conversations.id, o.conversationId));
  try {
    if (o.message) {
      await db.batch([
        usage,
        release,
        db.insert(messages).values({
          id: o.message.id,
          conversationId: o.conversationId,
          role: 'assistant',
          content: o.message.content,
          model: o.model,
          finishReason: o.message.finishReason,
          promptTokens: o.promptTokens,
          completionTokens: o.completionTokens,
          traceId: o.traceId,
          createdAt: now,
        }),
        touch,
        ...also,
      ]);
    } else {
      await db.batch([usage, release, ...also]);
    }
  } catch (err) {
    if (String(err).includes('UNIQUE constraint failed: usage_events.id')) return false;
    throw err;
  }
  console.log(JSON.stringify({ event: 'ai_request', ...record }));
  return true;
}
