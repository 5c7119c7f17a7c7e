// The built app's Worker entry (web/wrangler.toml `main`): the BFF answers `/api/*` here, before
// OpenNext, and everything else goes to OpenNext's generated handler. OpenNext turns a request
// into an event with its whole body read first, so an upload through it would reach the Worker
// only once the browser finished sending; here both bodies stream as they are, the browser's
// abort is the request's own signal, and each event leaves the Worker without the Next server's
// per-chunk plumbing. `next dev` has no Worker entry: there app/api/[...path] calls the same BFF.
import { forwardToWorker, isBffPath } from './lib/bff';
// @ts-ignore OpenNext generates these at build time (npm run build:worker); type-checking runs without them
import { runWithCloudflareRequestContext } from './.open-next/cloudflare/init.js';
// @ts-ignore likewise
import openNextWorker from './.open-next/worker.js';

/** The parts of the generated modules this entry uses. */
type RunWithContext = (request: Request, env: CloudflareEnv, ctx: ExecutionContext, run: () => Promise<Response>) => Promise<Response>;
const openNext = openNextWorker as ExportedHandler<CloudflareEnv> & { fetch: NonNullable<ExportedHandler<CloudflareEnv>['fetch']> };
const withContext = runWithCloudflareRequestContext as RunWithContext;

export default {
  fetch(request, env, ctx) {
    if (isBffPath(new URL(request.url).pathname)) {
      // The bindings and vars reach lib/platform.ts through OpenNext's request context, as in the app.
      return withContext(request, env, ctx, () => forwardToWorker(request));
    }
    return openNext.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<CloudflareEnv>;
