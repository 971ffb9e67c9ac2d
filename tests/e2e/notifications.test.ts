/**
 * Browser E2E: mentions and notifications. B types "@" and part of A's display name, picks A from the autocomplete
 * by keyboard and sends; A, looking at another channel, gets a notification that opens the channel when clicked. A
 * mutes the channel from its menu: the next mention still badges but does not notify.
 *
 * `window.Notification` is replaced in A's page (addInitScript) by a stub that records what is shown: headless
 * Chromium has no permission prompt a test could answer, and no notification centre to read from. Everything up to
 * the `new Notification(…)` call — the permission asked from the banner's click, the settings, shouldNotify — is the
 * real app.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { registerUser, rest, signIn } from './moderation-support';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);

const STUB_NOTIFICATION = `(() => {
  const shown = [];
  class StubNotification {
    static permission = 'default';
    static async requestPermission() {
      StubNotification.permission = 'granted';
      return 'granted';
    }
    constructor(title, options) {
      this.clicks = [];
      shown.push({ title, body: (options && options.body) || '', note: this });
    }
    addEventListener(type, listener) {
      if (type === 'click') this.clicks.push(listener);
    }
    close() {}
  }
  window.Notification = StubNotification;
  window.__notifications = shown;
})()`;

const shownCount = (page: Page) => page.evaluate(() => (window as unknown as { __notifications: unknown[] }).__notifications.length);
const openChannel = (page: Page, name: string) =>
  page
    .getByRole('complementary', { name: 'Channels' })
    .getByRole('button', { name: new RegExp(`^${name} \\(text channel\\)`) })
    .click();

describe('mentions and notifications', () => {
  it('when B picks A from the @ autocomplete and sends, then A is notified; after A mutes the channel a mention badges but does not notify', async () => {
    const base = e2e.server.url;
    const a = await registerUser(base, `nt_a_${suffix}`, 'Ann Lee');
    const b = await registerUser(base, `nt_b_${suffix}`, 'Ben');
    const guild = (await rest<{ id: string }>(base, 'POST', '/guilds', a.token, { name: 'Notify Guild' })).body;
    const channels = (
      await rest<{ items: { id: string; name: string; type: string }[] }>(base, 'GET', `/guilds/${guild.id}/channels`, a.token)
    ).body.items;
    const general = channels.find((c) => c.type === 'text')!.id;
    expect((await rest(base, 'POST', `/guilds/${guild.id}/channels`, a.token, { type: 'text', name: 'other' })).status).toBe(201);
    const invite = (await rest<{ code: string }>(base, 'POST', `/guilds/${guild.id}/invites`, a.token, {})).body;
    expect((await rest(base, 'POST', `/invites/${invite.code}`, b.token)).status).toBe(200);

    // A enables notifications from the banner (a click: the permission is never asked on load), then looks at #other.
    const aCtx = await e2e.newContext();
    await aCtx.addInitScript(STUB_NOTIFICATION);
    const pa = await aCtx.newPage();
    await signIn(pa, base, a);
    await pa
      .getByRole('navigation', { name: 'Servers' })
      .getByRole('button', { name: /^Notify Guild/ })
      .click();
    const banner = pa.getByRole('region', { name: 'Desktop notifications' });
    await banner.getByRole('button', { name: 'Enable desktop notifications' }).click();
    await banner.waitFor({ state: 'detached' });
    await openChannel(pa, 'other');

    // B types "@ann l", the list offers Ann Lee first; B picks with the keyboard and sends.
    const pb = await (await e2e.newContext()).newPage();
    await signIn(pb, base, b);
    await pb
      .getByRole('navigation', { name: 'Servers' })
      .getByRole('button', { name: /^Notify Guild/ })
      .click();
    await openChannel(pb, 'general');
    const composer = pb.getByRole('combobox', { name: 'Message #general' });
    await composer.click();
    await pb.keyboard.type('hey @ann l');
    const list = pb.getByRole('listbox');
    await list.waitFor();
    expect(await composer.getAttribute('aria-expanded')).toBe('true');
    const options = list.getByRole('option');
    expect(await options.first().innerText()).toContain('Ann Lee');
    expect(await composer.getAttribute('aria-activedescendant')).toBe(await options.first().getAttribute('id'));
    await pb.screenshot({ path: resolve(SHOTS, 'mention-autocomplete.png') });
    await expectNoSeriousViolationsInBothThemes(pb, 'mention autocomplete');
    await pb.keyboard.press('Tab');
    await list.waitFor({ state: 'detached' });
    expect(await composer.inputValue()).toBe('hey @Ann Lee ');
    await pb.keyboard.type('look at this');
    await pb.keyboard.press('Enter');
    // Sent as <@id>: B sees it rendered as a mention of Ann Lee.
    await pb.locator('.message .content', { hasText: 'look at this' }).locator('.mention', { hasText: 'Ann Lee' }).waitFor();

    // A is notified; clicking the notification opens #general.
    await expect.poll(() => shownCount(pa), { timeout: 15_000 }).toBe(1);
    const first = await pa.evaluate(() => {
      const n = (window as unknown as { __notifications: { title: string; body: string }[] }).__notifications[0]!;
      return { title: n.title, body: n.body };
    });
    expect(first).toEqual({ title: 'Ben in #general', body: 'hey @Ann Lee look at this' });
    await pa.evaluate(() => {
      const n = (window as unknown as { __notifications: { note: { clicks: (() => void)[] } }[] }).__notifications[0]!;
      for (const click of n.note.clicks) click();
    });
    await pa.getByRole('main', { name: '#general' }).waitFor();

    // A mutes #general from its menu (keyboard: Shift+F10 on the channel), then looks at #other again.
    await openChannel(pa, 'other');
    await pa
      .getByRole('complementary', { name: 'Channels' })
      .getByRole('button', { name: /^general \(text channel\)/ })
      .focus();
    await pa.keyboard.press('Shift+F10');
    const menu = pa.getByRole('menu', { name: '#general notifications' });
    await menu.waitFor();
    await menu.getByRole('menuitem', { name: 'Mute channel until i turn it back on' }).click();
    await menu.waitFor({ state: 'detached' });
    const generalRow = pa.locator(`li.channel-row[data-channel-id="${general}"]`);
    await expect.poll(() => generalRow.getAttribute('data-muted')).toBe('true');
    // The muted row recedes but stays readable (contrast), and the focus went back to it.
    await expectNoSeriousViolationsInBothThemes(pa, 'muted channel in the sidebar');
    expect(await pa.evaluate(() => (document.activeElement?.closest('li.channel-row') as HTMLElement | null)?.dataset.channelId)).toBe(
      general,
    );

    // B mentions A again: the muted channel badges the mention but A gets no second notification.
    await composer.click();
    await pb.keyboard.type('@ann');
    await list.waitFor();
    await pb.keyboard.press('Enter');
    await pb.keyboard.type('again');
    await pb.keyboard.press('Enter');
    await pa
      .getByRole('complementary', { name: 'Channels' })
      .getByRole('button', { name: /^general \(text channel\), muted, 1 mentions/ })
      .waitFor({ timeout: 15_000 });
    // The mention arrived (its badge shows); give a notification the same moment to appear before asserting none did.
    await pa.waitForTimeout(500);
    expect(await shownCount(pa)).toBe(1);

    // The server's Notification settings dialog shows the channel as muted; checked with axe in both themes.
    const openDialog = async (page: Page) => {
      await page.locator('.guild-menu-button').click();
      await page.getByRole('menuitem', { name: 'Notification settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Notification settings — Notify Guild' });
      await dialog.waitFor();
      return dialog;
    };
    const dialog = await openDialog(pa);
    expect(await dialog.getByRole('radio', { name: /Only @mentions/ }).isChecked()).toBe(true);
    await dialog.getByText('(muted until you turn it back on)').waitFor();
    await pa.screenshot({ path: resolve(SHOTS, 'notification-settings.png') });
    await expectNoSeriousViolationsInBothThemes(pa, 'notification settings dialog');
    // "All messages" is saved on the server: A's second session (READY, then the live update) shows it too.
    const pa2 = await (await e2e.newContext()).newPage();
    await signIn(pa2, base, a);
    await pa2
      .getByRole('navigation', { name: 'Servers' })
      .getByRole('button', { name: /^Notify Guild/ })
      .click();
    const dialog2 = await openDialog(pa2);
    await dialog.getByRole('radio', { name: /All messages/ }).check();
    await expect.poll(() => dialog2.getByRole('radio', { name: /All messages/ }).isChecked(), { timeout: 15_000 }).toBe(true);
    await pa.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});
