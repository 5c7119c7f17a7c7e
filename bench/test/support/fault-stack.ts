import type { FakeStats } from '@chat/ops/stack';
import { inject } from 'vitest';
import type { StreamRequest } from '../../src/sse-client';
import type { FaultStack, FaultUser } from './fault-config';

export * from './fault-config';

export function faultStack(): FaultStack {
  return inject('faultStack');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until `done` holds or `timeoutMs` has passed, and returns the last value either way. */
export async function settled<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!done(last) && Date.now() < deadline) {
    await sleep(250);
    last = await probe();
  }
  return last;
}

/** Polls `probe` until `done` holds, or throws with the last value after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const last = await settled(probe, done, timeoutMs);
  if (!done(last)) throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms`);
  return last;
}

/** The fake OpenAI's counters. */
export async function fakeStats(stack: FaultStack): Promise<FakeStats> {
  return (await (await fetch(`${stack.fakeUrl}/__fake/stats`)).json()) as FakeStats;
}

/** `POST /ai/stream` with a bearer token; `content` may carry `[[fake …]]` knobs for the upstream. */
export function chatStream(stack: FaultStack, token: string, content: string, headers: Record<string, string> = {}): StreamRequest {
  return {
    kind: 'contract',
    url: `${stack.workerUrl}/ai/stream`,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ content }),
  };
}

/** The users globalSetup made for a group of FAULT_GROUPS, each with a token. */
export function usersOf(prefix: string): FaultUser[] {
  const users = faultStack().users[prefix];
  if (!users?.length) throw new Error(`no users for ${prefix}: add the group to FAULT_GROUPS`);
  return users;
}

/** The caller's daily quota window as GET /me reports it: `reserved` is what streams in flight hold. */
export async function dailyQuota(stack: FaultStack, token: string): Promise<{ limit: number; used: number; reserved: number }> {
  const res = await fetch(`${stack.workerUrl}/me`, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET /me answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { quota: { daily: { limit: number; used: number; reserved: number } } }).quota.daily;
}

/** The caller's ledger over the last 30 days as GET /usage sums it: one request per usage row. */
export async function ledger(stack: FaultStack, token: string): Promise<{ requests: number; promptTokens: number; completionTokens: number; totalTokens: number }> {
  const res = await fetch(`${stack.workerUrl}/usage`, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET /usage answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { totals: { requests: number; promptTokens: number; completionTokens: number; totalTokens: number } }).totals;
}
