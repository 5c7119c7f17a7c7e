import { createRoute, z } from '@hono/zod-openapi';
import { etag } from 'hono/etag';
import { jwksCacheFor } from '../auth/jwks';
import { readConfig } from '../config';
import { createRouter } from '../http/app';

const JwksBody = z
  .object({
    keys: z.array(
      z.object({ kty: z.literal('RSA'), n: z.string(), e: z.string(), kid: z.string(), alg: z.literal('RS256'), use: z.literal('sig') }),
    ),
  })
  .openapi('JwkSet');

const jwks = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  tags: ['meta'],
  summary: 'The public keys tokens are verified with',
  // The set's own ETag is set below; the middleware answers a matching If-None-Match with 304.
  middleware: [etag()] as const,
  request: { headers: z.object({ 'if-none-match': z.string().optional() }) },
  responses: {
    200: { description: 'The JWK Set', content: { 'application/json': { schema: JwksBody } } },
    304: { description: 'Unchanged since the ETag given in If-None-Match' },
  },
});

export const jwksRoutes = createRouter().openapi(jwks, async (c) => {
  const config = readConfig(c.env);
  const snapshot = await jwksCacheFor(config).current(c.env.AUTH_KEYS);
  return c.body(snapshot.body, 200, {
    ETag: snapshot.etag,
    'Cache-Control': `public, max-age=${config.jwksCacheTtlS}, must-revalidate`,
    'Content-Type': 'application/json; charset=utf-8',
  });
});
