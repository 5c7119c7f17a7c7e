import type { Context } from 'hono';
import { d1Statement, type Db } from '../db/client';
import { newId } from '../db/ids';
import {
  admissionCandidatesSelect,
  pickedHistorySelect,
  preferencesSelect,
  reservationAdmit,
  reservedModel,
  turnWritesIfAdmitted,
  type AdmissionTerms,
  type PickedMessage,
  type PickedPreferences,
  type Reserved,
} from '../db/queries/admission';
import { getConversationForUser } from '../db/queries/conversations';
import { generationStartStatement } from '../db/queries/generations';
import { getPath } from '../db/queries/messages';
import { availableModelIds, type CandidateRow } from '../db/queries/models';
import { DEFAULT_PREFERENCES } from '../db/queries/preferences';
import type { ConversationRow } from '../db/schema';
import { readConfig } from '../config';
import type { AppEnv } from '../env';
import type { GenerationJob } from '../generations/job';
import { ApiError } from '../http/errors';
import { refuseOverCaps } from '../policy/caps';
import { getEntitled, resolveModel, type Entitled } from '../policy/plans';
import { clockAt, MIN_COMPLETION_TOKENS, quotaRefusal, RESERVATION_TTL_MS } from '../policy/quota';
import { costedContent } from '../policy/tokens';
import { buildPrompt, promptCosting, promptTokensOf } from './context';
import { candidatesOf } from '../providers/candidates';
import { withRefusalsAudited } from './refusals';
import { settleStream, type StreamOutcome } from './settle';

const encoder = new TextEncoder();

/** Turns of history read to build the prompt; the token budget trims further. */
export const HISTORY_LIMIT = 100;

export type AnswerRequest = {
  userId: string;
  /** The user's conversation; undefined starts one with the new turn. */
  conversationId: string | undefined;
  /**
   * A new turn the request brings (with `editOf`, a new version of that question), or the
   * newest user turn of the selected path (again, with `regenerate`; with `messageId`, the
   * turn that answer answers).
   */
  answerTo: { kind: 'new-turn'; content: string; editOf?: string | undefined } | { kind: 'stored-turn'; regenerate: boolean; messageId?: string | undefined };
  askedModel: string | undefined;
  requestedMaxTokens?: number | undefined;
};

/**
 * An answer's admission as the route prepares it: the batch's terms and the ids the batch
 * stores, plain data, so the user's generation object can run it (`runAdmission`) after
 * counting the start, with no round trip between the two.
 */
export type Admission = {
  terms: AdmissionTerms;
  generationId: string;
  /** The answer's message id. */
  messageId: string;
  /** The new turn's id, when the request brings one. */
  userMessageId: string;
  traceId: string;
  clientTraceId: string | null;
  startedAt: number;
};

/** The admission of request `r`, made at `startedAt`: no I/O, the ids and the batch's terms. */
export function prepareAdmission(c: Context<AppEnv>, r: AnswerRequest, startedAt = Date.now()): Admission {
  const newTurn = r.answerTo.kind === 'new-turn' ? costedContent(r.answerTo.content) : null;
  const terms: AdmissionTerms = {
    reservationId: newId('req'),
    userId: r.userId,
    conversationId: r.conversationId ?? newId('conv'),
    newConversation: r.conversationId === undefined,
    answerTo: answerToOf(r.answerTo, newTurn),
    askedModel: r.askedModel ?? null,
    requestedMaxTokens: r.requestedMaxTokens ?? null,
    historyLimit: newTurn ? HISTORY_LIMIT - 1 : HISTORY_LIMIT,
    ...promptCosting(newTurn),
    minCompletionTokens: MIN_COMPLETION_TOKENS,
    clock: clockAt(startedAt),
    expiresAt: startedAt + RESERVATION_TTL_MS,
    caps: readConfig(c.env).caps,
    addingBytes: newTurn ? encoder.encode(newTurn.content).byteLength : 0,
  };
  return { terms, generationId: newId('gen'), messageId: newId('msg'), userMessageId: newId('msg'), traceId: c.get('traceId'), clientTraceId: c.get('clientTraceId'), startedAt };
}

/**
 * Admits an answer in one D1 round trip: one batch reads the user's preferences (the system
 * message) and the history along the selected path of the conversation's tree, checks the account,
 * the conversation, the model, the stream slots and the quota (live grants included),
 * reserves, stores the new turn and records the generation, each write only if the
 * reservation was made (`db/queries/admission.ts`). Every round trip before the provider
 * is called adds to the time to first token, and users far from the database pay each in
 * full. Returns the generation's job, or null when the batch refused: it stored nothing, and
 * `admissionRefusal` says why.
 */
export async function runAdmission(db: Db, a: Admission): Promise<GenerationJob | null> {
  const { terms } = a;
  const newTurn = terms.answerTo.kind === 'new-turn' ? terms.answerTo.turn : null;
  const generation = generationStartStatement(
    db,
    { id: a.generationId, userId: terms.userId, conversationId: terms.conversationId, messageId: a.messageId, model: reservedModel(terms), traceId: a.traceId, reservationId: terms.reservationId },
    a.startedAt,
  );
  // The history and the preferences are read before the batch stores the new turn; the
  // generation's insert comes after the conversation's, which it references. The registry
  // (who may answer, at what price) is read here too: no round trip, no isolate cache.
  const results = await db.$client.batch([
    preferencesSelect(db, terms),
    pickedHistorySelect(db, terms),
    reservationAdmit(db, terms),
    admissionCandidatesSelect(db, terms),
    ...turnWritesIfAdmitted(db, terms, a.userMessageId),
    d1Statement(db, generation),
  ]);
  const stored = (results[0]?.results as PickedPreferences[] | undefined)?.[0];
  const history = (results[1]?.results ?? []) as PickedMessage[];
  const reserved = (results[2]?.results as Reserved[] | undefined)?.[0];
  const candidates = candidatesOf((results[3]?.results ?? []) as CandidateRow[]);
  // The answer's parent: the new turn, or the stored turn answered (the newest the history kept).
  const parentId = newTurn ? a.userMessageId : history.at(-1)?.id;
  if (reserved === undefined || parentId === undefined) return null;
  const { tokens, model } = reserved;
  const preferences = stored ? { instructions: stored.instructions, language: stored.language } : DEFAULT_PREFERENCES;
  const promptTokens = promptTokensOf(terms, stored?.system_tokens ?? terms.defaultSystemTokens, history);
  return {
    generationId: a.generationId,
    reservationId: terms.reservationId,
    userId: terms.userId,
    traceId: a.traceId,
    clientTraceId: a.clientTraceId,
    conversationId: terms.conversationId,
    messageId: a.messageId,
    parentId,
    model,
    candidates,
    prompt: buildPrompt(history, newTurn?.content ?? null, preferences),
    maxTokens: tokens - promptTokens,
    promptTokens,
    startedAt: a.startedAt,
  };
}

/** The record of an admission nothing answered (refused, or its object failed): no message, no tokens. */
export function unansweredOutcome(a: Admission, model: string, status: 'rejected' | 'error', errorCode: string, now = Date.now()): StreamOutcome {
  const { terms } = a;
  return {
    reservationId: terms.reservationId,
    userId: terms.userId,
    traceId: a.traceId,
    clientTraceId: a.clientTraceId,
    conversationId: terms.conversationId,
    message: null,
    model,
    promptTokens: 0,
    completionTokens: 0,
    estimated: false,
    status,
    errorCode,
    ttftMs: null,
    durationMs: now - a.startedAt,
  };
}

/** The batch's terms for what is answered: a new turn with its title, or a stored one. */
function answerToOf(a: AnswerRequest['answerTo'], newTurn: ReturnType<typeof costedContent> | null): AdmissionTerms['answerTo'] {
  if (a.kind === 'new-turn' && newTurn) return { kind: 'new-turn', turn: newTurn, title: newTurn.content.trim().slice(0, 60), editOf: a.editOf ?? null };
  return { kind: 'stored-turn', regenerate: a.kind === 'stored-turn' && a.regenerate, messageId: (a.kind === 'stored-turn' && a.messageId) || null };
}

/** The message the request names (an edited question, an answer to regenerate) is one of the conversation's, with that role. */
async function namedMessageIsThere(db: Db, conversationId: string, messageId: string, role: 'user' | 'assistant'): Promise<boolean> {
  const [message] = await getPath(db, conversationId, { messageId }, 1);
  return message?.role === role;
}

/** A model the conversation used may have left the plan (or the registry) since; then the plan's default answers. */
function modelFor(entitled: Entitled, available: ReadonlySet<string>, asked: string | undefined, conversation: ConversationRow | undefined): string {
  if (asked !== undefined) return resolveModel(entitled.plan, available, asked);
  const previous = conversation?.model ?? undefined;
  return resolveModel(entitled.plan, available, previous !== undefined && entitled.plan.models.includes(previous) && available.has(previous) ? previous : undefined);
}

async function ownedConversation(db: Db, userId: string, id: string): Promise<ConversationRow> {
  const conversation = await getConversationForUser(db, userId, id);
  if (!conversation) throw new ApiError(404, 'not_found', 'No such conversation');
  return conversation;
}

/** The newest turn is the user's, so there is something to answer (the history's rows say which role the newest turn has). */
function answerable(history: readonly PickedMessage[]): boolean {
  return history[0]?.newest === 'user';
}

/**
 * Why the batch reserved nothing, in the order the checks were always made: the account
 * (404, 403 suspended) and the conversation (404), the model (403) and the per-user caps
 * (409), the message an edit or a regeneration names (404), something to answer (409), then
 * the quota and the stream slots (429).
 */
export async function admissionRefusal(c: Context<AppEnv>, db: Db, r: AnswerRequest, admission: Admission): Promise<ApiError> {
  const { terms, startedAt } = admission;
  const { entitled, model, history, systemTokens } = await withRefusalsAudited(c, r.askedModel, async () => {
    const [entitled, conversation, history, stored, , available] = await Promise.all([
      getEntitled(db, r.userId, startedAt),
      r.conversationId === undefined ? undefined : ownedConversation(db, r.userId, r.conversationId),
      terms.newConversation ? [] : pickedHistorySelect(db, terms).all<PickedMessage>().then((read) => read.results),
      preferencesSelect(db, terms).first<PickedPreferences>(),
      refuseOverCaps(db, readConfig(c.env).caps, r.userId, {
        newConversation: terms.newConversation,
        conversationId: r.conversationId,
        content: r.answerTo.kind === 'new-turn' ? r.answerTo.content : undefined,
      }),
      availableModelIds(db),
    ]);
    return { entitled, model: modelFor(entitled, available, r.askedModel, conversation), history, systemTokens: stored?.system_tokens ?? terms.defaultSystemTokens };
  });
  const named =
    r.answerTo.kind === 'new-turn'
      ? r.answerTo.editOf && { id: r.answerTo.editOf, role: 'user' as const }
      : r.answerTo.regenerate && r.answerTo.messageId && { id: r.answerTo.messageId, role: 'assistant' as const };
  if (named && r.conversationId !== undefined && !(await namedMessageIsThere(db, r.conversationId, named.id, named.role))) {
    return new ApiError(404, 'not_found', 'No such message in this conversation');
  }
  if (r.answerTo.kind === 'stored-turn' && !answerable(history)) {
    return new ApiError(409, 'nothing_to_answer', 'The conversation has no unanswered message; send one first');
  }
  const err = await quotaRefusal(db, { userId: r.userId, plan: entitled.plan, promptTokens: promptTokensOf(terms, systemTokens, history) }, startedAt);
  // Refusals go in the audit trail too, so an operator can see why a user got a 429.
  await settleStream(db, unansweredOutcome(admission, model, 'rejected', err.code));
  return err;
}
