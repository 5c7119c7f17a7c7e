import { frameText, SSE_HEADERS } from '../chat/sse';
import type { Db } from '../db/client';
import { getGenerationForUser, type OwnedGeneration } from '../db/queries/generations';
import type { GenerationStatus } from '../db/schema';
import { ApiError } from '../http/errors';
import { RESERVATION_TTL_MS } from '../policy/quota';
import { doneOf, EVENT_LOG_RETENTION_MS, metaOf } from './job';
import type { Generation } from './object';
import { generationObject } from './start';

/** What `newId('gen')` makes, with slack; anything else cannot exist, so it is a 404 without a query. */
const GENERATION_ID = /^gen_[0-9a-z]{10,40}$/;

export type GenerationRef = { db: Db; generations: DurableObjectNamespace<Generation>; userId: string; generationId: string };

function notFound(): ApiError {
  return new ApiError(404, 'not_found', 'No such generation');
}

async function ownedGeneration(ref: GenerationRef): Promise<OwnedGeneration> {
  if (!GENERATION_ID.test(ref.generationId)) throw notFound();
  const generation = await getGenerationForUser(ref.db, ref.userId, ref.generationId);
  if (!generation) throw notFound();
  return generation;
}

/**
 * The generation's status as D1 knows it. A `running` row older than any stream may run (the
 * reservation's lifetime) is one whose object died before it could settle: it has ended.
 */
function statusOf(g: OwnedGeneration, now: number): GenerationStatus {
  return g.status === 'running' && now - g.createdAt > RESERVATION_TTL_MS ? 'aborted' : g.status;
}

/** True once the generation's object has deleted its event log (or never will have one to give). */
function logGone(g: OwnedGeneration, now: number): boolean {
  const endedAt = g.endedAt ?? g.createdAt + RESERVATION_TTL_MS;
  return now - endedAt > EVENT_LOG_RETENTION_MS;
}

/**
 * The answer as three events from the stored message, numbered as a live stream would
 * number its first ones, for a resume after the event log is gone: `meta`, the whole text
 * as one `delta`, `done` with the stored finish reason and the model that answered.
 */
function storedReplay(g: OwnedGeneration, after: number): string {
  const events: [string, unknown][] = [
    ['meta', metaOf({ generationId: g.id, conversationId: g.conversationId, messageId: g.messageId, model: g.model, traceId: g.traceId })],
    ['delta', { content: g.message?.content ?? '' }],
    ['done', doneOf(g.message?.finishReason ?? 'aborted', g.model, g.message?.model ?? g.model)],
  ];
  return events.map(([event, data], i) => (i + 1 > after ? frameText(event, JSON.stringify(data), i + 1) : '')).join('');
}

/**
 * Every event of the caller's generation after seq `after`, then the live ones until it
 * ends (contract section 6); once its event log is gone, the stored message.
 */
export async function followGeneration(ref: GenerationRef, after: number, traceId: string): Promise<Response> {
  const g = await ownedGeneration(ref);
  const now = Date.now();
  const live = logGone(g, now) ? null : await generationObject(ref.generations, ref.userId).subscribe(g.id, after);
  return new Response(live ?? storedReplay(g, after), { status: 200, headers: { ...SSE_HEADERS, 'X-Trace-Id': traceId } });
}

/** Stops the caller's generation and says how it ended; an ended one just says so. */
export async function stopGeneration(ref: GenerationRef): Promise<Exclude<GenerationStatus, 'running'>> {
  const g = await ownedGeneration(ref);
  const status = statusOf(g, Date.now());
  if (status !== 'running') return status;
  const ended = await generationObject(ref.generations, ref.userId).stop(g.id);
  // No log in the object: it never began there, or forgot it long after it ended.
  return ended === null || ended === 'running' ? 'aborted' : ended;
}
