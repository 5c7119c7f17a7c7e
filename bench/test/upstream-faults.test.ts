import { describe, it } from 'vitest';
import { openStream, streamAgent, type StreamResult } from '../src/sse-client';
import { chatStream, dailyQuota, faultStack, sleep, UPSTREAM_CASES, UPSTREAM_TIMEOUT_MS, usersOf } from './support/fault-stack';

/**
 * An upstream that fails in each way it can (contract sections 5 and 6): once policy passed,
 * the stream is committed (200, `meta`), so a failure before the first token and one
 * mid-answer alike end it with `event: error` and the contract's code. Either way nothing
 * stays held: on a plan with one stream slot, the very next request streams.
 */
const stack = faultStack();
// One user per case, on the one-slot plan.
const users = usersOf('one-slot');

type Expected = { status: number; code: string };
const CASES: { name: string; knobs: string; expected: Expected; slow?: boolean }[] = [
  { name: 'answers 500', knobs: 'status=500', expected: { status: 200, code: 'upstream_error' } },
  { name: 'answers 429', knobs: 'status=429', expected: { status: 200, code: 'upstream_rate_limited' } },
  { name: 'answers 503', knobs: 'status=503', expected: { status: 200, code: 'upstream_error' } },
  { name: 'sends malformed SSE', knobs: 'garbage=1', expected: { status: 200, code: 'upstream_error' } },
  { name: 'sends an error frame mid-answer', knobs: 'fail_after=3 tokens=10', expected: { status: 200, code: 'upstream_error' } },
  { name: 'drops the connection mid-answer', knobs: 'fail_after=3 fail_mode=drop tokens=10', expected: { status: 200, code: 'upstream_error' } },
  { name: 'never answers', knobs: 'hang=1', expected: { status: 200, code: 'upstream_timeout' }, slow: true },
  { name: 'withholds its headers, then never answers', knobs: 'hold_headers=1 ttft=600000', expected: { status: 200, code: 'upstream_timeout' }, slow: true },
  { name: 'stalls mid-answer', knobs: 'ttft=10 gap=600000 tokens=5', expected: { status: 200, code: 'upstream_timeout' }, slow: true },
];

if (CASES.length !== UPSTREAM_CASES) throw new Error(`UPSTREAM_CASES (${UPSTREAM_CASES}) must match the ${CASES.length} cases`);

/** What the client saw, in the terms of the contract: the status, and the error code from the JSON body or `event: error`. */
function seen(r: StreamResult): string {
  return `${r.status} ${r.error ?? (r.done ? 'done' : 'no end')}${r.events.length ? ` [${r.events.filter((e) => e !== 'ping').join(',')}]` : ''}`;
}

describe.concurrent('when the upstream', () => {
  CASES.forEach((c, i) => {
    it(`${c.name}: the contract's error, and nothing stays held`, async ({ expect }) => {
      const { token } = users[i]!;
      const agent = streamAgent();
      // The Worker has UPSTREAM_TIMEOUT_MS to give up on a silent upstream; the client waits a while longer.
      const patience = c.slow ? UPSTREAM_TIMEOUT_MS + 7000 : 15_000;
      const failed = await openStream(chatStream(stack, token, `fault ${i} [[fake ${c.knobs}]]`), { agent, timeoutMs: patience });
      if (failed.error === 'client_timeout') await sleep(1000);
      const next = await openStream(chatStream(stack, token, 'and now a normal question [[fake ttft=10 gap=1 tokens=5]]'), { agent, timeoutMs: 15_000 });
      agent.destroy();
      const quota = await dailyQuota(stack, token);

      // Soft: a failure here should still show whether anything stayed held.
      expect.soft({ status: failed.status, error: failed.error }, seen(failed)).toEqual({ status: c.expected.status, error: c.expected.code });
      expect.soft(failed.done).toBe(false);
      // The stream started (meta), and its last event is the error.
      expect.soft([failed.events[0], failed.events.at(-1)]).toEqual(['meta', 'error']);
      expect.soft(seen(next), 'the next request on the one-slot plan').toMatch(/^200 done/);
      expect.soft(quota.reserved, 'tokens still reserved').toBe(0);
    });
  });
});
