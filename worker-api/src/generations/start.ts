import { SSE_HEADERS } from '../chat/sse';
import type { PromptMessage } from '../chat/context';
import { settleStream } from '../chat/settle';
import type { Db } from '../db/client';
import { newId } from '../db/ids';
import { selectLeafIfReserved } from '../db/queries/conversations';
import { generationEndStatement, generationStartStatement, type GenerationStartStatement } from '../db/queries/generations';
import type { PlanRow } from '../db/schema';
import { ApiError } from '../http/errors';
import { reservationOf, reservationStatement, type Reservation, type ReservationStatement } from '../policy/quota';
import { estimatePromptTokens } from '../policy/tokens';
import type { GenerationJob } from './job';
import type { Generation } from './object';

export type GenerationRequest = {
  db: Db;
  generations: DurableObjectNamespace<Generation>;
  traceId: string;
  clientTraceId: string | null;
  userId: string;
  plan: PlanRow;
  conversationId: string;
  /** The user turn to answer; the answer becomes its child (beside earlier answers to it). */
  parentId: string;
  model: string;
  prompt: PromptMessage[];
  requestedMaxTokens?: number | undefined;
  /**
   * Runs the reservation statement and then the statements that apply only when it reserved
   * (the generation's insert, the conversation's path moved to the turn answered), in one D1
   * batch with the writes the request makes before answering (storing the user's turn), and
   * gives back the reservation statement's rows.
   */
  reserveWith: (reservation: ReservationStatement, admitted: AdmittedStatements) => Promise<readonly { tokens: number }[]>;
};

/** What a batch runs after the reservation, each applying only when it reserved. */
export type AdmittedStatements = readonly [GenerationStartStatement, ReturnType<typeof selectLeafIfReserved>];

/** The object that owns a generation: one per answer (see object.ts for why). */
export function generationObject(namespace: DurableObjectNamespace<Generation>, generationId: string): DurableObjectStub<Generation> {
  return namespace.get(namespace.idFromName(generationId));
}

/**
 * Answers a prompt as a generation: reserves quota (a refusal is the contract's 429, in the
 * audit trail too), records the generation, starts its object and returns its event stream
 * at once, before the provider has answered. From then on the object owns the answer:
 * what the provider does, and whether the client stays, shows only in the stream.
 */
export async function startGeneration(input: GenerationRequest): Promise<Response> {
  const startedAt = Date.now();
  const promptTokens = estimatePromptTokens(input.prompt);
  const reservationId = newId('req');
  const generationId = newId('gen');
  const messageId = newId('msg');
  const base = { reservationId, userId: input.userId, traceId: input.traceId, clientTraceId: input.clientTraceId, conversationId: input.conversationId, model: input.model };
  /** Ends a request that never reached the provider: no tokens, no message. */
  const settleUnanswered = (status: 'rejected' | 'error', errorCode: string, also: Parameters<typeof settleStream>[3] = []) =>
    settleStream(input.db, { ...base, message: null, promptTokens: 0, completionTokens: 0, estimated: false, status, errorCode, ttftMs: null, durationMs: Date.now() - startedAt }, Date.now(), also);

  let reservation: Reservation;
  try {
    const request = { id: reservationId, userId: input.userId, plan: input.plan, promptTokens, requestedMaxTokens: input.requestedMaxTokens };
    const generation = generationStartStatement(input.db, { id: generationId, userId: input.userId, conversationId: input.conversationId, messageId, model: input.model, traceId: input.traceId, reservationId }, startedAt);
    const select = selectLeafIfReserved(input.db, input.conversationId, input.parentId, reservationId);
    const rows = await input.reserveWith(reservationStatement(input.db, request, startedAt), [generation, select]);
    reservation = await reservationOf(input.db, request, rows, startedAt);
  } catch (err) {
    // Refusals go in the audit trail too, so an operator can see why a user got a 429.
    if (err instanceof ApiError) await settleUnanswered('rejected', err.code);
    throw err;
  }

  const job: GenerationJob = {
    generationId,
    reservationId,
    userId: input.userId,
    traceId: input.traceId,
    clientTraceId: input.clientTraceId,
    conversationId: input.conversationId,
    messageId,
    parentId: input.parentId,
    model: input.model,
    prompt: input.prompt,
    maxTokens: reservation.maxTokens,
    promptTokens,
    startedAt,
  };
  let body: ReadableStream<Uint8Array>;
  try {
    body = await generationObject(input.generations, generationId).begin(job);
  } catch (err) {
    // Nothing will answer: free the reservation and end the generation rather than hold both until they expire.
    await settleUnanswered('error', 'generation_unavailable', [generationEndStatement(input.db, generationId, 'error')]).catch(() => undefined);
    throw err;
  }
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS, 'X-Trace-Id': input.traceId } });
}
