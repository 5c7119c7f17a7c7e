import { sql, type SQL } from 'drizzle-orm';
import { d1Statement, type Db } from '../client';
import { depthUnder, type CostedContent } from './messages';
import { candidatesSelect, modelAvailable } from './models';
import type { Preferences } from './preferences';
import { quotaSnapshotSelect, type QuotaClock } from './reservations';
import { planInForceId } from './users';

/**
 * The statements of the one D1 batch that admits an answer: every check that needs the
 * user, the plan, the conversation or the quota runs inside SQL guards, so an allowed answer
 * costs one round trip before the provider is called. Each write after the reservation is
 * conditional on it, so a refused request stores nothing (no turn, no conversation, no
 * generation); the caller reads afresh to say why.
 */

/** Which turn the answer is to. */
export type AnswerTo =
  /**
   * A turn the request brings, stored by the batch when admitted; `title` names a new
   * conversation. It follows the end of the selected path, or with `editOf` (a user message
   * of the conversation) becomes that message's sibling, answered from the path before it.
   */
  | { kind: 'new-turn'; turn: CostedContent; title: string; editOf: string | null }
  /**
   * The newest turn of the selected path, which must be the user's; `regenerate` looks past
   * the answers after it, and with `messageId` (an answer of the conversation) reads the path
   * that answer ends instead.
   */
  | { kind: 'stored-turn'; regenerate: boolean; messageId: string | null };

export type AdmissionTerms = {
  reservationId: string;
  userId: string;
  conversationId: string;
  /** The batch creates the conversation: nothing to own, no history to read. */
  newConversation: boolean;
  answerTo: AnswerTo;
  /** The model asked for; null takes the conversation's when the plan still has it, else the plan's default. */
  askedModel: string | null;
  /** The answer's budget asked for; the plan's maximum caps it. */
  requestedMaxTokens: number | null;
  historyLimit: number;
  /** History tokens a prompt holds at most (the newest turns win; the turn answered is always in). */
  historyBudget: number;
  /** What the budget has spent before the history: the system prompt's estimate, and a new turn's cost. */
  spentBeforeHistory: number;
  /** Prompt tokens known before the history is read: framing, system prompt and a new turn. */
  basePromptTokens: number;
  /** Framing tokens each history message adds to the prompt. */
  perMessageTokens: number;
  /** The system message's tokens for a user without stored preferences (stored ones carry their own). */
  defaultSystemTokens: number;
  /** Less room than this for the answer and nothing is reserved. */
  minCompletionTokens: number;
  clock: QuotaClock;
  expiresAt: number;
  /** The per-user caps (config `caps`), checked in the same statement as the quota. */
  caps: { conversationsPerUser: number; messagesPerConversation: number; storedBytesPerUser: number };
  /** UTF-8 bytes the new turn stores; 0 for a stored turn. */
  addingBytes: number;
};

/** The reserved tokens and the model admitted, the reservation statement's one row when it reserved. */
export type Reserved = { tokens: number; model: string };

/** A history message the prompt takes, oldest first; `newest` is the role of the newest turn on the path read. */
export type PickedMessage = { id: string; role: 'user' | 'assistant' | 'system'; content: string; tokens: number; newest: string | null };

/** The user's preferences as the batch reads them, for the system message; no row: the defaults. */
export type PickedPreferences = { instructions: string; language: Preferences['language']; system_tokens: number };

/** Along a path read up from its end, `depth` 1 is the newest message. */
const newestFirst = sql.raw('ORDER BY depth');

/** The system message's tokens: the user's stored estimate, else the defaults'. */
function systemTokens(t: AdmissionTerms): SQL {
  return sql`coalesce((SELECT system_tokens FROM user_preferences WHERE user_id = ${t.userId}), ${t.defaultSystemTokens})`;
}

/** The conversation when the user owns it; NULL for a new one or a stranger's. */
function owned(t: AdmissionTerms): SQL {
  return t.newConversation ? sql`NULL` : sql`(SELECT id FROM conversations WHERE id = ${t.conversationId} AND user_id = ${t.userId})`;
}

/**
 * Where the history's path ends (messages form a tree): the parent of an edited question,
 * a given answer to regenerate, or else the conversation's selected leaf.
 */
function pathEnd(t: AdmissionTerms): SQL {
  if (t.answerTo.kind === 'new-turn' && t.answerTo.editOf !== null) {
    return sql`(SELECT parent_id FROM messages WHERE id = ${t.answerTo.editOf} AND conversation_id = ${owned(t)} AND role = 'user')`;
  }
  if (t.answerTo.kind === 'stored-turn' && t.answerTo.regenerate && t.answerTo.messageId !== null) {
    return sql`(SELECT id FROM messages WHERE id = ${t.answerTo.messageId} AND conversation_id = ${owned(t)} AND role = 'assistant')`;
  }
  return sql`(SELECT current_leaf_id FROM conversations WHERE id = ${owned(t)})`;
}

/**
 * The prompt's history as common table expressions: `recent` the newest messages of the path
 * (walked up its parent links from `pathEnd`, `depth` 1 the newest), `turns` those less the
 * answers after the newest user turn when regenerating, `picked` the ones the budget keeps,
 * newest first until one does not fit. Messages older than `content_tokens` count one token
 * a character. A conversation the user does not own has no history.
 */
function historyCtes(t: AdmissionTerms): SQL {
  // A new conversation has no history: the walk is left out rather than run on nothing.
  if (t.newConversation) {
    return sql`WITH turns(id, role, content, tokens, depth) AS (SELECT NULL, NULL, NULL, 0, 0 WHERE 0), picked AS (SELECT * FROM turns)`;
  }
  const regenerate = t.answerTo.kind === 'stored-turn' && t.answerTo.regenerate;
  const afterRegenerate = regenerate ? sql`depth >= (SELECT min(depth) FROM recent WHERE role <> 'assistant')` : sql`1`;
  // A stored turn is the question itself, kept whatever its size; a new one is in spentBeforeHistory.
  const keepNewest = t.answerTo.kind === 'stored-turn' ? sql`rn = 1 OR ` : sql``;
  return sql`WITH RECURSIVE
recent(id, parent_id, role, content, tokens, depth) AS (
  SELECT id, parent_id, role, content, coalesce(content_tokens, length(content)), 1
  FROM messages WHERE id = ${pathEnd(t)} AND conversation_id = ${owned(t)}
  UNION ALL
  SELECT m.id, m.parent_id, m.role, m.content, coalesce(m.content_tokens, length(m.content)), recent.depth + 1
  FROM messages m JOIN recent ON m.id = recent.parent_id WHERE recent.depth < ${t.historyLimit}),
turns AS (SELECT * FROM recent WHERE ${afterRegenerate}),
ranked AS (
  SELECT id, role, content, tokens, depth, row_number() OVER newest AS rn, sum(tokens + ${t.perMessageTokens}) OVER newest AS spent
  FROM turns WHERE role <> 'system' AND NOT (role = 'assistant' AND content = '')
  WINDOW newest AS (${newestFirst} ROWS UNBOUNDED PRECEDING)),
picked AS (SELECT * FROM ranked WHERE ${keepNewest}${t.spentBeforeHistory} + ${systemTokens(t)} + spent <= ${t.historyBudget})`;
}

/**
 * The model the answer uses, or NULL when the plan refuses it (or the user is gone or
 * suspended): a SQL value, which the reservation records (`reservedModel`). A model
 * the plan names counts only while the registry can serve it (`modelAvailable`); without one
 * asked, the conversation's model if still allowed, else the plan's first one that is.
 */
function admittedModel(t: AdmissionTerms): SQL {
  const allowed = (value: SQL) => sql`${value} AND ${modelAvailable(sql`pm.value`)}`;
  const choice =
    t.askedModel !== null
      ? sql`(SELECT pm.value FROM json_each(plans.models) pm WHERE ${allowed(sql`pm.value = ${t.askedModel}`)})`
      : sql`coalesce(
      (SELECT pm.value FROM json_each(plans.models) pm WHERE ${allowed(sql`pm.value = (SELECT model FROM conversations WHERE id = ${t.conversationId} AND user_id = ${t.userId})`)}),
      (SELECT pm.value FROM json_each(plans.models) pm WHERE ${allowed(sql`1`)} ORDER BY pm.key LIMIT 1))`;
  return sql`(SELECT ${choice} FROM users JOIN plans ON plans.id = ${planInForceId(t.clock.now)} WHERE users.id = ${t.userId} AND users.suspended_at IS NULL)`;
}

/**
 * The model the batch's reservation admitted, for the statements after it: decided once, by
 * the statement that reserves (`reservationAdmit`); NULL when nothing was reserved.
 */
export function reservedModel(t: Pick<AdmissionTerms, 'reservationId'>): SQL {
  return sql`(SELECT model FROM reservations WHERE id = ${t.reservationId})`;
}

/** The models of the user's plan in force, as its JSON array. */
function planModels(t: AdmissionTerms): SQL {
  return sql`(SELECT plans.models FROM users JOIN plans ON plans.id = ${planInForceId(t.clock.now)} WHERE users.id = ${t.userId})`;
}

/**
 * The models that may answer (the admitted one, then its usable fallbacks) with their
 * providers and prices, read in the admission batch so the registry costs no round trip of
 * its own and an operator's edit applies to the next request.
 */
export function admissionCandidatesSelect(db: Db, t: AdmissionTerms) {
  return candidatesSelect(db, reservedModel(t), planModels(t));
}

/**
 * The caps hold: the user's store has room for the new turn (and is not full, since an answer
 * adds bytes nobody can count yet), and a new conversation or another message fits its cap.
 * `policy/caps.ts` says which one a refusal broke.
 */
function withinCaps(t: AdmissionTerms): SQL {
  const { caps } = t;
  const count = t.newConversation
    ? sql`(SELECT count(*) FROM conversations WHERE user_id = ${t.userId}) < ${caps.conversationsPerUser}`
    : sql`(SELECT count(*) FROM messages WHERE conversation_id = ${t.conversationId}) < ${caps.messagesPerConversation}`;
  return sql`users.stored_bytes < ${caps.storedBytesPerUser} AND users.stored_bytes + ${t.addingBytes} <= ${caps.storedBytesPerUser} AND ${count}`;
}

/** The statements after the reservation apply only when it was made. */
function admitted(t: AdmissionTerms): SQL {
  return sql`EXISTS (SELECT 1 FROM reservations WHERE id = ${t.reservationId})`;
}

/** The history the prompt takes, oldest first: read in the batch, before the batch stores a new turn. */
export function pickedHistorySelect(db: Db, t: AdmissionTerms) {
  return d1Statement(
    db,
    sql`${historyCtes(t)}
SELECT id, role, content, tokens, (SELECT role FROM turns ${newestFirst} LIMIT 1) AS newest FROM picked ORDER BY depth DESC`,
  );
}

/** The user's preferences, for the system message: read in the same batch as the history. */
export function preferencesSelect(db: Db, t: AdmissionTerms) {
  return d1Statement(db, sql`SELECT instructions, language, system_tokens FROM user_preferences WHERE user_id = ${t.userId}`);
}

/**
 * The reservation, made only when the user exists and is not suspended, owns the
 * conversation, the plan allows the model, a stored turn is there to answer (or the question
 * edited is the user's, in the conversation), the caps hold, a stream slot is
 * free and the quota (live grants included, live reservations excluded) leaves room for the
 * prompt and the least answer worth having. It holds the prompt plus the answer's budget, shrunk
 * to the room left so a user can spend their last tokens. D1 runs statements one at a time, so
 * no other request slips between the checks and the insert. Returns the reserved tokens and the model, or no row.
 */
export function reservationAdmit(db: Db, t: AdmissionTerms) {
  const { clock } = t;
  const ownedOrNew = t.newConversation
    ? sql`NOT EXISTS (SELECT 1 FROM conversations WHERE id = ${t.conversationId})`
    : sql`EXISTS (SELECT 1 FROM conversations WHERE id = ${t.conversationId} AND user_id = ${t.userId})`;
  const answerable =
    t.answerTo.kind === 'stored-turn'
      ? sql`(SELECT role FROM turns ${newestFirst} LIMIT 1) = 'user'`
      : t.answerTo.editOf !== null
        ? sql`EXISTS (SELECT 1 FROM messages WHERE id = ${t.answerTo.editOf} AND conversation_id = ${t.conversationId} AND role = 'user')`
        : sql`1`;
  // The answer's budget: the plan's maximum, the model's own and what was asked for, the least of them.
  const modelMax = sql`(SELECT max_output_tokens FROM models WHERE id = chosen.model)`;
  const cap = t.requestedMaxTokens === null ? sql`min(plans.max_tokens_per_request, ${modelMax})` : sql`min(plans.max_tokens_per_request, ${modelMax}, ${t.requestedMaxTokens})`;
  // SQLite flattens a CTE into the query reading it and copies its expressions there: `prompt`
  // and `room` are each read twice, which ran the history walk up to three times and the
  // ledger sums twice (EXPLAIN QUERY PLAN). MATERIALIZED computes each once.
  return d1Statement(db, sql`${historyCtes(t)},
chosen(model) AS (SELECT ${admittedModel(t)}),
terms AS MATERIALIZED (
  SELECT chosen.model AS model, plans.concurrent_streams AS slots, ${cap} AS cap,
    ${t.basePromptTokens} + ${systemTokens(t)} + (SELECT coalesce(sum(tokens + ${t.perMessageTokens}), 0) FROM picked) AS prompt,
    plans.daily_token_quota AS daily, plans.monthly_token_quota AS monthly
  FROM users JOIN plans ON plans.id = ${planInForceId(clock.now)} JOIN chosen
  WHERE users.id = ${t.userId} AND users.suspended_at IS NULL AND chosen.model IS NOT NULL AND ${ownedOrNew} AND ${answerable} AND ${withinCaps(t)}),
quota AS (${quotaSnapshotSelect(t.userId, clock)}),
room AS MATERIALIZED (
  SELECT model, slots, cap, prompt, quota.streams AS streams,
    min(daily - quota.usedDay, monthly - quota.usedMonth) + quota.granted - quota.reserved - prompt AS room
  FROM terms JOIN quota)
INSERT INTO reservations (id, user_id, model, tokens, created_at, expires_at)
SELECT ${t.reservationId}, ${t.userId}, model, prompt + min(cap, room), ${clock.now}, ${t.expiresAt}
FROM room WHERE streams < slots AND room >= ${t.minCompletionTokens}
RETURNING tokens, model`);
}

/**
 * The writes that store the request's new turn (and its new conversation) and select it as
 * the path's end, each only when admitted: the turn follows the selected leaf, or is a
 * sibling of the question it edits. For a stored turn the path moves to the turn answered
 * (past the answer being regenerated), so the new answer is followed from it.
 */
export function turnWritesIfAdmitted(db: Db, t: AdmissionTerms, userMessageId: string): D1PreparedStatement[] {
  if (t.answerTo.kind !== 'new-turn') {
    return [
      d1Statement(db, sql`${historyCtes(t)}
UPDATE conversations SET current_leaf_id = (SELECT id FROM turns ${newestFirst} LIMIT 1) WHERE id = ${t.conversationId} AND ${admitted(t)}`),
    ];
  }
  const { turn, title, editOf } = t.answerTo;
  const now = t.clock.now;
  const parent = t.newConversation
    ? sql`NULL`
    : editOf !== null
      ? sql`(SELECT parent_id FROM messages WHERE id = ${editOf} AND conversation_id = ${t.conversationId})`
      : sql`(SELECT current_leaf_id FROM conversations WHERE id = ${t.conversationId})`;
  const message = d1Statement(db, sql`INSERT INTO messages (id, conversation_id, parent_id, role, content, content_tokens, depth, created_at)
SELECT ${userMessageId}, ${t.conversationId}, ${parent}, 'user', ${turn.content}, ${turn.contentTokens}, ${depthUnder(parent)}, ${now} WHERE ${admitted(t)}`);
  if (t.newConversation) {
    // The conversation exists before its first message (the foreign key) and starts with it selected.
    const conversation = d1Statement(db, sql`INSERT INTO conversations (id, user_id, title, model, current_leaf_id, created_at, updated_at)
SELECT ${t.conversationId}, ${t.userId}, ${title}, ${reservedModel(t)}, ${userMessageId}, ${now}, ${now} WHERE ${admitted(t)}`);
    return [conversation, message];
  }
  return [message, d1Statement(db, sql`UPDATE conversations SET updated_at = ${now}, current_leaf_id = ${userMessageId} WHERE id = ${t.conversationId} AND ${admitted(t)}`)];
}
