import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { TimeCursor } from '../../http/cursor';
import type { Db } from '../client';
import { toPage, type Page } from '../pagination';
import { messages, type MessageRow } from '../schema';

/** A message's text with its token estimate, which is stored beside it. */
export type CostedContent = { content: string; contentTokens: number };

/**
 * The depth of a message written under `parent` (a message id, or a SQL value naming one;
 * null or NULL for a first turn): its parent's + 1, else 0. A SQL value, so the statement that
 * writes the message writes its depth.
 */
export function depthUnder(parent: SQL | string | null): SQL<number> {
  return sql<number>`coalesce((SELECT p.depth + 1 FROM messages p WHERE p.id = ${parent}), 0)`;
}

/** A user's turn in a conversation, after `parentId` (null for a first turn); the caller batches it with the conversation's write. */
export function userMessageInsert(db: Db, m: Pick<MessageRow, 'id' | 'conversationId' | 'parentId'> & CostedContent, now: number) {
  return db.insert(messages).values({ ...m, role: 'user', depth: depthUnder(m.parentId), createdAt: now });
}

/** The answer to a turn (`parentId`), with what it cost and the request it came from; the caller batches it with the settle. */
export function assistantMessageInsert(
  db: Db,
  m: Pick<MessageRow, 'id' | 'conversationId' | 'parentId' | 'content' | 'model' | 'finishReason' | 'promptTokens' | 'completionTokens' | 'traceId'> & CostedContent,
  now: number,
) {
  return db.insert(messages).values({ ...m, role: 'assistant', depth: depthUnder(m.parentId), createdAt: now });
}

/** Where a path ends: the conversation's selected one, or a given message of it. */
export type PathEnd = { selected: true } | { messageId: string };

function endOf(conversationId: string, end: PathEnd): SQL {
  return 'messageId' in end ? sql`${end.messageId}` : sql`(SELECT current_leaf_id FROM conversations WHERE id = ${conversationId})`;
}

/**
 * The ids of the last `count` messages of the path that ends at `end` (a SQL value naming a
 * message of the conversation), walking parent links up from there: the stored depth stops the
 * walk `count` levels up, so it reads those messages and no others, however long the path.
 * A message of another conversation, or none, yields nothing.
 */
function pathIds(conversationId: string, end: SQL, count: number): SQL {
  return sql`WITH RECURSIVE path(id, parent_id, depth, floor) AS (
  SELECT id, parent_id, depth, depth - ${count} FROM messages WHERE id = ${end} AND conversation_id = ${conversationId}
  UNION ALL
  SELECT m.id, m.parent_id, m.depth, path.floor FROM messages m JOIN path ON m.id = path.parent_id WHERE m.depth > path.floor
) SELECT id FROM path`;
}

/**
 * The last `limit` messages of the path that ends at `end`, oldest first: the transcript a
 * conversation reads as, and what an export holds. The caller checks ownership.
 */
export async function getPath(db: Db, conversationId: string, end: PathEnd, limit: number): Promise<MessageRow[]> {
  return db
    .select()
    .from(messages)
    .where(sql`${messages.id} IN (${pathIds(conversationId, endOf(conversationId, end), limit)})`)
    .orderBy(messages.depth);
}

/** A message on the selected path with its siblings (itself included), oldest first. */
export type PathMessage = MessageRow & { siblingIds: string[] };

const encoder = new TextEncoder();

/**
 * One page of the selected path going back in time, each message with the ids of its
 * versions (its siblings): the newest `limit` (from the selected leaf, or above `before`, the
 * oldest message of the page after), cut to `maxBytes` of content, returned oldest first (the
 * order a transcript reads in); `next` names the page before it. A page reads only its own
 * messages: the walk starts where the page ends. A `before` off the selected path (the path
 * was switched since) pages on along that message's own ancestors.
 */
export async function getSelectedPathPage(
  db: Db,
  conversationId: string,
  opts: { limit: number; maxBytes: number; before?: TimeCursor | undefined },
): Promise<Page<PathMessage>> {
  const end = opts.before
    ? sql`(SELECT parent_id FROM messages WHERE id = ${opts.before.id} AND conversation_id = ${conversationId})`
    : endOf(conversationId, { selected: true });
  const rows = await db
    .select({
      ...getTableColumns(messages),
      // Spelled out: drizzle would leave the outer columns unqualified, and they would name the inner table's.
      siblingIds: sql<string>`(SELECT json_group_array(s.id ORDER BY s.created_at, s.id) FROM messages s
        WHERE s.conversation_id = messages.conversation_id AND s.parent_id IS messages.parent_id)`,
    })
    .from(messages)
    .where(sql`${messages.id} IN (${pathIds(conversationId, end, opts.limit + 1)})`)
    .orderBy(sql`${messages.depth} DESC`);
  const withVersions = rows.map((r) => ({ ...r, siblingIds: JSON.parse(r.siblingIds) as string[] }));
  const page = toPage(withVersions, opts.limit, (m) => ({ at: m.createdAt, id: m.id }), { sizeOf: (m) => encoder.encode(m.content).byteLength, max: opts.maxBytes });
  return { ...page, items: page.items.toReversed() };
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
