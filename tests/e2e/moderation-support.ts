/**
 * Helpers of the member-moderation and account E2E tests: users made over REST, signed in through the UI, REST calls
 * as either user (to prove the server refuses what the UI hides), and axe-core runs in both themes.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { BrowserSession } from './web-stack';

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

/**
 * A page in a browser context of its own (one device of a user), printing the page's uncaught errors (under `label`);
 * `initScripts` run in every page of it before the app's own scripts.
 */
export async function newDevice(e2e: BrowserSession, initScripts: readonly string[] = [], label = ''): Promise<Page> {
  const ctx = await e2e.newContext();
  for (const script of initScripts) await ctx.addInitScript(script);
  const page = await ctx.newPage();
  page.on('pageerror', (err) => console.error(`[page error${label ? ` ${label}` : ''}] ${err.message}`));
  return page;
}

/** newDevice, signed in as `who`, with the guild named `guild` (its name's start) open. */
export async function deviceInGuild(e2e: BrowserSession, who: E2eUser, guild: string, initScripts: readonly string[] = []): Promise<Page> {
  const page = await newDevice(e2e, initScripts, who.displayName);
  await signIn(page, e2e.server.url, who);
  await page
    .getByRole('navigation', { name: 'Servers' })
    .getByRole('button', { name: new RegExp(`^${guild}`) })
    .click();
  return page;
}

/** Joins the voice channel `channel` from the channel list and waits until the panel says Voice Connected. */
export async function joinVoiceChannel(page: Page, channel: string): Promise<void> {
  await page
    .getByRole('complementary', { name: 'Channels' })
    .getByRole('button', { name: new RegExp(`^${channel} \\(voice channel\\)`) })
    .click();
  await page.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
}

/**
 * The usual two-person setup of the chat E2E tests: Alice (`owner`) makes the guild `guild`, Bob (`member`) joins it by
 * invite, and each is signed in on a device of their own.
 */
export async function ownerAndMemberSignedIn(
  e2e: BrowserSession,
  names: { owner: string; member: string; guild: string },
): Promise<{ A: E2eUser; B: E2eUser; a: Page; b: Page }> {
  const base = e2e.server.url;
  const A = await registerUser(base, names.owner, 'Alice');
  const B = await registerUser(base, names.member, 'Bob');
  const guildId = (await rest<{ id: string }>(base, 'POST', '/guilds', A.token, { name: names.guild })).body.id;
  const code = (await rest<{ code: string }>(base, 'POST', `/guilds/${guildId}/invites`, A.token, {})).body.code;
  expect((await rest(base, 'POST', `/invites/${code}`, B.token)).status).toBe(200);
  const a = await newDevice(e2e);
  const b = await newDevice(e2e);
  await signIn(a, base, A);
  await signIn(b, base, B);
  return { A, B, a, b };
}
