/**
 * `npm run soak -w @chat/bench -- --minutes N`: the soak mode of the load suite (not for CI).
 * Keeps `--streams` (50) streams running back to back through the BFF and the Worker (or the
 * Worker alone with `--path worker`) for N minutes and prints, every minute, what finished,
 * what failed, and the resident memory of each workerd — a leak shows as RSS that keeps
 * climbing. Exit status 1 when any stream failed.
 */
import { parseArgs } from 'node:util';
import { memoryOf, workerdIn } from './procfs';
import { prepareScenario } from './scenario';
import { openStream, streamAgent } from './sse-client';
import { startBenchStack } from './stack';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    streams: { type: 'string', default: '50' },
    path: { type: 'string', default: 'bff' },
    users: { type: 'string', default: '20' },
    'worker-runtime': { type: 'string', default: 'wrangler' },
  },
});
const minutes = Number(args.minutes);
const concurrency = Number(args.streams);
const path = args.path === 'worker' ? 'worker' : 'bff';
if (!(minutes > 0) || !(concurrency > 0)) {
  console.error('usage: soak --minutes N [--streams 50] [--path bff|worker] [--users 20] [--worker-runtime wrangler|miniflare]');
  process.exit(2);
}
const say = (line: string) => console.log(`[soak] ${line}`);

const stack = await startBenchStack({
  name: 'soak',
  pace: { ttftMs: 200, gapMs: 20, tokens: 50 },
  withWeb: path === 'bff',
  workerRuntime: args['worker-runtime'] === 'miniflare' ? 'miniflare' : 'wrangler',
  say,
});
let failed = 0;
try {
  const scenario = await prepareScenario(stack, Number(args.users));
  const agent = streamAgent();
  const groups = { worker: workerdIn(stack.pids.worker), ...(stack.pids.web === undefined ? {} : { bff: workerdIn(stack.pids.web) }) };
  const rss = () =>
    Object.entries(groups)
      .map(([name, g]) => `${name} ${[...g.runtime, ...g.proxy].map((pid) => (memoryOf(pid).rssKiB / 1024).toFixed(0)).join('+')} MiB`)
      .join(', ');

  const errors = new Map<string, number>();
  let completed = 0;
  let auth = await scenario.credentials();
  let index = 0;
  const deadline = Date.now() + minutes * 60_000;
  const slot = async () => {
    while (Date.now() < deadline) {
      const r = await openStream(scenario.request(path, auth)(index++), { agent, timeoutMs: 120_000 });
      if (r.error || !r.done) {
        failed++;
        errors.set(r.error ?? 'no_done', (errors.get(r.error ?? 'no_done') ?? 0) + 1);
      } else {
        completed++;
      }
    }
  };
  say(`${concurrency} streams through ${path === 'bff' ? 'the BFF and the Worker' : 'the Worker'} for ${minutes} min; RSS at start: ${rss()}`);
  const ticker = setInterval(async () => {
    const minute = Math.round((Date.now() - (deadline - minutes * 60_000)) / 60_000);
    say(`minute ${minute}: ${completed} streams done, ${failed} failed${errors.size ? ` (${[...errors].map(([k, n]) => `${k}×${n}`).join(', ')})` : ''}; RSS ${rss()}`);
    // Tokens last an hour and session claims five minutes: renew them as the app would.
    auth = await scenario.credentials();
  }, 60_000);
  await Promise.all(Array.from({ length: concurrency }, slot));
  clearInterval(ticker);
  agent.destroy();
  say(`done: ${completed} streams, ${failed} failed; RSS at the end: ${rss()}`);
} finally {
  await stack.stop();
}
process.exitCode = failed > 0 ? 1 : 0;
