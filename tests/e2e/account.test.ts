/**
 * Browser E2E of "My Account" against the real stack: B renames themself and A sees it live; B changes the password
 * and stays signed in; B downloads their data; the screen passes axe in both themes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, registerUser, rest, signIn, type E2eUser } from './moderation-support';
import { SHOTS, useBrowserSession } from './web-stack';


const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
let A: E2eUser;
let B: E2eUser;
let a: Page;
let b: Page;

async function newPage(): Promise<Page> {
  const ctx = await e2e.newContext({ acceptDownloads: true });
  const page = await ctx.newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  return page;
}

const memberRow = (page: Page, name: string) => page.getByRole('complementary', { name: 'Members' }).locator('li.member-row', { hasText: name });

describe('my account in the web client', () => {
  beforeAll(async () => {
    A = await registerUser(e2e.server.url, `aacct_${suffix}`, 'Alice');
    B = await registerUser(e2e.server.url, `bacct_${suffix}`, 'Bob');
    const guildId = (await rest<{ id: string }>(e2e.server.url, 'POST', '/guilds', A.token, { name: 'Account Lab' })).body.id;
    const code = (await rest<{ code: string }>(e2e.server.url, 'POST', `/guilds/${guildId}/invites`, A.token, {})).body.code;
    expect((await rest(e2e.server.url, 'POST', `/invites/${code}`, B.token)).status).toBe(200);
    a = await newPage();
    b = await newPage();
    await signIn(a, e2e.server.url, A);
    await signIn(b, e2e.server.url, B);
    await memberRow(a, 'Bob').waitFor({ timeout: 15_000 });
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
    expect((await rest(e2e.server.url, 'POST', '/auth/login', undefined, { username: B.username, password: B.password })).status).toBe(401);
    expect((await rest(e2e.server.url, 'POST', '/auth/login', undefined, { username: B.username, password: fresh })).status).toBe(200);
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
