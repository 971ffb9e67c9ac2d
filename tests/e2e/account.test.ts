/**
 * Browser E2E of "My Account" against the real stack: B renames themself and A sees it live; A changes display name
 * and username and B sees both live; A sets Do Not Disturb and invisible from the status menu and B sees it; A logs out
 * the other sessions and A's second page is signed out saying why; B changes the password and stays signed in; B
 * downloads their data; the screens pass axe in both themes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, registerUser, rest, signIn, type E2eUser } from './moderation-support';
import { expectNoSeriousViolationsInBothThemes } from './axe';
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

const memberRow = (page: Page, name: string) =>
  page.getByRole('complementary', { name: 'Members' }).locator('li.member-row', { hasText: name });

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

  it("when B changes their display name, then A sees the new name in the member list and on B's messages without a reload", async () => {
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

  it("when B downloads their data, then the file is the export of B's account with the message B wrote", async () => {
    await b.getByRole('button', { name: 'User settings' }).click();
    await b.getByRole('tab', { name: 'My Account' }).click();
    const [download] = await Promise.all([b.waitForEvent('download'), b.getByRole('button', { name: 'Download my data' }).click()]);
    const data = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      format: string;
      user: { id: string };
      messages: { content: string }[];
    };
    expect(data.format).toBe('parley-user-export');
    expect(data.user.id).toBe(B.id);
    expect(data.messages.map((m) => m.content)).toContain('before the rename');
  });

  it('when A changes display name and username, then B sees both without a reload', async () => {
    // B's settings are still open from the tests above.
    await b.keyboard.press('Escape');
    await b.getByRole('dialog').waitFor({ state: 'detached' });
    await b.evaluate(() => {
      (window as unknown as { __marker?: number }).__marker = 2;
    });
    await a.getByRole('button', { name: 'User settings' }).click();
    await a.getByRole('tab', { name: 'My Account' }).click();
    const panel = a.getByRole('tabpanel', { name: 'My Account' });
    await panel.getByLabel('Display name').fill('Alicia');
    await panel.getByRole('button', { name: 'Save display name' }).click();
    await panel.getByText('Display name saved.').waitFor();

    const renamed = `alicia_${suffix}`;
    await panel.getByLabel('New username').fill(renamed);
    await panel.getByLabel('Confirm with your password').fill('not my password');
    await panel.getByRole('button', { name: 'Change username' }).click();
    await panel.getByRole('alert').filter({ hasText: 'current password is wrong' }).waitFor();
    await panel.getByLabel('New username').fill(B.username.toUpperCase());
    await panel.getByLabel('Confirm with your password').fill(A.password);
    await panel.getByRole('button', { name: 'Change username' }).click();
    await panel.getByRole('alert').filter({ hasText: 'already taken' }).waitFor();
    await panel.getByLabel('New username').fill(renamed);
    await panel.getByLabel('Confirm with your password').fill(A.password);
    await panel.getByRole('button', { name: 'Change username' }).click();
    await panel.getByText(`Username changed to ${renamed}.`).waitFor();
    A = { ...A, username: renamed };
    await a.getByRole('region', { name: 'User controls' }).getByText(`@${renamed}`).waitFor();

    // B: the member list shows the new display name, the profile the new username, in the same document.
    const row = memberRow(b, 'Alicia');
    await row.waitFor({ timeout: 15_000 });
    await row.click({ button: 'right' });
    await b.getByRole('menuitem', { name: 'Profile' }).click();
    await b.getByRole('dialog').getByText(`@${renamed}`).waitFor({ timeout: 15_000 });
    await b.keyboard.press('Escape');
    expect(await b.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(2);
    await a.keyboard.press('Escape');
  });

  it('when A picks Do Not Disturb and then Invisible from the status menu by keyboard, then B sees A as Do Not Disturb, then Offline, while A sees Invisible', async () => {
    const chip = a.getByRole('region', { name: 'User controls' }).getByRole('button', { name: /set status/ });
    await chip.focus();
    await a.keyboard.press('Enter');
    const menu = a.getByRole('menu', { name: 'Set status' });
    await menu.waitFor();
    // Focus starts on the current status.
    expect(await a.evaluate(() => document.activeElement?.textContent)).toContain('Online');
    await a.screenshot({ path: resolve(SHOTS, 'status-menu.png') });
    await expectNoSeriousViolationsInBothThemes(a, 'status menu');
    await a.keyboard.press('ArrowDown');
    await a.keyboard.press('ArrowDown');
    expect(await a.evaluate(() => document.activeElement?.textContent)).toContain('Do Not Disturb');
    await a.keyboard.press('Enter');
    await menu.waitFor({ state: 'detached' });
    // Focus returns to the button that opened the menu.
    expect(await a.evaluate(() => document.activeElement?.getAttribute('aria-haspopup'))).toBe('menu');
    await a.locator('.user-chip[data-status="dnd"]').waitFor();
    await b
      .getByRole('complementary', { name: 'Members' })
      .getByRole('listitem', { name: /^Alicia, Do Not Disturb/ })
      .waitFor({ timeout: 15_000 });

    await a.keyboard.press('Enter');
    await menu.waitFor();
    await a.keyboard.press('End');
    await a.keyboard.press('Enter');
    await a.locator('.user-chip[data-status="invisible"]').waitFor();
    await b
      .getByRole('complementary', { name: 'Members' })
      .getByRole('listitem', { name: /^Alicia, Offline/ })
      .waitFor({ timeout: 15_000 });
    await a
      .getByRole('complementary', { name: 'Members' })
      .getByRole('listitem', { name: /^Alicia, Invisible/ })
      .waitFor();

    // Back online (the chosen status is kept on the account: the next tests start from online).
    await a.keyboard.press('Enter');
    await menu.getByRole('menuitemradio', { name: /^Online/ }).click();
    await b
      .getByRole('complementary', { name: 'Members' })
      .getByRole('listitem', { name: /^Alicia, Online/ })
      .waitFor({ timeout: 15_000 });
  });

  it("when A logs out all other sessions, then A's second page returns to sign-in saying so, and A's first page keeps working", async () => {
    const a2 = await newPage();
    await signIn(a2, e2e.server.url, A);
    await a.getByRole('button', { name: 'User settings' }).click();
    await a.getByRole('tab', { name: 'My Account' }).click();
    const panel = a.getByRole('tabpanel', { name: 'My Account' });
    const devices = panel.getByRole('region', { name: 'Devices' });
    await devices.getByText('This device').waitFor();
    // A's registration (over REST), this page and the second page.
    await expect.poll(() => devices.locator('.session-row').count()).toBe(3);
    expect(await devices.locator('.session-row', { hasText: 'This device' }).textContent()).toContain('Chrome on Linux');
    await devices.scrollIntoViewIfNeeded();
    await a.screenshot({ path: resolve(SHOTS, 'account-devices.png') });
    await expectNoSeriousViolationsInBothThemes(a, 'my account: username and devices');

    await devices.getByRole('button', { name: 'Log out all other sessions' }).click();
    await devices.getByText('Every other device was logged out.').waitFor();
    await a2.getByRole('alert').filter({ hasText: 'You were logged out from another device.' }).waitFor({ timeout: 15_000 });
    await a2.getByRole('button', { name: 'Log In' }).waitFor();
    await a2.screenshot({ path: resolve(SHOTS, 'logged-out-elsewhere.png') });
    await expect.poll(() => devices.locator('.session-row').count()).toBe(1);

    // A's page still works: a message goes through.
    await a.keyboard.press('Escape');
    await a.getByLabel('Message #general').fill('still signed in');
    await a.getByLabel('Message #general').press('Enter');
    await b.locator('.message', { hasText: 'still signed in' }).waitFor({ timeout: 15_000 });
  });
});
