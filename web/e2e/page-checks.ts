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

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core');

type Violation = { id: string; impact: string | null; help: string; targets: string[] };

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SCRIPT });
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

async function expectNoSidewaysScroll(page: Page, label: string): Promise<void> {
  const { scrollWidth, innerWidth } = await overflows(page);
  expect(scrollWidth, `${label}: page is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
}

/**
 * One page at both viewports (and 360 px): one `<h1>` and one `<main>`, a skip link, a title
 * of its own, no sideways scrolling, no serious or critical axe violation; a screenshot of
 * each viewport goes to `shots/<name>-<viewport>.png`. Returns the page's title.
 */
export async function checkPage(page: Page, name: string, shots: string, ready: (page: Page) => Promise<void> = async () => {}): Promise<string> {
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
