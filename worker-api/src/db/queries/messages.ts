import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { TimeCursor } from '../../http/cursor';
import type { Db } from '../client';
import { olderThan, toPage, type Page } from '../pagination';
import { messages, type MessageRow } from '../schema';

/** A message's text with its token estimate, which is stored beside it. */
export type CostedContent = { content: string; contentTokens: number };

/** A user's turn in a conversation, after `parentId` (null for a first turn); the caller batches it with the conversation's write. */
export function userMessageInsert(db: Db, m: Pick<MessageRow, 'id' | 'conversationId' | 'parentId'> & CostedContent, now: number) {
  return db.insert(messages).values({ ...m, role: 'user', createdAt: now });
}

/** The answer to a turn (`parentId`), with what it cost and the request it came from; the caller batches it with the settle. */
export function assistantMessageInsert(
  db: Db,
  m: Pick<MessageRow, 'id' | 'conversationId' | 'parentId' | 'content' | 'model' | 'finishReason' | 'promptTokens' | 'completionTokens' | 'traceId'> & CostedContent,
  now: number,
) {
  return db.insert(messages).values({ ...m, role: 'assistant', createdAt: now });
}

/** Where a path ends: the conversation's selected one, or a given message of it. */
export type PathEnd = { selected: true } | { messageId: string };

/**
 * The ids of the last `limit` messages on the path from the root to `end`, walking parent
 * links up in one recursive query. A message of another conversation yields nothing.
 */
function pathIds(conversationId: string, end: PathEnd, limit: number): SQL {
  const start = 'messageId' in end ? sql`${end.messageId}` : sql`(SELECT current_leaf_id FROM conversations WHERE id = ${conversationId})`;
  return sql`WITH RECURSIVE path(id, parent_id, depth) AS (
  SELECT id, parent_id, 1 FROM messages WHERE id = ${start} AND conversation_id = ${conversationId}
  UNION ALL
  SELECT m.id, m.parent_id, path.depth + 1 FROM messages m JOIN path ON m.id = path.parent_id WHERE path.depth < ${limit}
) SELECT id FROM path`;
}

/** Puts the rows of one path in order, root first: each follows its parent. */
function inPathOrder<T extends Pick<MessageRow, 'id' | 'parentId'>>(rows: T[]): T[] {
  const ids = new Set(rows.map((r) => r.id));
  const childOf = new Map(rows.map((r) => [r.parentId, r]));
  const ordered: T[] = [];
  for (let r = rows.find((row) => row.parentId === null || !ids.has(row.parentId)); r; r = childOf.get(r.id)) ordered.push(r);
  return ordered;
}

/**
 * The last `limit` messages of the path that ends at `end`, oldest first: the transcript a
 * conversation reads as, and what an export holds. The caller checks ownership.
 */
export async function getPath(db: Db, conversationId: string, end: PathEnd, limit: number): Promise<MessageRow[]> {
  const rows = await db
    .select()
    .from(messages)
    .where(sql`${messages.id} IN (${pathIds(conversationId, end, limit)})`);
  return inPathOrder(rows);
}

/** A message on the selected path with its siblings (itself included), oldest first. */
export type PathMessage = MessageRow & { siblingIds: string[] };

/** The longest selected path a page is cut from; a path only grows by a user's turns and answers. */
const MAX_PATH_DEPTH = 100_000;

const encoder = new TextEncoder();

/**
 * One page of the selected path going back in time, each message with the ids of its
 * versions (its siblings): the newest `limit` before `before` (all of them when absent), cut
 * to `maxBytes` of content, returned oldest first (the order a transcript reads in); `next`
 * names the page before it. A child is always written after its parent, so time order is path order.
 */
export async function getSelectedPathPage(
  db: Db,
  conversationId: string,
  opts: { limit: number; maxBytes: number; before?: TimeCursor | undefined },
): Promise<Page<PathMessage>> {
  const rows = await db
    .select({
      ...getTableColumns(messages),
      // Spelled out: drizzle would leave the outer columns unqualified, and they would name the inner table's.
      siblingIds: sql<string>`(SELECT json_group_array(s.id ORDER BY s.created_at, s.id) FROM messages s
        WHERE s.conversation_id = messages.conversation_id AND s.parent_id IS messages.parent_id)`,
    })
    .from(messages)
    .where(sql`${messages.id} IN (${pathIds(conversationId, { selected: true }, MAX_PATH_DEPTH)}) AND ${olderThan(opts.before, messages.createdAt, messages.id) ?? sql`1`}`)
    .orderBy(sql`${messages.createdAt} DESC, ${messages.id} DESC`)
    .limit(opts.limit + 1);
  const withVersions = rows.map((r) => ({ ...r, siblingIds: JSON.parse(r.siblingIds) as string[] }));
  const page = toPage(withVersions, opts.limit, (m) => ({ at: m.createdAt, id: m.id }), { sizeOf: (m) => encoder.encode(m.content).byteLength, max: opts.maxBytes });
  return { ...page, items: inPathOrder(page.items) };
}

/**
 * The newest leaf under `messageId` in its conversation, following the newest child at each
 * step: the path a version switch lands on, as the user last left that branch.
 */
export function latestLeafUnder(conversationId: string, messageId: string): SQL<string> {
  return sql<string>`(WITH RECURSIVE down(id, depth) AS (
  SELECT ${messageId}, 0
  UNION ALL
  SELECT (SELECT c.id FROM messages c WHERE c.conversation_id = ${conversationId} AND c.parent_id = down.id ORDER BY c.created_at DESC, c.id DESC LIMIT 1), down.depth + 1
  FROM down WHERE down.id IS NOT NULL
) SELECT id FROM down WHERE id IS NOT NULL ORDER BY depth DESC LIMIT 1)`;
}
