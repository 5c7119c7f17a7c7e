import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './page-checks';
import { signInWithKakao, VIEWPORT_ACCOUNTS } from './support/browser';
import { WEB_DIR, type Stack } from './support/stack';
import { browserSuite } from './support/suite';

/**
 * Working with conversations as a person does: a question edited in place gets a new answer,
 * and the version switcher under it goes back to the question as first asked, with its
 * answer; the sidebar's search finds a word inside a Korean compound, highlights it and links
 * to the conversation; custom instructions saved on /settings go with the next question to
 * the model. Each at a desktop and a phone viewport, each with its own account.
 */
const SHOTS = join(WEB_DIR, 'test-results');
/** How long a poll waits: every step here goes through the app, the Worker and D1 on a busy machine. */
const PATIENCE = { timeout: 15_000 };
/** An answer is a stream from the fake OpenAI through the Worker: slower than one request. */
const ANSWER_PATIENCE = { timeout: 30_000 };
const CONVERSATION_URL = /\/chat\/([^/?#]+)$/;

let stack: Stack;
let browser: Browser;

browserSuite('conversations-work', { shots: SHOTS }, (started) => {
  ({ stack, browser } = started);
});

function conversationIdIn(url: string): string | null {
  return CONVERSATION_URL.exec(new URL(url).pathname)?.[1] ?? null;
}

/** One chat completion request as the fake OpenAI records it (`/__fake/stats`). */
type UpstreamRequest = { prompt: { role: string; content: string }[] };

/** The requests the fake OpenAI received, read over loopback: what the model was sent. */
async function upstreamRequests(): Promise<UpstreamRequest[]> {
  const res = await fetch(`${stack.openaiUrl}/__fake/stats`);
  return ((await res.json()) as { lastRequests: UpstreamRequest[] }).lastRequests;
}

describe.each(VIEWPORT_ACCOUNTS)('conversations at $name size', ({ name, viewport, user, nickname }) => {
  let context: BrowserContext;
  let page: Page;
  const phone = viewport.width < 768;
  const composer = () => page.getByLabel('메시지', { exact: true });
  const streaming = () => page.getByTestId('streaming-message');
  const answers = () => page.getByTestId('assistant-message');
  const userMessages = () => page.getByTestId('user-message');

  async function openDrawer(): Promise<void> {
    if (phone) await page.getByTestId('open-conversations').click();
  }

  async function send(text: string): Promise<void> {
    await composer().fill(text);
    await composer().press('Enter');
  }

  /** Sends a message and waits until its answer is written and the chat has `count` answers. */
  async function ask(text: string, count: number): Promise<void> {
    await send(text);
    await expect.poll(() => answers().count(), ANSWER_PATIENCE).toBe(count);
    await expect.poll(() => streaming().count(), PATIENCE).toBe(0);
  }

  async function newChat(): Promise<void> {
    await page.goto(`${stack.appUrl}/chat`);
    await expect.poll(() => userMessages().count(), PATIENCE).toBe(0);
  }

  beforeAll(async () => {
    context = await browser.newContext({ locale: 'ko-KR', viewport });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
  });

  it('signs in', async () => {
    await signInWithKakao(page, stack.appUrl, user, nickname);
    expect(new URL(page.url()).pathname).toBe('/chat');
  });

  it('edits an earlier question in place for a new answer; the version switcher goes back to the first question and its answer', async () => {
    const first = `첫 질문 사과 (${name})`;
    const second = `둘째 질문 포도 (${name})`;
    const edited = `고친 질문 바나나 (${name})`;
    await ask(first, 1);
    await ask(second, 2);
    const url = page.url();
    expect(conversationIdIn(url)).not.toBeNull();

    await userMessages().first().getByRole('button', { name: '메시지 수정' }).click();
    const editor = page.getByRole('textbox', { name: '메시지 수정' });
    expect(await editor.inputValue()).toBe(first);
    await editor.fill(edited);
    await editor.press('Enter');

    // The edit is a new branch from the first question: its answer, and nothing after it.
    await expect.poll(() => userMessages().count(), ANSWER_PATIENCE).toBe(1);
    await expect.poll(() => answers().count(), ANSWER_PATIENCE).toBe(1);
    await expect.poll(() => streaming().count(), ANSWER_PATIENCE).toBe(0);
    expect(await userMessages().first().textContent()).toContain(edited);
    await expect.poll(() => answers().first().textContent(), PATIENCE).toContain(edited);
    expect(page.url()).toBe(url);

    const versions = () => userMessages().first().getByTestId('message-versions');
    await expect.poll(() => versions().textContent(), PATIENCE).toBe('2 / 2');
    expect(await versions().getByLabel('버전 2 / 2').count()).toBe(1);
    expect(await versions().getByRole('button', { name: '다음 버전' }).isDisabled()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `conversations-edited-${name}.png`) });

    await versions().getByRole('button', { name: '이전 버전' }).click();
    await expect.poll(() => userMessages().first().textContent(), PATIENCE).toContain(first);
    await expect.poll(() => versions().textContent(), PATIENCE).toBe('1 / 2');
    await expect.poll(() => answers().first().textContent(), PATIENCE).toContain(first);
    // The first version's branch as it was, the later question and its answer included.
    await expect.poll(() => userMessages().count(), PATIENCE).toBe(2);
    expect(await userMessages().nth(1).textContent()).toContain(second);
    expect(await answers().nth(1).textContent()).toContain(second);
    await page.screenshot({ path: join(SHOTS, `conversations-first-version-${name}.png`) });

    // Kept by the Worker, not only on screen.
    await page.reload();
    await expect.poll(() => userMessages().first().textContent(), PATIENCE).toContain(first);
    await expect.poll(() => versions().textContent(), PATIENCE).toBe('1 / 2');

    await versions().getByRole('button', { name: '다음 버전' }).click();
    await expect.poll(() => userMessages().first().textContent(), PATIENCE).toContain(edited);
    await expect.poll(() => userMessages().count(), PATIENCE).toBe(1);
    expect(await answers().first().textContent()).toContain(edited);
  });

  it('finds a word inside a Korean compound from the sidebar search, highlighted, and opens its conversation', async () => {
    await newChat();
    await ask(`바다낚시 좋아해요 (${name})`, 1);
    await expect.poll(() => conversationIdIn(page.url()), PATIENCE).not.toBeNull();
    const fishing = conversationIdIn(page.url());
    await newChat();

    await openDrawer();
    await page.getByRole('searchbox', { name: '대화 검색' }).fill('낚시');
    const results = page.getByTestId('search-results');
    await expect.poll(() => results.getByRole('link').count(), PATIENCE).toBe(1);
    const result = results.getByRole('link');
    expect(await result.getAttribute('href')).toBe(`/chat/${fishing}`);
    await expect.poll(() => result.locator('mark').allTextContents(), PATIENCE).toContain('낚시');
    expect(await result.textContent()).toContain('바다낚시');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `conversations-search-${name}.png`) });

    await result.click();
    await page.waitForURL((url) => url.pathname === `/chat/${fishing}`);
    await expect.poll(() => userMessages().first().textContent(), PATIENCE).toContain('바다낚시 좋아해요');
  });

  it('sends the custom instructions saved on /settings with the next question', async () => {
    const instructions = `항상 존댓말로 세 문장 이내로 답해 주세요 (${name})`;
    await page.goto(`${stack.appUrl}/settings`);
    const field = page.getByLabel('어떻게 답하면 좋을지 알려 주세요');
    await field.fill(instructions);
    await page.getByRole('button', { name: '저장' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: '저장했습니다' }).count(), PATIENCE).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, `conversations-instructions-${name}.png`) });
    await page.reload();
    await expect.poll(() => field.inputValue(), PATIENCE).toBe(instructions);

    await newChat();
    const question = `지침이 갔나요 (${name})`;
    await ask(question, 1);
    // The fake echoes the question, not the system message: the model's side shows the rest.
    expect(await answers().first().textContent()).toContain(question);
    const sent = (await upstreamRequests()).filter((r) => r.prompt.at(-1)?.role === 'user' && r.prompt.at(-1)?.content.includes(question));
    expect(sent).toHaveLength(1);
    const system = sent[0]?.prompt.find((m) => m.role === 'system')?.content ?? '';
    expect(system).toContain(instructions);
  });
});
