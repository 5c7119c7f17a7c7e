import { SSE_HEADERS } from '../chat/sse';
import { settleStream } from '../chat/settle';
import type { Db } from '../db/client';
import { generationEndStatement } from '../db/queries/generations';
import { settledAs, type GenerationJob } from './job';
import type { Generation } from './object';

export type GenerationStart = {
  db: Db;
  generations: DurableObjectNamespace<Generation>;
  /** The answer as admitted: its quota reserved and its generation recorded (`chat/admission.ts`). */
  job: GenerationJob;
};

/** The object that owns a user's generations: one per user (see object.ts for why). */
export function generationObject(namespace: DurableObjectNamespace<Generation>, userId: string): DurableObjectStub<Generation> {
  return namespace.get(namespace.idFromName(userId));
}

/**
 * Starts an admitted answer's object and returns its event stream at once, before the
 * provider has answered. From then on the object owns the answer: what the provider does,
 * and whether the client stays, shows only in the stream.
 */
export async function startGeneration({ db, generations, job }: GenerationStart): Promise<Response> {
  let body: ReadableStream<Uint8Array>;
  try {
    body = await generationObject(generations, job.userId).begin(job);
  } catch (err) {
    // Nothing will answer: free the reservation and end the generation rather than hold both until they expire.
    await settleStream(
      db,
      {
        ...settledAs(job),
        message: null,
        promptTokens: 0,
        completionTokens: 0,
        estimated: false,
        status: 'error',
        errorCode: 'generation_unavailable',
        ttftMs: null,
        durationMs: Date.now() - job.startedAt,
      },
      Date.now(),
      [generationEndStatement(db, job.generationId, 'error')],
    ).catch(() => undefined);
    throw err;
  }
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS, 'X-Trace-Id': job.traceId } });
}
