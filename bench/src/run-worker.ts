/**
 * Serves a built Worker bundle with Miniflare — the same workerd, bindings and static assets
 * (from its wrangler config), local D1/KV state (`--persist-to`) and compatibility settings as
 * `wrangler dev`, without wrangler's local dev proxy in front. That proxy (a Durable Object
 * every request and every response chunk passes through, in a second workerd) does not
 * exist in production and costs more CPU per stream than the Worker itself, so the bench
 * can measure each hop without it: the API Worker (`--worker-runtime miniflare`) and the
 * web app (OpenNext's Worker, always).
 *
 * Usage: tsx bench/src/run-worker.ts --name NAME --config wrangler.toml --script dist/index.js
 *   --port N --inspector-port N --persist-to DIR [--d1-url URL] [--var NAME:VALUE]…
 */
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare, type Json, type RemoteProxyConnectionString } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { d1DatabaseIds, onlyD1Database, overD1Host } from './d1-databases';

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    config: { type: 'string' },
    script: { type: 'string' },
    port: { type: 'string' },
    'inspector-port': { type: 'string' },
    'persist-to': { type: 'string' },
    var: { type: 'string', multiple: true, default: [] },
    'd1-url': { type: 'string' },
  },
});
if (!values.name || !values.config || !values.script || !values.port || !values['persist-to']) {
  console.error('usage: run-worker --name NAME --config FILE --script FILE --port N --persist-to DIR [--inspector-port N] [--d1-url URL] [--var NAME:VALUE]…');
  process.exit(2);
}

const vars = Object.fromEntries(
  values.var.map((pair) => {
    const at = pair.indexOf(':');
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);
// Miniflare 5 cannot take v4 module rules; the bundle's own imports are found without them.
const { modulesRules: _rules, ...workerOptions } = unstable_getMiniflareWorkerOptions(values.config).workerOptions;
// The config's plain vars (wrangler types them loosely: its options type has an index signature).
const configVars = (workerOptions.bindings ?? {}) as Record<string, Json>;
// With --d1-url, the D1 binding's requests go over HTTP to d1-host/worker.ts in a process of
// its own, as production's binding reaches D1: Miniflare's remote D1 binding, with the
// remote-proxy client it puts in between (a JS worker on the Worker's thread production does
// not have) replaced by a plain external HTTP service.
const d1Url = values['d1-url'];
if (d1Url) {
  onlyD1Database(values.config);
  overD1Host(new URL(d1Url).host);
}
const d1Databases = Object.fromEntries(
  Object.entries(d1DatabaseIds(values.config)).map(([name, id]) => [name, d1Url ? { id, remoteProxyConnectionString: new URL(d1Url) as RemoteProxyConnectionString } : id]),
);
// Miniflare 5 takes a new options shape; wrangler still hands out the v4 worker options.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: '127.0.0.1',
    port: Number(values.port),
    ...(values['inspector-port'] ? { inspectorPort: Number(values['inspector-port']) } : {}),
    // The layout `wrangler dev --persist-to DIR` and `wrangler d1/kv … --persist-to DIR` use.
    resourcePersistencePath: join(values['persist-to'], 'v3'),
    log: new Log(LogLevel.INFO),
    logRequests: false,
    workers: [
      {
        ...workerOptions,
        name: values.name,
        modules: true,
        scriptPath: values.script,
        // Module names are paths relative to this; the bundle lives outside the repository.
        modulesRoot: dirname(values.script),
        bindings: { ...configVars, ...vars },
        d1Databases,
      },
    ],
  }),
);
const url = await mf.ready;
console.log(`${values.name} (Miniflare, no dev proxy) on node ${process.version}, ready on ${url.href}`);

const stop = () => void mf.dispose().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
