import { runBatch, type Db } from '../db/client';
import { adminActionInsert } from '../db/queries/admin-actions';
import { getGrant, grantDelete, grantInsert } from '../db/queries/quota-grants';
import { getUserById } from '../db/queries/users';
import { newId } from '../db/ids';
import type { QuotaGrantRow } from '../db/schema';
import { ApiError } from '../http/errors';
import { userNotFound } from './users';
import { toGrant, type Grant } from './views';

/** The longest a grant may last: a standing raise belongs in a plan, not in a grant. */
export const MAX_GRANT_MS = 90 * 86_400_000;

export type GrantInput = { tokens: number; expiresAt: number; reason: string };

/** Adds tokens to both of the user's limits until `expiresAt`. */
export async function createGrant(db: Db, actorId: string, userId: string, input: GrantInput, now = Date.now()): Promise<Grant> {
  if (!(await getUserById(db, userId))) throw userNotFound();
  if (input.expiresAt <= now) throw new ApiError(400, 'invalid_request', 'body.expiresAt: must be in the future');
  if (input.expiresAt > now + MAX_GRANT_MS) throw new ApiError(400, 'invalid_request', 'body.expiresAt: must be at most 90 days away');
  const row: QuotaGrantRow = { id: newId('grt'), userId, tokens: input.tokens, reason: input.reason, expiresAt: input.expiresAt, createdAt: now, createdBy: actorId };
  const grant = toGrant(row);
  await runBatch(db, grantInsert(db, row), adminActionInsert(db, { actorId, action: 'grant.create', targetType: 'user', targetId: userId, before: null, after: grant }, now));
  return grant;
}

/** Takes a grant back at once, live or expired; the limits drop on the next request. */
export async function revokeGrant(db: Db, actorId: string, userId: string, grantId: string, now = Date.now()): Promise<void> {
  const row = await getGrant(db, userId, grantId);
  if (!row) throw new ApiError(404, 'not_found', 'No grant with that id for this user');
  await runBatch(db, grantDelete(db, grantId), adminActionInsert(db, { actorId, action: 'grant.delete', targetType: 'user', targetId: userId, before: toGrant(row), after: null }, now));
}
