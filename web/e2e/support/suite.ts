import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, newKoreanPage, signInWithKakao, skipAfterFirstFailure, type ViewportAccount } from './browser';
import { startStack, type Stack } from './stack';

/** What a browser file has started; read only once its `beforeAll` has run. */
export type StartedSuite = { readonly stack: Stack; readonly browser: Browser };

/**
 * The set-up every browser file shares: before all, the screenshot folder, the stack and
 * Chromium, then `ready` (the file's own pages and listeners); after all, the browser closed
 * and the stack stopped, in that order, also after a failed start; and, since each file's
 * steps build on each other, the rest skipped after the first failure. Returns the started
 * stack and browser, for `viewportPage`.
 */
export function browserSuite(
  name: string,
  options: { shots: string; workerVars?: Record<string, string> },
  ready: (started: { stack: Stack; browser: Browser }) => Promise<void> | void,
): StartedSuite {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    mkdirSync(options.shots, { recursive: true });
    stack = await startStack(name, { workerVars: options.workerVars });
    browser = await launchBrowser();
    await ready({ stack, browser });
  }, 300_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await stack?.stop();
  });

  skipAfterFirstFailure();

  const notStarted = () => new Error(`the ${name} suite has not started`);
  return {
    get stack() {
      if (!stack) throw notStarted();
      return stack;
    },
    get browser() {
      if (!browser) throw notStarted();
      return browser;
    },
  };
}

/**
 * The set-up of a `describe` for one size and its account (`VIEWPORT_ACCOUNTS`): before all, a
 * Korean context at that size and its page (`prepare` runs on the context first), handed to
 * `opened`; after all, the context closed; and the first step, "signs in" through the fake
 * Kakao, which ends on /chat.
 */
export function viewportPage(
  suite: StartedSuite,
  account: Pick<ViewportAccount, 'viewport' | 'user' | 'nickname'>,
  opened: (session: { context: BrowserContext; page: Page }) => void,
  prepare?: (context: BrowserContext) => Promise<unknown>,
): void {
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    ({ context, page } = await newKoreanPage(suite.browser, account.viewport, prepare));
    opened({ context, page });
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
  });

  it('signs in', async () => {
    if (!page) throw new Error('no page was opened');
    await signInWithKakao(page, suite.stack.appUrl, account.user, account.nickname);
    expect(new URL(page.url()).pathname).toBe('/chat');
  });
}
