import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { ApiError } from '../http/errors';

/**
 * The write burst: a Workers Rate Limiting binding (wrangler.toml `[[ratelimits]]`
 * `WRITE_LIMITER`) with the period of its entry there. The binding says only yes or no, so a
 * refusal's Retry-After is a whole period, the longest a caller can have to wait. (Stream
 * starts have a burst of their own, policy/stream-starts.ts.)
 */
const WRITE_BURST_PERIOD_S = 10;

/** Methods that change state: each one counts against the caller's write burst. */
const STATE_CHANGING: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The contract's 429 for a burst: too many `what` in a short time, with when to try again. */
export function burstRefusal(what: string, retryAfterS: number): ApiError {
  return new ApiError(429, 'rate_limited', `Too many ${what} in a short time; try again in ${retryAfterS} s`, { 'Retry-After': String(retryAfterS) });
}

/** The operators' console: its callers are admins (D1 confirms the role on every call), whose bulk edits are no user's burst. */
const CONSOLE_PREFIX = '/admin/';

/** Every state-changing request of a user counts against their write burst; reads are free. */
export async function guardWrites(c: Context<AppEnv>): Promise<void> {
  if (!STATE_CHANGING.has(c.req.method) || c.req.path.startsWith(CONSOLE_PREFIX)) return;
  const auth = c.get('auth');
  // Service callers (the web app provisioning users) are not users and are not counted.
  if (auth.isService) return;
  const { success } = await c.env.WRITE_LIMITER.limit({ key: auth.sub });
  if (!success) throw burstRefusal('changes', WRITE_BURST_PERIOD_S);
}
