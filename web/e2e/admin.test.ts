import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkPage } from './page-checks';
import { newKoreanPage, signInWithKakao } from './support/browser';
import { WEB_DIR, type Stack } from './support/stack';
import { browserSuite } from './support/suite';

/**
 * The operators' console in a real browser: Alice is the first admin (ADMIN_EMAILS), Minjun a
 * user in another browser context. Minjun cannot open the console; Alice finds him, sees his
 * usage, moves him to pro (he sees it), suspends him (his next request is refused with a trace
 * id), looks that request up, and lifts the suspension. Then she adds a provider and a model
 * that falls back to another, and reads the cost on the dashboard and the margin page.
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

    for (const path of ['/admin', '/admin/users', '/admin/plans', '/admin/providers', '/admin/models', '/admin/usage', '/admin/margin', '/admin/audit']) {
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

  it('adds a provider (a secret name, never a key), disables it after asking, and adds a model that falls back to another', async () => {
    await admin.goto(`${stack.appUrl}/admin/providers`);
    await expect.poll(() => admin.getByTestId('provider-openai').count()).toBe(1);
    const form = admin.getByTestId('provider-new');
    await form.getByLabel('ID', { exact: true }).fill('backup');
    await form.getByLabel('이름', { exact: true }).fill('Backup');
    await form.getByLabel(/OpenAI 호환 기본 URL/).fill(`${stack.openaiUrl}/v1`);
    await form.getByLabel(/Worker 시크릿의 이름/).fill('sk-proj-abcdefghijklmnop');
    await form.getByRole('button', { name: '만들기' }).click();
    await expect.poll(() => form.locator('[data-error-code]').getAttribute('data-error-code')).toBe('invalid_request');
    expect(await form.textContent()).toContain('apiKeySecret');
    await form.getByLabel(/Worker 시크릿의 이름/).fill('BACKUP_API_KEY');
    await form.getByRole('button', { name: '만들기' }).click();
    const backup = admin.getByTestId('provider-backup');
    await expect.poll(() => backup.count()).toBe(1);
    expect(await backup.getByLabel(/Worker 시크릿의 이름/).inputValue()).toBe('BACKUP_API_KEY');

    await backup.getByRole('button', { name: '사용 중지' }).click();
    const dialog = admin.getByRole('dialog');
    expect(await dialog.textContent()).toContain('Backup');
    await dialog.getByRole('button', { name: '사용 중지' }).click();
    await expect.poll(() => admin.getByTestId('provider-backup-status').textContent()).toBe('사용 안 함');
    await admin.getByTestId('provider-backup').getByRole('button', { name: '사용하기' }).click();
    await expect.poll(() => admin.getByTestId('provider-backup-status').textContent()).toBe('사용 중');
    await checkPage(admin, 'admin-providers', SHOTS);

    await admin.getByRole('link', { name: '모델', exact: true }).click();
    await admin.waitForURL('**/admin/models');
    const model = admin.getByTestId('model-new');
    await expect.poll(() => model.getByLabel('공급자', { exact: true }).locator('option').count()).toBeGreaterThanOrEqual(2);
    await model.getByLabel(/모델 ID/).fill('backup-mini');
    await model.getByLabel('공급자', { exact: true }).selectOption('backup');
    await model.getByLabel('공급자의 모델 이름').fill('gpt-4o-mini');
    await model.getByLabel('입력 100만 토큰당 가격').fill('0.15');
    await model.getByLabel('출력 100만 토큰당 가격').fill('0.6');
    await model.getByLabel('대체 모델 (순서대로, 쉼표로 구분)').fill('gpt-4o-mini');
    await model.getByRole('button', { name: '만들기' }).click();
    const added = admin.getByTestId('model-backup-mini');
    await expect.poll(() => added.count()).toBe(1);
    expect(await added.getByLabel('대체 모델 (순서대로, 쉼표로 구분)').inputValue()).toBe('gpt-4o-mini');
    expect(await added.getByLabel('입력 100만 토큰당 가격').inputValue()).toBe('0.15');
    expect(await added.getByLabel('공급자', { exact: true }).inputValue()).toBe('backup');
    const actions = await admin.evaluate(async () => (await (await fetch('/api/admin/actions?limit=10')).json()) as { items: { action: string; targetType: string }[] });
    expect(actions.items.map((a) => a.action)).toEqual(expect.arrayContaining(['model.create', 'provider.enable', 'provider.disable', 'provider.create']));
    await checkPage(admin, 'admin-models', SHOTS);
  });

  it('shows what answers cost on the dashboard, and a plan whose user cost more than he paid on the margin page', async () => {
    const me = (await user.evaluate(async () => (await fetch('/api/me')).json())) as { id: string };
    const now = Date.now();
    // A paid pro month (9,900 won) and US$12.30 of answers: 17,220 won at the default 1,400.
    await stack.sql(
      `INSERT INTO usage_events (id, user_id, trace_id, model, prompt_tokens, completion_tokens, total_tokens, estimated, status, duration_ms, created_at, provider_id, cost_micros, cost_currency) VALUES ('use_e2e_cost', '${me.id}', 'trace-e2e-cost', 'gpt-4o', 1000, 1000, 2000, 0, 'ok', 1, ${now}, 'openai', 12300000, 'USD')`,
    );
    await stack.sql(
      `INSERT INTO orders (id, user_id, plan_id, amount, order_name, kind, status, created_at, updated_at) VALUES ('ord_e2e_margin', '${me.id}', 'pro', 9900, 'Pro', 'one_time', 'paid', ${now}, ${now}); ` +
        `INSERT INTO payments (payment_key, order_id, user_id, method, status, amount, approved_at, raw, created_at, updated_at) VALUES ('pay_e2e_margin', 'ord_e2e_margin', '${me.id}', '카드', 'DONE', 9900, ${now}, '{"balanceAmount":9900}', ${now}, ${now})`,
    );

    await admin.getByRole('link', { name: '사용 현황', exact: true }).click();
    await admin.waitForURL('**/admin/usage');
    await expect.poll(() => admin.getByTestId('usage-cost').textContent()).toMatch(/US\$12\.3/);
    expect(await admin.getByTestId('cost-by-provider').textContent()).toContain('openai');
    expect(await admin.getByTestId('cost-top-users').textContent()).toContain('김민준');
    expect(await admin.getByTestId('cost-chart').count()).toBe(1);
    await checkPage(admin, 'admin-usage-cost', SHOTS);

    await admin.getByRole('link', { name: '수익', exact: true }).click();
    await admin.waitForURL('**/admin/margin');
    const pro = admin.getByTestId('margin-plan-pro');
    await expect.poll(() => pro.getByTestId('margin-revenue').textContent()).toBe('₩9,900');
    // The answers the suite streamed may add a fraction of a won each.
    expect(await pro.getByTestId('margin-cost').textContent()).toMatch(/^₩17,2\d\d/);
    expect(await pro.getByTestId('margin-margin').textContent()).toMatch(/^-₩7,3\d\d/);
    expect(await admin.getByTestId('margin-rates').textContent()).toContain('1 USD = ₩1,400');
    const flagged = admin.getByTestId('flagged-user').filter({ hasText: '김민준' });
    expect(await flagged.count()).toBe(1);
    expect(await admin.getByText('그 달 마지막 결제의 요금제').count()).toBe(1);
    await checkPage(admin, 'admin-margin', SHOTS);
    await flagged.getByRole('link').click();
    await admin.waitForURL(`**/admin/users/${me.id}`);
  });

  it('answers from the fallback when the first provider fails before its first token, and says which model answered', async () => {
    // The default model's provider names a secret the Worker lacks: it fails at once, and the
    // operator's fallback (another model, open to every plan) answers instead.
    await stack.sql(
      `INSERT INTO providers (id, name, base_url, api_key_secret) VALUES ('keyless', 'Keyless', '${stack.openaiUrl}/v1', 'NO_SUCH_SECRET'); ` +
        `INSERT INTO models (id, provider_id, upstream_model, context_window, max_output_tokens, input_price_micros, output_price_micros, fallback_for_all_plans) VALUES ('rescue-mini', 'openai', 'gpt-4o-mini', 128000, 16384, 150000, 600000, 1); ` +
        `UPDATE models SET provider_id = 'keyless', fallbacks = '["rescue-mini"]' WHERE id = 'gpt-4o-mini'`,
    );
    try {
      await admin.goto(`${stack.appUrl}/chat`);
      const box = admin.getByLabel('메시지', { exact: true });
      await box.fill('누가 답하나요?');
      await box.press('Enter');
      await admin.waitForURL(/\/chat\/conv_/);
      await expect.poll(() => admin.getByTestId('answered-by').textContent(), { timeout: 30_000 }).toContain('rescue-mini');
      await admin.reload();
      await expect.poll(() => admin.getByTestId('answered-by').textContent(), { timeout: 30_000 }).toContain('rescue-mini');
      const audit = await admin.evaluate(
        async () =>
          (await (await fetch('/api/admin/audit/requests?limit=1')).json()) as {
            items: { model: string; requestedModel: string | null; provider: string | null; attempts: number; lastUpstreamError: string | null; costMicros: number }[];
          },
      );
      expect(audit.items[0]).toMatchObject({ model: 'rescue-mini', requestedModel: 'gpt-4o-mini', provider: 'openai', attempts: 2, lastUpstreamError: 'missing_secret' });
      expect(audit.items[0]?.costMicros).toBeGreaterThan(0);
      await checkPage(admin, 'chat-answered-by-fallback', SHOTS);
    } finally {
      await stack.sql(`UPDATE models SET provider_id = 'openai', fallbacks = '[]' WHERE id = 'gpt-4o-mini'`);
    }
  });
});
