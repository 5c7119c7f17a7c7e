import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newKoreanPage } from './support/browser';
import { WEB_DIR, type Stack } from './support/stack';
import { browserSuite } from './support/suite';

/**
 * The product in a real browser (Debian's Chromium) against the real stack: Kakao login
 * through the fake, onboarding, streaming, stop, regenerate, rename, delete, quota
 * exhaustion, sign-out — and nowhere the browser can look holds a token.
 */
const SHOTS = join(WEB_DIR, 'test-results');
/** A signed JWT (JWS compact form): header and payload are both base64url JSON. */
const JWS = /eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{20,}/;

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every text body the browser received (documents, RSC payloads, API answers). */
const bodies: string[] = [];

browserSuite('chat', { shots: SHOTS }, async (started) => {
  ({ stack, browser } = started);
  ({ context, page } = await newKoreanPage(browser));
  page.on('response', (response) => {
    const type = response.headers()['content-type'] ?? '';
    if (type.includes('event-stream') || !/json|html|text|x-component/.test(type)) return;
    response.text().then((text) => bodies.push(text), () => {});
  });
});

const composer = () => page.getByLabel('메시지', { exact: true });
const assistantMessages = () => page.getByTestId('assistant-message');
const streaming = () => page.getByTestId('streaming-message');

async function expectNoTokenInBrowser(): Promise<void> {
  for (const cookie of await context.cookies()) {
    expect(cookie.value, `cookie ${cookie.name}`).not.toMatch(JWS);
    if (cookie.name.includes('authjs')) expect(cookie.httpOnly, `${cookie.name} is HttpOnly`).toBe(true);
  }
  const storage = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
  expect(storage).not.toMatch(JWS);
  expect(await page.content()).not.toMatch(JWS);
  for (const body of bodies) expect(body).not.toMatch(JWS);
}

describe('chat in the browser', () => {
  it('logs in with Kakao (the fake) and onboards', async () => {
    await page.goto(stack.appUrl);
    await page.getByRole('button', { name: '카카오 로그인' }).click();
    await page.locator('#user-minjun').check();
    await page.locator('button[name=decision][value=approve]').click();
    await page.waitForURL('**/onboarding');
    const session = (await context.cookies()).find((c) => c.name.endsWith('authjs.session-token'));
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Lax');

    await page.getByLabel('이름').fill('김민준');
    await page.getByRole('button', { name: '시작하기' }).click();
    await expect.poll(() => page.getByText('약관에 동의해야 시작할 수 있습니다.').count()).toBe(1);
    await page.getByLabel('이용약관과 개인정보 처리방침에 동의합니다').check();
    await page.getByRole('button', { name: '시작하기' }).click();
    await page.waitForURL('**/chat');
    await expect.poll(() => page.getByTestId('quota-indicator').textContent()).toMatch(/\d/);
  });

  it('streams an answer as it arrives, from the keyboard alone', async () => {
    await composer().focus();
    await page.keyboard.type('안녕하세요');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('코드 예시도 보여 주세요 [[fake ttft=100 gap=80 tokens=30]]');
    await page.keyboard.press('Enter');
    // Seen twice while streaming, the second time longer: tokens arrive one by one.
    await expect.poll(async () => (await streaming().textContent())?.length ?? 0, { timeout: 15_000 }).toBeGreaterThan(8);
    const early = (await streaming().textContent()) ?? '';
    await expect.poll(async () => (await streaming().textContent())?.length ?? 0).toBeGreaterThan(early.length);
    await page.screenshot({ path: join(SHOTS, 'chat-streaming.png') });
    await expect.poll(() => assistantMessages().count(), { timeout: 20_000 }).toBe(1);
    // The finished message replaces the streaming one on the next render, not in the same frame.
    await expect.poll(() => streaming().count()).toBe(0);
    expect(await page.getByTestId('user-message').first().textContent()).toContain('안녕하세요');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('composer');
    await expect.poll(() => page.getByTestId('conversation-list').getByRole('listitem').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'chat-answered.png') });
  });

  it('regenerates the last answer', async () => {
    await page.getByRole('button', { name: '다시 생성' }).click();
    await expect.poll(() => streaming().count()).toBe(1);
    await expect.poll(() => streaming().count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => assistantMessages().count()).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => page.getByRole('button', { name: '다시 생성' }).count()).toBe(1);
  });

  it('stops a long answer', async () => {
    await page.getByRole('button', { name: '새 대화' }).click();
    await composer().fill('긴 답변을 주세요 [[fake ttft=50 gap=200 tokens=400]]');
    await composer().press('Enter');
    await expect.poll(async () => (await streaming().textContent())?.length ?? 0, { timeout: 15_000 }).toBeGreaterThan(10);
    await page.getByRole('button', { name: '중지' }).click();
    await expect.poll(() => streaming().count()).toBe(0);
    expect(await page.getByText('답변을 중지했습니다.').count()).toBe(1);
    // The abort reached the Worker: it settled the stream and released the quota it held.
    // (Chromium may drain the cut response for a few seconds before closing the connection.)
    const reserved = () => page.evaluate(async () => ((await (await fetch('/api/me')).json()) as { quota: { daily: { reserved: number } } }).quota.daily.reserved);
    await expect.poll(reserved, { timeout: 30_000, interval: 500 }).toBe(0);
    await expect.poll(() => page.getByTestId('conversation-list').getByRole('listitem').count()).toBe(2);
    await page.screenshot({ path: join(SHOTS, 'chat-stopped.png') });
  });

  it('renames and deletes a conversation', async () => {
    const list = page.getByTestId('conversation-list');
    const first = list.getByRole('listitem').first();
    const title = (await first.getByRole('link').textContent()) ?? '';
    await page.getByRole('button', { name: `${title} 대화 메뉴` }).click();
    await page.getByRole('menuitem', { name: '이름 바꾸기' }).click();
    await page.getByLabel('새 이름').fill('테스트 대화');
    await page.getByRole('button', { name: '저장' }).click();
    await expect.poll(() => list.getByText('테스트 대화').count()).toBe(1);

    await page.getByRole('button', { name: '테스트 대화 대화 메뉴' }).click();
    await page.getByRole('menuitem', { name: '삭제' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '삭제' }).click();
    await expect.poll(() => list.getByText('테스트 대화').count()).toBe(0);
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
  });

  it('shows quota exhaustion as a message with the trace id', async () => {
    const me = await page.evaluate(async () => (await fetch('/api/me')).json());
    const userId = (me as { id: string }).id;
    const now = Date.now();
    await stack.sql(
      `INSERT INTO usage_events (id, user_id, trace_id, model, prompt_tokens, completion_tokens, total_tokens, estimated, status, duration_ms, created_at) VALUES ('use_e2e_quota', '${userId}', 'trace-e2e', 'gpt-4o-mini', 0, 100000000, 100000000, 0, 'ok', 1, ${now})`,
    );
    await page.getByRole('button', { name: '새 대화' }).click();
    await composer().fill('한도를 넘었나요?');
    await composer().press('Enter');
    const error = page.getByTestId('chat-error');
    await expect.poll(() => error.textContent(), { timeout: 15_000 }).toContain('사용 한도를 모두 썼습니다');
    expect(await error.textContent()).toMatch(/추적 ID: \S{8,}/);
    expect(await error.locator('[data-error-code]').getAttribute('data-error-code')).toBe('quota_exceeded');
    await page.screenshot({ path: join(SHOTS, 'chat-quota-exceeded.png') });
  });

  it('switches to English and dark mode', async () => {
    await page.getByLabel('언어').selectOption('en');
    await expect.poll(() => page.getByRole('button', { name: 'New chat' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'chat-english-dark.png') });
    await page.getByLabel('Language').selectOption('ko');
  });

  it('shows usage and the account', async () => {
    await page.getByRole('link', { name: '사용량' }).click();
    await expect.poll(() => page.getByTestId('usage-chart').count()).toBe(1);
    await page.getByRole('link', { name: '계정' }).click();
    await expect.poll(() => page.getByTestId('account-plan').textContent()).toBe('Free');
    await expect.poll(() => page.getByText(/초기화/).count()).toBe(2);
  });

  it('never lets a token reach the browser', async () => {
    await expectNoTokenInBrowser();
  });

  it('signs out and clears the session', async () => {
    await page.getByRole('button', { name: '로그아웃', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await expect.poll(() => page.getByRole('button', { name: '카카오 로그인' }).count()).toBe(1);
    expect((await context.cookies()).filter((c) => c.name.endsWith('authjs.session-token'))).toHaveLength(0);
    const status = await page.evaluate(async () => (await fetch('/api/me')).status);
    expect(status).toBe(401);
    await page.goto(`${stack.appUrl}/chat`);
    await page.waitForURL((url) => url.pathname === '/');
    await expectNoTokenInBrowser();
  });
});
