import { and, desc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { generations, messages, type GenerationRow, type GenerationStatus } from '../schema';

export type GenerationStart = Pick<GenerationRow, 'id' | 'userId' | 'conversationId' | 'messageId' | 'traceId'> & {
  /** The reservation made in the same batch: no reservation (a refusal), no generation. */
  reservationId: string;
  /** The model, or the SQL that resolves it in the same batch. */
  model: string | SQL;
};

/**
 * The insert of a `running` generation, for the batch that reserves its quota. It inserts
 * only when that batch's reservation statement made a reservation, so a refused request
 * leaves no generation behind and the batch stays one round trip.
 */
export function generationStartStatement(db: Db, g: GenerationStart, now = Date.now()) {
  // The select fills the table's columns in their declared order, ended_at last.
  return db
    .insert(generations)
    .select(
      sql`SELECT ${g.id}, ${g.userId}, ${g.conversationId}, ${g.messageId}, ${g.model}, ${g.traceId}, 'running', ${now}, NULL
WHERE EXISTS (SELECT 1 FROM reservations WHERE id = ${g.reservationId})`,
    );
}

/** The update that ends a running generation, for the batch that settles it. */
export function generationEndStatement(db: Db, id: string, status: Exclude<GenerationStatus, 'running'>, now = Date.now()) {
  return db
    .update(generations)
    .set({ status, endedAt: now })
    .where(and(eq(generations.id, id), eq(generations.status, 'running')));
}

/** A generation with its stored answer (null until it is stored): what a resume needs once the event log is gone. */
/** `message.model` is the model that answered, which a fallback makes differ from the generation's. */
export type OwnedGeneration = GenerationRow & { message: { content: string; finishReason: string | null; model: string | null } | null };

/** The user's generation; a stranger's is indistinguishable from a missing one. */
export async function getGenerationForUser(db: Db, userId: string, id: string): Promise<OwnedGeneration | undefined> {
  const [row] = await db
    .select({ generation: generations, content: messages.content, finishReason: messages.finishReason, answeredBy: messages.model })
    .from(generations)
    .leftJoin(messages, eq(messages.id, generations.messageId))
    .where(and(eq(generations.id, id), eq(generations.userId, userId)))
    .limit(1);
  if (!row) return undefined;
  return { ...row.generation, message: row.content === null ? null : { content: row.content, finishReason: row.finishReason, model: row.answeredBy } };
}

/**
 * The conversation's generation still running, started after `since` (an older `running`
 * row is one whose object died before it could say so). The caller has checked ownership.
 */
export async function getRunningGeneration(db: Db, conversationId: string, since: number): Promise<Pick<GenerationRow, 'id' | 'messageId'> | undefined> {
  const [row] = await db
    .select({ id: generations.id, messageId: generations.messageId })
    .from(generations)
    .where(and(eq(generations.conversationId, conversationId), eq(generations.status, 'running'), gt(generations.createdAt, since)))
    .orderBy(desc(generations.createdAt))
    .limit(1);
  return row;
}

/** How a generation can stand, for the routes that describe it. */
export { GENERATION_STATUSES } from '../schema';
