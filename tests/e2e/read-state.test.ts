/**
 * Browser E2E: read state lives on the server. B reads on one device (browser context) and the other device, open on
 * another channel, shows the channel read without a reload; "Mark unread" on the first makes it unread on the second.
 * A channel with unread messages opens at the first unread one, with the NEW divider and the jump bar.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { registerUser, rest, signIn } from './moderation-support';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);

const row = (page: Page, channelId: string) => page.locator(`li.channel-row[data-channel-id="${channelId}"]`);
const isRowUnread = async (page: Page, channelId: string) => ((await row(page, channelId).getAttribute('class')) ?? '').includes('unread');
const openChannel = (page: Page, name: string) =>
  page
    .getByRole('complementary', { name: 'Channels' })
    .getByRole('button', { name: new RegExp(`^${name} \\(text channel\\)`) })
    .click();

describe('read state across devices', () => {
  it('when B reads a channel on one device, then the other shows it read live; it opens at the first unread; mark unread reaches the other device', async () => {
    const base = e2e.server.url;
    const a = await registerUser(base, `rs_a_${suffix}`, 'Ann');
    const b = await registerUser(base, `rs_b_${suffix}`, 'Ben');
    const guild = (await rest<{ id: string }>(base, 'POST', '/guilds', a.token, { name: 'Read Guild' })).body;
    const channels = (
      await rest<{ items: { id: string; name: string; type: string }[] }>(base, 'GET', `/guilds/${guild.id}/channels`, a.token)
    ).body.items;
    const general = channels.find((c) => c.type === 'text')!.id;
    const other = (await rest<{ id: string }>(base, 'POST', `/guilds/${guild.id}/channels`, a.token, { type: 'text', name: 'other' })).body
      .id;
    const invite = (await rest<{ code: string }>(base, 'POST', `/guilds/${guild.id}/invites`, a.token, {})).body;
    expect((await rest(base, 'POST', `/invites/${invite.code}`, b.token)).status).toBe(200);
    const post = async (content: string) =>
      expect((await rest(base, 'POST', `/channels/${general}/messages`, a.token, { content })).status).toBe(201);
    await post('before 1');
    await post('before 2');

    // Device 1 reads #general to the end; device 2 opens #other and sees #general read.
    const d1 = await (await e2e.newContext()).newPage();
    await signIn(d1, base, b);
    await d1
      .getByRole('navigation', { name: 'Servers' })
      .getByRole('button', { name: /^Read Guild/ })
      .click();
    await openChannel(d1, 'general');
    await d1.locator('.message .content', { hasText: 'before 2' }).waitFor();
    const d2 = await (await e2e.newContext()).newPage();
    await signIn(d2, base, b);
    await d2
      .getByRole('navigation', { name: 'Servers' })
      .getByRole('button', { name: /^Read Guild/ })
      .click();
    await openChannel(d2, 'other');
    await expect.poll(() => isRowUnread(d2, general), { timeout: 15_000 }).toBe(false);
    await openChannel(d1, 'other');

    // A posts 30 messages: #general is unread on both devices.
    for (let i = 1; i <= 30; i++) await post(`unread ${i}`);
    await expect.poll(() => isRowUnread(d2, general), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => isRowUnread(d1, general), { timeout: 15_000 }).toBe(true);

    // Device 1 opens #general at the first unread message, under the NEW divider.
    await openChannel(d1, 'general');
    const divider = d1.locator('.new-divider');
    await divider.waitFor();
    expect(await d1.locator('.new-divider + article .content').innerText()).toBe('unread 1');
    const scroller = d1.getByRole('log', { name: 'Messages in #general' });
    await expect
      .poll(async () => {
        const [box, area] = [await divider.boundingBox(), await scroller.boundingBox()];
        return !!box && !!area && box.y >= area.y - 1 && box.y < area.y + area.height;
      })
      .toBe(true);
    // Still unread: opening at the first unread did not ack anything.
    await d1.waitForTimeout(1500);
    expect(await isRowUnread(d2, general)).toBe(true);

    // Scrolled past the divider, the bar offers the way back.
    await scroller.evaluate((el) => el.scrollBy(0, 400));
    const bar = d1.getByRole('region', { name: 'Unread messages' });
    await bar.waitFor();
    expect(await bar.innerText()).toContain('30 new messages');
    await d1.screenshot({ path: resolve(SHOTS, 'unread-jump.png') });
    await expectNoSeriousViolationsInBothThemes(d1, 'channel opened at the first unread, with the NEW divider and the jump bar');
    await bar.getByRole('button', { name: 'Jump to first unread' }).click();
    await bar.waitFor({ state: 'detached' });

    // Reading to the end (Ctrl+End) acks: device 2 shows #general read without a reload.
    await scroller.focus();
    await d1.keyboard.press('Control+End');
    await expect.poll(() => isRowUnread(d2, general), { timeout: 15_000 }).toBe(false);

    // Mark unread from "unread 20" (keyboard: the message's action button) → unread on device 2 too.
    const target = d1.locator('article.message', { hasText: 'unread 20' });
    await target.scrollIntoViewIfNeeded();
    await target.focus();
    await target.getByRole('button', { name: 'Mark unread' }).focus();
    await d1.keyboard.press('Enter');
    await expect.poll(() => isRowUnread(d2, general), { timeout: 15_000 }).toBe(true);
    // Device 1 keeps it unread while it stays open, the divider now above "unread 20".
    await expect.poll(() => d1.locator('.new-divider + article .content').innerText()).toBe('unread 20');
    await d1.waitForTimeout(1500);
    expect(await isRowUnread(d2, general)).toBe(true);

    // Escape marks it read again, everywhere.
    await scroller.focus();
    await d1.keyboard.press('Escape');
    await expect.poll(() => isRowUnread(d2, general), { timeout: 15_000 }).toBe(false);
    void other;
  });
});
