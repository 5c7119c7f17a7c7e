import type { Context } from 'hono';
import { getDb } from '../db/client';
import { newId } from '../db/ids';
import { usageInsert } from '../db/queries/usage-events';
import type { AppEnv } from '../env';
import { ApiError } from '../http/errors';

/**
 * Runs the policy checks in front of a stream (a suspended account, a model outside the
 * plan). A 403 is written to the usage ledger as a `rejected` row, like the quota's 429s,
 * so an operator can look up the trace id the user was shown and see why.
 */
export async function withRefusalsAudited<T>(c: Context<AppEnv>, model: string | undefined, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (err instanceof ApiError && err.status === 403) {
      await usageInsert(getDb(c.env.DB), {
        id: newId('req'),
        userId: c.get('auth').sub,
        traceId: c.get('traceId'),
        clientTraceId: c.get('clientTraceId'),
        conversationId: null,
        messageId: null,
        model: model ?? 'default',
        promptTokens: 0,
        completionTokens: 0,
        totalTokens: 0,
        estimated: false,
        status: 'rejected',
        errorCode: err.code,
        ttftMs: null,
        durationMs: 0,
        createdAt: Date.now(),
      });
    }
    throw err;
  }
}
