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

/** What one batch of streams gave: every stream as the client saw it, and what the watched processes used meanwhile. */
export type RawRun = {
  results: StreamResult[];
  wallMs: number;
  peakOpen: number;
  processes: Record<string, { peakRssMiB: number; cpuMs: number }>;
  clientLoopDelayP99Ms: number;
};

/**
 * Runs `streams` streams with `concurrency` open at a time (all slots start in the same
 * tick, so at 1,000 the first thousand are open together), metering the watched processes.
 */
export async function runStreams(options: LevelOptions): Promise<RawRun> {
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
  const processes = Object.fromEntries(Object.entries(meters).map(([name, meter]) => [name, meter.finish()]));
  return { results, wallMs, peakOpen, processes, clientLoopDelayP99Ms: loop.percentile(99) / 1e6 };
}

/** Runs one level's streams on one path in one go, and summarises them. */
export async function runLevel(options: LevelOptions): Promise<LevelRun> {
  return summarise(options.path, options.concurrency, options.gapMs, [await runStreams(options)]);
}

/**
 * One path's figures at one level from its batches (rounds interleaved with other paths', so
 * that every path meets the same load on a shared machine): times and drift over every
 * stream, CPU per stream over all batches, the highest peak memory and client lag.
 */
export function summarise(path: PathName, concurrency: number, gapMs: number, raws: RawRun[]): LevelRun {
  const results = raws.flatMap((r) => r.results);
  const wallMs = raws.reduce((acc, r) => acc + r.wallMs, 0);
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
    for (let j = 1; j < r.tokenAt.length; j++) drift.push(Math.abs((r.tokenAt[j] ?? 0) - (r.tokenAt[j - 1] ?? 0) - gapMs));
  }
  const ok = results.filter((r) => !r.error && r.done);
  const processes: Record<string, ProcessUse> = {};
  for (const name of Object.keys(raws[0]?.processes ?? {})) {
    const cpuMs = raws.reduce((acc, r) => acc + (r.processes[name]?.cpuMs ?? 0), 0);
    const peakRssMiB = Math.max(...raws.map((r) => r.processes[name]?.peakRssMiB ?? 0));
    processes[name] = { peakRssMiB, cpuMs, cpuMsPerStream: cpuMs / Math.max(1, results.length) };
  }
  return {
    path,
    concurrency,
    streams: results.length,
    completed: ok.length,
    errors: results.length - ok.length,
    errorKinds,
    errorSamples,
    peakOpen: Math.max(...raws.map((r) => r.peakOpen)),
    wallMs,
    ttfbMs: quantiles(ok.flatMap((r) => (r.ttfbMs === null ? [] : [r.ttfbMs]))),
    firstTokenMs: quantiles(ok.flatMap((r) => (r.firstTokenMs === null ? [] : [r.firstTokenMs]))),
    gapDriftMs: quantiles(drift),
    tokensPerSec: tokens / (wallMs / 1000),
    processes,
    clientLoopDelayP99Ms: Math.max(...raws.map((r) => r.clientLoopDelayP99Ms)),
  };
}
