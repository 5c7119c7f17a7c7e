/**
 * The Worker for the bench's simulated geography (`npm run bench -- --d1-rtt MS`), never
 * deployed: the real Worker and its Generation object over a D1 binding that waits
 * `BENCH_D1_RTT_MS` before each round trip, as a database that far away would.
 */
import type { Bindings } from '../../src/env';
import worker, { Generation as ApiGeneration } from '../../src/index';
import { aroundRoundTrips } from './d1-round-trips';

type BenchBindings = Bindings & { BENCH_D1_RTT_MS?: string };

function farFromD1(env: BenchBindings): Bindings {
  const rttMs = Number(env.BENCH_D1_RTT_MS ?? '0');
  if (!(rttMs > 0)) return env;
  return { ...env, DB: aroundRoundTrips(env.DB, () => new Promise((resolve) => setTimeout(resolve, rttMs))) };
}

export class Generation extends ApiGeneration {
  constructor(ctx: DurableObjectState, env: BenchBindings) {
    super(ctx, farFromD1(env));
  }
}

export default {
  fetch: (request, env, ctx) => worker.fetch(request, farFromD1(env), ctx),
  scheduled: (controller, env, ctx) => worker.scheduled(controller, farFromD1(env), ctx),
} satisfies ExportedHandler<BenchBindings>;
