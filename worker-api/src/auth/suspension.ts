import type { Context } from 'hono';
import { getDb } from '../db/client';
import { getAccountState } from '../db/queries/users';
import type { AccountState, AppEnv } from '../env';
import { ApiError } from '../http/errors';

/**
 * Routes whose handler loads the user through `getEntitled` (which refuses a suspended user)
 * before it changes anything, so a second lookup here would only add a D1 round trip: the
 * stream is latency-sensitive. Keyed by method and route pattern; the admin tests send a
 * suspended user's token to each of them.
 */
const USER_LOADED_BY_HANDLER: ReadonlySet<string> = new Set([
  'GET /me',
  'GET /models',
  'GET /ai/stream',
  'POST /ai/stream',
  'GET /billing/subscription',
]);

/** The 403 every request of a suspended user gets. */
export function accountSuspended(): ApiError {
  return new ApiError(403, 'account_suspended', 'This account is suspended; contact support');
}

/**
 * The caller's account (null when the token's user is gone), read at most once per request
 * however many guards ask.
 */
export function accountOf(c: Context<AppEnv>): Promise<AccountState | null> {
  let account = c.get('account');
  if (!account) {
    account = getAccountState(getDb(c.env.DB), c.get('auth').sub);
    c.set('account', account);
  }
  return account;
}

/**
 * Refuses a suspended user's request at once rather than when their token expires. A user
 * that no longer exists passes: each route answers that case as it always has.
 */
export async function refuseIfSuspended(c: Context<AppEnv>): Promise<void> {
  if (USER_LOADED_BY_HANDLER.has(`${c.req.method} ${c.req.routePath}`)) return;
  const account = await accountOf(c);
  if (account?.suspendedAt != null) throw accountSuspended();
}
