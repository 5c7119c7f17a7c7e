import { createRoute, z } from '@hono/zod-openapi';
import { jwksCacheFor } from '../auth/jwks';
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
  request: { headers: z.object({ 'if-none-match': z.string().optional() }) },
  responses: {
    200: { description: 'The JWK Set', content: { 'application/json': { schema: JwksBody } } },
    304: { description: 'Unchanged since the ETag given in If-None-Match' },
  },
});

export const jwksRoutes = createRouter().openapi(jwks, async (c) => {
  const cache = jwksCacheFor(c.env);
  const snapshot = await cache.current(c.env.AUTH_KEYS);
  const ttl = Number(c.env.JWKS_CACHE_TTL_S) || 0;
  const headers = {
    ETag: snapshot.etag,
    'Cache-Control': `public, max-age=${ttl}, must-revalidate`,
  };
  const ifNoneMatch = c.req.valid('header')['if-none-match'];
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === snapshot.etag || tag.trim() === '*')) {
    return c.body(null, 304, headers);
  }
  return c.body(snapshot.body, 200, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
});
