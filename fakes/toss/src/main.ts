import { portFromEnv, runFake } from '@chat/fake-server';
import { startFakeToss } from './server';

await runFake(
  'fake Toss Payments',
  () =>
    startFakeToss({
      port: portFromEnv('FAKE_TOSS_PORT', 8792),
      webhookUrl: process.env.FAKE_TOSS_WEBHOOK_URL || undefined,
      secretKey: process.env.FAKE_TOSS_SECRET_KEY || undefined,
      log: (line) => console.log(line),
    }),
  (url) => `${url} (script: ${url}/v2/standard)`,
);
