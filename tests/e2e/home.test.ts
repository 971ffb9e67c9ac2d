/**
 * Browser E2E of Home (issue 16): two users who share a server become friends through the Friends page (a request by
 * username, accepted from Pending), talk in a DM with its unread badge, and one blocks the other, whose messages then
 * collapse in the shared server's channel; the privacy setting is saved. axe checks each new screen in both themes and
 * the friends tabs and the Add Friend form are driven by the keyboard alone.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { newDevice, registerUser, rest, signIn, type E2eUser } from './moderation-support';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);

let A: E2eUser;
let B: E2eUser;
let C: E2eUser;
let a: Page;
let b: Page;
let general: string;

const rail = (page: Page) => page.getByRole('navigation', { name: 'Servers' });
const openHome = (page: Page) =>
  rail(page)
    .getByRole('button', { name: /^Home(,|$)/ })
    .click();
const tab = (page: Page, name: string) => page.getByRole('tablist', { name: 'Friends' }).getByRole('tab', { name: new RegExp(`^${name}`) });
const friendRow = (page: Page, userId: string) => page.locator(`li.friend-row[data-user-id="${userId}"]`);

beforeAll(async () => {
  const base = e2e.server.url;
  A = await registerUser(base, `home_a_${suffix}`, 'Ann');
  B = await registerUser(base, `home_b_${suffix}`, 'Ben');
  const guild = (await rest<{ id: string }>(base, 'POST', '/guilds', A.token, { name: 'Home Guild' })).body;
  const channels = (await rest<{ items: { id: string; type: string }[] }>(base, 'GET', `/guilds/${guild.id}/channels`, A.token)).body.items;
  general = channels.find((c) => c.type === 'text')!.id;
  const invite = (await rest<{ code: string }>(base, 'POST', `/guilds/${guild.id}/invites`, A.token, {})).body;
  expect((await rest(base, 'POST', `/invites/${invite.code}`, B.token)).status).toBe(200);
  // C is A's friend already (over the API): a group DM needs two friends.
  C = await registerUser(base, `home_c_${suffix}`, 'Cat');
  expect((await rest(base, 'POST', '/users/@me/relationships', A.token, { userId: C.id })).status).toBe(200);
  expect((await rest(base, 'POST', `/users/@me/relationships/${A.id}/accept`, C.token)).status).toBe(200);
  a = await newDevice(e2e);
  b = await newDevice(e2e);
  await signIn(a, base, A);
  await signIn(b, base, B);
});

describe('Home: friends, DMs, blocking and privacy', () => {
  it('when A asks B by username with the keyboard, then B sees it in Pending, accepts, and both list each other', async () => {
    await openHome(a);
    await a.getByRole('main', { name: 'Friends' }).waitFor();
    for (const name of ['Online', 'All', 'Pending', 'Blocked', 'Add Friend']) {
      await tab(a, name).click();
      await expectNoSeriousViolationsInBothThemes(a, `Home: friends, ${name} tab`);
    }

    // Keyboard only: arrows move between the tabs (and select), Tab enters the panel's form.
    await tab(a, 'Online').click();
    await expect.poll(() => tab(a, 'Online').getAttribute('aria-selected')).toBe('true');
    for (const name of ['All', 'Pending', 'Blocked', 'Add Friend']) {
      await a.keyboard.press('ArrowRight');
      await expect.poll(() => tab(a, name).getAttribute('aria-selected')).toBe('true');
      expect(await tab(a, name).evaluate((el) => el === document.activeElement)).toBe(true);
    }
    await a.keyboard.press('Tab');
    const field = a.getByRole('textbox', { name: 'Username' });
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await a.keyboard.type(`nobody_${suffix}`);
    await a.keyboard.press('Enter');
    await expect.poll(() => a.getByRole('alert').innerText()).toMatch(/no user with that username/);
    await field.fill('');
    await a.keyboard.type(B.username);
    await a.keyboard.press('Enter');
    await expect.poll(() => a.getByRole('status').filter({ hasText: 'Success' }).innerText()).toContain(B.username);

    // B: the Home badge counts the request; Pending shows it; accept.
    await expect.poll(() => b.getByTestId('home-badge').innerText(), { timeout: 15_000 }).toBe('1');
    await openHome(b);
    await tab(b, 'Pending').click();
    await friendRow(b, A.id).waitFor();
    expect(await friendRow(b, A.id).getAttribute('data-type')).toBe('incoming');
    await b.screenshot({ path: resolve(SHOTS, 'home-pending.png') });
    await friendRow(b, A.id).getByRole('button', { name: 'Accept' }).click();

    // Both see each other in All and Online (they share a server, so each sees the other's presence).
    await tab(b, 'All').click();
    await expect.poll(() => friendRow(b, A.id).getAttribute('data-type'), { timeout: 15_000 }).toBe('friend');
    await tab(a, 'Online').click();
    await expect.poll(() => friendRow(a, B.id).getAttribute('data-type'), { timeout: 15_000 }).toBe('friend');
    await tab(a, 'All').click();
    await friendRow(a, B.id).waitFor();
    await a.screenshot({ path: resolve(SHOTS, 'home-friends.png') });
    await expect.poll(() => b.getByTestId('home-badge').count()).toBe(0);
  });

  it('when A chooses who may DM and call them, then the setting is saved on the server', async () => {
    await a.getByRole('button', { name: 'User settings' }).click();
    await a.getByRole('tab', { name: 'Privacy & Safety' }).click();
    const friendsOnly = a.getByRole('radio', { name: 'Friends only' });
    await friendsOnly.waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'User settings: Privacy & Safety');
    await friendsOnly.check();
    await expect
      .poll(
        async () =>
          (await rest<{ dmsAndCallsFrom: string }>(e2e.server.url, 'GET', '/users/@me/privacy-settings', A.token)).body.dmsAndCallsFrom,
      )
      .toBe('friends');
    await a.keyboard.press('Escape');
    await a.getByRole('dialog', { name: 'User Settings' }).waitFor({ state: 'detached' });
  });

  it('when A messages B, then B sees the DM unread with a badge and replies, in the same chat components as a channel', async () => {
    await friendRow(a, B.id).getByRole('button', { name: 'Message Ben' }).click();
    const composerA = a.getByRole('combobox', { name: 'Message Ben' });
    await composerA.waitFor();
    await composerA.fill('Hi Ben, this is a DM');
    await composerA.press('Enter');
    await a.locator('article.message .content', { hasText: 'Hi Ben, this is a DM' }).waitFor();

    // B is on the friends page: the DM appears in the list, unread, and the Home badge counts it.
    const dmRow = b.locator('li.dm-row', { hasText: 'Ann' });
    await expect.poll(() => dmRow.getAttribute('data-unread'), { timeout: 15_000 }).toBe('true');
    expect(await dmRow.getByTestId('dm-unread').innerText()).toBe('1');
    await expect.poll(() => b.getByTestId('home-badge').innerText()).toBe('1');
    await dmRow.getByRole('button', { name: /^Ann/ }).click();
    await b.locator('article.message .content', { hasText: 'Hi Ben, this is a DM' }).waitFor();
    const composerB = b.getByRole('combobox', { name: 'Message Ann' });
    await composerB.fill('Hello Ann!');
    await a.getByText('Ben is typing…').waitFor({ timeout: 15_000 });
    await composerB.press('Enter');
    await a.locator('article.message .content', { hasText: 'Hello Ann!' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => dmRow.getAttribute('data-unread'), { timeout: 15_000 }).toBe('false');
    // Anyone in a DM may pin: A pins Ben's reply, and it is listed under the pins button.
    const reply = a.locator('article.message', { hasText: 'Hello Ann!' });
    await reply.hover();
    await reply.getByRole('button', { name: 'Pin message' }).click();
    await reply.locator('.pinned-mark').waitFor();
    await a.getByRole('button', { name: 'Pinned messages' }).click();
    const pins = a.getByRole('dialog', { name: 'Pinned messages with Ben' });
    await pins.getByText('Hello Ann!').waitFor();
    await a.keyboard.press('Escape');
    await pins.waitFor({ state: 'detached' });
    // Files too, as in a channel: A attaches one and B gets its card.
    await a.getByRole('button', { name: 'Upload a file' }).waitFor();
    await a
      .locator('input[type=file]')
      .last()
      .setInputFiles({ name: 'dm-notes.txt', mimeType: 'text/plain', buffer: Buffer.from('see you at eight') });
    await a.getByRole('list', { name: 'Files to send' }).getByText('Ready').waitFor({ timeout: 15_000 });
    await composerA.fill('notes attached');
    await composerA.press('Enter');
    const withFile = b.locator('article.message', { hasText: 'notes attached' });
    await withFile.locator('.attachment-file-name', { hasText: 'dm-notes.txt' }).waitFor({ timeout: 15_000 });
    await composerA.focus();
    await a.screenshot({ path: resolve(SHOTS, 'dm-chat.png') });
    await expectNoSeriousViolationsInBothThemes(a, 'Home: a DM');

    // The app reopens where it was: Home, with this DM open.
    await a.reload();
    await a.getByRole('combobox', { name: 'Message Ben' }).waitFor();
    await a.locator('article.message .content', { hasText: 'Hello Ann!' }).waitFor();
    // B read it: after a reload on the friends page (the DM not open), it is still read (READY's read markers of DMs).
    await b.locator('button.home-friends').click();
    await b.reload();
    await b.getByRole('main', { name: 'Friends' }).waitFor();
    await dmRow.waitFor();
    await expect.poll(() => dmRow.getAttribute('data-unread'), { timeout: 15_000 }).toBe('false');

    // A group DM with Ben and Cat: created from the dialog, renamed, Cat removed, then A leaves it.
    await a.getByRole('button', { name: 'Create a group DM' }).click();
    const dialog = a.getByRole('dialog', { name: 'Select Friends' });
    await dialog.waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'Home: the group DM dialog');
    await dialog.getByRole('checkbox', { name: /Ben/ }).check();
    await dialog.getByRole('checkbox', { name: /Cat/ }).check();
    await dialog.getByLabel('Group name (optional)').fill('Trio');
    await dialog.getByRole('button', { name: 'Create Group DM' }).click();
    await dialog.waitFor({ state: 'detached' });
    await a.getByRole('heading', { name: 'Trio', level: 1 }).waitFor();
    await a.getByRole('button', { name: 'Rename group' }).click();
    const rename = a.getByRole('dialog', { name: 'Rename group' });
    await rename.getByLabel('Group name').fill('Crew');
    await rename.getByRole('button', { name: 'Save' }).click();
    await a.getByRole('heading', { name: 'Crew', level: 1 }).waitFor();
    const groupsOf = async (who: E2eUser) =>
      (
        await rest<{ items: { name: string | null; recipients: { id: string }[] }[] }>(
          e2e.server.url,
          'GET',
          '/users/@me/channels',
          who.token,
        )
      ).body.items.filter((c) => c.name === 'Crew');
    await expect.poll(async () => (await groupsOf(C)).length).toBe(1);
    // A made it, so A may remove Cat.
    await a.getByRole('button', { name: 'Group members', exact: true }).click();
    const members = a.getByRole('dialog', { name: 'Members' });
    await expectNoSeriousViolationsInBothThemes(a, "Home: a group DM's members");
    await members.getByRole('button', { name: 'Remove Cat' }).click();
    await expect.poll(async () => (await groupsOf(C)).length).toBe(0);
    await a.keyboard.press('Escape');
    await members.waitFor({ state: 'detached' });
    await a.getByRole('button', { name: 'Leave group' }).click();
    await a.getByRole('alertdialog').or(a.getByRole('dialog')).getByRole('button', { name: 'Leave group' }).click();
    await a.getByRole('main', { name: 'Friends' }).waitFor();
    await expect.poll(async () => (await groupsOf(B))[0]?.recipients.some((u) => u.id === A.id)).toBe(false);
  });

  it("when A blocks B, then B's messages in their shared server collapse into a bar the keyboard can open", async () => {
    await a.locator('button.home-friends').click();
    await tab(a, 'All').click();
    await friendRow(a, B.id).getByRole('button', { name: 'Block' }).click();
    await a.getByRole('alertdialog').or(a.getByRole('dialog')).getByRole('button', { name: 'Block' }).click();
    await tab(a, 'Blocked').click();
    await expect.poll(() => friendRow(a, B.id).getAttribute('data-type'), { timeout: 15_000 }).toBe('blocked');

    const base = e2e.server.url;
    expect((await rest(base, 'POST', `/channels/${general}/messages`, A.token, { content: 'from Ann' })).status).toBe(201);
    for (const content of ['blocked one', 'blocked two'])
      expect((await rest(base, 'POST', `/channels/${general}/messages`, B.token, { content })).status).toBe(201);

    await rail(a)
      .getByRole('button', { name: /^Home Guild/ })
      .click();
    await a.getByRole('log', { name: 'Messages in #general' }).waitFor();
    const bar = a.getByTestId('blocked-bar');
    await bar.waitFor();
    expect(await bar.innerText()).toContain('2 blocked messages');
    expect(await a.locator('article.message .content', { hasText: 'blocked one' }).count()).toBe(0);
    await a.locator('article.message .content', { hasText: 'from Ann' }).waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'a channel with blocked messages collapsed');

    const show = bar.getByRole('button', { name: /^Show 2 blocked messages/ });
    await show.focus();
    await a.keyboard.press('Enter');
    await a.locator('article.message .content', { hasText: 'blocked two' }).waitFor();
    expect(await bar.getByRole('button', { name: /^Hide/ }).getAttribute('aria-expanded')).toBe('true');
  });

  it('when the window is 400 px wide, then the DM list is a drawer over the friends page', async () => {
    await a.setViewportSize({ width: 400, height: 760 });
    await openHome(a);
    await a.getByRole('main', { name: 'Friends' }).waitFor();
    await a.getByRole('button', { name: 'Show channels' }).click();
    const friends = a.locator('button.home-friends');
    await friends.waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'Home at 400 px, the DM drawer open');
    await friends.click();
    await expect.poll(() => a.getByRole('button', { name: 'Show channels' }).getAttribute('aria-expanded')).toBe('false');
    await a.setViewportSize({ width: 1280, height: 760 });
  });
});
