import { desc, eq } from 'drizzle-orm';
import type { Db } from '../client';
import { newId } from '../ids';
import { messages, type MessageRow } from '../schema';

/** A message's text with its token estimate, which is stored beside it. */
export type CostedContent = { content: string; contentTokens: number };

/** A user's turn in a conversation; the caller batches it with the conversation's write. */
export function userMessageInsert(db: Db, conversationId: string, turn: CostedContent, now: number) {
  return db.insert(messages).values({ id: newId('msg'), conversationId, role: 'user', ...turn, createdAt: now });
}

/** The answer to a turn, with what it cost and the request it came from; the caller batches it with the settle. */
export function assistantMessageInsert(
  db: Db,
  m: Pick<MessageRow, 'id' | 'conversationId' | 'content' | 'model' | 'finishReason' | 'promptTokens' | 'completionTokens' | 'traceId'> & CostedContent,
  now: number,
) {
  return db.insert(messages).values({ ...m, role: 'assistant', createdAt: now });
}

/** The newest `limit` messages of a conversation, oldest first (the order a transcript and a prompt read in). */
export async function getRecentMessages(db: Db, conversationId: string, limit: number): Promise<MessageRow[]> {
  const newestFirst = await db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit);
  return newestFirst.reverse();
}
