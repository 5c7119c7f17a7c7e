import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../http/errors';

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
