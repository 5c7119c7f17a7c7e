/**
 * `npm run bench`: the relay benchmark (contract section 9). Starts the fake OpenAI, the
 * Worker (`wrangler dev`), the reference Worker (fetch upstream, return its body; in Miniflare)
 * and the built web app (OpenNext's Worker in Miniflare) on loopback, and measures the same
 * streams four ways — direct to the fake, through the reference Worker, through the Worker,
 * through the BFF and the Worker — in interleaved rounds at each concurrency level; then
 * the bundle sizes. Prints a table, the Worker's and BFF's figures as multiples of the
 * reference's, and PASS/MISS per target, and writes bench/results/<date>.json.
 *
 * Options: --ttft MS (200) --gap MS (20) --tokens N (50) --levels 1,10,100,1000
 *   --samples N (streams per level and path at least; 50) --users N (100)
 *   --paths direct,reference,worker,bff --worker-runtime wrangler|miniflare --quick --skip-build --rebuild
 *   --no-bundle --out FILE
 *   --d1 worker|process: with --worker-runtime miniflare, D1 as Miniflare's simulator inside the Worker's workerd
 *     (default) or in a workerd process of its own, as production keeps it off the Worker's thread (src/d1-host)
 *   --d1-rtt MS[,MS…]: simulated geography instead (see geography.ts): added TTFT per D1 round-trip time
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCommand } from '@chat/ops/stack';
import { measurePageJs, WEB_WORKER_ENTRY, type PageJs, type WorkerBundle } from './bundle';
import { PATHS, runLevel, runStreams, summarise, type LevelRun, type PathName, type RawRun } from './load';
import { workerdIn } from './procfs';
import { geographyTable, runGeography } from './geography';
import { startReferenceWorker, type ReferenceWorker } from './reference';
import { bundleLines, checkTargets, levelTable, referenceTable, targetTable } from './report';
import { prepareScenario } from './scenario';
import { streamAgent } from './sse-client';
import { BENCH_PLAN, ROOT, sessionCookie, startBenchStack, type D1Placement, type WorkerRuntime } from './stack';

const { values: args } = parseArgs({
  options: {
    ttft: { type: 'string', default: '200' },
    gap: { type: 'string', default: '20' },
    tokens: { type: 'string', default: '50' },
    levels: { type: 'string' },
    samples: { type: 'string' },
    users: { type: 'string', default: '100' },
    paths: { type: 'string', default: PATHS.join(',') },
    quick: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    rebuild: { type: 'boolean', default: false },
    'no-bundle': { type: 'boolean', default: false },
    'worker-runtime': { type: 'string', default: 'wrangler' },
    d1: { type: 'string', default: 'worker' },
    out: { type: 'string' },
    'd1-rtt': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log('usage: npm run bench -- [--quick] [--ttft MS] [--gap MS] [--tokens N] [--levels 1,10,100,1000] [--samples N] [--users N] [--paths direct,reference,worker,bff] [--worker-runtime wrangler|miniflare] [--d1 worker|process] [--skip-build|--rebuild] [--no-bundle] [--out FILE] [--d1-rtt 0,50,150,250]');
  process.exit(0);
}

function int(name: string, raw: string | undefined, min: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number ≥ ${min}, got ${raw}`);
    process.exit(2);
  }
  return n;
}

const pace = {
  ttftMs: int('ttft', args.ttft, 0),
  gapMs: int('gap', args.gap, 0),
  tokens: int('tokens', args.quick && args.tokens === '50' ? '20' : args.tokens, 2),
};
const levels = (args.levels ?? (args.quick ? '1,10' : '1,10,100,1000')).split(',').map((l) => int('levels', l.trim(), 1));
const samples = int('samples', args.samples ?? (args.quick ? '5' : '50'), 1);
const userCount = int('users', args.users, 1);
const paths = args.paths.split(',').map((p) => p.trim()) as PathName[];
for (const p of paths) {
  if (!PATHS.includes(p)) {
    console.error(`--paths: unknown path ${p} (known: ${PATHS.join(', ')})`);
    process.exit(2);
  }
}
if (args['worker-runtime'] !== 'wrangler' && args['worker-runtime'] !== 'miniflare') {
  console.error(`--worker-runtime must be wrangler or miniflare, got ${args['worker-runtime']}`);
  process.exit(2);
}
const workerRuntime: WorkerRuntime = args['worker-runtime'];
if (args.d1 !== 'process' && args.d1 !== 'worker') {
  console.error(`--d1 must be process or worker, got ${args.d1}`);
  process.exit(2);
}
const d1: D1Placement = args.d1;
if (d1 === 'process' && workerRuntime !== 'miniflare') {
  console.error('--d1 process needs --worker-runtime miniflare');
  process.exit(2);
}
const withWeb = paths.includes('bff') || !args['no-bundle'];
const say = (line: string) => console.log(`[bench] ${line}`);

async function ensureWebBuild(): Promise<void> {
  const built = existsSync(WEB_WORKER_ENTRY);
  if (built && !args.rebuild) return say(`reusing the web build ${WEB_WORKER_ENTRY} (--rebuild to build again)`);
  if (!built && args['skip-build']) throw new Error(`${WEB_WORKER_ENTRY} is missing and --skip-build was given: run npm run build:worker -w @chat/web`);
  say('building the web app (npm run build:worker -w @chat/web: next build, then OpenNext; a few minutes on 2 cores)');
  await runCommand('npm', ['run', 'build:worker', '-w', '@chat/web'], { cwd: ROOT });
}

async function main(): Promise<void> {
  const startedAt = new Date();
  // Other work on the machine skews every number here; the run records how busy it was.
  const loadStart = os.loadavg();
  if (withWeb) await ensureWebBuild();
  say(`load average ${loadStart.map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs; Worker under ${workerRuntime === 'wrangler' ? 'wrangler dev' : `Miniflare (no dev proxy), D1 ${d1 === 'process' ? 'in its own workerd process' : "in the Worker's workerd"}`}`);
  say(`fake OpenAI pace: ttft ${pace.ttftMs} ms, gap ${pace.gapMs} ms, ${pace.tokens} tokens; levels ${levels.join(', ')}; paths ${paths.join(', ')}; ≥${samples} streams per level and path; ${userCount} users`);
  const stack = await startBenchStack({ name: 'bench', pace, withWeb, workerRuntime, d1, say });
  let reference: ReferenceWorker | undefined;
  const stopAll = () => Promise.all([stack.stop(), reference?.stop()]);
  const stopOnSignal = (signal: NodeJS.Signals) => {
    say(`${signal}: stopping`);
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  const runs: LevelRun[] = [];
  let workerBundle: WorkerBundle | null = null;
  let chat: PageJs | null = null;
  try {
    if (paths.includes('reference')) {
      say('starting the reference Worker (bench/src/reference: fetch upstream, return its body) in Miniflare');
      reference = await startReferenceWorker(stack.fakeUrl, stack.logDir);
    }
    const scenario = await prepareScenario(stack, userCount, reference?.url);
    const { users } = scenario;
    say(`${users.length} users on plan "${BENCH_PLAN.id}" (inserted by the bench: concurrent_streams ${BENCH_PLAN.concurrentStreams}, daily/monthly quota ${BENCH_PLAN.dailyTokenQuota}, max_tokens ${BENCH_PLAN.maxTokensPerRequest}) so quotas and stream slots never refuse a bench stream`);

    const worker = workerdIn(stack.pids.worker);
    const web = stack.pids.web === undefined ? undefined : workerdIn(stack.pids.web);
    const d1Host = stack.pids.d1 === undefined ? undefined : workerdIn(stack.pids.d1);
    const watch: Record<string, number[]> = {
      worker: worker.runtime,
      workerProxy: worker.proxy,
      ...(web ? { web: web.runtime, webProxy: web.proxy } : {}),
      ...(reference ? { reference: workerdIn(reference.pid).runtime } : {}),
      ...(d1Host ? { d1: [...d1Host.runtime, ...d1Host.proxy] } : {}),
    };
    say(`watching workerd: Worker ${worker.runtime.join(',')} (dev proxy ${worker.proxy.join(',')}); BFF ${web?.runtime.join(',') ?? '-'} (dev proxy ${web?.proxy.join(',') ?? '-'}); reference ${watch.reference?.join(',') ?? '-'}; D1 host ${watch.d1?.join(',') ?? '-'}`);
    const agent = streamAgent();
    // Long enough for the slowest level, short enough that a hung stream cannot stall the run.
    const timeoutMs = 60_000 + pace.ttftMs + pace.gapMs * pace.tokens * 2;
    // Before any load: a server that load has worn out must not cost the bundle numbers.
    if (!args['no-bundle']) {
      say('measuring bundles (the Worker build the stack runs; /chat scripts from the built app)');
      workerBundle = stack.workerBuild.bundle;
      if (stack.appUrl && users[0]) {
        chat = await measurePageJs(stack.appUrl, '/chat', await sessionCookie(stack.secrets.AUTH_SECRET, users[0].claims)).catch((err: unknown) => {
          say(`could not measure /chat: ${err instanceof Error ? err.message : String(err)}`);
          return null;
        });
      }
    }

    // Warm-up, not measured: isolates compiled, the Worker's JWKS cached, a BFF token minted per user.
    const warm = await scenario.credentials();
    for (const path of paths) {
      await runLevel({ path, concurrency: 20, streams: Math.max(20, userCount), gapMs: pace.gapMs, agent, request: scenario.request(path, warm), watch: {}, timeoutMs });
    }

    for (const level of levels) {
      // Fresh per level: a long run outlives tokens and the session's 5-minute claims.
      const auth = await scenario.credentials();
      const streams = Math.max(level, samples);
      // Interleaved rounds of `level` streams, each path once per round in a rotating order:
      // on a shared machine the load moves by the minute, and every path must meet the same
      // load for the multiples of the reference to mean anything.
      const rounds = Math.ceil(streams / level);
      const raws = new Map<PathName, RawRun[]>(paths.map((p) => [p, []]));
      for (let round = 0; round < rounds; round++) {
        const count = Math.min(level, streams - round * level);
        for (let i = 0; i < paths.length; i++) {
          const path = paths[(round + i) % paths.length] as PathName;
          const offset = round * level;
          raws.get(path)?.push(await runStreams({ path, concurrency: level, streams: count, gapMs: pace.gapMs, agent, request: (index) => scenario.request(path, auth)(offset + index), watch, timeoutMs }));
        }
      }
      for (const path of paths) {
        const run = summarise(path, level, pace.gapMs, raws.get(path) ?? []);
        runs.push(run);
        say(
          `${String(level).padStart(4)} ${path.padEnd(6)} ${run.completed}/${run.streams} ok in ${rounds} round${rounds === 1 ? '' : 's'}, TTFT p50 ${run.firstTokenMs?.p50.toFixed(1) ?? '-'} p99 ${run.firstTokenMs?.p99.toFixed(1) ?? '-'} ms, ` +
            `drift p99 ${run.gapDriftMs?.p99.toFixed(1) ?? '-'} ms, CPU ${path === 'direct' ? '-' : (run.processes[path === 'reference' ? 'reference' : 'worker']?.cpuMsPerStream.toFixed(1) ?? '-')} ms/stream, ${(run.wallMs / 1000).toFixed(1)} s`,
        );
      }
    }
    agent.destroy();

    const fake = (await (await fetch(`${stack.fakeUrl}/__fake/stats`)).json()) as { requests: number; streamsCompleted: number; streamsAborted: number; streamsFailed: number };
    say(`fake OpenAI saw ${fake.requests} requests: ${fake.streamsCompleted} completed, ${fake.streamsAborted} aborted, ${fake.streamsFailed} failed`);

  } finally {
    await stopAll();
  }

  const checks = checkTargets(runs, workerBundle, chat);
  console.log(`\nRelay benchmark — times in ms; +TTFT and +drift are over the direct stream at the same level\n`);
  console.log(levelTable(runs));
  const vsRef = referenceTable(runs);
  if (vsRef) console.log(`\nAgainst the reference Worker (fetch upstream, return its body) at the same level: each figure and its multiple of the reference's\n\n${vsRef}`);
  console.log(`\n${bundleLines(workerBundle, chat)}\n`);
  console.log(targetTable(checks));

  const date = startedAt.toISOString().slice(0, 10);
  const out = args.out ?? join(ROOT, 'bench/results', `${date}${args.quick ? '.quick' : ''}.json`);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ startedAt: startedAt.toISOString(), machine: { node: process.version, cpus: os.cpus().length }, options: { pace, levels, samples, users: userCount, paths, workerRuntime }, loadAverage: { start: loadStart, end: os.loadavg() }, runs, bundles: { worker: workerBundle, chat }, targets: checks }, null, 2)}\n`,
  );
  console.log(`\nwrote ${out}`);
}

/** `--d1-rtt`: the simulated-geography table alone. */
async function geography(rtts: string): Promise<void> {
  const rttsMs = rtts.split(',').map((r) => int('d1-rtt', r.trim(), 0));
  const rows = await runGeography({ rttsMs, pace, samples, workerRuntime, say });
  console.log(`\nSimulated geography: added TTFT (Worker over direct, one stream at a time) per D1 round trip, in ms\n`);
  console.log(geographyTable(rows));
  const out = args.out ?? join(ROOT, 'bench/results', `${new Date().toISOString().slice(0, 10)}.d1-rtt.json`);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ options: { pace, samples, rttsMs, workerRuntime }, loadAverage: os.loadavg(), rows }, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

(args['d1-rtt'] === undefined ? main() : geography(args['d1-rtt'])).catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
