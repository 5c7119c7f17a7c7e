import { describe, expect, it } from 'vitest';
import { openStream, streamAgent, type StreamResult } from '../src/sse-client';
import { keysCli, localSigner } from '../src/stack';
import { chatStream, faultStack, JWKS_TTL_S, SHORT, sleep, usersOf, waitFor } from './support/fault-stack';

/**
 * Key rotation under load (contract section 4): rotate → activate → retire with the keys
 * CLI against the Worker's own local KV while 50 streams run back to back, each request
 * signed with whatever key is active at that moment, the way the web app signs. Nothing
 * may fail: the Worker must already trust a key when the first token signed with it arrives,
 * and keep trusting the old one until nothing signed with it is in use.
 */
const stack = faultStack();
const STREAMS = 50;
// Re-read of `signing:active` by the signer (each read is a wrangler process).
const ACTIVE_KID_CACHE_MS = 5000;
const signer = localSigner(stack, ACTIVE_KID_CACHE_MS);
const users = usersOf('rotation');

type Outcome = StreamResult & { kid: string };

describe('key rotation while 50 streams run', () => {
  it('rotate, activate and retire with no failed request', async () => {
    const agent = streamAgent();
    const outcomes: Outcome[] = [];
    const inFlight = new Map<string, number>();
    let running = true;
    let lastKid = '';

    const slot = async (i: number) => {
      const user = users[i % users.length]!;
      for (let round = 0; running; round++) {
        const { token, kid } = await signer.sign(user.claims, { ttlSeconds: 300 });
        lastKid = kid;
        inFlight.set(kid, (inFlight.get(kid) ?? 0) + 1);
        try {
          // About 1.6 s per stream: 50 of them keep the Worker busy and leave the keys CLI (a
          // wrangler process per KV call) enough CPU on a 2-core machine.
          const result = await openStream(chatStream(stack, token, `rotation ${i}.${round} [[fake ttft=100 gap=150 tokens=10]]`), { agent, timeoutMs: 30_000 });
          outcomes.push({ ...result, kid });
        } finally {
          inFlight.set(kid, (inFlight.get(kid) ?? 1) - 1);
        }
      }
    };
    const slots = Array.from({ length: STREAMS }, (_, i) => slot(i));
    const t0 = Date.now();
    const phase = (what: string) => console.log(`key rotation +${((Date.now() - t0) / 1000).toFixed(1)} s: ${what} (${outcomes.length} streams so far)`);

    try {
      const oldKid = await waitFor('first signed request', async () => lastKid, (kid) => kid !== '');
      const { token: oldToken } = await signer.sign(users[0]!.claims, { ttlSeconds: 600 });
      await sleep(2000);

      const newKid = (await keysCli(stack, ['rotate'])).trim().split('\n').at(-1) ?? '';
      expect(newKid).toMatch(/^[A-Za-z0-9_-]+$/);
      phase(`rotated: ${newKid} published`);
      if (SHORT) {
        // The Worker's JWKS cache is 2 s here: once it has passed, every verifier holds the new
        // key. --force skips only the CLI's 30 s margin for remote KV propagation.
        await sleep((JWKS_TTL_S + 1) * 1000);
        await keysCli(stack, ['activate', newKid, '--jwks-ttl', String(JWKS_TTL_S), '--force']);
      } else {
        // The CLI's own rule: published for the JWKS TTL plus its 30 s publication margin.
        await sleep((JWKS_TTL_S + 31) * 1000);
        await keysCli(stack, ['activate', newKid, '--jwks-ttl', String(JWKS_TTL_S)]);
      }

      phase(`activated ${newKid}`);
      // The signer switches within its cache window; then the old key's last streams finish.
      await waitFor('signer on the new key', async () => lastKid, (kid) => kid === newKid, 30_000);
      await waitFor('streams signed with the old key', async () => inFlight.get(oldKid) ?? 0, (n) => n === 0, 30_000);
      // --force: the CLI would wait for every token the old key signed to lapse (an hour).
      // The test knows none is in use any more: each request carries a token signed just before it.
      await keysCli(stack, ['retire', oldKid, '--force']);
      phase(`retired ${oldKid}`);
      // Long enough for the Worker to drop the retired key from its cache, with streams running.
      await sleep((JWKS_TTL_S + 2) * 1000);

      // The retired key is really gone: a token it signed is now refused.
      const refused = await fetch(`${stack.workerUrl}/me`, { headers: { Authorization: `Bearer ${oldToken}` } });
      expect(refused.status).toBe(401);

      running = false;
      await Promise.all(slots);
      const failed = outcomes.filter((o) => o.status !== 200 || o.error !== null || !o.done);
      expect(failed.map((f) => ({ status: f.status, error: f.error, kid: f.kid, body: f.body.slice(0, 200) }))).toEqual([]);
      const byKid = (kid: string) => outcomes.filter((o) => o.kid === kid).length;
      expect(byKid(oldKid)).toBeGreaterThan(STREAMS);
      expect(byKid(newKid)).toBeGreaterThan(STREAMS);
      console.log(`key rotation: ${outcomes.length} streams, ${byKid(oldKid)} signed with ${oldKid}, ${byKid(newKid)} with ${newKid}, 0 failed`);
    } finally {
      running = false;
      await Promise.allSettled(slots);
      agent.destroy();
    }
  });
});
