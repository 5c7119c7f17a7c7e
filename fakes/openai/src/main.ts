import { knobsFromEnv } from './knobs';
import { startFakeOpenAI } from './server';

const port = Number(process.env.FAKE_OPENAI_PORT ?? 8790);
const defaults = knobsFromEnv(process.env);
const fake = await startFakeOpenAI({ port, ...defaults });
console.log(`fake OpenAI listening on ${fake.url}`);

const stop = () => {
  void fake.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
