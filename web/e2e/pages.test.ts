import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPage, expectSecurityHeaders, seriousViolations, VIEWPORTS } from './page-checks';
import { newKoreanPage, signInWithKakao } from './support/browser';
import { WEB_DIR, type Stack } from './support/stack';
import { browserSuite } from './support/suite';

/**
 * Every page on a phone (390×844, and 360 px for sideways scrolling) and a laptop (1280×800):
 * one h1 and one main, a skip link, a title of its own, no sideways scrolling, axe-core without
 * serious or critical violations, screenshots of both. Then the phone's conversation drawer
 * and the rendering of a Markdown answer (the fake's `markdown` knob).
 */
const SHOTS = join(WEB_DIR, 'test-results', 'pages');

let stack: Stack;
let browser: Browser;
let visitor: Page;
let user: Page;
let userContext: BrowserContext;
let admin: Page;
const titles = new Map<string, string>();
/** Uncaught errors in any page: a render that throws must fail the walk, not leave it waiting. */
const pageErrors: string[] = [];
/** Another host on loopback, as an outside image would be: it counts every request it gets. */
let outside: Server;
let outsideUrl: string;
const outsideRequests: string[] = [];

browserSuite('pages', { shots: SHOTS, workerVars: { ADMIN_EMAILS: 'alice@example.com' } }, async (started) => {
  ({ stack, browser } = started);
  ({ page: visitor } = await newKoreanPage(browser));
  ({ page: user, context: userContext } = await newKoreanPage(browser));
  await userContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.appUrl });
  ({ page: admin } = await newKoreanPage(browser));
  outside = createServer((req, res) => {
    outsideRequests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
  });
  await new Promise<void>((resolve) => outside.listen(0, '127.0.0.1', resolve));
  const address = outside.address();
  if (address === null || typeof address === 'string') throw new Error('the outside server has no port');
  outsideUrl = `http://127.0.0.1:${address.port}`;
  for (const page of [visitor, user, admin]) {
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    // A script, style or request the page's own policy refuses is a page that does not work
    // under it; only the outside host's refusals are expected.
    page.on('console', (message) => {
      const text = message.text();
      if (message.type() === 'error' && text.includes('Content Security Policy') && !text.includes(outsideUrl)) pageErrors.push(`${page.url()}: ${text}`);
    });
  }
});

afterAll(() => {
  outside?.closeAllConnections();
  outside?.close();
});

const composer = (page: Page) => page.getByLabel('메시지', { exact: true });

async function visit(page: Page, path: string, name: string, ready?: (page: Page) => Promise<void>): Promise<void> {
  await page.goto(`${stack.appUrl}${path}`);
  titles.set(name, await checkPage(page, name, SHOTS, ready));
}

/** Sends a message in a new conversation and waits for the whole answer. */
async function ask(page: Page, text: string): Promise<void> {
  await page.getByRole('button', { name: '새 대화' }).click();
  await composer(page).fill(text);
  await composer(page).press('Enter');
  try {
    await expect.poll(() => page.getByTestId('streaming-message').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('assistant-message').count(), { timeout: 30_000, message: pageErrors.join('\n') }).toBe(1);
  } catch (err) {
    await page.screenshot({ path: join(SHOTS, 'ask-failed.png') });
    throw err;
  }
}

describe('every page on a phone and a laptop', () => {
  it('the public pages: landing with its plans, terms, privacy, not found', async () => {
    // Everything the landing page asks for is there: a missing icon is a 404 in every visitor's console.
    const failed: string[] = [];
    const onResponse = (r: Response) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    };
    visitor.on('response', onResponse);
    await visit(visitor, '/', 'landing', async (p) => {
      await expect.poll(() => p.getByTestId('landing-plans').locator('[data-testid^="plan-"]').count(), { timeout: 20_000 }).toBe(3);
    });
    visitor.off('response', onResponse);
    expect(failed).toEqual([]);
    const icon = await visitor.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toMatch(/^\/icon\.svg/);
    const served = await visitor.request.get(`${stack.appUrl}${icon}`);
    expect([served.status(), served.headers()['content-type']]).toEqual([200, 'image/svg+xml']);
    expect(await visitor.getByRole('heading', { level: 1 }).textContent()).toBe('엣지에서 바로 답하는 AI 채팅');
    expect(await visitor.getByTestId('plan-free').textContent()).toContain('동시에 답변 1개');
    await visit(visitor, '/terms', 'terms');
    await visit(visitor, '/privacy', 'privacy');
    const missing = await visitor.goto(`${stack.appUrl}/no-such-page`);
    expect(missing?.status()).toBe(404);
    titles.set('not-found', await checkPage(visitor, 'not-found', SHOTS));
  });

  it('English plural forms: one answer, not "1 answers"', async () => {
    await visitor.goto(stack.appUrl);
    await visitor.getByLabel('언어').selectOption('en');
    await expect.poll(() => visitor.getByTestId('plan-free').textContent()).toContain('1 answer at a time');
    expect(await visitor.getByTestId('plan-pro').textContent()).toContain('3 answers at a time');
    await visitor.getByLabel('Language').selectOption('ko');
  });

  it('onboarding, with the terms and privacy linked from its checkbox', async () => {
    await user.goto(stack.appUrl);
    await user.getByRole('button', { name: '카카오 로그인' }).click();
    await user.locator('#user-minjun').check();
    await user.locator('button[name=decision][value=approve]').click();
    await user.waitForURL('**/onboarding');
    titles.set('onboarding', await checkPage(user, 'onboarding', SHOTS));
    expect(await user.locator('#main').getByRole('link', { name: '이용약관' }).getAttribute('href')).toBe('/terms');
    expect(await user.locator('#main').getByRole('link', { name: '개인정보 처리방침' }).getAttribute('href')).toBe('/privacy');
    await user.getByLabel('이름').fill('김민준');
    await user.getByLabel('이용약관과 개인정보 처리방침에 동의합니다').check();
    await user.getByRole('button', { name: '시작하기' }).click();
    await user.waitForURL('**/chat');
  });

  it('renders a Markdown answer: headings, a table, code blocks with language and copy', async () => {
    await ask(user, '마크다운으로 설명해 주세요 [[fake markdown ttft=50 gap=10]]');
    const answer = user.getByTestId('assistant-message');
    expect(await answer.getByRole('heading', { name: '엣지에서 스트리밍하는 이유' }).count()).toBe(1);
    expect(await answer.getByRole('heading', { name: '장점' }).count()).toBe(1);
    expect(await answer.getByRole('table').count()).toBe(1);
    expect(await answer.getByRole('columnheader').allTextContents()).toEqual(['구간', '목표 p50', '목표 p99']);
    expect(await answer.getByRole('blockquote').count()).toBe(1);
    expect(await answer.getByTestId('code-language').allTextContents()).toEqual(['typescript', 'python']);
    await answer.getByRole('button', { name: 'typescript 코드 복사' }).click();
    await expect.poll(() => answer.getByRole('button', { name: '복사됨' }).count()).toBe(1);
    expect(await user.evaluate(() => navigator.clipboard.readText())).toContain("await fetch('/api/ai/stream'");
    expect(await answer.getByRole('button', { name: '답변 복사' }).count()).toBe(1);
    titles.set('chat', await checkPage(user, 'chat-markdown', SHOTS));
    // The code theme is dark in both modes; in dark mode the page around it must still pass.
    await user.getByRole('button', { name: '어두운 테마' }).click();
    // Polled: right after the switch, buttons are still fading their colours over.
    await expect.poll(() => seriousViolations(user)).toEqual([]);
    await user.screenshot({ path: join(SHOTS, 'chat-markdown-dark-desktop.png'), fullPage: true });
    await user.setViewportSize(VIEWPORTS.phone);
    await user.screenshot({ path: join(SHOTS, 'chat-markdown-dark-phone.png'), fullPage: true });
    await user.setViewportSize(VIEWPORTS.desktop);
    await user.getByRole('button', { name: '밝은 테마' }).click();
  });

  it('on a phone, opens the drawer and switches conversations; the header is a menu', async () => {
    await ask(user, '두 번째 대화입니다');
    await user.setViewportSize(VIEWPORTS.phone);
    // The sidebar is not on the page until the drawer opens; the chat has the whole width.
    await expect.poll(() => user.getByTestId('conversation-list').count()).toBe(0);
    const composerBox = await composer(user).boundingBox();
    expect(composerBox?.width).toBeGreaterThan(VIEWPORTS.phone.width - 120);
    expect(await user.getByRole('navigation', { name: '주 메뉴' }).isVisible()).toBe(false);

    await user.getByRole('button', { name: '대화 목록 열기' }).click();
    const drawer = user.getByRole('dialog');
    await expect.poll(() => drawer.getByTestId('conversation-list').getByRole('listitem').count()).toBe(2);
    expect(await seriousViolations(user)).toEqual([]);
    await user.screenshot({ path: join(SHOTS, 'chat-drawer-phone.png') });
    const rows = drawer.getByTestId('conversation-list').getByRole('listitem');
    const other = rows.filter({ hasNot: user.locator('[aria-current="page"]') }).first().getByRole('link');
    const otherBox = await other.boundingBox();
    expect(otherBox?.height).toBeGreaterThanOrEqual(44);
    await other.click();
    await expect.poll(() => user.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => user.getByTestId('user-message').first().textContent()).toContain('마크다운으로 설명해 주세요');

    await user.getByRole('button', { name: '메뉴 열기' }).click();
    const menu = user.getByRole('dialog');
    await expect.poll(() => menu.getByRole('link', { name: '사용량' }).count()).toBe(1);
    expect(await seriousViolations(user)).toEqual([]);
    await user.screenshot({ path: join(SHOTS, 'menu-phone.png') });
    await menu.getByRole('link', { name: '사용량' }).click();
    await user.waitForURL('**/usage');
    await expect.poll(() => user.getByRole('dialog').count()).toBe(0);
    await user.setViewportSize(VIEWPORTS.desktop);
  });

  it("the signed-in pages: usage, plans (the current one not offered again), billing and Toss's returns, account", async () => {
    await visit(user, '/usage', 'usage', async (p) => {
      await expect.poll(() => p.getByTestId('usage-chart').count(), { timeout: 15_000 }).toBe(1);
    });
    await visit(user, '/plans', 'plans', async (p) => {
      await expect.poll(() => p.getByTestId('plan-free').getByTestId('current-plan').count(), { timeout: 15_000 }).toBe(1);
    });
    expect(await user.getByTestId('plan-free').getByTestId('plan-in-use').isDisabled()).toBe(true);
    expect(await user.getByRole('button', { name: 'Free 선택' }).count()).toBe(0);
    await visit(user, '/billing', 'billing', async (p) => {
      await expect.poll(() => p.getByTestId('billing-plan').textContent(), { timeout: 15_000 }).toBe('Free');
    });
    await visit(user, '/billing/success', 'billing-success');
    await visit(user, '/billing/subscribe', 'billing-subscribe');
    await visit(user, `/billing/fail?code=REJECT_CARD_PAYMENT&message=${encodeURIComponent('한도가 초과되었습니다')}`, 'billing-fail');
    expect(await user.getByTestId('retry-payment').getAttribute('href')).toBe('/plans');
    await visit(user, '/account', 'account', async (p) => {
      await expect.poll(() => p.getByTestId('account-plan').textContent(), { timeout: 15_000 }).toBe('Free');
    });
  });

  it('gives the BFF\'s answers the security headers, its JSON never stored', async () => {
    const signedIn = await user.request.get(`${stack.appUrl}/api/me`);
    expect(signedIn.status()).toBe(200);
    expectSecurityHeaders(signedIn.headers(), 'GET /api/me', 'api');
    const signedOut = await visitor.request.get(`${stack.appUrl}/api/me`);
    expect(signedOut.status()).toBe(401);
    expectSecurityHeaders(signedOut.headers(), 'GET /api/me signed out', 'api');
    const session = await user.request.get(`${stack.appUrl}/api/auth/session`);
    expectSecurityHeaders(session.headers(), 'GET /api/auth/session', 'page');
  });

  it('the console refuses a user with a 403 page that looks like the app', async () => {
    const response = await user.goto(`${stack.appUrl}/admin/users`);
    expect(response?.status()).toBe(403);
    titles.set('forbidden', await checkPage(user, 'forbidden', SHOTS));
    expect(await user.getByRole('heading', { level: 1 }).textContent()).toBe('볼 수 없는 페이지입니다');
  });

  it("the operators' console", async () => {
    await signInWithKakao(admin, stack.appUrl, 'alice', 'Alice');
    await visit(admin, '/admin/users', 'admin-users');
    await admin.getByLabel('이메일, 이름 또는 ID로 검색').fill('minjun');
    await admin.getByRole('button', { name: '검색' }).click();
    await expect.poll(() => admin.getByTestId('admin-users').getByRole('row').count()).toBe(2);
    await admin.getByTestId('admin-users').getByRole('link', { name: '김민준' }).click();
    await admin.waitForURL('**/admin/users/usr_*');
    titles.set('admin-user', await checkPage(admin, 'admin-user', SHOTS));
    await visit(admin, '/admin/plans', 'admin-plans');
    await visit(admin, '/admin/providers', 'admin-providers', async (p) => {
      await expect.poll(() => p.getByTestId('provider-openai').count(), { timeout: 15_000 }).toBe(1);
    });
    await visit(admin, '/admin/models', 'admin-models', async (p) => {
      await expect.poll(() => p.getByTestId('model-gpt-4o-mini').count(), { timeout: 15_000 }).toBe(1);
    });
    await visit(admin, '/admin/usage', 'admin-usage');
    await visit(admin, '/admin/margin', 'admin-margin', async (p) => {
      await expect.poll(() => p.getByTestId('margin-plans').count(), { timeout: 15_000 }).toBe(1);
    });
    await visit(admin, '/admin/audit', 'admin-audit');
  });

  it('shows an image from another host as a link and fetches nothing from it; the policy refuses it too', async () => {
    await user.goto(`${stack.appUrl}/chat`);
    await ask(user, `![고양이](${outsideUrl}/cat.png) ![그림](${outsideUrl}/drawing.svg)`);
    const answer = user.getByTestId('assistant-message');
    await expect.poll(() => answer.getByTestId('markdown-image-link').count()).toBe(2);
    expect(await answer.getByTestId('markdown-image-link').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
      `${outsideUrl}/cat.png`,
      `${outsideUrl}/drawing.svg`,
    ]);
    expect(await user.locator('main img, main svg image, main object, main embed').count()).toBe(0);
    // Were an <img> to slip into the page anyway, img-src keeps the browser from fetching it.
    const attempt = await user.evaluate(
      (src) =>
        new Promise<string>((resolve) => {
          const img = new Image();
          img.onload = () => resolve('loaded');
          img.onerror = () => resolve('refused');
          img.src = src;
        }),
      `${outsideUrl}/probe.png`,
    );
    expect(attempt).toBe('refused');
    expect(outsideRequests).toEqual([]);
  });

  it('throws no error in any page', () => {
    expect(pageErrors).toEqual([]);
  });

  it('gives every page a title of its own', () => {
    const seen = [...titles.values()];
    expect(seen.every((t) => t.length > 0)).toBe(true);
    expect(new Set(seen).size, JSON.stringify(Object.fromEntries(titles))).toBe(seen.length);
  });
});

describe('session expiry', () => {
  it('sends the user to log in and back to where they were', async () => {
    await user.goto(`${stack.appUrl}/chat`);
    await expect.poll(() => user.getByTestId('quota-indicator').textContent(), { timeout: 15_000 }).toMatch(/\d/);
    await userContext.clearCookies();
    await composer(user).fill('세션이 끝난 뒤의 메시지');
    await composer(user).press('Enter');
    // Whichever comes first: the page's own re-read of its data sends the user off, or the
    // refused message offers the way back in.
    const onLogin = () => new URL(user.url()).pathname === '/';
    const login = user.getByTestId('chat-error').getByRole('link', { name: '다시 로그인' });
    await expect.poll(async () => onLogin() || (await login.count()) === 1, { timeout: 20_000 }).toBe(true);
    // The page's re-read may send the user off between the link appearing and the click.
    if (!onLogin()) {
      await login.click().catch((err: unknown) => {
        if (!onLogin()) throw err;
      });
    }
    await user.waitForURL((url) => url.pathname === '/' && url.searchParams.get('callbackUrl') === '/chat', { timeout: 20_000 });
    await user.getByRole('button', { name: '카카오 로그인' }).click();
    await user.locator('#user-minjun').check();
    await user.locator('button[name=decision][value=approve]').click();
    await user.waitForURL((url) => url.pathname === '/chat', { timeout: 20_000 });
  });
});
