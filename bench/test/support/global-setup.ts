import type { TestProject } from 'vitest/node';
import { localSigner, provisionGroups, startBenchStack } from '../../src/stack';
import { FAULT_GROUPS, FAULT_PLANS, FAULT_WORKER_VARS, type FaultStack, type FaultUser } from './fault-config';

/**
 * Starts the stack the fault suite shares — the fake OpenAI in its own process, the fake
 * Toss, and the Worker over a temporary D1/KV state — and creates every test's plans, users
 * and tokens once (each wrangler call costs seconds). The Worker runs under Miniflare
 * (FAULTS_WORKER_RUNTIME=wrangler for `wrangler dev`): wrangler's local dev proxy answers
 * 503 "Your worker restarted mid-request" under load on a small machine and never passes a
 * client's disconnect on, which are failures of the dev tool, not of the Worker. No web
 * app: every fault here is the Worker's. Stopped (process groups killed, state deleted) at
 * the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startBenchStack({
    name: 'faults',
    pace: { ttftMs: 30, gapMs: 10, tokens: 10 },
    withWeb: false,
    workerVars: FAULT_WORKER_VARS,
    workerRuntime: process.env.FAULTS_WORKER_RUNTIME === 'wrangler' ? 'wrangler' : 'miniflare',
    say: (line) => console.log(`[faults] ${line}`),
  });
  try {
    const signer = localSigner(stack);
    const groups = await provisionGroups(stack, signer, FAULT_PLANS, FAULT_GROUPS);
    const users: Record<string, FaultUser[]> = {};
    for (const [prefix, members] of Object.entries(groups)) {
      users[prefix] = await Promise.all(members.map(async ({ claims }) => ({ claims, token: (await signer.sign(claims, { ttlSeconds: 3600 })).token })));
    }
    const shared: FaultStack = { workerUrl: stack.workerUrl, fakeUrl: stack.fakeUrl, persistTo: stack.persistTo, secrets: stack.secrets, logDir: stack.logDir, users };
    project.provide('faultStack', shared);
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return () => stack.stop();
}
