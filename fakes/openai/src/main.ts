/**
 * CLI: `npm start -w @chat/fake-openai` (or `tsx fakes/openai/src/main.ts`).
 * Env: FAKE_OPENAI_PORT (default 8790), FAKE_OPENAI_TTFT_MS (200), FAKE_OPENAI_GAP_MS (20),
 * FAKE_OPENAI_TOKENS (50), FAKE_OPENAI_API_KEY (when set, the only key accepted).
 */
import { portFromEnv, runFake } from '@chat/fake-server';
import { KnobError, knobsFromEnv } from './knobs';
import { startFakeOpenAI } from './server';

let defaults: ReturnType<typeof knobsFromEnv> = {};
try {
  defaults = knobsFromEnv(process.env);
} catch (err) {
  if (!(err instanceof KnobError)) throw err;
  console.error(err.message);
  process.exit(2);
}

await runFake('fake OpenAI', () =>
  startFakeOpenAI({
    port: portFromEnv('FAKE_OPENAI_PORT', 8790),
    apiKey: process.env.FAKE_OPENAI_API_KEY || undefined,
    ...defaults,
  }),
);
