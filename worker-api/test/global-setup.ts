import { startFakeOpenAI } from '@chat/fake-openai';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    openaiBaseUrl: string;
  }
}

/** Runs in Node before the workerd pool: a real OpenAI-shaped SSE server on loopback. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fake = await startFakeOpenAI({ port: 0, ttftMs: 20, gapMs: 5, tokens: 8, log: () => {} });
  project.provide('openaiBaseUrl', fake.url);
  return () => fake.close();
}
