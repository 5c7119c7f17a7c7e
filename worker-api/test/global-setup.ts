import { startFakeOpenAI } from '@chat/fake-openai';
import { startFakeToss } from '@chat/fake-toss';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    openaiBaseUrl: string;
    tossBaseUrl: string;
  }
}

/** Runs in Node before the workerd pool: a real OpenAI-shaped SSE server on loopback. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fake = await startFakeOpenAI({ port: 0, ttftMs: 20, gapMs: 5, tokens: 8, log: () => {} });
  project.provide('openaiBaseUrl', fake.url);
  // No webhook URL: the Worker under test has none the fake could reach, so tests relay webhooks themselves.
  const toss = await startFakeToss({ port: 0 });
  project.provide('tossBaseUrl', toss.url);
  return async () => {
    await Promise.all([fake.close(), toss.close()]);
  };
}
