/**
 * axe-core inside the browser E2E: `await expectNoSeriousViolations(page, 'settings dialog, light')` fails the test
 * when axe finds any serious or critical violation on what the page shows now, and prints each one (rule, what axe
 * says, and the offending elements with axe's explanation, e.g. the measured contrast).
 *
 * The check is soft (`expect.soft`): one run reports every screen's problems instead of stopping at the first screen.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export type Theme = 'dark' | 'light';

export interface SeriousViolation {
  rule: string;
  impact: string;
  help: string;
  nodes: { target: string; why: string }[];
}

/** Serious and critical violations on the page as it is now, in a form that reads well in a failed assertion. */
export async function seriousViolations(page: Page): Promise<SeriousViolation[]> {
  // Let transitions (hover pills, drawers, theme swaps) settle: axe measures computed colours.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 250))));
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact ?? '',
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), why: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim() })),
    }));
}

/** Fails (softly) when axe finds a serious or critical violation; `label` names the screen in the failure. */
export async function expectNoSeriousViolations(page: Page, label: string): Promise<void> {
  const found = await seriousViolations(page);
  if (found.length > 0) console.error(`[axe] ${label}:\n${JSON.stringify(found, null, 2)}`);
  expect.soft(found, `axe: serious or critical violations on "${label}"`).toEqual([]);
}

/** Switches the colour theme the way the app applies it (the `data-theme` attribute on <html>). */
export async function setTheme(page: Page, theme: Theme): Promise<void> {
  await page.evaluate((t) => {
    document.documentElement.dataset.theme = t;
  }, theme);
}

/** Runs the axe check on the current screen in both themes, leaving the page in the dark theme. */
export async function expectNoSeriousViolationsInBothThemes(page: Page, label: string): Promise<void> {
  for (const theme of ['dark', 'light'] as const) {
    await setTheme(page, theme);
    await expectNoSeriousViolations(page, `${label} (${theme})`);
  }
  await setTheme(page, 'dark');
}
