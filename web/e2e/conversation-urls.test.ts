import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './page-checks';
import { VIEWPORT_ACCOUNTS } from './support/browser';
import { SUPPORT_EMAIL, WEB_DIR, type Stack } from './support/stack';
import { browserSuite, viewportPage } from './support/suite';

/**
 * The chat as a person reads and writes in it: every conversation at its own URL (given as
 * soon as the Worker names it, under the answer being written), back and forward between
 * them, a deep link to a conversation that is not the user's as the app's 404; the reader's
 * scroll position kept while an answer streams, with a jump to the latest; the keyboard
 * shortcuts and their help; the answering state announced; a prompt too long for the quota
 * left told apart from a used-up quota; a suspended account told whom to write to.
 * Each at a desktop and a phone viewport, each with its own account.
 */
const SHOTS = join(WEB_DIR, 'test-results');
/** How long a poll waits: every step here goes through the app, the Worker and D1 on a busy machine. */
const PATIENCE = { timeout: 15_000 };
const CONVERSATION_URL = /\/chat\/([^/?#]+)$/;

let stack: Stack;
/** The desktop account's first conversation: the phone's account must not be able to open it. */
let othersConversation: string | null = null;

const suite = browserSuite('conversation-urls', { shots: SHOTS }, (started) => {
  ({ stack } = started);
});

function conversationIdIn(url: string): string | null {
  return CONVERSATION_URL.exec(new URL(url).pathname)?.[1] ?? null;
}

describe.each(VIEWPORT_ACCOUNTS)('the chat at $name size', ({ name, viewport, user, nickname }) => {
  let page: Page;
  const phone = viewport.width < 768;
  const composer = () => page.getByLabel('메시지', { exact: true });
  const streaming = () => page.getByTestId('streaming-message');
  const answers = () => page.getByTestId('assistant-message');
  const userMessages = () => page.getByTestId('user-message');
  const status = () => page.getByTestId('chat-status');
  const scroller = () => page.getByTestId('message-scroller');
  const conversationLinks = () => page.getByTestId('conversation-list').getByRole('link');

  async function openDrawer(): Promise<void> {
    if (phone) await page.getByTestId('open-conversations').click();
  }

  async function closeDrawer(): Promise<void> {
    if (phone && (await page.getByRole('dialog').count()) > 0) {
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByRole('dialog').count(), PATIENCE).toBe(0);
    }
  }

  async function send(text: string): Promise<void> {
    await composer().fill(text);
    await composer().press('Enter');
  }

  async function usage(): Promise<{ limit: number; used: number; userId: string }> {
    return page.evaluate(async () => {
      const me = (await (await fetch('/api/me')).json()) as { id: string; quota: { daily: { limit: number; used: number } } };
      return { limit: me.quota.daily.limit, used: me.quota.daily.used, userId: me.id };
    });
  }

  viewportPage(suite, { viewport, user, nickname }, (opened) => ({ page } = opened));

  it('puts a new conversation at its URL as soon as the Worker names it, under the answer being written', async () => {
    // Marks the chat as it is now: a remount would lose the mark.
    await scroller().evaluate((el) => (el.dataset.mark = 'first-mount'));
    await send(`첫 번째 대화입니다 (${name}) [[fake ttft=100 gap=150 tokens=40]]`);
    await expect.poll(() => conversationIdIn(page.url()), { timeout: 15_000 }).not.toBeNull();
    // Named while the answer is still being written, which goes on in the same chat.
    expect(await streaming().count()).toBe(1);
    const early = ((await streaming().textContent()) ?? '').length;
    await expect.poll(async () => ((await streaming().textContent()) ?? '').length, PATIENCE).toBeGreaterThan(early);
    expect(await scroller().getAttribute('data-mark')).toBe('first-mount');
    // The answering state is visible and in a status region, so it is announced.
    expect(await page.getByRole('status').filter({ hasText: '답변 작성 중' }).count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, `chat-url-streaming-${name}.png`) });
    await expect.poll(() => answers().count(), { timeout: 30_000 }).toBe(1);
    expect(await status().textContent()).toBe('');
    if (name === 'desktop') othersConversation = conversationIdIn(page.url());
  });

  it('reloads a conversation at its URL, and the sidebar links to it', async () => {
    const url = page.url();
    const id = conversationIdIn(url);
    await page.reload();
    await expect.poll(() => answers().count(), PATIENCE).toBe(1);
    expect(page.url()).toBe(url);
    expect(await userMessages().first().textContent()).toContain('첫 번째 대화입니다');
    await openDrawer();
    await expect.poll(() => conversationLinks().count(), PATIENCE).toBe(1);
    expect(await conversationLinks().first().getAttribute('href')).toBe(`/chat/${id}`);
    expect(await conversationLinks().first().getAttribute('aria-current')).toBe('page');
    await closeDrawer();
  });

  it('moves between conversations by their links, and back and forward', async () => {
    const first = page.url();
    await openDrawer();
    await page.getByRole('button', { name: '새 대화' }).click();
    await page.waitForURL((url) => url.pathname === '/chat');
    await send(`두 번째 대화입니다 (${name}) [[fake ttft=50 gap=20 tokens=10]]`);
    await expect.poll(() => answers().count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => conversationIdIn(page.url()), PATIENCE).not.toBeNull();
    const second = page.url();
    expect(second).not.toBe(first);

    await openDrawer();
    await expect.poll(() => conversationLinks().count(), PATIENCE).toBe(2);
    await page.getByTestId('conversation-list').getByRole('link', { name: /첫 번째 대화/ }).click();
    await page.waitForURL(first);
    await expect.poll(() => userMessages().first().textContent(), PATIENCE).toContain('첫 번째 대화입니다');
    // Picking a conversation closes the drawer.
    await expect.poll(() => page.getByRole('dialog').count(), PATIENCE).toBe(0);

    await page.goBack();
    await page.waitForURL(second);
    await expect.poll(() => userMessages().first().textContent(), PATIENCE).toContain('두 번째 대화입니다');
    await page.goForward();
    await page.waitForURL(first);
    await expect.poll(() => userMessages().first().textContent(), PATIENCE).toContain('첫 번째 대화입니다');
    await page.screenshot({ path: join(SHOTS, `chat-url-switched-${name}.png`) });
  });

  it("shows the app's not-found page for a conversation that is missing or someone else's", async () => {
    const deepLinks = ['conv_that_does_not_exist', ...(name === 'phone' && othersConversation ? [othersConversation] : [])];
    for (const id of deepLinks) {
      await page.goto(`${stack.appUrl}/chat/${id}`);
      await expect.poll(() => page.getByRole('heading', { level: 1, name: '페이지를 찾을 수 없습니다' }).count(), { message: id, timeout: 15_000 }).toBe(1);
      expect(await page.locator('main').count()).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);
    }
    if (name === 'phone') expect(deepLinks).toHaveLength(2);
    await page.screenshot({ path: join(SHOTS, `chat-url-not-found-${name}.png`) });
    await page.getByRole('link', { name: /채팅으로 가기/ }).click();
    await page.waitForURL((url) => url.pathname === '/chat');
    await expect.poll(() => page.getByRole('heading', { level: 1, name: '채팅' }).count(), { timeout: 15_000 }).toBe(1);
  });

  it("answers a deep link to a missing or someone else's conversation with the HTTP status 404, and the user's own with 200", async () => {
    await page.goto(`${stack.appUrl}/chat`);
    await openDrawer();
    const own = await conversationLinks().first().getAttribute('href');
    await closeDrawer();
    expect(own).toMatch(/^\/chat\/conv_/);
    const ownLoad = await page.goto(`${stack.appUrl}${own}`);
    expect(ownLoad?.status()).toBe(200);
    await expect.poll(() => userMessages().count(), PATIENCE).toBeGreaterThan(0);
    const deepLinks = ['conv_that_does_not_exist', ...(name === 'phone' && othersConversation ? [othersConversation] : [])];
    if (name === 'phone') expect(deepLinks).toHaveLength(2);
    for (const id of deepLinks) {
      const load = await page.goto(`${stack.appUrl}/chat/${id}`);
      expect(load?.status(), id).toBe(404);
      expect(await page.getByRole('heading', { level: 1, name: '페이지를 찾을 수 없습니다' }).count()).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);
    }
    // The server's check answers the page; a link from inside the app still opens the chat.
    await page.getByRole('link', { name: /채팅으로 가기/ }).click();
    await page.waitForURL((url) => url.pathname === '/chat');
    await expect.poll(() => page.getByRole('heading', { level: 1, name: '채팅' }).count(), PATIENCE).toBe(1);
  });

  it('keeps the scroll where the reader put it while an answer streams; "jump to latest" brings them down', async () => {
    await send(`길게 써 주세요 (${name}) [[fake ttft=50 gap=40 tokens=1200]]`);
    const box = scroller();
    await expect.poll(() => box.evaluate((el) => el.scrollHeight - el.clientHeight), { timeout: 30_000 }).toBeGreaterThan(600);
    // Followed to its end while the reader is at the bottom.
    await expect.poll(() => box.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight), PATIENCE).toBeLessThanOrEqual(48);
    const area = await box.boundingBox();
    await page.mouse.move(area!.x + area!.width / 2, area!.y + area!.height / 2);
    await page.mouse.wheel(0, -500);
    await expect.poll(() => page.getByRole('button', { name: '최신 메시지로' }).count(), { timeout: 5_000 }).toBe(1);
    // Chromium scrolls a wheel turn smoothly: the position is read once it has settled.
    await page.waitForTimeout(400);
    const kept = await box.evaluate((el) => el.scrollTop);
    const lengthThen = ((await streaming().textContent()) ?? '').length;
    await page.waitForTimeout(1_000);
    // The answer went on growing, and the page stayed where the reader put it.
    expect(((await streaming().textContent()) ?? '').length).toBeGreaterThan(lengthThen);
    expect(Math.abs((await box.evaluate((el) => el.scrollTop)) - kept)).toBeLessThanOrEqual(2);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `chat-scroll-kept-${name}.png`) });

    await page.getByRole('button', { name: '최신 메시지로' }).click();
    await expect.poll(() => box.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight), PATIENCE).toBeLessThanOrEqual(48);
    await expect.poll(() => page.getByRole('button', { name: '최신 메시지로' }).count(), PATIENCE).toBe(0);

    // Escape is the Stop shortcut, wherever the focus is.
    await page.locator('h1').evaluate((el) => (el as HTMLElement).blur());
    await page.keyboard.press('Escape');
    await expect.poll(() => streaming().count(), { timeout: 15_000 }).toBe(0);
    expect(await page.getByText('답변을 중지했습니다.').count()).toBe(1);
  });

  it('has keyboard shortcuts for a new chat, the message box and the conversations, listed in a help dialog', async () => {
    // The help: from its button, and from Ctrl+/.
    await page.getByRole('button', { name: '키보드 단축키' }).click();
    const help = page.getByRole('dialog', { name: '키보드 단축키' });
    await expect.poll(() => help.count(), { timeout: 10_000 }).toBe(1);
    for (const action of ['새 대화', '메시지 입력란으로', '답변 중지', '대화 목록 찾기']) expect(await help.getByText(action, { exact: true }).count(), action).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `chat-shortcuts-${name}.png`) });
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count(), PATIENCE).toBe(0);
    await page.keyboard.press('Control+/');
    await expect.poll(() => help.count(), PATIENCE).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count(), PATIENCE).toBe(0);

    // Search: the sidebar's search box gets the focus (in the drawer on a phone).
    await page.keyboard.press('Control+k');
    await expect.poll(() => page.evaluate(() => document.activeElement?.matches('input[type=search][data-conversation-search]') ?? false), PATIENCE).toBe(true);
    if (phone) expect(await page.getByRole('dialog').count()).toBe(1);
    await closeDrawer();

    // The message box, from anywhere.
    await page.locator('h1').evaluate((el) => (el as HTMLElement).blur());
    await page.keyboard.press('Shift+Escape');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), PATIENCE).toBe('composer');

    // A new chat.
    await page.keyboard.press('Control+Shift+O');
    await page.waitForURL((url) => url.pathname === '/chat');
    await expect.poll(() => userMessages().count(), PATIENCE).toBe(0);
  });

  it('tells a prompt too long for the quota left from a used-up quota', async () => {
    const { limit, used, userId } = await usage();
    const leave = 3_000;
    await stack.sql(
      `INSERT INTO usage_events (id, user_id, trace_id, model, prompt_tokens, completion_tokens, total_tokens, estimated, status, duration_ms, created_at) VALUES ('use_urls_${name}', '${userId}', 'trace-e2e', 'gpt-4o-mini', 0, ${limit - used - leave}, ${limit - used - leave}, 0, 'ok', 1, ${Date.now()})`,
    );
    const text = `너무 긴 질문 (${name}) ${'가나다라 '.repeat(5_000)}`;
    await send(text);
    const error = page.getByTestId('chat-error');
    await expect.poll(() => error.locator('[data-error-code]').getAttribute('data-error-code'), { timeout: 15_000 }).toBe('prompt_too_large');
    expect(await error.textContent()).toContain('남은 사용 한도보다 깁니다');
    expect(await error.textContent()).not.toContain('사용 한도를 모두 썼습니다');
    expect(await page.getByTestId('failed-message').textContent()).toContain('너무 긴 질문');
    await page.screenshot({ path: join(SHOTS, `chat-prompt-too-large-${name}.png`) });
    // A short message still fits.
    await page.getByTestId('failed-message').getByRole('button', { name: '수정' }).click();
    await send(`짧게 (${name}) [[fake tokens=5]]`);
    await expect.poll(() => answers().count(), { timeout: 30_000 }).toBe(1);
  });

  it('gives a suspended account the address of support, inline and on the page', async () => {
    const { userId } = await usage();
    await stack.sql(`UPDATE users SET suspended_at = ${Date.now()}, suspended_reason = 'e2e' WHERE id = '${userId}'`);
    const text = `정지된 뒤에 (${name})`;
    await send(text);
    const error = page.getByTestId('chat-error');
    await expect.poll(() => error.locator('[data-error-code]').getAttribute('data-error-code'), PATIENCE).toBe('account_suspended');
    expect(await error.getByRole('link', { name: SUPPORT_EMAIL }).getAttribute('href')).toBe(`mailto:${SUPPORT_EMAIL}`);
    // The chat stays, and with it what the user typed.
    expect(await page.getByTestId('failed-message').textContent()).toContain(text);
    await page.screenshot({ path: join(SHOTS, `chat-suspended-inline-${name}.png`) });

    // Any other page is the suspended page.
    await page.goto(`${stack.appUrl}/usage`);
    const notice = page.getByTestId('suspended');
    await expect.poll(() => notice.count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('계정이 정지되었습니다');
    expect(await notice.getByRole('link', { name: SUPPORT_EMAIL }).getAttribute('href')).toBe(`mailto:${SUPPORT_EMAIL}`);
    expect(await page.locator('h1').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `chat-suspended-${name}.png`) });
  });
});
