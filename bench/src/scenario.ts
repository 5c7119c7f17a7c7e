import type { TokenSigner } from '@chat/keys';
import type { PathName } from './load';
import type { StreamRequest } from './sse-client';
import { BENCH_PLAN, localSigner, provisionUsers, sessionCookie, type BenchStack, type BenchUser } from './stack';

const MESSAGE = 'How quickly does each token of this answer travel from the model to the browser?';

/** Per-user credentials: a Worker token and a BFF session cookie each. */
export type Credentials = { tokens: string[]; cookies: string[] };

/** Users on the bench plan, and how to build the same stream request for each path. */
export type Scenario = {
  users: BenchUser[];
  signer: TokenSigner;
  /** Fresh credentials: tokens live at most an hour and session claims are re-read from /me after 5 min. */
  credentials: () => Promise<Credentials>;
  /** Stream `index` of a level on `path`; streams are spread over the users round-robin. */
  request: (path: PathName, auth: Credentials) => (index: number) => StreamRequest;
};

/**
 * Puts the bench plan in D1 and `userCount` users on it, and returns the requests the bench
 * sends: the same question, knobs from the fake's defaults, each way (`referenceUrl`: the
 * reference Worker's origin, for the `reference` path).
 */
export async function prepareScenario(stack: BenchStack, userCount: number, referenceUrl?: string): Promise<Scenario> {
  const signer = localSigner(stack);
  const users = await provisionUsers(stack, signer, { count: userCount, prefix: 'bench', planId: BENCH_PLAN.id, plan: BENCH_PLAN });
  const appOrigin = stack.appUrl ?? '';
  // The web app listens on 127.0.0.1; it knows itself as localhost (AUTH_URL).
  const bffBase = appOrigin.replace('//localhost:', '//127.0.0.1:');

  return {
    users,
    signer,
    credentials: async () => ({
      tokens: await Promise.all(users.map(async (u) => (await signer.sign(u.claims, { ttlSeconds: 3600 })).token)),
      cookies: await Promise.all(users.map((u) => sessionCookie(stack.secrets.AUTH_SECRET, u.claims))),
    }),
    request: (path, auth) => (index): StreamRequest => {
      const content = `${MESSAGE} (#${index})`;
      const user = index % users.length;
      switch (path) {
        case 'direct':
        case 'reference':
          if (path === 'reference' && referenceUrl === undefined) throw new Error('the reference path needs the reference Worker');
          return {
            kind: 'openai',
            url: `${path === 'direct' ? stack.fakeUrl : referenceUrl}/v1/chat/completions`,
            headers: { Authorization: 'Bearer sk-bench-fake', 'Content-Type': 'application/json' },
            body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], stream: true, stream_options: { include_usage: true } }),
          };
        case 'worker':
          return {
            kind: 'contract',
            url: `${stack.workerUrl}/ai/stream`,
            headers: { Authorization: `Bearer ${auth.tokens[user]}`, 'Content-Type': 'application/json', Accept: 'text/event-stream' },
            body: JSON.stringify({ content }),
          };
        case 'bff':
          return {
            kind: 'contract',
            url: `${bffBase}/api/ai/stream`,
            headers: { Cookie: auth.cookies[user] ?? '', Origin: appOrigin, 'Content-Type': 'application/json', Accept: 'text/event-stream' },
            body: JSON.stringify({ content }),
          };
      }
    },
  };
}
