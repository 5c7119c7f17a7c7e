import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { VIEWPORT_ACCOUNTS } from './support/browser';
import { WEB_DIR, type Stack } from './support/stack';
import { browserSuite, viewportPage } from './support/suite';

/**
 * Answers outlive the page's connection (contract section 6): a reload mid-answer comes back
 * to it and sees it end whole, Stop keeps the partial answer (also after a reload), a second
 * tab follows the same answer, and a dropped connection picks the answer up where it was. Each at
 * a desktop and a phone viewport, each with its own account.
 */
const SHOTS = join(WEB_DIR, 'test-results');

let stack: Stack;

const suite = browserSuite('generations', { shots: SHOTS }, (started) => {
  ({ stack } = started);
});

/** An answer's text as the reader sees it (without the screen-reader labels and its copy button), spaces normalised. */
function answerText(bubble: Locator): Promise<string> {
  return bubble.evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    // Controls (the copy buttons) are no answer text.
    copy.querySelectorAll('.sr-only, button').forEach((n) => n.remove());
    return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
  });
}

/** The conversation the tab has open (its URL, `/chat/<id>`) and its stored last answer. */
async function storedAnswer(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const id = /^\/chat\/([^/]+)$/.exec(location.pathname)?.[1];
    if (!id) throw new Error('no conversation is open');
    const detail = (await (await fetch(`/api/conversations/${encodeURIComponent(id)}`)).json()) as { messages: { role: string; content: string }[] };
    return (detail.messages.filter((m) => m.role === 'assistant').at(-1)?.content ?? '').replace(/\s+/g, ' ').trim();
  });
}

/** What `installDropHooks` adds to a page. */
type DropHooks = { __followedFrom: string[]; __dropStreams: () => void };

/**
 * Runs in every page before its scripts: each answer stream the page reads can be failed on
 * demand (`__dropStreams()`), the way a dropped network fails a read, and the `Last-Event-ID`
 * each stream request carried ('-' for none) is kept in `__followedFrom`.
 */
function installDropHooks(): void {
  const hooks = window as unknown as DropHooks;
  const open = new Set<(err: Error) => void>();
  hooks.__followedFrom = [];
  hooks.__dropStreams = () => open.forEach((fail) => fail(new TypeError('network error')));
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!/\/api\/ai\/(?:stream|generations\/[^/]+\/stream)/.test(url)) return original(input, init);
    hooks.__followedFrom.push(new Headers(init?.headers).get('Last-Event-ID') ?? '-');
    const res = await original(input, init);
    if (!res.body) return res;
    const reader = res.body.getReader();
    let fail: (err: Error) => void = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        fail = (err) => {
          open.delete(fail);
          void reader.cancel().catch(() => {});
          controller.error(err);
        };
        open.add(fail);
      },
      async pull(controller) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (!open.has(fail)) return;
        if (done) {
          open.delete(fail);
          controller.close();
        } else controller.enqueue(value);
      },
      cancel: (reason) => {
        open.delete(fail);
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

const THINKING = '생각하는 중…';

describe.each(VIEWPORT_ACCOUNTS)('durable answers at $name size', ({ name, viewport, user, nickname }) => {
  let context: BrowserContext;
  let page: Page;
  const composer = (p: Page = page) => p.getByLabel('메시지', { exact: true });
  const streaming = (p: Page = page) => p.getByTestId('streaming-message');
  const answers = (p: Page = page) => p.getByTestId('assistant-message');

  /** Starts a new conversation with `message` and waits until some of the answer is on screen. */
  async function ask(message: string): Promise<void> {
    // Below md the conversations, and their New chat, are in the drawer.
    if (viewport.width < 768) await page.getByTestId('open-conversations').click();
    await page.getByRole('button', { name: '새 대화' }).click();
    await composer().fill(message);
    await composer().press('Enter');
    await expect.poll(async () => (await answerText(streaming())).length, { timeout: 20_000 }).toBeGreaterThan(20);
  }

  /** Samples the streaming answer until it ends; every sample must begin what ends up stored. */
  async function samplesUntilEnd(p: Page): Promise<string[]> {
    const samples: string[] = [];
    const deadline = Date.now() + 60_000;
    while ((await streaming(p).count()) > 0 && Date.now() < deadline) {
      samples.push(await answerText(streaming(p)).catch(() => ''));
      await p.waitForTimeout(300);
    }
    // Before its first word an answer shows the "thinking" placeholder, which is no answer text.
    return samples.filter((sample) => sample && sample !== THINKING);
  }

  viewportPage(suite, { viewport, user, nickname }, (opened) => ({ context, page } = opened), (c) => c.addInitScript(installDropHooks));

  it('comes back to the answer after reloads mid-answer and sees it end whole, nothing repeated', async () => {
    await ask('재접속해도 이어지나요? [[fake gap=200 tokens=60]]');
    const before = await answerText(streaming());
    await page.reload();
    // The page attaches to the answer still being written and shows it from its beginning.
    await expect.poll(() => streaming().count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(async () => (await answerText(streaming())).length).toBeGreaterThan(before.length);
    const afterFirst = await answerText(streaming());
    await page.reload();
    const samples = await samplesUntilEnd(page);
    await expect.poll(() => answers().count(), { timeout: 30_000 }).toBe(1);
    expect(await streaming().count()).toBe(0);

    const stored = await storedAnswer(page);
    const shown = await answerText(answers().last());
    expect(shown).toBe(stored);
    // The fake's answer is exactly `tokens` words; the quote of the question opens it, once.
    expect(stored.split(' ')).toHaveLength(60);
    expect(stored.match(/You said/g)).toHaveLength(1);
    for (const sample of [before, afterFirst, ...samples]) expect(stored.startsWith(sample), `"${sample}" begins the stored answer`).toBe(true);
    await page.screenshot({ path: join(SHOTS, `generations-reloaded-${name}.png`) });
  });

  it('keeps the partial answer on screen after Stop, and after a reload', async () => {
    await ask('길게 써 주세요 [[fake gap=200 tokens=300]]');
    const before = await answerText(streaming());
    await page.getByRole('button', { name: '중지' }).click();
    await expect.poll(() => streaming().count(), { timeout: 15_000 }).toBe(0);
    expect(await page.getByText('답변을 중지했습니다.').count()).toBe(1);
    await expect.poll(() => answers().count()).toBe(1);
    const partial = await answerText(answers().last());
    expect(partial.startsWith(before)).toBe(true);
    expect(partial.split(' ').length).toBeLessThan(300);
    expect(await storedAnswer(page)).toBe(partial);
    // Settled: nothing is held against the quota any more.
    const reserved = () => page.evaluate(async () => ((await (await fetch('/api/me')).json()) as { quota: { daily: { reserved: number } } }).quota.daily.reserved);
    await expect.poll(reserved, { timeout: 15_000, interval: 500 }).toBe(0);

    await page.reload();
    await expect.poll(() => answers().count()).toBe(1);
    expect(await answerText(answers().last())).toBe(partial);
    expect(await streaming().count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, `generations-stopped-${name}.png`) });
  });

  it('finishes an answer while the user is on another page, and shows it whole on return', async () => {
    await ask('다른 페이지에 다녀와도 되나요? [[fake gap=100 tokens=40]]');
    await page.waitForURL(/\/chat\/[^/]+$/);
    const conversationUrl = page.url();
    // Below md the header's links are in its menu.
    if (viewport.width < 768) await page.getByRole('button', { name: '메뉴 열기' }).click();
    await page.getByRole('link', { name: '사용량' }).click();
    await page.waitForURL('**/usage');
    // Longer than the rest of the answer takes: it ends on the server with nobody following it.
    await page.waitForTimeout(5_000);
    await page.goto(conversationUrl);
    await expect.poll(() => answers().count()).toBe(1);
    expect(await streaming().count()).toBe(0);
    const stored = await storedAnswer(page);
    expect(stored.split(' ')).toHaveLength(40);
    expect(await answerText(answers().last())).toBe(stored);
  });

  it('lets a second tab follow the same answer', async () => {
    await ask('두 탭에서 봐도 같나요? [[fake gap=200 tokens=50]]');
    const second = await context.newPage();
    try {
      // The conversation's URL, opened in a second tab.
      await page.waitForURL(/\/chat\/[^/]+$/);
      await second.goto(page.url());
      await expect.poll(() => streaming(second).count(), { timeout: 15_000 }).toBe(1);
      const [firstSamples, secondSamples] = await Promise.all([samplesUntilEnd(page), samplesUntilEnd(second)]);
      await expect.poll(() => answers(second).count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
      await expect.poll(() => answers().count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
      const stored = await storedAnswer(page);
      expect(stored.split(' ')).toHaveLength(50);
      expect(await answerText(answers().last())).toBe(stored);
      expect(await answerText(answers(second).last())).toBe(stored);
      expect(secondSamples.length).toBeGreaterThan(0);
      for (const sample of [...firstSamples, ...secondSamples]) expect(stored.startsWith(sample), `"${sample}" begins the stored answer`).toBe(true);
      await second.screenshot({ path: join(SHOTS, `generations-second-tab-${name}.png`) });
    } finally {
      await second.close();
    }
  });

  it('picks the answer up where it was after a dropped connection, and after the network comes back', async () => {
    const followedFrom = () => page.evaluate(() => (window as unknown as DropHooks).__followedFrom);
    await page.evaluate(() => ((window as unknown as DropHooks).__followedFrom = []));
    await ask('연결이 끊겨도 괜찮나요? [[fake gap=200 tokens=80]]');
    const shownNow = () => answerText(streaming());

    await page.evaluate(() => (window as unknown as DropHooks).__dropStreams());
    const afterDrop = await shownNow();
    // Re-attached after the seq it had seen; the text goes on from there.
    await expect.poll(async () => (await followedFrom()).length, { timeout: 10_000 }).toBe(2);
    await expect.poll(async () => (await shownNow()).length).toBeGreaterThan(afterDrop.length);

    // Offline, it waits for the network instead of trying; `online` brings it back at once.
    await context.setOffline(true);
    await page.evaluate(() => (window as unknown as DropHooks).__dropStreams());
    await page.waitForTimeout(1_500);
    expect(await followedFrom()).toHaveLength(2);
    await context.setOffline(false);
    await expect.poll(async () => (await followedFrom()).length, { timeout: 5_000 }).toBe(3);

    const samples = await samplesUntilEnd(page);
    await expect.poll(() => answers().count(), { timeout: 30_000 }).toBe(1);
    const stored = await storedAnswer(page);
    expect(await answerText(answers().last())).toBe(stored);
    expect(stored.split(' ')).toHaveLength(80);
    expect(stored.match(/You said/g)).toHaveLength(1);
    for (const sample of [afterDrop, ...samples]) expect(stored.startsWith(sample), `"${sample}" begins the stored answer`).toBe(true);
    const [first, second, third] = await followedFrom();
    expect(first).toBe('-');
    expect(Number(second)).toBeGreaterThan(1);
    expect(Number(third)).toBeGreaterThan(Number(second));
    expect(await page.getByTestId('chat-error').count()).toBe(0);
  });
});
