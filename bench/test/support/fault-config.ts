import type { AccessClaims } from '@chat/keys';
import { BENCH_PLAN, type BenchStack, type PlanSpec, type UserGroup } from '../../src/stack';

/** A user made for the suite, with a token (an hour long) the tests can use as is. */
export type FaultUser = { claims: AccessClaims; token: string };

/** What the suite's globalSetup shares with the test files (plain data: it crosses a worker boundary). */
export type FaultStack = Pick<BenchStack, 'workerUrl' | 'fakeUrl' | 'persistTo' | 'secrets' | 'logDir'> & {
  /** The users of each group in FAULT_GROUPS, by prefix. */
  users: Record<string, FaultUser[]>;
};

declare module 'vitest' {
  export interface ProvidedContext {
    faultStack: FaultStack;
  }
}

/** `FAULTS_SHORT=1`: the CI-sized run (key activation without the CLI's 30 s publish margin, fewer fuzz values). */
export const SHORT = process.env.FAULTS_SHORT === '1';

/** The Worker's JWKS cache TTL in the suite, so a rotation takes seconds instead of minutes. */
export const JWKS_TTL_S = 2;
/**
 * How long the suite expects the Worker to wait for the upstream (first byte, and between
 * chunks) before ending the stream with `event: error` `upstream_timeout`. Passed as the
 * `UPSTREAM_TIMEOUT_MS` var; a Worker without such a limit fails the timeout cases. Since
 * answers run in Durable Objects, 100 of them starting at once under Miniflare on a busy
 * two-core machine leave some objects seconds behind their upstream (each object's start
 * costs 0.5 to 1.5 s of wall time there), which a 3 s limit reported as upstream silence.
 */
export const UPSTREAM_TIMEOUT_MS = 10_000;

export const FAULT_WORKER_VARS: Record<string, string> = {
  JWKS_CACHE_TTL_S: String(JWKS_TTL_S),
  HEARTBEAT_MS: '1000',
  UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
};

/** The quota-edge plan: a daily quota that about twenty 100-token answers fill. */
export const EDGE_PLAN: PlanSpec = { id: 'edge', maxTokensPerRequest: 100, dailyTokenQuota: 3000, monthlyTokenQuota: 1_000_000_000, concurrentStreams: 1000 };
/** One stream at a time and quotas that never bind: whatever is left held shows at the next request. */
export const ONE_SLOT_PLAN: PlanSpec = { id: 'one-slot', maxTokensPerRequest: 1024, dailyTokenQuota: 1_000_000_000, monthlyTokenQuota: 1_000_000_000, concurrentStreams: 1 };
/** Upstream failure cases in upstream-faults.test.ts, each with its own one-slot user. */
export const UPSTREAM_CASES = 9;

export const FAULT_PLANS: PlanSpec[] = [BENCH_PLAN, EDGE_PLAN, ONE_SLOT_PLAN];
export const FAULT_GROUPS: UserGroup[] = [
  { prefix: 'rotation', planId: BENCH_PLAN.id, count: 10 },
  { prefix: 'aborts', planId: BENCH_PLAN.id, count: 1 },
  { prefix: 'stops', planId: BENCH_PLAN.id, count: 1 },
  { prefix: 'edge', planId: EDGE_PLAN.id, count: 1 },
  { prefix: 'one-slot', planId: ONE_SLOT_PLAN.id, count: UPSTREAM_CASES },
  { prefix: 'fuzz', planId: BENCH_PLAN.id, count: 1, roles: ['user', 'admin'] },
];
