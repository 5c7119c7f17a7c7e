import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newKoreanPage, signInWithKakao } from './support/browser';
import { WEB_DIR, type Stack } from './support/stack';
import { browserSuite } from './support/suite';

/**
 * The operators' console in a real browser: Alice is the first admin (ADMIN_EMAILS), Minjun a
 * user in another browser context. Minjun cannot open the console; Alice finds him, sees his
 * usage, moves him to pro (he sees it), suspends him (his next request is refused with a trace
 * id), looks that request up, and lifts the suspension.
 */
const SHOTS = join(WEB_DIR, 'test-results');

let stack: Stack;
let browser: Browser;
let admin: Page;
let user: Page;
let quotedTraceId = '';

browserSuite('admin', { shots: SHOTS, workerVars: { ADMIN_EMAILS: 'alice@example.com' } }, async (started) => {
  ({ stack, browser } = started);
  ({ page: user } = await newKoreanPage(browser));
  ({ page: admin } = await newKoreanPage(browser));
});

const composer = () => user.getByLabel('메시지', { exact: true });

describe('the operators console', () => {
  it('refuses a user who is not an admin, pages and API alike', async () => {
    await signInWithKakao(user, stack.appUrl, 'minjun', '김민준');
    await composer().fill('안녕하세요');
    await composer().press('Enter');
    await expect.poll(() => user.getByTestId('assistant-message').count(), { timeout: 20_000 }).toBe(1);
    expect(await user.getByRole('link', { name: '관리' }).count()).toBe(0);

    for (const path of ['/admin', '/admin/users', '/admin/plans', '/admin/usage', '/admin/audit']) {
      const response = await user.goto(`${stack.appUrl}${path}`);
      expect(response?.status(), path).toBe(403);
    }
    await user.goto(`${stack.appUrl}/chat`);
    const api = await user.evaluate(async () => {
      const res = await fetch('/api/admin/users');
      return { status: res.status, body: (await res.json()) as { error: { code: string } } };
    });
    expect(api.status).toBe(403);
    expect(api.body.error.code).toBe('insufficient_scope');
  });

  it('lets the first admin find the user and see his usage', async () => {
    await signInWithKakao(admin, stack.appUrl, 'alice', 'Alice');
    await admin.getByRole('link', { name: '관리' }).click();
    await admin.waitForURL('**/admin/users');
    await admin.getByRole('searchbox').or(admin.getByLabel('이메일, 이름 또는 ID로 검색')).fill('minjun');
    await admin.getByRole('button', { name: '검색' }).click();
    await expect.poll(() => admin.getByTestId('admin-users').getByRole('row').count()).toBe(2);
    await admin.getByTestId('admin-users').getByRole('link', { name: '김민준' }).click();
    await admin.waitForURL('**/admin/users/usr_*');
    await expect.poll(() => admin.getByTestId('request-row').count()).toBe(1);
    await expect.poll(() => admin.getByTestId('tokens-chart').locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    await admin.screenshot({ path: join(SHOTS, 'admin-user.png'), fullPage: true });
  });

  it('changes his plan, and he sees it', async () => {
    await admin.getByLabel('요금제', { exact: true }).selectOption('pro');
    await admin.getByRole('button', { name: '저장', exact: true }).click();
    await expect.poll(() => admin.getByTestId('admin-user-plan').textContent()).toContain('Pro');
    await expect.poll(() => admin.getByTestId('admin-quota-daily').textContent()).toContain('300,000');

    await user.goto(`${stack.appUrl}/account`);
    await expect.poll(() => user.getByTestId('account-plan').textContent()).toBe('Pro');
    await expect.poll(() => user.getByTestId('quota-indicator').textContent()).toContain('300,000');
  });

  it('suspends him: his next request is refused with a trace id the admin can look up', async () => {
    await admin.getByRole('button', { name: '계정 정지' }).click();
    await admin.getByRole('dialog').getByLabel('사유').fill('스팸 신고');
    await admin.getByRole('dialog').getByRole('button', { name: '계정 정지' }).click();
    await expect.poll(() => admin.getByTestId('admin-user-status').textContent()).toContain('스팸 신고');

    await user.goto(`${stack.appUrl}/chat`);
    await composer().fill('정지된 뒤의 요청');
    await composer().press('Enter');
    const error = user.getByTestId('chat-error');
    await expect.poll(() => error.locator('[data-error-code]').getAttribute('data-error-code'), { timeout: 15_000 }).toBe('account_suspended');
    expect(await error.textContent()).toContain('계정이 정지되었습니다');
    quotedTraceId = /추적 ID: (\S+)/.exec((await error.textContent()) ?? '')?.[1] ?? '';
    expect(quotedTraceId).not.toBe('');
    await user.screenshot({ path: join(SHOTS, 'admin-suspended-user.png') });

    await admin.getByRole('link', { name: '감사' }).click();
    await admin.getByLabel('추적 ID').fill(quotedTraceId);
    await admin.getByRole('button', { name: '찾기' }).click();
    await expect.poll(() => admin.getByTestId('request-row').count()).toBe(1);
    expect(await admin.getByTestId('request-row').textContent()).toContain('account_suspended');
    expect(await admin.getByTestId('admin-action').count()).toBeGreaterThanOrEqual(2);
    await admin.screenshot({ path: join(SHOTS, 'admin-audit.png'), fullPage: true });
  });

  it('lifts the suspension and the user chats again', async () => {
    await admin.getByTestId('request-row').getByRole('link').first().click();
    await admin.waitForURL('**/admin/users/usr_*');
    await admin.getByRole('button', { name: '정지 해제' }).click();
    await expect.poll(() => admin.getByTestId('admin-user-status').textContent()).toBe('정상');

    await composer().fill('다시 돼요?');
    await composer().press('Enter');
    await expect.poll(() => user.getByTestId('assistant-message').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    expect(await user.getByTestId('chat-error').count()).toBe(0);
  });

  it('shows the usage dashboard and the plans editor in English too', async () => {
    await admin.getByLabel('언어').selectOption('en');
    await admin.getByRole('link', { name: 'Usage', exact: true }).last().click();
    await admin.waitForURL('**/admin/usage');
    await expect.poll(() => admin.getByTestId('usage-requests').textContent()).toMatch(/[1-9]/);
    expect(await admin.getByTestId('requests-chart').count()).toBe(1);
    await admin.screenshot({ path: join(SHOTS, 'admin-usage.png'), fullPage: true });
    await admin.getByRole('link', { name: 'Plans', exact: true }).last().click();
    await admin.waitForURL('**/admin/plans');
    await expect.poll(() => admin.getByTestId('plan-pro').count()).toBe(1);
    await admin.getByLabel('Language').selectOption('ko');
  });
});
