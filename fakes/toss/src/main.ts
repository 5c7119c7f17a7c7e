import { startFakeToss } from './server';

const port = Number(process.env.FAKE_TOSS_PORT ?? 8792);
const fake = await startFakeToss({
  port,
  webhookUrl: process.env.FAKE_TOSS_WEBHOOK_URL || undefined,
  secretKey: process.env.FAKE_TOSS_SECRET_KEY || undefined,
  log: (line) => console.log(line),
});
console.log(`fake Toss Payments listening on ${fake.url} (script: ${fake.url}/v2/standard)`);

const stop = () => {
  void fake.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
