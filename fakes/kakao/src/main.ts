import { startFakeKakao } from './server';

const kakao = await startFakeKakao({
  port: Number(process.env.FAKE_KAKAO_PORT ?? 8791),
  clientId: process.env.AUTH_KAKAO_ID ?? 'local-kakao-client',
  clientSecret: process.env.AUTH_KAKAO_SECRET ?? 'local-kakao-secret',
});
console.log(`fake Kakao listening on ${kakao.url}`);

const stop = () => {
  void kakao.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
