import { sql, type SQL } from 'drizzle-orm';
import type { TimeCursor } from '../../http/cursor';
import type { Db } from '../client';
import { toPage, type Page } from '../pagination';
import type { ConversationRow } from '../schema';

/** The trigram tokenizer indexes runs of three characters: shorter terms cannot use the index. */
const TRIGRAM = 3;

/** Characters of context either side of a match that a LIKE-found snippet keeps. */
const SNIPPET_CONTEXT = 40;

/** Marks a match's start and end inside a snippet; control characters no stored text uses for it. */
const MARK_START = '\u0001';
const MARK_END = '\u0002';

/** One run of a snippet: the matched text, or the text around it. */
export type SnippetPart = { text: string; match: boolean };

/** A conversation that matched, with where: a message (its id) or its title (null), and the text around the match. */
export type SearchHit = ConversationRow & { messageId: string | null; snippet: SnippetPart[] };

/** The whitespace-separated terms of a query; every one must match. */
export function searchTerms(q: string): string[] {
  return q.trim().split(/\s+/u).filter((t) => t.length > 0);
}

/** Each term as an FTS5 string (quoted, so operators and punctuation in it are plain text), all required. */
function ftsQuery(terms: string[]): string {
  return terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(' AND ');
}

function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Splits a snippet with the marks in it into its runs. */
function partsOfMarked(marked: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  for (const [i, piece] of marked.split(MARK_START).entries()) {
    const [inside, after] = i === 0 ? [undefined, piece] : piece.split(MARK_END, 2);
    if (inside) parts.push({ text: inside, match: true });
    if (after) parts.push({ text: after, match: false });
  }
  return parts;
}

/** The runs of `text` with every occurrence of a term (case-insensitive) marked. */
function partsOfText(text: string, terms: string[]): SnippetPart[] {
  const pattern = new RegExp(`(${terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'iu');
  // A split on a capturing pattern puts the matches at the odd places.
  return text
    .split(pattern)
    .map((run, i) => ({ text: run, match: i % 2 === 1 }))
    .filter((p) => p.text.length > 0);
}

type HitRow = {
  id: string;
  userId: string;
  title: string;
  model: string | null;
  currentLeafId: string | null;
  createdAt: number;
  updatedAt: number;
  messageId: string | null;
  snippet: string;
};

/**
 * Where each conversation matched, best first: a message over the title, the newest message
 * over older ones. FTS5 finds terms of three characters or more; shorter ones are a LIKE
 * scan of the user's own conversations, with the snippet cut around the first term.
 */
function hitsOf(userId: string, terms: string[], fts: boolean): SQL {
  if (fts) {
    const match = ftsQuery(terms);
    return sql`SELECT c.id AS cid, NULL AS mid, snippet(conversations_fts, 0, ${MARK_START}, ${MARK_END}, '…', 12) AS snip, 0 AS kind, c.updated_at AS at
  FROM conversations_fts JOIN conversations c ON c.rowid = conversations_fts.rowid
  WHERE conversations_fts MATCH ${match} AND c.user_id = ${userId}
UNION ALL
SELECT m.conversation_id, m.id, snippet(messages_fts, 0, ${MARK_START}, ${MARK_END}, '…', 12), 1, m.created_at
  FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid JOIN conversations c ON c.id = m.conversation_id
  WHERE messages_fts MATCH ${match} AND c.user_id = ${userId}`;
  }
  const like = (column: SQL) => sql.join(terms.map((t) => sql`${column} LIKE ${likePattern(t)} ESCAPE '\\'`), sql` AND `);
  const first = terms[0] ?? '';
  const window = (column: SQL) =>
    sql`substr(${column}, max(1, instr(lower(${column}), lower(${first})) - ${SNIPPET_CONTEXT}), ${2 * SNIPPET_CONTEXT + first.length})`;
  return sql`SELECT c.id AS cid, NULL AS mid, c.title AS snip, 0 AS kind, c.updated_at AS at
  FROM conversations c WHERE c.user_id = ${userId} AND ${like(sql`c.title`)}
UNION ALL
SELECT m.conversation_id, m.id, ${window(sql`m.content`)}, 1, m.created_at
  FROM messages m JOIN conversations c ON c.id = m.conversation_id
  WHERE c.user_id = ${userId} AND ${like(sql`m.content`)}`;
}

/**
 * One page of the user's conversations whose title or messages contain every term of `q`,
 * most recently active first (the list's order and cursor), each with its best match.
 */
export async function searchConversations(db: Db, userId: string, q: string, opts: { limit: number; cursor?: TimeCursor | undefined }): Promise<Page<SearchHit>> {
  const terms = searchTerms(q);
  const fts = terms.every((t) => t.length >= TRIGRAM);
  const after = opts.cursor ? sql`AND (c.updated_at, c.id) < (${opts.cursor.at}, ${opts.cursor.id})` : sql``;
  const rows = await db.all<HitRow>(sql`WITH hits(cid, mid, snip, kind, at) AS (${hitsOf(userId, terms, fts)}),
best AS (SELECT cid, mid, snip, row_number() OVER (PARTITION BY cid ORDER BY kind DESC, at DESC) AS n FROM hits)
SELECT c.id AS id, c.user_id AS userId, c.title AS title, c.model AS model, c.current_leaf_id AS currentLeafId,
  c.created_at AS createdAt, c.updated_at AS updatedAt, best.mid AS messageId, best.snip AS snippet
FROM best JOIN conversations c ON c.id = best.cid
WHERE best.n = 1 ${after}
ORDER BY c.updated_at DESC, c.id DESC
LIMIT ${opts.limit + 1}`);
  const hits = rows.map(({ snippet, ...row }) => ({ ...row, snippet: fts ? partsOfMarked(snippet) : partsOfText(snippet, terms) }));
  return toPage(hits, opts.limit, (r) => ({ at: r.updatedAt, id: r.id }));
}
