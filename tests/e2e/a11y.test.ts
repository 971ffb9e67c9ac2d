/**
 * Browser E2E of layout and access: axe-core on every screen of the web client in both themes, the narrow layout's
 * drawers at 400 px, and the main flows with the keyboard alone. Real server, real stack, Debian's Chromium.
 */
import { resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);

async function newPage(viewport = { width: 1280, height: 760 }): Promise<Page> {
  const ctx = await e2e.newContext({ viewport });
  const page = await ctx.newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  return page;
}

async function register(page: Page, username: string, displayName: string, fromInvite = false) {
  if (!fromInvite) await page.getByRole('button', { name: 'Register' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Continue' }).click();
  // The guild rail shows at every width (the user panel is inside the channel drawer when narrow).
  await page.getByRole('navigation', { name: 'Servers' }).waitFor();
}

/** A signed-in owner with a guild holding #lobby and the voice channel Hangout, viewing #lobby. */
async function ownerWithGuild(page: Page, guildName: string) {
  await page.goto(`${e2e.server.url}/app/`);
  await register(page, `own_${guildName.replace(/\W/g, '').toLowerCase()}_${suffix}`, 'Olive');
  await page.getByRole('button', { name: 'Add a server' }).click();
  await page.getByLabel('Server name').fill(guildName);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('heading', { name: guildName }).waitFor();
  await page.getByRole('button', { name: 'Add a channel' }).click();
  await page.getByLabel('Channel name').fill('lobby');
  await page.getByRole('button', { name: 'Create Channel' }).click();
  await page.getByLabel('Message #lobby').waitFor();
}

async function send(page: Page, text: string, shown = text) {
  await page.getByLabel('Message #lobby').fill(text);
  await page.getByLabel('Message #lobby').press('Enter');
  await page.locator('.message[data-message-id] .content', { hasText: shown }).waitFor();
}

/** Presses Tab (or Shift+Tab) until the focused element matches `target`; fails after `max` presses. */
async function tabTo(page: Page, target: Locator, { back = false, max = 80 } = {}) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}

const focusedName = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
  });

describe('layout and access', () => {
  it('when axe checks every screen in the dark and the light theme, then it finds no serious or critical violation', async () => {
    const a = await newPage();
    await a.goto(`${e2e.server.url}/app/`);
    await a.getByRole('button', { name: 'Log In' }).waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'sign in');
    await a.getByRole('button', { name: 'Register' }).click();
    await expectNoSeriousViolationsInBothThemes(a, 'register');

    await register(a, `axe_a_${suffix}`, 'Ava', true);
    await a.getByRole('heading', { name: 'No servers yet' }).waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'home without servers');

    await a.getByRole('button', { name: 'Add a server' }).click();
    await a.getByRole('dialog', { name: 'Add a server' }).waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'add a server dialog');
    await a.getByLabel('Server name').fill('Axe Lab');
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await a.getByRole('heading', { name: 'Axe Lab' }).waitFor();

    await a.getByRole('button', { name: 'Add a channel' }).click();
    await a.getByRole('dialog', { name: 'Create Channel' }).waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'create channel dialog');
    await a.getByLabel('Channel name').fill('lobby');
    await a.getByRole('button', { name: 'Create Channel' }).click();
    await a.getByLabel('Message #lobby').waitFor();
    await a.getByRole('button', { name: 'Add a channel' }).click();
    await a.locator('input[name="type"][value="voice"]').check();
    await a.getByLabel('Channel name').fill('Hangout');
    await a.getByRole('button', { name: 'Create Channel' }).click();
    await a.getByRole('button', { name: /^Hangout \(voice channel\)/ }).waitFor();

    await a.getByRole('button', { name: 'Invite people' }).click();
    await a.getByRole('dialog', { name: 'Invite friends' }).waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'invite dialog before a link exists');
    // No invite of A's exists yet: the dialog creates one only when asked.
    await a.getByRole('button', { name: 'Create invite link' }).click();
    const inviteInput = a.locator('input[data-invite-code]:not([data-invite-code=""])');
    await inviteInput.waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'invite dialog');
    const link = await inviteInput.inputValue();
    await a.keyboard.press('Escape');

    // The invite page: B opens the link and gets the sign-up form.
    const b = await newPage();
    await b.goto(link);
    await b.getByRole('button', { name: 'Continue' }).waitFor();
    await expectNoSeriousViolationsInBothThemes(b, 'invite page');
    await register(b, `axe_b_${suffix}`, 'Bea', true);
    await b.getByRole('heading', { name: 'Axe Lab' }).waitFor();

    // The main screen with a conversation (own and others' messages, a mention, an edited message) and the member list.
    await send(a, 'Hello everyone, welcome to the lab');
    await b.getByRole('button', { name: /^lobby \(text channel\)/ }).click();
    await send(b, `Thanks! @axe_a_${suffix} glad to be here`, 'glad to be here');
    await a.locator('.message .content', { hasText: 'glad to be here' }).waitFor();
    await a.getByRole('complementary', { name: 'Members' }).waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'main screen with chat and member list');
    await a.getByRole('button', { name: 'Hide member list' }).click();
    await expectNoSeriousViolationsInBothThemes(a, 'main screen, member list hidden');
    await a.getByRole('button', { name: 'Show member list' }).click();

    // Voice connected, with the other participant's menu (volume and local mute).
    await a.getByRole('button', { name: /^Hangout \(voice channel\)/ }).click();
    await a.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
    await b.getByRole('button', { name: /^Hangout \(voice channel\)/ }).click();
    await b.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
    await a.locator('li.voice-user', { hasText: 'Bea' }).waitFor({ timeout: 15_000 });
    await expectNoSeriousViolationsInBothThemes(a, 'voice connected');
    await a.locator('li.voice-user', { hasText: 'Bea' }).click({ button: 'right' });
    await a.getByRole('menu', { name: 'Bea options' }).waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'participant menu with volume');
    await a.keyboard.press('Escape');
    await a.getByRole('menu', { name: 'Bea options' }).waitFor({ state: 'detached' });

    // Settings, every tab.
    await a.getByRole('button', { name: 'User settings' }).click();
    const settings = a.getByRole('dialog', { name: 'User Settings' });
    await settings.waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'settings: voice');
    await settings.getByLabel('Push to Talk').check();
    await expectNoSeriousViolationsInBothThemes(a, 'settings: voice, push to talk');
    await settings.getByLabel('Voice Activity').check();
    await settings.getByRole('tab', { name: 'Appearance' }).click();
    await expectNoSeriousViolationsInBothThemes(a, 'settings: appearance');
    await settings.getByRole('tab', { name: 'My Account' }).click();
    await expectNoSeriousViolationsInBothThemes(a, 'settings: my account');
    await a.keyboard.press('Escape');
    await settings.waitFor({ state: 'detached' });

    // The narrow layout, with each drawer open.
    await a.setViewportSize({ width: 400, height: 760 });
    await expectNoSeriousViolationsInBothThemes(a, 'narrow layout');
    await a.getByRole('button', { name: 'Show channels' }).click();
    await a.getByRole('complementary', { name: 'Channels' }).getByRole('button', { name: 'Invite people' }).waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'narrow layout, channel drawer');
    await a.keyboard.press('Escape');
    await a.getByRole('button', { name: 'Show member list' }).click();
    await a.getByRole('complementary', { name: 'Members' }).waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'narrow layout, member drawer');
    await a.keyboard.press('Escape');
  });

  it('when the window is 400 px wide, then the chat takes the width and the channel and member drawers open, close and return focus', async () => {
    const a = await newPage();
    await ownerWithGuild(a, 'Narrow Lab');
    await send(a, 'Small screens are screens too');
    await a.setViewportSize({ width: 400, height: 760 });

    const chat = a.getByRole('main');
    const width = async () => (await chat.boundingBox())?.width ?? 0;
    // The narrow layout comes with the render after the resize: poll for it.
    await expect.poll(width).toBeGreaterThanOrEqual(300);
    // The guild rail stays on screen.
    expect(await a.getByRole('navigation', { name: 'Servers' }).isVisible()).toBe(true);
    // Closed drawers are out of view and out of the tab order.
    await expect.poll(() => a.getByRole('complementary', { name: 'Members' }).count()).toBe(0);
    await expect.poll(() => a.getByRole('complementary', { name: 'Channels' }).isVisible()).toBe(false);

    // The member drawer: opened from the chat header, focus moves in, Escape closes and focus returns.
    const membersButton = a.getByRole('button', { name: 'Show member list' });
    await membersButton.focus();
    await a.keyboard.press('Enter');
    const members = a.getByRole('complementary', { name: 'Members' });
    await members.waitFor();
    expect(await membersButton.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => members.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    expect(await members.getByText('Olive').isVisible()).toBe(true);
    expect(await width()).toBeGreaterThanOrEqual(300);
    await a.screenshot({ path: resolve(SHOTS, 'narrow-layout.png') });
    await a.keyboard.press('Escape');
    await members.waitFor({ state: 'detached' });
    expect(await focusedName(a)).toBe('Show member list');

    // An overlay click closes it too.
    await membersButton.click();
    await members.waitFor();
    await a.mouse.click(20, 400);
    await members.waitFor({ state: 'detached' });

    // The channel drawer: focus moves in, Tab stays inside while it is open, Escape closes and focus returns.
    const channelsButton = a.getByRole('button', { name: 'Show channels' });
    await channelsButton.focus();
    await a.keyboard.press('Enter');
    const channels = a.getByRole('complementary', { name: 'Channels' });
    await expect.poll(() => channels.isVisible()).toBe(true);
    await expect.poll(() => channels.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    for (let i = 0; i < 12; i++) {
      await a.keyboard.press('Tab');
      expect(await channels.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    }
    await a.keyboard.press('Escape');
    await expect.poll(() => channels.isVisible()).toBe(false);
    expect(await focusedName(a)).toBe('Show channels');

    // Picking a channel in the drawer closes it and shows that channel.
    await channelsButton.click();
    await channels.getByRole('button', { name: /^lobby \(text channel\)/ }).click();
    await expect.poll(() => channels.isVisible()).toBe(false);
    expect(await width()).toBeGreaterThanOrEqual(300);

    // Widening the window brings the columns back.
    await a.setViewportSize({ width: 1280, height: 760 });
    await expect.poll(() => channels.isVisible()).toBe(true);
    await members.waitFor();
  });

  it('when the Video settings open, then the fake camera plays in the preview, axe passes in both themes, and leaving stops the camera', async () => {
    const a = await newPage();
    // Keeps every camera track the page opens, to see that leaving the section stops them.
    await a.addInitScript(() => {
      const w = window as unknown as { __cameraTracks: MediaStreamTrack[] };
      w.__cameraTracks = [];
      const md = navigator.mediaDevices;
      const original = md.getUserMedia.bind(md);
      md.getUserMedia = async (constraints) => {
        const stream = await original(constraints);
        w.__cameraTracks.push(...stream.getVideoTracks());
        return stream;
      };
    });
    await ownerWithGuild(a, 'Video Lab');
    await a.getByRole('button', { name: 'User settings' }).click();
    const settings = a.getByRole('dialog', { name: 'User Settings' });
    await settings.waitFor();
    // By keyboard: the tabs are a vertical tab list.
    await settings.getByRole('tab', { name: 'Voice & Audio' }).focus();
    await a.keyboard.press('ArrowDown');
    await expect.poll(() => settings.getByRole('tab', { name: 'Video' }).getAttribute('aria-selected')).toBe('true');
    const preview = settings.getByLabel('Camera preview');
    await preview.waitFor();
    // Decoded frames from Chromium's fake camera: the video has a size, and frames keep coming.
    await expect.poll(() => preview.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15_000 }).toBeGreaterThan(0);
    // Counted over 1 s windows until one has more than 5 (a busy machine can stall one window).
    const framesInOneSecond = () =>
      preview.evaluate(
        (v: HTMLVideoElement) =>
          new Promise<number>((done) => {
            let n = 0;
            const tick = () => {
              n++;
              v.requestVideoFrameCallback(tick);
            };
            v.requestVideoFrameCallback(tick);
            setTimeout(() => done(n), 1000);
          }),
      );
    await expect.poll(framesInOneSecond, { timeout: 15_000 }).toBeGreaterThan(5);
    // The camera list has the fake device by name (labels appear once the camera was allowed).
    const camera = settings.getByLabel('Camera', { exact: true });
    await expect.poll(() => camera.locator('option').allInnerTexts()).toContainEqual(expect.stringMatching(/fake/i));
    await settings.getByLabel(/^1080p 60 fps/).check();
    await settings.getByLabel('Share audio with my screen').uncheck();
    const saved = await a.evaluate(() => JSON.parse(localStorage.getItem('parley:settings') ?? '{}') as Record<string, unknown>);
    expect(saved).toMatchObject({ screenPreset: '1080p60', screenAudio: false });
    await settings.getByLabel('Share audio with my screen').check();
    await settings.getByLabel(/^1080p 30 fps/).check();
    await expectNoSeriousViolationsInBothThemes(a, 'settings: video');
    await settings.getByRole('heading', { name: 'Video Settings' }).scrollIntoViewIfNeeded();
    await a.screenshot({ path: resolve(SHOTS, 'video-settings.png') });

    // Leaving the section stops the camera.
    await settings.getByRole('tab', { name: 'Appearance' }).click();
    await expect
      .poll(() => a.evaluate(() => (window as unknown as { __cameraTracks: MediaStreamTrack[] }).__cameraTracks.map((t) => t.readyState)))
      .not.toContain('live');
    expect(await a.evaluate(() => (window as unknown as { __cameraTracks: MediaStreamTrack[] }).__cameraTracks.length)).toBeGreaterThan(0);
    await a.keyboard.press('Escape');
    await settings.waitFor({ state: 'detached' });
  });

  it('when the desktop main process asks to pick a screen, then the picker dialog passes axe and works by keyboard alone', async () => {
    const a = await newPage();
    // A stand-in for the preload's bridge (the web client has none): every call answers "unavailable" and is recorded,
    // every listener is kept so the test can play main's part. Only the picker is exercised here; main's side has its
    // unit tests (src-main/media/screen-picker.test.ts).
    await a.addInitScript(() => {
      const w = window as unknown as {
        parley: unknown;
        __bridgeCalls: unknown[][];
        __bridgeListeners: Record<string, Array<(payload: unknown) => void>>;
      };
      w.__bridgeCalls = [];
      w.__bridgeListeners = {};
      const domain = (name: string) =>
        new Proxy(
          {},
          {
            get: (_t, member) => {
              if (typeof member !== 'string') return undefined;
              if (member.startsWith('on'))
                return (cb: (payload: unknown) => void) => {
                  (w.__bridgeListeners[`${name}.${member}`] ??= []).push(cb);
                  return () => undefined;
                };
              return async (request?: unknown) => {
                w.__bridgeCalls.push([name, member, request]);
                return name === 'screen' ? { ok: true, data: { accepted: true } } : { ok: false, code: 'unavailable' };
              };
            },
          },
        );
      w.parley = new Proxy({}, { get: (_t, name) => (typeof name === 'string' ? domain(name) : undefined) });
    });
    await ownerWithGuild(a, 'Picker Lab');
    const pick = (requestId: string) =>
      a.evaluate((id) => {
        const thumb = (hue: number, text: string) => {
          const c = document.createElement('canvas');
          c.width = 320;
          c.height = 180;
          const g = c.getContext('2d')!;
          g.fillStyle = `hsl(${hue} 45% 35%)`;
          g.fillRect(0, 0, 320, 180);
          g.fillStyle = '#fff';
          g.font = '28px sans-serif';
          g.fillText(text, 20, 100);
          return c.toDataURL('image/jpeg');
        };
        const w = window as unknown as { __bridgeListeners: Record<string, Array<(payload: unknown) => void>> };
        for (const cb of w.__bridgeListeners['screen.onPickSource'] ?? [])
          cb({
            requestId: id,
            audioSupported: true,
            sources: [
              { id: 'window:7:0', name: 'Design notes — Editor', kind: 'window', thumbnail: thumb(200, 'Editor'), appIcon: null },
              { id: 'screen:0:0', name: 'Screen 1', kind: 'screen', thumbnail: thumb(260, 'Screen 1'), appIcon: null },
              { id: 'screen:1:0', name: 'Screen 2', kind: 'screen', thumbnail: thumb(300, 'Screen 2'), appIcon: null },
              { id: 'window:9:0', name: 'Music player', kind: 'window', thumbnail: thumb(20, 'Music'), appIcon: null },
            ],
          });
      }, requestId);
    const calls = () =>
      a.evaluate(() => (window as unknown as { __bridgeCalls: unknown[][] }).__bridgeCalls.filter((c) => c[0] === 'screen'));

    await pick('req-1');
    const dialog = a.getByRole('dialog', { name: 'Share your screen' });
    await dialog.waitFor();
    // Screens come first and the first screen is selected and focused.
    const checked = dialog.getByRole('radio', { checked: true });
    await expect.poll(() => checked.getAttribute('data-source-id')).toBe('screen:0:0');
    await expect.poll(() => checked.evaluate((el) => el === document.activeElement)).toBe(true);
    await expect.poll(() => dialog.getByRole('switch', { name: 'Include audio' }).isChecked()).toBe(true);
    await expectNoSeriousViolationsInBothThemes(a, 'desktop screen picker');
    await a.screenshot({ path: resolve(SHOTS, 'screen-picker.png') });

    // Arrow keys move the selection (and focus); Enter shares the focused one, with audio as the switch says.
    await a.keyboard.press('ArrowRight');
    await a.keyboard.press('ArrowRight');
    await expect.poll(() => checked.getAttribute('data-source-id')).toBe('window:7:0');
    await a.keyboard.press('ArrowLeft');
    await a.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(calls).toEqual([['screen', 'chooseSource', { requestId: 'req-1', sourceId: 'screen:1:0', audio: true }]]);

    // Escape cancels: the answer names no source.
    await pick('req-2');
    await dialog.waitFor();
    await a.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await calls()).at(-1))
      .toEqual(['screen', 'chooseSource', { requestId: 'req-2', sourceId: null, audio: false }]);

    // Tab reaches the audio switch and the buttons; Share sends what is selected, without audio once switched off.
    await pick('req-3');
    await dialog.waitFor();
    await tabTo(a, dialog.getByRole('switch', { name: 'Include audio' }));
    await a.keyboard.press('Space');
    await tabTo(a, dialog.getByRole('button', { name: 'Share' }));
    await a.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await calls()).at(-1))
      .toEqual(['screen', 'chooseSource', { requestId: 'req-3', sourceId: 'screen:0:0', audio: false }]);

    // Main gives up on an open request (timeout, a newer one): the dialog closes without answering.
    await pick('req-4');
    await dialog.waitFor();
    await a.evaluate(() => {
      const w = window as unknown as { __bridgeListeners: Record<string, Array<(payload: unknown) => void>> };
      for (const cb of w.__bridgeListeners['screen.onPickCancelled'] ?? []) cb({ requestId: 'req-4' });
    });
    await dialog.waitFor({ state: 'detached' });
    expect(await calls()).toHaveLength(3);
  });

  it('when a user has only a keyboard, then they can send, edit and delete a message and open and close settings', async () => {
    const a = await newPage();
    await ownerWithGuild(a, 'Keys Lab');
    const composer = a.getByLabel('Message #lobby');

    // Send: Tab to the composer from the top of the page, type, Enter.
    await a.locator('body').evaluate((el: HTMLElement) => el.focus());
    await tabTo(a, composer);
    await a.keyboard.type('typed without a mouse');
    await a.keyboard.press('Enter');
    const sent = a.locator('.message[data-message-id]', { hasText: 'typed without a mouse' });
    await sent.waitFor();
    const message = a.locator(`.message[data-message-id="${await sent.getAttribute('data-message-id')}"]`);

    // Edit: back from the composer to the message (its toolbar appears while it has focus), into the toolbar's Edit
    // button, Enter, retype, Enter.
    const edit = message.getByRole('button', { name: 'Edit message' });
    await tabTo(a, message, { back: true });
    await tabTo(a, edit);
    expect(await edit.isVisible()).toBe(true);
    await a.keyboard.press('Enter');
    const editBox = message.getByRole('textbox', { name: 'Edit message' });
    await editBox.waitFor();
    await expect.poll(() => editBox.evaluate((el) => el === document.activeElement)).toBe(true);
    await a.keyboard.press('ControlOrMeta+A');
    await a.keyboard.type('edited without a mouse');
    await a.keyboard.press('Enter');
    await message.getByText('(edited)').waitFor();
    expect(await message.locator('.content').innerText()).toContain('edited without a mouse');
    // Focus comes back to the message's Edit button, so the next action is one key away.
    await expect.poll(() => edit.evaluate((el) => el === document.activeElement)).toBe(true);

    // Delete: Tab to Delete, Enter, confirm in the dialog with the keyboard.
    await tabTo(a, message.getByRole('button', { name: 'Delete message' }));
    await a.keyboard.press('Enter');
    const confirm = a.getByRole('dialog', { name: 'Delete message' });
    await confirm.waitFor();
    // Escape cancels and leaves the message.
    await a.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect(await focusedName(a)).toBe('Delete message');
    await a.keyboard.press('Enter');
    await confirm.waitFor();
    await tabTo(a, confirm.getByRole('button', { name: 'Delete', exact: true }));
    await a.keyboard.press('Enter');
    await message.waitFor({ state: 'detached' });

    // Settings: Tab to the gear, Enter opens it with focus inside, Tab stays inside, Escape closes, focus returns.
    const gear = a.getByRole('button', { name: 'User settings' });
    await tabTo(a, gear);
    await a.keyboard.press('Enter');
    const settings = a.getByRole('dialog', { name: 'User Settings' });
    await settings.waitFor();
    await expect.poll(() => settings.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    for (let i = 0; i < 25; i++) {
      await a.keyboard.press('Tab');
      expect(await settings.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    }
    await a.keyboard.press('Escape');
    await settings.waitFor({ state: 'detached' });
    expect(await focusedName(a)).toBe('User settings');

    // The focus ring is visible: a focused control draws an outline.
    const outline = await gear.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe('none');
  });
});
