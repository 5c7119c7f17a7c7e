import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../http/errors';
import { accountOf } from './suspension';

function insufficient(message: string, scope: string): ApiError {
  return new ApiError(403, 'insufficient_scope', message, {
    'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${scope}"`,
  });
}

/**
 * Lets the request through only when the verified token has every scope named.
 * Goes after `requireAuth`.
 *
 * @example middleware: [requireAuth, requireScopes('conversations:read')]
 */
export function requireScopes(...needed: string[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const have = c.get('auth').scopes;
    const missing = needed.filter((s) => !have.includes(s));
    if (missing.length > 0) throw insufficient(`This needs the scope ${missing.join(', ')}`, needed.join(' '));
    await next();
  });
}

/**
 * Lets the request through only when the verified token has the role.
 *
 * @example middleware: [requireAuth, requireRole('admin')]
 */
export function requireRole(role: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!c.get('auth').roles.includes(role)) throw insufficient(`This needs the role ${role}`, `role:${role}`);
    await next();
  });
}

/** Only service tokens (`sub` = `svc:…`) pass: internal routes are never for users. */
export const requireService = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get('auth').isService) throw insufficient('This route is for services only', 'svc');
  await next();
});

/** The scopes the admin API checks: reads need `admin:read`, changes `admin:write`. */
export type AdminScope = 'admin:read' | 'admin:write';

/**
 * Lets an admin through: the token must carry the role and the scope, and D1 must still list
 * the role, since a token outlives a demotion by up to its lifetime. Goes after `requireAuth`,
 * whose account read it shares.
 *
 * @example middleware: [requireAuth, requireAdmin('admin:write')]
 */
export function requireAdmin(scope: AdminScope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const auth = c.get('auth');
    if (auth.isService || !auth.roles.includes('admin')) throw insufficient('This needs the role admin', 'role:admin');
    if (!auth.scopes.includes(scope)) throw insufficient(`This needs the scope ${scope}`, scope);
    const account = await accountOf(c);
    if (!account?.roles.includes('admin')) throw insufficient('You are no longer an admin: sign in again', 'role:admin');
    await next();
  });
}
