/**
 * Browser E2E of member moderation against the real stack (real server in-process, LiveKit, Chromium with fake mics):
 * A owns the guild, B is a plain member. Every moderation goes through A's member menu; B's side checks what B sees.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '@shared/permissions/permissions';
import { expectAccessible, registerUser, rest, signIn, type E2eUser } from './moderation-support';
import { CAPTURE_REMOTE_AUDIO, MEASURE_REMOTE_LEVEL, SHOTS, useBrowserSession } from './web-stack';

/** RMS above this = audible tone; below SILENT = silence (as in client.test.ts). */
const AUDIBLE = 0.01;
const SILENT = 0.002;
const GUILD = 'Moderation Lab';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
let A: E2eUser;
let B: E2eUser;
let a: Page;
let b: Page;
let guildId: string;
let inviteCode: string;

async function newPage(): Promise<Page> {
  const ctx = await e2e.newContext();
  await ctx.addInitScript(CAPTURE_REMOTE_AUDIO);
  const page = await ctx.newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  return page;
}

const memberRow = (page: Page, name: string) =>
  page.getByRole('complementary', { name: 'Members' }).locator('li.member-row', { hasText: name });
const voiceRow = (page: Page, name: string) => page.locator('li.voice-user', { hasText: name });
const voiceList = (page: Page, channel: string) => page.getByRole('list', { name: `In ${channel}` });
const guildButton = (page: Page) =>
  page.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name: new RegExp(`^${GUILD}`) });

async function rejoin(page: Page) {
  expect((await rest(e2e.server.url, 'POST', `/invites/${inviteCode}`, B.token)).status).toBe(200);
  await guildButton(page).waitFor({ timeout: 15_000 });
}

describe('member moderation in the web client', () => {
  beforeAll(async () => {
    A = await registerUser(e2e.server.url, `amod_${suffix}`, 'Alice');
    B = await registerUser(e2e.server.url, `bmod_${suffix}`, 'Bob');
    guildId = (await rest<{ id: string }>(e2e.server.url, 'POST', '/guilds', A.token, { name: GUILD })).body.id;
    const full = await rest(e2e.server.url, 'POST', `/guilds/${guildId}/channels`, A.token, {
      type: 'voice',
      name: 'Full Room',
      userLimit: 1,
    });
    expect(full.status).toBe(201);
    inviteCode = (
      await rest<{ code: string }>(e2e.server.url, 'POST', `/guilds/${guildId}/invites`, A.token, { maxAgeSeconds: 0, maxUses: 0 })
    ).body.code;
    expect((await rest(e2e.server.url, 'POST', `/invites/${inviteCode}`, B.token)).status).toBe(200);
    a = await newPage();
    b = await newPage();
    await signIn(a, e2e.server.url, A);
    await signIn(b, e2e.server.url, B);
    await memberRow(a, 'Bob').waitFor({ timeout: 15_000 });
    await memberRow(b, 'Alice').waitFor({ timeout: 15_000 });
  });

  it('when B, without moderation permissions, opens the menu of A, then only the profile and the friend actions are offered, and the server refuses each moderation with 403', async () => {
    await memberRow(b, 'Alice').getByRole('button', { name: 'More options for Alice' }).click();
    const menu = b.getByRole('menu', { name: 'Alice options' });
    await menu.waitFor();
    // No moderation: what anyone may do with another user (issue 16's Message, Add Friend, Block).
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['Profile', 'Message', 'Add Friend', 'Block']);
    await expectAccessible(b, '.member-menu', 'member menu as a member');
    await b.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    // Focus went back to the button the menu came from.
    expect(await b.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('More options for Alice');

    expect((await rest(e2e.server.url, 'DELETE', `/guilds/${guildId}/members/${A.id}`, B.token)).status).toBe(403);
    expect((await rest(e2e.server.url, 'PUT', `/guilds/${guildId}/bans/${A.id}`, B.token, { reason: 'x' })).status).toBe(403);
    expect((await rest(e2e.server.url, 'PATCH', `/guilds/${guildId}/members/${A.id}`, B.token, { nick: 'nope' })).status).toBe(403);
    expect((await rest(e2e.server.url, 'PATCH', `/guilds/${guildId}/voice-states/${A.id}`, B.token, { serverMute: true })).status).toBe(
      403,
    );
  });

  it("when the owner opens B's menu from the keyboard, then the moderation items are there and the menu passes axe in both themes", async () => {
    const more = memberRow(a, 'Bob').getByRole('button', { name: 'More options for Bob' });
    await more.focus();
    await a.keyboard.press('Shift+F10');
    const menu = a.getByRole('menu', { name: 'Bob options' });
    await menu.waitFor();
    const items = await menu.getByRole('menuitem').allTextContents();
    expect(items).toEqual(expect.arrayContaining(['Profile', 'Change nickname', 'Kick Bob', 'Ban Bob']));
    // Arrow keys move between items.
    await a.keyboard.press('ArrowDown');
    expect(await a.evaluate(() => document.activeElement?.textContent)).toBe('Change nickname');
    await a.screenshot({ path: resolve(SHOTS, 'member-menu.png') });
    await expectAccessible(a, '.member-menu', 'member menu as the owner');
    await a.keyboard.press('Escape');
  });

  it("when the owner server-mutes B in voice, then B's microphone stops at A's client and B sees the server-mute icon; unmuting brings it back", async () => {
    await a.getByRole('button', { name: /^General \(voice channel\)/ }).click();
    await a.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
    await b.getByRole('button', { name: /^General \(voice channel\)/ }).click();
    await b.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
    await voiceRow(a, 'Bob').waitFor({ timeout: 15_000 });
    await expect.poll(() => a.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);

    await voiceRow(a, 'Bob').click({ button: 'right' });
    const menu = a.getByRole('menu', { name: 'Bob options' });
    await menu.getByRole('menuitemcheckbox', { name: 'Server mute' }).click();
    await expect.poll(() => voiceRow(a, 'Bob').getAttribute('data-muted'), { timeout: 15_000 }).toBe('true');
    await expect.poll(() => a.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 20_000, interval: 500 }).toBeLessThan(SILENT);
    await voiceRow(b, 'Bob').getByRole('img', { name: 'Server muted' }).waitFor({ timeout: 15_000 });
    await b.getByRole('region', { name: 'User controls' }).getByText('Server muted').waitFor();

    await voiceRow(a, 'Bob').click({ button: 'right' });
    const again = a.getByRole('menu', { name: 'Bob options' }).getByRole('menuitemcheckbox', { name: 'Server mute' });
    expect(await again.getAttribute('aria-checked')).toBe('true');
    await again.click();
    await expect.poll(() => a.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);

    // Stopping B's stream (issue 17): the menu then offers to allow it again, and allowing it restores the default.
    await voiceRow(a, 'Bob').click({ button: 'right' });
    await a.getByRole('menu', { name: 'Bob options' }).getByRole('menuitem', { name: 'Stop stream' }).click();
    await voiceRow(a, 'Bob').click({ button: 'right' });
    await a.getByRole('menu', { name: 'Bob options' }).getByRole('menuitem', { name: 'Allow stream' }).click();
    await voiceRow(a, 'Bob').click({ button: 'right' });
    await a.getByRole('menu', { name: 'Bob options' }).getByRole('menuitem', { name: 'Stop stream' }).waitFor();
    await a.keyboard.press('Escape');
  });

  it('when B loses SPEAK in the voice channel while talking (a channel overwrite), then A stops hearing B and B is told why; SPEAK back, B is heard again without rejoining', async () => {
    // Both are still in General from the test above.
    const channels = await rest<{ items: { id: string; name: string; type: string }[] }>(
      e2e.server.url,
      'GET',
      `/guilds/${guildId}/channels`,
      A.token,
    );
    const general = channels.body.items.find((c) => c.type === 'voice' && c.name === 'General');
    expect(general).toBeDefined();
    const overwrite = (list: unknown[]) => rest(e2e.server.url, 'PATCH', `/channels/${general!.id}`, A.token, { overwrites: list });
    await expect.poll(() => a.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);

    expect((await overwrite([{ id: B.id, type: 'member', allow: 0, deny: Permission.SPEAK }])).status).toBe(200);
    await expect.poll(() => a.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 20_000, interval: 500 }).toBeLessThan(SILENT);
    const panel = b.getByRole('region', { name: 'Voice connection' });
    await panel.getByText('You do not have permission to speak in this channel.').waitFor({ timeout: 15_000 });
    const mic = b.getByRole('region', { name: 'User controls' }).getByRole('button', { name: 'Mute' });
    expect(await mic.getAttribute('title')).toBe('You do not have permission to speak in this channel');
    // Screen readers get the reason too, not only a tooltip.
    expect(await b.locator(`#${await mic.getAttribute('aria-describedby')}`).textContent()).toBe(
      'You do not have permission to speak in this channel',
    );
    await expectAccessible(b, '.voice-panel', 'voice panel without SPEAK');
    // A sees why B went quiet: B's row in the voice list carries the mark.
    await voiceRow(a, 'Bob').getByRole('img', { name: 'No permission to speak here' }).waitFor({ timeout: 15_000 });

    expect((await overwrite([])).status).toBe(200);
    await expect.poll(() => a.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);
    await panel.getByText('You do not have permission to speak in this channel.').waitFor({ state: 'detached', timeout: 15_000 });
    await voiceRow(a, 'Bob').getByRole('img', { name: 'No permission to speak here' }).waitFor({ state: 'detached', timeout: 15_000 });
    expect(await b.getByRole('status').filter({ hasText: 'Voice Connected' }).count()).toBe(1);
  });

  it("when the owner moves B into a full voice channel through the menu, then B connects there with the move's token", async () => {
    // A takes the only seat of Full Room (limit 1), so a REST join of B's would be refused as CHANNEL_FULL.
    await a.getByRole('button', { name: /^Full Room \(voice channel\)/ }).click();
    await voiceList(a, 'Full Room').locator('li.voice-user', { hasText: 'Alice' }).waitFor({ timeout: 20_000 });
    // The move's token is the only way in: B's client must not ask for another over REST.
    const restJoins: string[] = [];
    b.on('request', (r) => {
      if (r.url().includes('/voice/join')) restJoins.push(r.url());
    });
    await voiceList(a, 'General').locator('li.voice-user', { hasText: 'Bob' }).click({ button: 'right' });
    await a.getByRole('menu', { name: 'Bob options' }).getByRole('menuitem', { name: 'Move to…' }).click();
    const dialog = a.getByRole('dialog', { name: 'Move Bob' });
    await dialog.getByRole('radio', { name: /Full Room/ }).check();
    await dialog.getByRole('button', { name: 'Move' }).click();
    await voiceList(b, 'Full Room').locator('li.voice-user', { hasText: 'Bob' }).waitFor({ timeout: 20_000 });
    await b.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
    expect(await b.getByRole('region', { name: 'Voice connection' }).textContent()).toContain('Full Room');
    await voiceList(a, 'Full Room').locator('li.voice-user', { hasText: 'Bob' }).waitFor({ timeout: 20_000 });
    expect(restJoins).toEqual([]);
    // B hears A in the new room: the connection is real, not just a list entry.
    await expect.poll(() => b.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);
    await a.getByRole('button', { name: 'Disconnect from voice' }).click();
    await b.getByRole('button', { name: 'Disconnect from voice' }).click();
  });

  it("when the owner kicks B, then B sees the kicked screen and the guild leaves B's rail; B can rejoin by invite", async () => {
    await memberRow(a, 'Bob').click({ button: 'right' });
    await a.getByRole('menu', { name: 'Bob options' }).getByRole('menuitem', { name: 'Kick Bob' }).click();
    await a.getByRole('alertdialog', { name: 'Kick Bob' }).getByRole('button', { name: 'Kick' }).click();
    const notice = b.getByRole('alertdialog', { name: `You were kicked from ${GUILD}` });
    await notice.waitFor({ timeout: 15_000 });
    await guildButton(b).waitFor({ state: 'detached' });
    await memberRow(a, 'Bob').waitFor({ state: 'detached' });
    await expectAccessible(b, '.removal-notice', 'kicked screen');
    await notice.getByRole('button', { name: 'OK' }).click();
    await notice.waitFor({ state: 'detached' });
    await rejoin(b);
  });

  it("when the owner bans B deleting the last hour, then B sees the banned screen with the reason, B's messages vanish for A, and B cannot rejoin until unbanned", async () => {
    await guildButton(b).click();
    const text = `spam from Bob ${suffix}`;
    await b.getByLabel('Message #general').fill(text);
    await b.getByLabel('Message #general').press('Enter');
    const bobsMessage = a.locator('.message', { hasText: text });
    await bobsMessage.waitFor({ timeout: 15_000 });

    // From the chat: the author's name opens the same menu.
    await bobsMessage.getByRole('button', { name: 'Bob' }).click();
    await a.getByRole('menu', { name: 'Bob options' }).getByRole('menuitem', { name: 'Ban Bob' }).click();
    const dialog = a.getByRole('dialog', { name: 'Ban Bob' });
    await dialog.getByLabel(/Reason/).fill('Posting spam links');
    await dialog.getByRole('radio', { name: 'Previous hour' }).check();
    await expectAccessible(a, 'dialog.member-dialog', 'ban dialog');
    await dialog.getByRole('button', { name: 'Ban' }).click();

    const notice = b.getByRole('alertdialog', { name: `You were banned from ${GUILD}` });
    await notice.waitFor({ timeout: 15_000 });
    expect(await notice.textContent()).toContain('Posting spam links');
    // The notice takes focus on its button (a dialog's initial focus), so Enter dismisses it.
    expect(await b.evaluate(() => document.activeElement?.textContent)).toBe('OK');
    await guildButton(b).waitFor({ state: 'detached' });
    await bobsMessage.waitFor({ state: 'detached', timeout: 15_000 });
    await b.screenshot({ path: resolve(SHOTS, 'banned-screen.png') });
    await expectAccessible(b, '.removal-notice', 'banned screen');

    expect((await rest(e2e.server.url, 'POST', `/invites/${inviteCode}`, B.token)).status).toBe(403);
    expect((await rest(e2e.server.url, 'DELETE', `/guilds/${guildId}/bans/${B.id}`, A.token)).status).toBe(204);
    await notice.getByRole('button', { name: 'OK' }).click();
    await rejoin(b);
    await memberRow(a, 'Bob').waitFor({ timeout: 15_000 });
  });
});
