import type { Context } from 'hono';
import { admissionRefusal, prepareAdmission, unansweredOutcome, type Admission, type AnswerRequest } from '../chat/admission';
import { SSE_HEADERS } from '../chat/sse';
import { settleStream } from '../chat/settle';
import { getDb, type Db } from '../db/client';
import { generationEndStatement, getGenerationForUser } from '../db/queries/generations';
import type { AppEnv } from '../env';
import { streamStartsRefusal } from '../policy/stream-starts';
import type { Generation } from './object';

/** The object that owns a user's generations: one per user (see object.ts for why). */
export function generationObject(namespace: DurableObjectNamespace<Generation>, userId: string): DurableObjectStub<Generation> {
  return namespace.get(namespace.idFromName(userId));
}

/**
 * Starts the answer request `r` asks for and returns its event stream at once, before the
 * provider has answered; a refusal is the contract's JSON error. The user's generation object
 * counts the start, admits it and from then on owns the answer: what the provider does, and
 * whether the client stays, shows only in the stream.
 */
export async function startAnswer(c: Context<AppEnv>, r: AnswerRequest): Promise<Response> {
  const db = getDb(c.env.DB);
  const admission = prepareAdmission(c, r);
  let outcome;
  try {
    outcome = await generationObject(c.env.GENERATIONS, r.userId).start(admission, !c.get('auth').isService);
  } catch (err) {
    await endIfAdmitted(db, admission).catch(() => undefined);
    throw err;
  }
  if (outcome.kind === 'rate_limited') throw streamStartsRefusal(outcome.retryAfterS);
  if (outcome.kind === 'refused') throw await admissionRefusal(c, db, r, admission);
  return new Response(outcome.body, { status: 200, headers: { ...SSE_HEADERS, 'X-Trace-Id': admission.traceId } });
}

/**
 * The object failed, before or after its batch admitted the answer. If it had (the generation
 * is recorded and running), nothing will answer: free the reservation and end the generation
 * rather than hold both until they expire.
 */
async function endIfAdmitted(db: Db, a: Admission): Promise<void> {
  const generation = await getGenerationForUser(db, a.terms.userId, a.generationId);
  if (generation?.status !== 'running') return;
  const now = Date.now();
  await settleStream(db, unansweredOutcome(a, generation.model, 'error', 'generation_unavailable', now), now, [generationEndStatement(db, a.generationId, 'error', now)]);
}
