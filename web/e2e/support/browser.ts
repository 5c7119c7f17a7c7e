import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterEach, beforeEach, expect } from 'vitest';

/** Debian's Chromium, headless and quiet (nothing may reach beyond loopback). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-gpu'],
    // Chromium names a download from its Content-Disposition only when the name fits the
    // locale's encoding: under CI's bare environment (no LANG) a Korean file name became
    // "download". Users' browsers run in a UTF-8 locale; so does this one.
    env: { ...process.env, LANG: 'C.UTF-8' },
  });
}

/** The two sizes suites run at, each with its own preset Kakao person (one account per size). */
export const VIEWPORT_ACCOUNTS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 }, user: 'minjun', nickname: '김민준' },
  { name: 'phone', viewport: { width: 390, height: 844 }, user: 'alice', nickname: 'Alice' },
] as const;

/** One of the suites' sizes and the person who signs in at it. */
export type ViewportAccount = (typeof VIEWPORT_ACCOUNTS)[number];

/**
 * A Korean browser context at `viewport` (desktop unless given) and its page, every wait 15 s
 * by default; `prepare` runs on the context before the page opens (init scripts).
 */
export async function newKoreanPage(
  browser: Browser,
  viewport: { width: number; height: number } = VIEWPORT_ACCOUNTS[0].viewport,
  prepare?: (context: BrowserContext) => Promise<unknown>,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'ko-KR', viewport });
  await prepare?.(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

/**
 * Logs in through the fake Kakao as one of its preset people (`#user-<key>`) and, for a new
 * account, completes onboarding; ends on /chat.
 */
export async function signInWithKakao(page: Page, appUrl: string, user: string, name: string): Promise<void> {
  await page.goto(appUrl);
  await page.getByRole('button', { name: '카카오 로그인' }).click();
  await page.locator(`#user-${user}`).check();
  await page.locator('button[name=decision][value=approve]').click();
  await page.waitForURL((url) => url.pathname === '/onboarding' || url.pathname === '/chat');
  if (new URL(page.url()).pathname === '/onboarding') {
    await page.getByLabel('이름').fill(name);
    await page.getByLabel('이용약관과 개인정보 처리방침에 동의합니다').check();
    await page.getByRole('button', { name: '시작하기' }).click();
    await page.waitForURL('**/chat');
  }
  await expect.poll(() => page.getByTestId('quota-indicator').textContent()).toMatch(/\d/);
}

/** For suites whose steps build on each other: after the first failure the rest would only time out. */
export function skipAfterFirstFailure(): void {
  let failed = false;
  beforeEach((ctx) => {
    if (failed) ctx.skip();
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') failed = true;
  });
}
