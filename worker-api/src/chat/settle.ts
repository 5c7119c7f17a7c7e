import { runBatch, type Db, type Statement } from '../db/client';
import { touchConversation } from '../db/queries/conversations';
import { assistantMessageInsert } from '../db/queries/messages';
import { reservationRelease } from '../db/queries/reservations';
import { isUsageRecorded, usageInsert, type UsageEventInsert } from '../db/queries/usage-events';
import { log } from '../log';
import { costedContent } from '../policy/tokens';

/** How an AI request ended, with everything the ledger, the quota and the audit trail need. */
export type StreamOutcome = {
  reservationId: string;
  userId: string;
  traceId: string;
  /** The X-Trace-Id the caller sent, or null. */
  clientTraceId: string | null;
  conversationId: string;
  /** The assistant message to store, answering the turn `parentId`, or null when there is nothing to store. */
  message: { id: string; parentId: string | null; content: string; finishReason: string } | null;
  /** The model that answered (the stored message's), or the one asked for when none did. */
  model: string;
  /** What the provider side did, once one was called: the model asked for, who answered, attempts, cost. */
  upstream?: Pick<UsageEventInsert, 'requestedModel' | 'providerId' | 'attempts' | 'lastUpstreamError' | 'costMicros' | 'costCurrency'>;
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
 * the release of the reservation, the assistant message and the conversation's timestamp (and
 * its path, which moves on to the answer),
 * all in one D1 transaction, with `also` (the end of the request's generation). Emits the
 * request's structured log line. Returns false when the request had already been settled.
 */
export async function settleStream(db: Db, o: StreamOutcome, now = Date.now(), also: readonly Statement[] = []): Promise<boolean> {
  // The ledger row and the log line carry the same fields, so Workers Logs and D1 agree.
  const record = {
    traceId: o.traceId,
    clientTraceId: o.clientTraceId,
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
    ...o.upstream,
  };
  const usage = usageInsert(db, { id: o.reservationId, ...record, createdAt: now });
  const release = reservationRelease(db, o.reservationId);
  let recorded: { traceId: string }[];
  try {
    if (o.message) {
      recorded = await runBatch(
        db,
        usage,
        release,
        assistantMessageInsert(
          db,
          {
            id: o.message.id,
            conversationId: o.conversationId,
            parentId: o.message.parentId,
            ...costedContent(o.message.content),
            model: o.model,
            finishReason: o.message.finishReason,
            promptTokens: o.promptTokens,
            completionTokens: o.completionTokens,
            traceId: o.traceId,
          },
          now,
        ),
        // The conversation keeps the model the user chose; a fallback answers only this once.
        touchConversation(db, o.conversationId, now, o.upstream?.requestedModel ?? o.model, o.message),
        ...also,
      );
    } else {
      recorded = await runBatch(db, usage, release, ...also);
    }
  } catch (err) {
    if (isUsageRecorded(err)) return false;
    throw err;
  }
  // The ledger may have given the row a fresh trace id (the caller's was taken); the line says the one the audit trail finds.
  log('info', 'ai_request', { ...record, traceId: recorded[0]?.traceId ?? record.traceId });
  return true;
}
