import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { VIEWPORT_ACCOUNTS } from './support/browser';
import { WEB_DIR, type Stack } from './support/stack';
import { browserSuite, viewportPage } from './support/suite';

/**
 * Nothing the user typed is lost: a message refused or failed before its answer stays on
 * screen with the reason and what to do about it, Send cannot be fired twice (nor turned into
 * a Stop by a double-click), and a message over the limit is stopped at the composer, uncut.
 * Each at a desktop and a phone viewport, each with its own account.
 */
const SHOTS = join(WEB_DIR, 'test-results');

let stack: Stack;

const suite = browserSuite('never-lose', { shots: SHOTS }, (started) => {
  ({ stack } = started);
});

/** Makes every upstream answer of the fake OpenAI fail with `status`, or (null) answer again. */
async function failUpstream(status: number | null): Promise<void> {
  const res = await fetch(`${stack.openaiUrl}/__fake/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status }) });
  expect(res.ok).toBe(true);
}

async function upstreamRequests(): Promise<number> {
  return ((await (await fetch(`${stack.openaiUrl}/__fake/stats`)).json()) as { requests: number }).requests;
}

describe.each(VIEWPORT_ACCOUNTS)('never losing a message at $name size', ({ name, viewport, user, nickname }) => {
  let page: Page;
  const composer = () => page.getByLabel('메시지', { exact: true });
  const userMessages = () => page.getByTestId('user-message');
  const answers = () => page.getByTestId('assistant-message');
  const streaming = () => page.getByTestId('streaming-message');
  const error = () => page.getByTestId('chat-error');
  const sendButton = () => page.locator('form button[type=submit]');

  async function newChat(): Promise<void> {
    if (viewport.width < 768) {
      await page.getByTestId('open-conversations').click();
      await page.getByRole('dialog').getByRole('button', { name: '새 대화' }).click();
    } else {
      await page.getByRole('button', { name: '새 대화' }).click();
    }
    await expect.poll(() => userMessages().count()).toBe(0);
  }

  viewportPage(suite, { viewport, user, nickname }, (opened) => ({ page } = opened));

  afterAll(async () => {
    await failUpstream(null).catch(() => {});
  });

  it('keeps the message when the provider fails, and Retry answers it', async () => {
    await newChat();
    await failUpstream(500);
    const text = `제공자가 실패해도 남나요? (${name})`;
    await composer().fill(text);
    await composer().press('Enter');
    await expect.poll(() => error().textContent(), { timeout: 20_000 }).toContain('AI 제공자');
    expect(await error().textContent()).toMatch(/추적 ID: \S{8,}/);
    // The Worker stored it before the provider failed: it is the conversation's message now.
    await expect.poll(() => userMessages().last().textContent()).toContain(text);
    expect(await page.getByText('무엇이든 물어보세요.').count()).toBe(0);
    // It failed before its first word: the failure says so, not an empty answer.
    expect(await answers().count()).toBe(0);
    expect(await streaming().count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, `never-lose-provider-failed-${name}.png`) });

    await failUpstream(null);
    await error().getByRole('button', { name: '다시 시도' }).click();
    await expect.poll(async () => (await answers().count()) > 0 && (await answers().last().textContent()), { timeout: 30_000 }).toContain('You said');
    await expect.poll(() => streaming().count()).toBe(0);
    expect(await error().count()).toBe(0);
    expect(await userMessages().count()).toBe(1);
  });

  it('sends a double-clicked message exactly once, and does not stop it', async () => {
    await newChat();
    const before = await upstreamRequests();
    const text = `두 번 눌러도 한 번만 [[fake ttft=300 gap=30 tokens=20]] (${name})`;
    await composer().fill(text);
    await sendButton().dblclick();
    await expect.poll(() => answers().count(), { timeout: 30_000 }).toBe(1);
    expect(await streaming().count()).toBe(0);
    expect(await page.getByText('답변을 중지했습니다.').count()).toBe(0);
    expect(await userMessages().count()).toBe(1);
    expect(await upstreamRequests()).toBe(before + 1);
    // The answer ran to its end: the fake's 20 words after the quote of the question.
    expect(await answers().last().textContent()).toContain('You said');
    expect(await composer().inputValue()).toBe('');
  });

  it('stops a 40,000-character paste at the composer, uncut, with a counter', async () => {
    await newChat();
    const long = '가'.repeat(40_000);
    await composer().fill(long);
    const counter = page.getByTestId('composer-count');
    await expect.poll(() => counter.textContent()).toContain('40,000 / 32,000');
    expect(await counter.textContent()).toContain('8,000자를 줄여야');
    expect(await sendButton().isDisabled()).toBe(true);
    expect((await composer().inputValue()).length).toBe(40_000);
    await composer().press('Enter');
    expect(await userMessages().count()).toBe(0);
    // The composer grew with its content, up to its limit.
    const height = await composer().evaluate((el) => el.getBoundingClientRect().height);
    expect(height).toBeGreaterThan(100);
    expect(height).toBeLessThanOrEqual(200);
    await page.screenshot({ path: join(SHOTS, `never-lose-too-long-${name}.png`) });
    // Back under the limit, it can be sent again.
    await composer().fill('');
    expect(await page.getByTestId('composer-count').count()).toBe(0);
  });

  it('re-attaches a page reloaded between Send and the Worker naming the new conversation', async () => {
    await newChat();
    const conversations = () => page.evaluate(async () => ((await (await fetch('/api/conversations?limit=100')).json()) as { items: { id: string }[] }).items.length);
    const before = await conversations();
    // The browser is kept from seeing the stream's answer (so no `meta` reaches the page) while
    // the request itself goes on to the Worker, which stores the message and starts the answer.
    await page.route(
      '**/api/ai/stream',
      async (route) => {
        await route.fetch().catch(() => undefined);
      },
      { times: 1 },
    );
    const text = `보내자마자 새로고침해도 이어지나요? (${name}) [[fake ttft=200 gap=80 tokens=40]]`;
    await composer().fill(text);
    await composer().press('Enter');
    await expect.poll(conversations, { timeout: 20_000 }).toBe(before + 1);
    expect(new URL(page.url()).pathname).toBe('/chat');
    await page.reload();

    await page.waitForURL(/\/chat\/conv_[^/]+$/, { timeout: 20_000 });
    await expect.poll(() => userMessages().last().textContent(), { timeout: 20_000 }).toContain('보내자마자 새로고침해도');
    await expect.poll(async () => (await answers().count()) > 0 && (await answers().last().textContent()), { timeout: 30_000 }).toContain('You said');
    expect(await userMessages().count()).toBe(1);
    expect(await error().count()).toBe(0);
    // The text is stored, so the composer let go of it; and it was sent once.
    expect(await composer().inputValue()).toBe('');
    expect(await conversations()).toBe(before + 1);
    await page.screenshot({ path: join(SHOTS, `never-lose-reload-before-named-${name}.png`) });
  });

  it('keeps the message when the quota is used up, with the way to a bigger plan', async () => {
    const me = await page.evaluate(async () => (await fetch('/api/me')).json());
    const userId = (me as { id: string }).id;
    await stack.sql(
      `INSERT INTO usage_events (id, user_id, trace_id, model, prompt_tokens, completion_tokens, total_tokens, estimated, status, duration_ms, created_at) VALUES ('use_never_lose_${name}', '${userId}', 'trace-e2e', 'gpt-4o-mini', 0, 100000000, 100000000, 0, 'ok', 1, ${Date.now()})`,
    );
    await newChat();
    const text = `한도가 끝나도 남나요? (${name})`;
    await composer().fill(text);
    await composer().press('Enter');
    await expect.poll(() => error().textContent(), { timeout: 15_000 }).toContain('사용 한도를 모두 썼습니다');
    expect(await error().locator('[data-error-code]').getAttribute('data-error-code')).toBe('quota_exceeded');
    expect(await error().textContent()).toMatch(/추적 ID: \S{8,}/);
    const failed = page.getByTestId('failed-message');
    expect(await failed.textContent()).toContain(text);
    expect(await page.getByText('무엇이든 물어보세요.').count()).toBe(0);
    expect(await error().getByRole('link', { name: '요금제 보기' }).getAttribute('href')).toBe('/plans');
    // Not stored, so not in the composer twice: Edit puts it back.
    expect(await composer().inputValue()).toBe('');
    await page.screenshot({ path: join(SHOTS, `never-lose-quota-${name}.png`) });
    await failed.getByRole('button', { name: '수정' }).click();
    expect(await composer().inputValue()).toBe(text);
    expect(await failed.count()).toBe(0);
  });
});
