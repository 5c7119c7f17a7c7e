/**
 * CLI: `npm start -w @chat/fake-kakao`. Env: FAKE_KAKAO_PORT (default 8791), AUTH_KAKAO_ID and
 * AUTH_KAKAO_SECRET (the same values the web app's Kakao provider uses).
 */
import { startFakeKakao } from './server';

function portFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 8791;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`FAKE_KAKAO_PORT must be a port number, got "${raw}"`);
    process.exit(2);
  }
  return port;
}

const kakao = await startFakeKakao({
  port: portFromEnv(process.env.FAKE_KAKAO_PORT),
  clientId: process.env.AUTH_KAKAO_ID || undefined,
  clientSecret: process.env.AUTH_KAKAO_SECRET || undefined,
  log: (line) => console.log(`${new Date().toISOString()} ${line}`),
}).catch((err: unknown) => {
  console.error(`fake Kakao could not start: ${String(err)}`);
  process.exit(1);
});
console.log(`fake Kakao listening on ${kakao.url}`);

let stopping = false;
function stop(signal: NodeJS.Signals): void {
  // A second signal while closing means "now".
  if (stopping) process.exit(1);
  stopping = true;
  console.log(`${signal}: closing`);
  kakao.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`close failed: ${String(err)}`);
      process.exit(1);
    },
  );
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
