import type { Agent } from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { ProcessMeter } from './procfs';
import { openStream, type StreamRequest, type StreamResult } from './sse-client';
import { quantiles, type Quantiles } from './stats';

/**
 * The ways the same streams are measured: direct to the fake, through the reference Worker
 * (reference/relay-worker.ts: the least a Worker hop costs), through the Worker, through the
 * BFF and the Worker.
 */
export const PATHS = ['direct', 'reference', 'worker', 'bff'] as const;
export type PathName = (typeof PATHS)[number];

export type ProcessUse = { peakRssMiB: number; cpuMs: number; cpuMsPerStream: number };

export type LevelRun = {
  path: PathName;
  concurrency: number;
  streams: number;
  completed: number;
  errors: number;
  /** Error code → count (HTTP error codes, `event: error` codes, transport errors). */
  errorKinds: Record<string, number>;
  /** Error code → the start of the first such answer's body, to tell whose error it was. */
  errorSamples: Record<string, string>;
  /** Most streams the client had open at once. */
  peakOpen: number;
  wallMs: number;
  ttfbMs: Quantiles;
  firstTokenMs: Quantiles;
  /** |delivered inter-token gap − the fake's configured gap|, over every gap of every stream. */
  gapDriftMs: Quantiles;
  /** Content tokens delivered per second over the level. */
  tokensPerSec: number;
  /** Per watched process group (workerd of the Worker, of the BFF; the fake). */
  processes: Record<string, ProcessUse>;
  /** The load generator's own event-loop delay p99: how far its timestamps can be late. */
  clientLoopDelayP99Ms: number;
};

export type LevelOptions = {
  path: PathName;
  concurrency: number;
  /** Streams in total; each of `concurrency` slots runs them back to back. */
  streams: number;
  gapMs: number;
  agent: Agent;
  request: (index: number) => StreamRequest;
  /** Process groups to meter: name → pids. */
  watch: Record<string, number[]>;
  timeoutMs: number;
};

/**
 * Runs `streams` streams with `concurrency` open at a time (all slots start in the same
 * tick, so at 1,000 the first thousand are open together) and summarises what the client
 * saw, with the CPU and peak memory of the watched processes over the level.
 */
export async function runLevel(options: LevelOptions): Promise<LevelRun> {
  const meters = Object.fromEntries(Object.entries(options.watch).map(([name, pids]) => [name, new ProcessMeter(pids)]));
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const results: StreamResult[] = [];
  let next = 0;
  let open = 0;
  let peakOpen = 0;
  const started = performance.now();

  const slot = async () => {
    while (next < options.streams) {
      const index = next++;
      open++;
      peakOpen = Math.max(peakOpen, open);
      try {
        results.push(await openStream(options.request(index), { agent: options.agent, timeoutMs: options.timeoutMs }));
      } finally {
        open--;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.streams) }, slot));
  const wallMs = performance.now() - started;
  loop.disable();

  const errorKinds: Record<string, number> = {};
  const errorSamples: Record<string, string> = {};
  const drift: number[] = [];
  let tokens = 0;
  for (const r of results) {
    if (r.error || !r.done) {
      const kind = r.error ?? 'no_done';
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
      errorSamples[kind] ??= r.body.slice(0, 200);
    }
    tokens += r.tokenAt.length;
    for (let j = 1; j < r.tokenAt.length; j++) drift.push(Math.abs((r.tokenAt[j] ?? 0) - (r.tokenAt[j - 1] ?? 0) - options.gapMs));
  }
  const ok = results.filter((r) => !r.error && r.done);
  const processes: Record<string, ProcessUse> = {};
  for (const [name, meter] of Object.entries(meters)) {
    const use = meter.finish();
    processes[name] = { ...use, cpuMsPerStream: use.cpuMs / Math.max(1, results.length) };
  }
  return {
    path: options.path,
    concurrency: options.concurrency,
    streams: results.length,
    completed: ok.length,
    errors: results.length - ok.length,
    errorKinds,
    errorSamples,
    peakOpen,
    wallMs,
    ttfbMs: quantiles(ok.flatMap((r) => (r.ttfbMs === null ? [] : [r.ttfbMs]))),
    firstTokenMs: quantiles(ok.flatMap((r) => (r.firstTokenMs === null ? [] : [r.firstTokenMs]))),
    gapDriftMs: quantiles(drift),
    tokensPerSec: tokens / (wallMs / 1000),
    processes,
    clientLoopDelayP99Ms: loop.percentile(99) / 1e6,
  };
}
