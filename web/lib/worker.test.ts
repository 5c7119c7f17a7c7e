import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './errors';
import { workerAnswer, workerApi } from './worker';

vi.mock('./platform', () => ({ getBindings: () => ({ authKeys: undefined, api: undefined }), readEnv: () => 'http://worker.test' }));

function answerWith(response: Response) {
  const seen: Request[] = [];
  vi.stubGlobal('fetch', async (input: string, init: RequestInit) => {
    seen.push(new Request(input, init));
    return response;
  });
  return seen;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('workerApi', () => {
  it('sends the bearer token, path and body, and returns the answer', async () => {
    const seen = answerWith(Response.json({ id: 'usr_1', roles: ['user'], scopes: [], onboarded: false }));
    const user = await workerAnswer(workerApi('tok').POST('/internal/users/provision', { body: { provider: 'kakao', providerAccountId: '42' } }));
    expect(user).toEqual({ id: 'usr_1', roles: ['user'], scopes: [], onboarded: false });
    expect(seen[0]!.url).toBe('http://worker.test/internal/users/provision');
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.headers.get('Authorization')).toBe('Bearer tok');
    expect(await seen[0]!.json()).toEqual({ provider: 'kakao', providerAccountId: '42' });
  });

  it("throws the contract's error as an ApiError", async () => {
    answerWith(Response.json({ error: { code: 'not_found', message: 'No user', traceId: 'trace-from-body' } }, { status: 404, headers: { 'X-Trace-Id': 'trace-from-header' } }));
    const failure = workerAnswer(workerApi('tok').GET('/me'));
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ status: 404, code: 'not_found', message: 'No user', traceId: 'trace-from-body' });
  });

  it('names an answer that is not JSON upstream_error, with the trace id of the header', async () => {
    answerWith(new Response('<html>Bad gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html', 'X-Trace-Id': 'trace-from-header' } }));
    await expect(workerAnswer(workerApi('tok').GET('/me'))).rejects.toMatchObject({
      status: 502,
      code: 'upstream_error',
      message: 'The API answered 502',
      traceId: 'trace-from-header',
    });
  });
});
