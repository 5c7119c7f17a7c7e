import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSidewaysScroll, seriousViolations } from './page-checks';
import { VIEWPORT_ACCOUNTS } from './support/browser';
import { WEB_DIR, type Stack } from './support/stack';
import { browserSuite, viewportPage } from './support/suite';

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

const suite = browserSuite('conversations-work', { shots: SHOTS }, (started) => {
  ({ stack } = started);
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

  /** The conversation the edit step leaves on its edited version, with a line on its path and one off it. */
  let editedConversation: { id: string; onPath: string; offPath: string } | undefined;
  /** What the instructions step saved. */
  let savedInstructions: string | undefined;

  viewportPage(suite, { viewport, user, nickname }, (opened) => ({ page } = opened));

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
    editedConversation = { id: conversationIdIn(url)!, onPath: edited, offPath: second };
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
    savedInstructions = instructions;

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

  /** Opens the conversation's "…" menu in the sidebar (in the drawer on a phone, opened if it is not). */
  async function openMenuOf(id: string): Promise<void> {
    if (phone && (await page.getByRole('dialog').count()) === 0) await page.getByTestId('open-conversations').click();
    const row = page.getByTestId('conversation-list').getByRole('listitem').filter({ has: page.locator(`a[href="/chat/${id}"]`) });
    await row.getByRole('button').click();
  }

  /** Downloads one export from the menu: the file's name and text, as the browser saved them. */
  async function exportFrom(id: string, item: string): Promise<{ name: string; text: string }> {
    await openMenuOf(id);
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: item }).click()]);
    const path = await file.path();
    return { name: file.suggestedFilename(), text: await readFile(path, 'utf8') };
  }

  it("exports the conversation's selected path from its menu, as Markdown and as JSON", async () => {
    const conversation = editedConversation!;
    await page.goto(`${stack.appUrl}/chat/${conversation.id}`);
    await expect.poll(() => userMessages().first().textContent(), PATIENCE).toContain(conversation.onPath);

    await openMenuOf(conversation.id);
    // The menu loads on first use.
    await expect.poll(() => page.getByRole('menuitem', { name: 'Markdown으로 내보내기' }).isVisible(), PATIENCE).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await expectNoSidewaysScroll(page, `export menu (${name})`);
    await page.screenshot({ path: join(SHOTS, `conversations-export-menu-${name}.png`) });
    await page.keyboard.press('Escape');

    const markdown = await exportFrom(conversation.id, 'Markdown으로 내보내기');
    expect(markdown.name).toMatch(/\.md$/);
    expect(markdown.text).toContain(conversation.onPath);
    // The version not selected is not part of the path exported.
    expect(markdown.text).not.toContain(conversation.offPath);
    await page.keyboard.press('Escape');

    const json = await exportFrom(conversation.id, 'JSON으로 내보내기');
    expect(json.name).toMatch(/\.json$/);
    const exported = JSON.parse(json.text) as { id: string; messages: { role: string; content: string }[] };
    expect(exported.id).toBe(conversation.id);
    expect(exported.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(exported.messages[0]?.content).toBe(conversation.onPath);
    expect(exported.messages[1]?.content).toContain(conversation.onPath);
  });

  it('deletes every conversation from the account page after a confirmation, and nothing else of the account', async () => {
    const conversations = () =>
      page.evaluate(async () => ((await (await fetch('/api/conversations?limit=100')).json()) as { items: unknown[] }).items.length);
    const instructions = () => page.evaluate(async () => ((await (await fetch('/api/me/preferences')).json()) as { instructions: string }).instructions);
    await page.goto(`${stack.appUrl}/account`);
    const plan = page.getByTestId('account-plan');
    await expect.poll(() => plan.textContent(), PATIENCE).toMatch(/\S/);
    const planBefore = await plan.textContent();
    const before = await conversations();
    expect(before).toBeGreaterThanOrEqual(3);

    const deleteAll = page.getByRole('button', { name: '모든 대화 삭제' });
    await deleteAll.click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByText('되돌릴 수 없습니다', { exact: false }).count(), PATIENCE).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await expectNoSidewaysScroll(page, `delete-all confirmation (${name})`);
    await page.screenshot({ path: join(SHOTS, `conversations-delete-all-${name}.png`) });
    // The footer's Cancel (the corner's close button is named the same, and comes after it).
    await dialog.getByRole('button', { name: '취소' }).first().click();
    await expect.poll(() => dialog.count(), PATIENCE).toBe(0);
    expect(await conversations()).toBe(before);

    await deleteAll.click();
    await dialog.getByRole('button', { name: '모두 삭제' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: `대화 ${before}개를 삭제했습니다` }).count(), PATIENCE).toBe(1);
    expect(await dialog.count()).toBe(0);
    expect(await conversations()).toBe(0);

    // The rest of the account stays: the plan and the instructions.
    await page.reload();
    await expect.poll(() => plan.textContent(), PATIENCE).toBe(planBefore);
    expect(await instructions()).toBe(savedInstructions);

    await page.goto(`${stack.appUrl}/chat`);
    await openDrawer();
    await expect.poll(() => page.getByText('아직 대화가 없습니다.').count(), PATIENCE).toBe(1);
    expect(await page.getByTestId('conversation-list').getByRole('listitem').count()).toBe(0);
    await page.goto(`${stack.appUrl}/chat/${editedConversation!.id}`);
    await expect.poll(() => page.getByRole('heading', { level: 1, name: '페이지를 찾을 수 없습니다' }).count(), PATIENCE).toBe(1);
  });
});
