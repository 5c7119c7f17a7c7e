import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { ApiError } from '../http/errors';

/**
 * The Workers Rate Limiting bindings (wrangler.toml `[[ratelimits]]`), each with the period
 * of its entry there: the binding says only yes or no, so a refusal's Retry-After is a whole
 * period, the longest a caller can have to wait.
 */
const BURSTS = {
  writes: { binding: 'WRITE_LIMITER', periodS: 10, what: 'changes' },
  streams: { binding: 'STREAM_LIMITER', periodS: 60, what: 'answers started' },
} as const;

export type Burst = keyof typeof BURSTS;

/** Methods that change state: each one counts against the caller's write burst. */
const STATE_CHANGING: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Counts one request of the caller's against `burst`, keyed by user id, and refuses it with
 * 429 `rate_limited` and Retry-After once the window's allowance is spent. Service callers
 * (the web app provisioning users) are not users and are not counted.
 */
export async function guardBurst(c: Context<AppEnv>, burst: Burst): Promise<void> {
  const auth = c.get('auth');
  if (auth.isService) return;
  const { binding, periodS, what } = BURSTS[burst];
  const { success } = await c.env[binding].limit({ key: auth.sub });
  if (!success) {
    throw new ApiError(429, 'rate_limited', `Too many ${what} in a short time; try again in ${periodS} s`, { 'Retry-After': String(periodS) });
  }
}

/** The operators' console: its callers are admins (D1 confirms the role on every call), whose bulk edits are no user's burst. */
const CONSOLE_PREFIX = '/admin/';

/** Every state-changing request of a user counts against their write burst; reads are free. */
export async function guardWrites(c: Context<AppEnv>): Promise<void> {
  if (STATE_CHANGING.has(c.req.method) && !c.req.path.startsWith(CONSOLE_PREFIX)) await guardBurst(c, 'writes');
}
