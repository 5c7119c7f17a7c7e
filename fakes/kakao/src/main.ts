/**
 * CLI: `npm start -w @chat/fake-kakao`. Env: FAKE_KAKAO_PORT (default 8791), AUTH_KAKAO_ID and
 * AUTH_KAKAO_SECRET (the same values the web app's Kakao provider uses).
 */
import { portFromEnv, runFake } from '@chat/fake-server';
import { startFakeKakao } from './server';

await runFake('fake Kakao', () =>
  startFakeKakao({
    port: portFromEnv('FAKE_KAKAO_PORT', 8791),
    clientId: process.env.AUTH_KAKAO_ID || undefined,
    clientSecret: process.env.AUTH_KAKAO_SECRET || undefined,
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  }),
);
