/**
 * Helpers of the member-moderation and account E2E tests: users made over REST, signed in through the UI, REST calls
 * as either user (to prove the server refuses what the UI hides), and axe-core runs in both themes.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface E2eUser {
  id: string;
  username: string;
  displayName: string;
  password: string;
  token: string;
}

export async function rest<T = unknown>(
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function registerUser(base: string, username: string, displayName: string): Promise<E2eUser> {
  const password = 'correct horse battery';
  const res = await rest<{ user: { id: string }; accessToken: string }>(base, 'POST', '/auth/register', undefined, {
    username,
    displayName,
    password,
  });
  expect(res.status).toBe(201);
  return { id: res.body.user.id, username, displayName, password, token: res.body.accessToken };
}

export async function signIn(page: Page, base: string, who: E2eUser): Promise<void> {
  await page.goto(`${base}/app/`);
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log In' }).click();
  await page.getByRole('region', { name: 'User controls' }).waitFor();
}

/**
 * axe-core on one part of the page (`selector`), in the dark then the light theme: no serious or critical violation.
 * The theme is set on <html> directly (what the app's theme setting does), so the screen under test stays open.
 */
export async function expectAccessible(page: Page, selector: string, label: string): Promise<void> {
  const before = await page.evaluate(() => document.documentElement.dataset.theme ?? 'dark');
  try {
    for (const theme of ['dark', 'light']) {
      await page.evaluate((t) => {
        document.documentElement.dataset.theme = t;
      }, theme);
      const result = await new AxeBuilder({ page }).include(selector).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const bad = result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(bad, `axe on ${label} (${theme} theme)`).toEqual([]);
    }
  } finally {
    await page.evaluate((t) => {
      document.documentElement.dataset.theme = t;
    }, before);
  }
}
