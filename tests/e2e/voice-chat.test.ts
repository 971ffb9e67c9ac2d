/**
 * Browser E2E: text chat inside a voice channel, as Discord has. A joins the voice channel and opens its chat from the
 * chat button on the channel row by keyboard, and writes (mentioning B); B, on another channel, sees the voice row
 * unread with the mention, opens it and reads the message; in a narrow window the chat replaces the participants and
 * a back button returns to them, and the chat button in the channel drawer closes it. axe in both themes.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { registerUser, rest, signIn } from './moderation-support';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);

const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Channels' });
const row = (page: Page, channelId: string) => page.locator(`li.channel-row[data-channel-id="${channelId}"]`);
const rowClass = async (page: Page, channelId: string) => (await row(page, channelId).getAttribute('class')) ?? '';
const openGuild = (page: Page) =>
  page
    .getByRole('navigation', { name: 'Servers' })
    .getByRole('button', { name: /^Voice Chat Guild/ })
    .click();

describe('text chat in voice channels', () => {
  it('when A writes in a voice channel chat opened by keyboard, then B sees the row unread with the mention and reads it there', async () => {
    const base = e2e.server.url;
    const a = await registerUser(base, `vc_a_${suffix}`, 'Ann');
    const b = await registerUser(base, `vc_b_${suffix}`, 'Ben');
    const guild = (await rest<{ id: string }>(base, 'POST', '/guilds', a.token, { name: 'Voice Chat Guild' })).body;
    const lounge = (await rest<{ id: string }>(base, 'POST', `/guilds/${guild.id}/channels`, a.token, { type: 'voice', name: 'Lounge' }))
      .body.id;
    const invite = (await rest<{ code: string }>(base, 'POST', `/guilds/${guild.id}/invites`, a.token, {})).body;
    expect((await rest(base, 'POST', `/invites/${invite.code}`, b.token)).status).toBe(200);

    const pa = await (await e2e.newContext()).newPage();
    await signIn(pa, base, a);
    await openGuild(pa);
    const pb = await (await e2e.newContext()).newPage();
    await signIn(pb, base, b);
    await openGuild(pb);
    await pb.getByLabel('Message #general').waitFor();
    expect(await rowClass(pb, lounge)).not.toContain('unread');

    // A joins the call, then reaches the row's chat button with Tab from the channel's own button and presses Enter.
    const joinButton = sidebar(pa).getByRole('button', { name: /^Lounge \(voice channel\)/ });
    await joinButton.click();
    await pa.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
    await joinButton.focus();
    const chatButton = row(pa, lounge).getByRole('button', { name: /^Open chat for Lounge/ });
    for (let i = 0; i < 4 && !(await chatButton.evaluate((el) => el === document.activeElement)); i++) await pa.keyboard.press('Tab');
    expect(await chatButton.evaluate((el) => el === document.activeElement)).toBe(true);
    await pa.keyboard.press('Enter');

    // The voice view: speaker heading, participants (A's own tile) and the channel's chat beside them.
    const view = pa.getByRole('main', { name: 'Lounge (voice channel)' });
    await view.getByRole('heading', { name: 'Lounge', exact: true }).waitFor();
    await view
      .getByRole('region', { name: 'Participants in Lounge' })
      .locator(`[data-tile-user-id="${a.id}"]`)
      .waitFor({ timeout: 15_000 });
    expect(await view.getByRole('button', { name: 'Show chat' }).getAttribute('aria-pressed')).toBe('true');
    const composer = view.getByRole('region', { name: 'Chat in Lounge' }).getByLabel('Message #Lounge');
    await composer.fill(`**Can you hear me** <@${b.id}>?`);
    await composer.press('Enter');
    await view.locator('.message[data-message-id] .content', { hasText: 'Can you hear me' }).waitFor();
    expect(await view.locator('.message .content strong', { hasText: 'Can you hear me' }).count()).toBe(1);

    // B, still in #general: the voice row is unread, and its chat button says the mention.
    await expect.poll(() => rowClass(pb, lounge), { timeout: 15_000 }).toContain('unread');
    const bChat = row(pb, lounge).getByRole('button', { name: /^Open chat for Lounge/ });
    await expect.poll(() => bChat.getAttribute('aria-label'), { timeout: 15_000 }).toBe('Open chat for Lounge, 1 mentions');
    expect(await row(pb, lounge).locator('.badge').innerText()).toBe('1');
    await bChat.click();
    await pb.locator('.message .content', { hasText: 'Can you hear me' }).waitFor({ timeout: 15_000 });
    // Reading it clears the unread state and the mention.
    await expect.poll(() => rowClass(pb, lounge), { timeout: 15_000 }).not.toContain('unread');
    expect(await bChat.getAttribute('aria-label')).toBe('Open chat for Lounge');

    await pa.screenshot({ path: resolve(SHOTS, 'voice-channel-chat.png') });
    await expectNoSeriousViolationsInBothThemes(pa, 'voice channel view with its chat beside the participants');

    // Hiding the chat leaves the participants; showing it again brings it back.
    await view.getByRole('button', { name: 'Show chat' }).click();
    await view.getByRole('region', { name: 'Chat in Lounge' }).waitFor({ state: 'detached' });
    expect(await view.getByRole('button', { name: 'Show chat' }).getAttribute('aria-pressed')).toBe('false');
    await view.getByRole('button', { name: 'Show chat' }).click();
    await view.getByRole('region', { name: 'Chat in Lounge' }).waitFor();

    // Narrow window: the chat takes the pane; the back button returns to the participants (B never joined: Join voice).
    await pb.setViewportSize({ width: 600, height: 760 });
    const narrowView = pb.getByRole('main', { name: 'Lounge (voice channel)' });
    await narrowView.getByRole('region', { name: 'Chat in Lounge' }).waitFor();
    // The layout follows the window's width on the next render after the resize: poll rather than count at once.
    await expect.poll(() => narrowView.getByRole('region', { name: 'Participants in Lounge' }).count()).toBe(0);
    await narrowView.getByRole('button', { name: 'Back to Lounge participants' }).click();
    const stage = narrowView.getByRole('region', { name: 'Participants in Lounge' });
    await stage.locator(`[data-tile-user-id="${a.id}"]`).waitFor();
    await stage.getByRole('button', { name: 'Join voice' }).waitFor();
    await expect.poll(() => narrowView.getByRole('region', { name: 'Chat in Lounge' }).count()).toBe(0);
    await expectNoSeriousViolationsInBothThemes(pb, 'voice channel view, narrow, participants shown');
    // From the channel drawer, the row's chat button closes the drawer and shows the chat.
    await pb.getByRole('button', { name: 'Show channels' }).click();
    await row(pb, lounge)
      .getByRole('button', { name: /^Open chat for Lounge/ })
      .click();
    await narrowView.getByRole('region', { name: 'Chat in Lounge' }).waitFor();
    await expect.poll(() => sidebar(pb).isVisible()).toBe(false);
  });
});
