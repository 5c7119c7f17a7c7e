import { startFakeOpenAI } from '@chat/fake-openai';
import { startFakeToss } from '@chat/fake-toss';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    openaiBaseUrl: string;
    /** Two fakes of the providers suite alone (its tests set their knobs), accepting only PROVIDER_TEST_API_KEY. */
    primaryBaseUrl: string;
    secondaryBaseUrl: string;
    tossBaseUrl: string;
  }
}

/** The providers suite's key, also a binding of the Worker under test (vitest.config.mts). */
const PROVIDER_TEST_API_KEY = 'sk-provider-test-Zq81xK2mW';

/** Runs in Node before the workerd pool: a real OpenAI-shaped SSE server on loopback. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fake = await startFakeOpenAI({ port: 0, ttftMs: 20, gapMs: 5, tokens: 8, log: () => {} });
  project.provide('openaiBaseUrl', fake.url);
  const providerFakes = await Promise.all(
    [0, 1].map(() => startFakeOpenAI({ port: 0, ttftMs: 20, gapMs: 5, tokens: 8, apiKey: PROVIDER_TEST_API_KEY, log: () => {} })),
  );
  project.provide('primaryBaseUrl', providerFakes[0]!.url);
  project.provide('secondaryBaseUrl', providerFakes[1]!.url);
  // No webhook URL: the Worker under test has none the fake could reach, so tests relay webhooks themselves.
  const toss = await startFakeToss({ port: 0 });
  project.provide('tossBaseUrl', toss.url);
  return async () => {
    await Promise.all([fake.close(), toss.close(), ...providerFakes.map((f) => f.close())]);
  };
}
