/**
 * CLI: `npm start -w @chat/fake-openai` (or `tsx fakes/openai/src/main.ts`).
 * Env: FAKE_OPENAI_PORT (default 8790), FAKE_OPENAI_TTFT_MS (200), FAKE_OPENAI_GAP_MS (20),
 * FAKE_OPENAI_TOKENS (50), FAKE_OPENAI_API_KEY (when set, the only key accepted).
 */
import { KnobError, knobsFromEnv } from './knobs';
import { startFakeOpenAI } from './server';

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

function portFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 8790;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`FAKE_OPENAI_PORT must be a port number, got "${raw}"`, 2);
  return port;
}

let defaults: ReturnType<typeof knobsFromEnv> = {};
try {
  defaults = knobsFromEnv(process.env);
} catch (err) {
  if (!(err instanceof KnobError)) throw err;
  fail(err.message, 2);
}

const fake = await startFakeOpenAI({
  port: portFromEnv(process.env.FAKE_OPENAI_PORT),
  apiKey: process.env.FAKE_OPENAI_API_KEY || undefined,
  ...defaults,
}).catch((err: unknown) => fail(`fake OpenAI could not start: ${String(err)}`, 1));
console.log(`fake OpenAI listening on ${fake.url}`);

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  // A second signal while closing means "now".
  if (stopping) process.exit(1);
  stopping = true;
  console.log(`${signal}: closing`);
  fake.close().then(
    () => process.exit(0),
    (err: unknown) => fail(`close failed: ${String(err)}`, 1),
  );
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
