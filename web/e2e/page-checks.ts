import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** The two screens the suite lays every page out on: a phone and a laptop. */
export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;
/** The narrowest phone the product supports: checked for sideways scrolling only. */
const NARROWEST = { width: 360, height: 740 };

// Evaluated rather than added as a <script>: the page's Content-Security-Policy runs only its own scripts.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core'), 'utf8');

type Violation = { id: string; impact: string | null; help: string; targets: string[] };

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}

function overflows(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
}

export async function expectNoSidewaysScroll(page: Page, label: string): Promise<void> {
  const { scrollWidth, innerWidth } = await overflows(page);
  expect(scrollWidth, `${label}: page is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
}

/** Which policy a response carries: a page's (scripts by nonce) or the BFF's (nothing runs). */
export type HeaderKind = 'page' | 'api';

/**
 * The browser security headers of every response of the app (served on plain-http loopback,
 * so no HSTS): a Content-Security-Policy that frames nothing, nosniff, the referrer and
 * permissions policies; a page's policy runs scripts only by nonce and loads images only from
 * the app; the BFF's JSON is never stored.
 */
export function expectSecurityHeaders(headers: Record<string, string>, label: string, kind: HeaderKind): void {
  const csp = headers['content-security-policy'] ?? '';
  expect(csp, `${label}: frame-ancestors`).toContain("frame-ancestors 'none'");
  if (kind === 'page') {
    expect(csp, `${label}: script nonce`).toMatch(/(?:^|; )script-src [^;]*'nonce-[A-Za-z0-9+/]+={0,2}'/);
    expect(csp, `${label}: no inline scripts without the nonce`).not.toMatch(/(?:^|; )script-src [^;]*'unsafe-inline'/);
    for (const directive of ["object-src 'none'", "base-uri 'self'", "img-src 'self' data: blob:", "form-action 'self'"]) {
      expect(csp, `${label}: ${directive}`).toContain(directive);
    }
  } else {
    expect(csp, `${label}: API policy`).toContain("default-src 'none'");
    if (headers['content-type']?.includes('json')) expect(headers['cache-control'], `${label}: Cache-Control`).toBe('no-store');
  }
  expect(headers['x-content-type-options'], `${label}: nosniff`).toBe('nosniff');
  expect(headers['referrer-policy'], `${label}: Referrer-Policy`).toBe('strict-origin-when-cross-origin');
  expect(headers['permissions-policy'], `${label}: Permissions-Policy`).toContain('camera=()');
  expect(headers['strict-transport-security'], `${label}: no HSTS over http`).toBeUndefined();
}

/** The headers of the page as it is now, fetched again with the page's cookies. */
async function expectPageHeaders(page: Page, label: string): Promise<void> {
  const response = await page.request.get(page.url(), { maxRedirects: 0 });
  expectSecurityHeaders(response.headers(), label, 'page');
}

/**
 * One page at both viewports (and 360 px): its security headers, one `<h1>` and one `<main>`,
 * a skip link, a title of its own, no sideways scrolling, no serious or critical axe violation; a screenshot of
 * each viewport goes to `shots/<name>-<viewport>.png`. Returns the page's title.
 */
export async function checkPage(page: Page, name: string, shots: string, ready: (page: Page) => Promise<void> = async () => {}): Promise<string> {
  await expectPageHeaders(page, name);
  for (const viewport of ['phone', 'desktop'] as const) {
    await page.setViewportSize(VIEWPORTS[viewport]);
    await ready(page);
    const label = `${name} at ${viewport}`;
    await expect.poll(() => page.locator('h1').count(), { message: `${label}: one h1`, timeout: 10_000 }).toBe(1);
    expect(await page.locator('main').count(), `${label}: one main`).toBe(1);
    expect(await page.locator('a[href="#main"]').count(), `${label}: a skip link`).toBe(1);
    await expectNoSidewaysScroll(page, label);
    expect(await seriousViolations(page), `${label}: axe`).toEqual([]);
    await page.screenshot({ path: join(shots, `${name}-${viewport}.png`), fullPage: true });
  }
  await page.setViewportSize(NARROWEST);
  await ready(page);
  await expectNoSidewaysScroll(page, `${name} at 360 px`);
  await page.setViewportSize(VIEWPORTS.desktop);
  return page.title();
}
