/**
 * `npm run profile -w @chat/bench -- --path worker|bff [--concurrency 10] [--streams 100] [--worker-runtime miniflare|wrangler] [--d1 worker|process]`:
 * where the Worker's (and with `bff`, the BFF's) isolate spends its CPU while streams run.
 * Starts the bench stack, warms it, takes a V8 CPU profile of each isolate through the
 * inspector `wrangler dev` / Miniflare expose, and prints self time per function.
 * Needs a WebSocket client: Node 20 runs it with --experimental-websocket (the script does).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { profileIsolate, type HotFunction, type InclusiveFunction } from './cpu-profile';
import { runLevel, type LevelRun } from './load';
import { prepareScenario } from './scenario';
import { streamAgent } from './sse-client';
import { startBenchStack } from './stack';

const { values: args } = parseArgs({
  options: {
    path: { type: 'string', default: 'worker' },
    concurrency: { type: 'string', default: '10' },
    streams: { type: 'string', default: '100' },
    ttft: { type: 'string', default: '200' },
    gap: { type: 'string', default: '20' },
    tokens: { type: 'string', default: '50' },
    users: { type: 'string', default: '10' },
    top: { type: 'string', default: '25' },
    'worker-runtime': { type: 'string', default: 'miniflare' },
    d1: { type: 'string', default: 'worker' },
    save: { type: 'string' },
  },
});
const path = args.path === 'bff' ? 'bff' : 'worker';
const pace = { ttftMs: Number(args.ttft), gapMs: Number(args.gap), tokens: Number(args.tokens) };
const say = (line: string) => console.log(`[profile] ${line}`);

function print(title: string, profile: { totalMs: number; hot: HotFunction[]; inclusive: InclusiveFunction[] }, streams: number): void {
  console.log(`\n${title}: ${profile.totalMs.toFixed(0)} ms of JS on the isolate thread (${(profile.totalMs / streams).toFixed(2)} ms per stream)`);
  for (const f of profile.hot.slice(0, Number(args.top))) {
    console.log(`${f.selfMs.toFixed(1).padStart(9)} ms ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}  ${f.where}${f.source ? `  | ${f.source}` : ''}`);
  }
  console.log(`\n${title}, with callees (a step's whole cost: native calls count to their caller)`);
  for (const f of profile.inclusive.slice(0, Number(args.top))) {
    console.log(`${f.totalMs.toFixed(1).padStart(9)} ms ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}  ${f.where}`);
  }
}

const workerRuntime = args['worker-runtime'] === 'wrangler' ? 'wrangler' : 'miniflare';
// `process`: D1 in a workerd of its own (see main.ts), so the isolate's profile holds no D1 simulator.
const d1 = workerRuntime === 'miniflare' && args.d1 === 'process' ? 'process' : 'worker';
const stack = await startBenchStack({ name: 'profile', pace, withWeb: path === 'bff', workerRuntime, d1, say });
try {
  const scenario = await prepareScenario(stack, Number(args.users));
  const agent = streamAgent();
  const timeoutMs = 120_000;
  const auth = await scenario.credentials();
  await runLevel({ path, concurrency: 10, streams: 30, gapMs: pace.gapMs, agent, request: scenario.request(path, auth), watch: {}, timeoutMs });

  const streams = Number(args.streams);
  let run: LevelRun | undefined;
  const load = async () => {
    run = await runLevel({ path, concurrency: Number(args.concurrency), streams, gapMs: pace.gapMs, agent, request: scenario.request(path, auth), watch: {}, timeoutMs });
  };
  const web = stack.inspectors.web;
  let webProfile: Awaited<ReturnType<typeof profileIsolate>> | undefined;
  const workerProfile = await profileIsolate(stack.inspectors.worker, async () => {
    if (path === 'bff' && web !== undefined) webProfile = await profileIsolate(web, load);
    else await load();
  });
  agent.destroy();
  if (run) {
    const errors = Object.entries(run.errorKinds).map(([kind, n]) => `${kind}×${n}`).join(', ');
    say(`${run.completed}/${run.streams} ok at ${run.concurrency}${errors ? ` (${errors})` : ''}; TTFT p50 ${run.firstTokenMs?.p50.toFixed(1)} p99 ${run.firstTokenMs?.p99.toFixed(1)} ms; TTFB p50 ${run.ttfbMs?.p50.toFixed(1)} ms`);
  }
  print('Worker isolate', workerProfile, streams);
  if (args.save) {
    writeFileSync(args.save, JSON.stringify(workerProfile.profile));
    say(`wrote the Worker isolate's profile to ${args.save} (open it in DevTools' Performance panel)`);
  }
  if (webProfile) print('BFF isolate', webProfile, streams);
} finally {
  await stack.stop();
}
