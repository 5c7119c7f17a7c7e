import type { PromptMessage } from '../chat/context';
import type { Candidate } from '../providers/candidates';

/**
 * Everything a generation's object needs to answer and settle on its own, whoever is or is
 * not listening: decided and reserved by the route before the object is started.
 */
export type GenerationJob = {
  generationId: string;
  /** The quota reservation; also the usage row's id, which makes settling happen once. */
  reservationId: string;
  userId: string;
  traceId: string;
  /** The X-Trace-Id the caller sent, or null: the ledger keeps it beside the trace id. */
  clientTraceId: string | null;
  conversationId: string;
  messageId: string;
  /** The user turn being answered: the answer's parent in the conversation's tree. */
  parentId: string;
  /** The model admitted (asked for, or the plan's default); a fallback may answer instead. */
  model: string;
  /** Who may answer, in order, with the prices read at admission: `model` first, then its usable fallbacks. */
  candidates: Candidate[];
  prompt: PromptMessage[];
  /** The answer budget the reservation holds. */
  maxTokens: number;
  /** Our estimate of the prompt, for the ledger when the provider reports no usage. */
  promptTokens: number;
  startedAt: number;
};

/** Who and what a generation's settle records, whichever way it ended. */
export function settledAs(job: GenerationJob) {
  return { reservationId: job.reservationId, userId: job.userId, traceId: job.traceId, clientTraceId: job.clientTraceId, conversationId: job.conversationId, model: job.model };
}

/** The data of a generation's first event (seq 1): who it is and where its answer goes. */
export function metaOf(g: Pick<GenerationJob, 'generationId' | 'conversationId' | 'messageId' | 'model' | 'traceId'>) {
  return { generationId: g.generationId, conversationId: g.conversationId, messageId: g.messageId, model: g.model, traceId: g.traceId };
}

/**
 * The data of a generation's `done` event. `meta` goes out before any provider has answered,
 * so this is where the client learns which model did: `fallback` when it is not the one
 * admitted (`meta.model`).
 */
export function doneOf(finishReason: string, admittedModel: string, answeringModel: string) {
  return { finishReason, model: answeringModel, fallback: answeringModel !== admittedModel };
}

/** How long an ended generation's events stay in its object for resumes; afterwards a resume is answered from the stored message. */
export const EVENT_LOG_RETENTION_MS = 15 * 60_000;

/**
 * How often a running generation's alarm looks in on it. An object evicted mid-answer loses
 * the relay it was running; its next alarm ends the generation with what was stored.
 */
export const WATCHDOG_MS = 30_000;
