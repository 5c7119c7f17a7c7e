import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeToss, type FakeToss } from '../src/server';
import { basic } from './helpers';

const UNAUTHORIZED = { code: 'UNAUTHORIZED_KEY', message: '인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.' };

describe('Basic auth on /v1', () => {
  let fake: FakeToss;
  beforeAll(async () => {
    fake = await startFakeToss();
  });
  afterAll(() => fake.close());

  const get = (authorization?: string) =>
    fetch(`${fake.url}/v1/payments/tgen_nothing`, { headers: authorization ? { authorization } : {} });

  it('answers /health without auth', async () => {
    const res = await fetch(`${fake.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('rejects a call without Authorization', async () => {
    const res = await get();
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(UNAUTHORIZED);
  });

  it('rejects a key without the test_sk_ prefix (e.g. a client key)', async () => {
    const res = await get(basic('test_ck_abc'));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(UNAUTHORIZED);
  });

  it('rejects a key sent without the trailing colon', async () => {
    const res = await get(`Basic ${Buffer.from('test_sk_abc').toString('base64')}`);
    expect(res.status).toBe(401);
  });

  it('rejects a Bearer token', async () => {
    const res = await get('Bearer test_sk_abc');
    expect(res.status).toBe(401);
  });

  it('lets a good key through to the API (here: a 404 for an unknown payment)', async () => {
    const res = await get(basic('test_sk_abc'));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 'NOT_FOUND_PAYMENT', message: '존재하지 않는 결제 정보 입니다.' });
  });
});

describe('exact secretKey option', () => {
  let fake: FakeToss;
  beforeAll(async () => {
    fake = await startFakeToss({ secretKey: 'test_sk_only_this' });
  });
  afterAll(() => fake.close());

  it('accepts only that key', async () => {
    const other = await fetch(`${fake.url}/v1/payments/x`, { headers: { authorization: basic('test_sk_other') } });
    expect(other.status).toBe(401);
    const right = await fetch(`${fake.url}/v1/payments/x`, { headers: { authorization: basic('test_sk_only_this') } });
    expect(right.status).toBe(404);
  });
});
