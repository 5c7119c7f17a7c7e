import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { runBillingCron } from './billing/cron';
import type { AppEnv } from './env';
import { docsPage } from './http/docs-page';
import { ApiError, errorResponse } from './http/errors';
import { releaseBody } from './http/release-body';
import { traceId } from './http/trace';
import { log } from './log';
import { adminRoutes } from './routes/admin';
import { billingRoutes } from './routes/billing';
import { conversationRoutes } from './routes/conversations';
import { generationRoutes } from './routes/generations';
import { healthRoutes } from './routes/health';
import { internalRoutes } from './routes/internal';
import { jwksRoutes } from './routes/jwks';
import { meRoutes } from './routes/me';
import { preferenceRoutes } from './routes/preferences';
import { modelRoutes } from './routes/models';
import { streamRoutes } from './routes/stream';
import { usageRoutes } from './routes/usage';
import { API_VERSION } from './version';

/** Largest request body any route accepts; chat messages are far smaller. */
const MAX_BODY_BYTES = 256 * 1024;

const app = new OpenAPIHono<AppEnv>();

app.use('*', traceId);
app.use('*', releaseBody);
// Outside the body limit, so a wrong method is a 405 whatever it sends; it turns the 404 of a known path into a 405 with Allow.
app.use(
  '*',
  methodNotAllowed<AppEnv>({
    app,
    onMethodNotAllowed: (c, methods) => {
      const allow = methods.sort().join(', ');
      return errorResponse(c, 405, 'method_not_allowed', `${c.req.method} is not allowed here; use ${allow}`, { Allow: allow });
    },
  }),
);
app.use(
  '*',
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => errorResponse(c, 413, 'payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes`),
  }),
);

for (const routes of [healthRoutes, jwksRoutes, internalRoutes, meRoutes, preferenceRoutes, conversationRoutes, modelRoutes, streamRoutes, generationRoutes, usageRoutes, billingRoutes, adminRoutes]) {
  app.route('/', routes);
}

app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description: 'RS256 token signed by the web app (contract section 3)',
});

const documentConfig = {
  openapi: '3.1.0',
  info: { title: 'Chat API', version: API_VERSION, description: 'The domain API behind the chat web app.' },
};

app.get('/openapi.json', (c) => c.json(app.getOpenAPI31Document(documentConfig)));
app.get('/docs', async (c) => c.html(await docsPage(app.getOpenAPI31Document(documentConfig), '/openapi.json')));

app.notFound((c) => errorResponse(c, 404, 'not_found', `No route for ${c.req.method} ${c.req.path}`));

app.onError((err, c) => {
  if (err instanceof ApiError) return errorResponse(c, err.status, err.code, err.message, err.headers);
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's validators throw these for bodies that are not JSON at all.
    return errorResponse(c, 400, 'invalid_request', err.message || 'The request is malformed');
  }
  log('error', 'unhandled_error', { traceId: c.get('traceId'), error: String(err), stack: err instanceof Error ? err.stack : undefined });
  return errorResponse(c, 500, 'internal_error', 'Something went wrong on our side; quote the trace id if you report it');
});

export { app };
export { Generation } from './generations/object';

export default {
  fetch: app.fetch,
  // The hourly cron (wrangler.toml [triggers]): subscription renewals and deposit reconciliation.
  scheduled: (controller, env, ctx) => ctx.waitUntil(runBillingCron(env, controller.scheduledTime)),
} satisfies ExportedHandler<AppEnv['Bindings']>;
