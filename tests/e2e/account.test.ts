/**
 * Browser E2E of "My Account" against the real stack: B renames themself and A sees it live; B changes the password
 * and stays signed in; B downloads their data; the screen passes axe in both themes.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/src/server';
import { expectAccessible, registerUser, rest, signIn, type E2eUser } from './moderation-support';
import { ensureWebBuild, launchChromium, ROOT, startWebServer } from './web-stack';

const SHOTS = resolve(ROOT, process.env.PARLEY_UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : '.stack/screenshots');

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const suffix = Math.random().toString(36).slice(2, 7);
let A: E2eUser;
let B: E2eUser;
let a: Page;
let b: Page;

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 760 }, acceptDownloads: true });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  return page;
}

const memberRow = (page: Page, name: string) => page.getByRole('complementary', { name: 'Members' }).locator('li.member-row', { hasText: name });

describe('my account in the web client', () => {
  beforeAll(async () => {
    ensureWebBuild();
    server = await startWebServer();
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
    A = await registerUser(server.url, `aacct_${suffix}`, 'Alice');
    B = await registerUser(server.url, `bacct_${suffix}`, 'Bob');
    const guildId = (await rest<{ id: string }>(server.url, 'POST', '/guilds', A.token, { name: 'Account Lab' })).body.id;
    const code = (await rest<{ code: string }>(server.url, 'POST', `/guilds/${guildId}/invites`, A.token, {})).body.code;
    expect((await rest(server.url, 'POST', `/invites/${code}`, B.token)).status).toBe(200);
    a = await newPage();
    b = await newPage();
    await signIn(a, server.url, A);
    await signIn(b, server.url, B);
    await memberRow(a, 'Bob').waitFor({ timeout: 15_000 });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  it('when B changes their display name, then A sees the new name in the member list and on B\'s messages without a reload', async () => {
    await b.getByLabel('Message #general').fill('before the rename');
    await b.getByLabel('Message #general').press('Enter');
    await a.locator('.message', { hasText: 'before the rename' }).getByRole('button', { name: 'Bob' }).waitFor({ timeout: 15_000 });
    await a.evaluate(() => {
      (window as unknown as { __marker?: number }).__marker = 1;
    });
    await b.getByRole('button', { name: 'User settings' }).click();
    await b.getByRole('tab', { name: 'My Account' }).click();
    const panel = b.getByRole('tabpanel', { name: 'My Account' });
    await panel.getByLabel('Display name').fill('Robert');
    await panel.getByRole('button', { name: 'Save display name' }).click();
    await panel.getByText('Display name saved.').waitFor();
    // B's own panel updates at once.
    await b.getByRole('region', { name: 'User controls' }).getByText('Robert').waitFor();

    await memberRow(a, 'Robert').waitFor({ timeout: 15_000 });
    await a.locator('.message', { hasText: 'before the rename' }).getByRole('button', { name: 'Robert' }).waitFor();
    // Same document: the marker set before the rename is still there.
    expect(await a.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1);

    await b.screenshot({ path: resolve(SHOTS, 'my-account.png') });
    await expectAccessible(b, '.account-panel', 'my account');
  });

  it('when B changes the password, then B stays signed in, the old password no longer works and the new one does', async () => {
    const panel = b.getByRole('tabpanel', { name: 'My Account' });
    const fresh = 'a much better passphrase';
    await panel.getByLabel('Current password').fill('wrong password!');
    await panel.getByLabel('New password', { exact: true }).fill(fresh);
    await panel.getByLabel('Confirm new password').fill(fresh);
    await panel.getByRole('button', { name: 'Change password' }).click();
    await panel.getByRole('alert').filter({ hasText: 'current password is wrong' }).waitFor();

    await panel.getByLabel('Current password').fill(B.password);
    await panel.getByRole('button', { name: 'Change password' }).click();
    await panel.getByText('Password changed.', { exact: false }).waitFor();
    expect((await rest(server.url, 'POST', '/auth/login', undefined, { username: B.username, password: B.password })).status).toBe(401);
    expect((await rest(server.url, 'POST', '/auth/login', undefined, { username: B.username, password: fresh })).status).toBe(200);
    // Still signed in, and the session still works after a reload (the new refresh token was kept).
    await b.reload();
    await b.getByRole('region', { name: 'User controls' }).getByText('Robert').waitFor({ timeout: 15_000 });
  });

  it('when B downloads their data, then the file is the export of B\'s account with the message B wrote', async () => {
    await b.getByRole('button', { name: 'User settings' }).click();
    await b.getByRole('tab', { name: 'My Account' }).click();
    const [download] = await Promise.all([b.waitForEvent('download'), b.getByRole('button', { name: 'Download my data' }).click()]);
    const data = JSON.parse(readFileSync(await download.path(), 'utf8')) as { format: string; user: { id: string }; messages: { content: string }[] };
    expect(data.format).toBe('parley-user-export');
    expect(data.user.id).toBe(B.id);
    expect(data.messages.map((m) => m.content)).toContain('before the rename');
  });
});
