/**
 * Browser E2E of the embeddable voice widget (/embed/voice/:channelId): the owner allows a host page's origin and
 * listen-only guests in Server settings → Embed (by keyboard); a page on that origin (a second local HTTP server)
 * frames the widget, drives it through postMessage, joins as a guest and hears an rtc-node bot's tone; the same page
 * on another origin (localhost instead of 127.0.0.1) cannot frame it; with guests off the token route refuses, yet a
 * member signs in inside the widget (keyboard) and joins with their own voice token, and a member without CONNECT is
 * told so. axe checks the settings section and the widget's states in both themes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { CAPTURE_REMOTE_AUDIO, MEASURE_REMOTE_LEVEL, SHOTS, useBrowserSession } from './web-stack';
import { Bot } from '../integration/voice-support';

// A guest's join through postMessage comes without a click in the frame: let its audio play (hosts grant it with allow="autoplay").
const e2e = useBrowserSession({ chromiumArgs: ['--autoplay-policy=no-user-gesture-required'] });
const suffix = Math.random().toString(36).slice(2, 7);
const owner = { username: `embed_owner_${suffix}`, displayName: 'Olive', password: 'correct horse battery' };
const member = { username: `embed_member_${suffix}`, displayName: 'Mira', password: 'member horse battery' };
const AUDIBLE = 0.01;

/** What the host page keeps on its window. */
interface HostWindow {
  __states: StateMessage[];
  send(message: unknown): void;
}

interface StateMessage {
  type: string;
  joined: boolean;
  muted: boolean;
  joinedAs: 'guest' | 'member' | null;
  signedIn: boolean;
  participants: { identity: string; name: string; guest: boolean; self: boolean }[];
}

let host: Server;
let hostPort = 0;
/** The owner's app, signed in by the first test (and left open for the last). */
let ownerApp: Page;
let token = '';
let guildId = '';
let channelId = '';
const bot = new Bot();

/** The fields this test reads from API responses (each response has some of them). */
interface Body {
  id: string;
  accessToken: string;
  /** Sessions (id) or voice states (userId, channelId). */
  items: { id: string; userId: string; channelId: string }[];
  code: string;
  url: string;
  token: string;
  error: { code: string };
}

async function rest(method: string, path: string, auth: string | null, body?: unknown): Promise<{ status: number; data: Body }> {
  const res = await fetch(`${e2e.server.url}/api/v1${path}`, {
    method,
    headers: {
      ...(auth ? { Authorization: `Bearer ${auth}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, data: (text ? JSON.parse(text) : {}) as Body };
}

/** The host page: the widget in an iframe, every parley:state it posts kept in window.__states, `send()` posts to it. */
function hostPage(widgetUrl: string): string {
  const widgetOrigin = new URL(widgetUrl).origin;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host page</title></head><body>
<h1>A page that embeds Parley</h1>
<iframe id="widget" title="Parley voice" src="${widgetUrl}" allow="microphone; autoplay" width="340" height="320"></iframe>
<script>
  window.__states = [];
  window.addEventListener('message', (e) => { if (e.origin === ${JSON.stringify(widgetOrigin)}) window.__states.push(e.data); });
  window.send = (message) => document.getElementById('widget').contentWindow.postMessage(message, ${JSON.stringify(widgetOrigin)});
</script></body></html>`;
}

const allowedOrigin = () => `http://127.0.0.1:${hostPort}`;
const widgetUrl = () => `${e2e.server.url}/embed/voice/${channelId}`;
const lastState = (page: Page) => page.evaluate(() => (window as unknown as HostWindow).__states.at(-1) ?? null);

async function newPage(): Promise<Page> {
  const ctx = await e2e.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.addInitScript(CAPTURE_REMOTE_AUDIO);
  const page = await ctx.newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  return page;
}

function widgetFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().startsWith(`${e2e.server.url}/embed/`));
  if (!frame) throw new Error('no widget frame');
  return frame;
}

beforeAll(async () => {
  host = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    if (!url.searchParams.get('widget')) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(hostPage(url.searchParams.get('widget') ?? ''));
  });
  await new Promise<void>((done) => host.listen(0, done));
  hostPort = (host.address() as AddressInfo).port;
  // Opened here, not in the first test, so it stays open for the last (a context opened in a test closes with it).
  ownerApp = await newPage();
});

afterAll(async () => {
  await bot.close();
  // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
  await new Promise((done) => host?.close(done));
});

describe('the embeddable voice widget', () => {
  it('when the owner allows an origin and listen-only guests in Server settings → Embed, then they are saved (keyboard, axe)', async () => {
    const a = ownerApp;
    await a.goto(`${e2e.server.url}/app/`);
    await a.getByRole('button', { name: 'Register' }).click();
    await a.getByLabel('Username').fill(owner.username);
    await a.getByLabel('Display name').fill(owner.displayName);
    await a.getByLabel('Password').fill(owner.password);
    await a.getByRole('button', { name: 'Continue' }).click();
    await a.getByRole('region', { name: 'User controls' }).waitFor();
    token = (await rest('POST', '/auth/login', null, { username: owner.username, password: owner.password })).data.accessToken;
    guildId = (await rest('POST', '/guilds', token, { name: 'Embed Lab' })).data.id;
    channelId = (await rest('POST', `/guilds/${guildId}/channels`, token, { type: 'voice', name: 'Lobby' })).data.id;

    const menu = a.getByRole('complementary', { name: 'Channels' }).getByRole('button', { name: 'Embed Lab', exact: true });
    await a.getByRole('button', { name: 'Embed Lab' }).first().click();
    await menu.click();
    await a.getByRole('menuitem', { name: 'Server settings' }).click();
    const dialog = a.locator('dialog[open]').last();
    const tab = dialog.getByRole('tab', { name: 'Embed', exact: true });
    await tab.focus();
    await a.keyboard.press('Enter');
    const origins = dialog.getByLabel('Allowed sites (one origin per line)');
    await origins.waitFor();
    await origins.focus();
    await a.keyboard.type(allowedOrigin());
    await a.keyboard.press('Tab');
    // The guest radios: focus lands on the checked one ("No guests"), an arrow moves to "Guests listen".
    await a.keyboard.press('ArrowDown');
    expect(await dialog.getByRole('radio', { name: /Guests listen/ }).isChecked()).toBe(true);
    await a.keyboard.press('Tab');
    await expect.poll(() => a.evaluate(() => document.activeElement?.textContent)).toBe('Save embed settings');
    await a.keyboard.press('Enter');
    await dialog.getByText('Saved.').waitFor();
    await dialog.getByLabel('Widget for').selectOption({ label: 'Lobby' });
    await expect.poll(async () => dialog.getByLabel('Code to paste into your page').inputValue()).toContain(`/embed/voice/${channelId}"`);
    await expectNoSeriousViolationsInBothThemes(a, 'server settings: embed');
    await a.screenshot({ path: resolve(SHOTS, 'server-settings-embed.png') });

    const saved = await rest('GET', `/guilds/${guildId}/embed-settings`, token);
    expect(saved.data).toEqual({ guildId, allowedOrigins: [allowedOrigin()], guestAccess: 'listen' });
  });

  it('when a page on the allowed origin frames the widget, then the host drives it by postMessage and the guest hears the bot', async () => {
    // A member's bot in the channel, publishing a 440 Hz tone.
    const grant = await rest('POST', `/channels/${channelId}/voice/join`, token);
    expect(grant.status).toBe(200);
    await bot.connect(grant.data.url, grant.data.token);
    await bot.publishTone();

    const page = await newPage();
    await page.goto(`${allowedOrigin()}/?widget=${encodeURIComponent(widgetUrl())}`);
    // The widget introduces itself to its parent (at the parent's exact origin).
    await expect.poll(() => lastState(page), { timeout: 15_000 }).toMatchObject({ type: 'parley:state', joined: false });
    const frame = widgetFrame(page);
    expect(await frame.getByRole('heading', { name: 'Lobby' }).count()).toBe(1);

    await page.evaluate(() => (window as unknown as HostWindow).send({ type: 'parley:join' }));
    await expect.poll(() => lastState(page), { timeout: 30_000 }).toMatchObject({ joined: true, muted: true });
    await expect
      .poll(async () => (await lastState(page))?.participants.map((p) => ({ name: p.name, guest: p.guest, self: p.self })), {
        timeout: 30_000,
      })
      .toEqual(
        expect.arrayContaining([
          { name: expect.stringMatching(/^Guest /), guest: true, self: true },
          { name: owner.displayName, guest: false, self: false },
        ]),
      );
    const self = (await lastState(page))?.participants.find((p) => p.self);
    expect(self?.identity).toMatch(/^guest:/);
    // Heard: the tone arrives in the frame's remote audio track.
    await expect.poll(() => frame.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);
    // A voice widget receives voices only: the bot's camera and screen share never reach it.
    const videos = await Promise.all([bot.publishVideo('camera'), bot.publishVideo('screen_share')]);
    await page.waitForTimeout(3000);
    // (LiveKit's answerer side has idle receivers ready, so what counts is what arrives: inbound RTP.)
    const inbound = () =>
      frame.evaluate(async () => {
        const got: Record<string, number> = {};
        for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
          (await pc.getStats()).forEach((st: { type?: string; kind?: string; bytesReceived?: number }) => {
            if (st.type === 'inbound-rtp' && st.kind) got[st.kind] = (got[st.kind] ?? 0) + (st.bytesReceived ?? 0);
          });
        }
        return got;
      });
    expect((await inbound()).audio).toBeGreaterThan(0);
    expect((await inbound()).video ?? 0).toBe(0);
    for (const v of videos) if (v.sid) await bot.room.localParticipant?.unpublishTrack(v.sid);
    // A listen-only guest has no microphone to unmute: the widget shows no mute button and stays muted.
    expect(await frame.getByRole('button', { name: 'Unmute' }).isVisible()).toBe(false);
    await page.evaluate(() => (window as unknown as HostWindow).send({ type: 'parley:mute', muted: false }));
    await page.evaluate(() => (window as unknown as HostWindow).send({ type: 'parley:leave' }));
    await expect.poll(() => lastState(page), { timeout: 15_000 }).toMatchObject({ joined: false, muted: true, participants: [] });
  });

  it('when the widget is opened on its own, then join, the participant list and the guest badge pass axe in both themes', async () => {
    const page = await newPage();
    await page.goto(widgetUrl());
    await page.getByRole('button', { name: 'Join as guest' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('list', { name: 'In the channel' }).getByText(owner.displayName).waitFor({ timeout: 30_000 });
    await page.getByRole('list', { name: 'In the channel' }).getByText('guest', { exact: true }).waitFor();
    await expectNoSeriousViolationsInBothThemes(page, 'voice widget, joined');
    await page.setViewportSize({ width: 340, height: 320 });
    await page.screenshot({ path: resolve(SHOTS, 'embed-voice-widget.png') });
    await page.getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('button', { name: 'Join as guest' }).waitFor();
  });

  it('when a page on another origin frames the widget, then frame-ancestors blocks it and its document never loads', async () => {
    const page = await newPage();
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    const widgetResponse = page.waitForResponse((r) => r.url() === widgetUrl());
    await page.goto(`http://localhost:${hostPort}/?widget=${encodeURIComponent(widgetUrl())}`);
    const res = await widgetResponse;
    expect(res.headers()['content-security-policy']).toContain(`frame-ancestors ${allowedOrigin()}`);
    expect(res.headers()['x-frame-options']).toBeUndefined();
    await expect.poll(() => consoleLines.join('\n'), { timeout: 15_000 }).toContain('frame-ancestors');
    // No frame holds the widget's document, and it never posted anything to this page.
    for (const frame of page.frames()) {
      const widget = await frame
        .evaluate(() => document.getElementById('widget') !== null && location.pathname.startsWith('/embed/'))
        .catch(() => false);
      expect(widget).toBe(false);
    }
    expect(await page.evaluate(() => (window as unknown as HostWindow).__states.length)).toBe(0);
  });

  it('when the guild turns guests off, then the token route refuses with 403 FORBIDDEN and the widget offers only sign-in', async () => {
    expect((await rest('PATCH', `/guilds/${guildId}/embed-settings`, token, { guestAccess: 'off' })).status).toBe(200);
    const refused = await rest('POST', `/embed/voice/${channelId}/guest-token`, null);
    expect(refused.status).toBe(403);
    expect(refused.data.error.code).toBe('FORBIDDEN');
    const page = await newPage();
    await page.goto(`${allowedOrigin()}/?widget=${encodeURIComponent(widgetUrl())}`);
    const frame = await (async () => {
      await expect.poll(() => lastState(page), { timeout: 15_000 }).not.toBeNull();
      return widgetFrame(page);
    })();
    await frame.getByText('Sign in to join this channel.').waitFor();
    expect(await frame.getByRole('button', { name: 'Join as guest' }).count()).toBe(0);
    expect(await frame.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    // A join asked for by the host page without a member signed in says what to do instead.
    await page.evaluate(() => (window as unknown as HostWindow).send({ type: 'parley:join' }));
    await expect.poll(() => lastState(page)).toMatchObject({ joined: false, signedIn: false, error: 'Sign in to join this channel.' });
  });

  it('when guests are off, then a member signs in inside the framed widget by keyboard, joins with their own voice token and hears the bot', async () => {
    await rest('POST', '/auth/register', null, member);
    const memberToken = (await rest('POST', '/auth/login', null, { username: member.username, password: member.password })).data
      .accessToken;
    const code = (await rest('POST', `/guilds/${guildId}/invites`, token, {})).data.code;
    expect((await rest('POST', `/invites/${code}`, memberToken)).status).toBe(200);
    const sessionsBefore = (await rest('GET', '/users/@me/sessions', memberToken)).data.items.length;

    const page = await newPage();
    await page.goto(`${allowedOrigin()}/?widget=${encodeURIComponent(widgetUrl())}`);
    await expect.poll(() => lastState(page), { timeout: 15_000 }).toMatchObject({ joined: false, signedIn: false });
    const frame = widgetFrame(page);
    await frame.getByRole('button', { name: 'Sign in' }).focus();
    await page.keyboard.press('Enter');
    // The form says on which site the password is being typed.
    await frame.getByText(`inside a widget on ${allowedOrigin()}`).waitFor();
    await expect.poll(() => frame.evaluate(() => document.activeElement?.id)).toBe('signin-username');
    await page.keyboard.type(member.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    await frame.getByText('Wrong username or password.').waitFor();
    await expect.poll(() => frame.evaluate(() => document.activeElement?.id)).toBe('signin-password');
    await frame.getByLabel('Password').fill('');
    await page.keyboard.type(member.password);
    await page.keyboard.press('Enter');

    await expect
      .poll(() => lastState(page), { timeout: 30_000 })
      .toMatchObject({ joined: true, joinedAs: 'member', signedIn: true, muted: true });
    await expect
      .poll(async () => (await lastState(page))?.participants.map((p) => ({ name: p.name, guest: p.guest, self: p.self })), {
        timeout: 30_000,
      })
      .toEqual(
        expect.arrayContaining([
          { name: member.displayName, guest: false, self: true },
          { name: owner.displayName, guest: false, self: false },
        ]),
      );
    // The member's own voice state on the server: they joined through the ordinary voice join route.
    await expect
      .poll(async () => (await rest('GET', `/guilds/${guildId}/voice-states`, token)).data.items.filter((v) => v.channelId === channelId))
      .toHaveLength(2);
    await expect.poll(() => frame.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);
    // @everyone may speak here: the member has a microphone to unmute.
    expect(await frame.getByRole('button', { name: 'Unmute' }).isVisible()).toBe(true);
    await page.evaluate(() => (window as unknown as HostWindow).send({ type: 'parley:leave' }));
    await expect.poll(() => lastState(page), { timeout: 15_000 }).toMatchObject({ joined: false, joinedAs: null, signedIn: true });

    // Leaving the page signs the widget's session out: the member is back to the sessions they had.
    await page.goto('about:blank');
    await expect
      .poll(async () => (await rest('GET', '/users/@me/sessions', memberToken)).data.items.length, { timeout: 15_000 })
      .toBe(sessionsBefore);
  });

  it('when a member without CONNECT signs in on the widget, then the join is refused with a clear message (keyboard, axe)', async () => {
    const closedId = (
      await rest('POST', `/guilds/${guildId}/channels`, token, {
        type: 'voice',
        name: 'Backstage',
        overwrites: [{ id: guildId, type: 'role', allow: 0, deny: 1 << 6 }],
      })
    ).data.id;
    const page = await newPage();
    await page.goto(`${e2e.server.url}/embed/voice/${closedId}`);
    await page.getByRole('button', { name: 'Sign in' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Username').waitFor();
    await expectNoSeriousViolationsInBothThemes(page, 'voice widget, sign-in form');
    await page.getByLabel('Username').focus();
    await page.keyboard.type(member.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(member.password);
    await page.keyboard.press('Enter');
    await page.getByText('You do not have permission to join this channel.').waitFor({ timeout: 30_000 });
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Leave' }).count()).toBe(0);
    await expectNoSeriousViolationsInBothThemes(page, 'voice widget, member refused');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('when a guest is in a voice channel, then a member in the app sees it in the voice list (badge, no member menu) and a moderator mutes and disconnects it by keyboard', async () => {
    expect((await rest('PATCH', `/guilds/${guildId}/embed-settings`, token, { guestAccess: 'listen' })).status).toBe(200);
    const a = ownerApp;
    await a.keyboard.press('Escape');
    await a.locator('dialog[open]').waitFor({ state: 'detached' });
    const lobbyList = a.getByRole('list', { name: 'In Lobby' });

    const guest = await newPage();
    await guest.goto(widgetUrl());
    await guest.getByRole('button', { name: 'Join as guest' }).click();
    const self = guest.getByRole('list', { name: 'In the channel' }).locator('li', { hasText: 'you' });
    await self.waitFor({ timeout: 30_000 });
    const guestName = ((await self.locator('span').first().textContent()) ?? '').trim();
    expect(guestName).toMatch(/^Guest [0-9a-f]{4}$/);

    // The owner's sidebar lists the guest under Lobby, marked as a guest, with no member menu to open.
    const row = lobbyList.locator('li.voice-user', { hasText: guestName });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getByText('guest', { exact: true }).isVisible()).toBe(true);
    expect(await row.getAttribute('aria-haspopup')).toBeNull();
    expect(await lobbyList.getByText(owner.displayName).count()).toBe(1);
    // Screen readers hear the guest in the channel's name too (guests take no seat, so not in the member count).
    expect(await a.getByRole('button', { name: /^Lobby \(voice channel\), 1 connected, 1 guest$/ }).count()).toBe(1);
    await expectNoSeriousViolationsInBothThemes(a, 'app: a guest in the voice list');

    // The owner (MUTE_MEMBERS) mutes the guest from the keyboard: a toggle button, pressed once the guest is muted.
    const mute = row.getByRole('button', { name: `Server mute ${guestName}` });
    expect(await mute.getAttribute('aria-pressed')).toBe('false');
    await mute.focus();
    await a.keyboard.press('Enter');
    await row.getByRole('button', { name: `Server mute ${guestName}`, pressed: true }).waitFor({ timeout: 15_000 });
    await expectNoSeriousViolationsInBothThemes(a, 'app: a server-muted guest in the voice list');

    // In a 400 px window the channel drawer still shows the guest's name and both buttons, inside the drawer.
    const wide = a.viewportSize();
    await a.setViewportSize({ width: 400, height: 760 });
    try {
      await a.getByRole('button', { name: 'Show channels' }).click();
      const drawer = a.getByRole('complementary', { name: 'Channels' });
      await drawer.waitFor();
      await expect.poll(async () => (await drawer.boundingBox())?.x ?? -1).toBeGreaterThanOrEqual(0);
      const inside = await drawer.boundingBox();
      for (const part of [
        row.getByText(guestName),
        row.getByRole('button', { name: `Server mute ${guestName}` }),
        row.getByRole('button', { name: `Disconnect ${guestName}` }),
      ]) {
        await part.waitFor();
        const box = await part.boundingBox();
        expect(
          box && inside && box.x >= inside.x && box.x + box.width <= inside.x + inside.width + 0.5,
          `${await part.textContent()}`,
        ).toBe(true);
      }
      // The name is not cut short by the buttons beside it.
      expect(await row.getByText(guestName).evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
      await a.screenshot({ path: resolve(SHOTS, 'voice-guest-narrow.png') });
      await expectNoSeriousViolationsInBothThemes(a, 'app: a guest in the voice list, 400 px');
      await a.keyboard.press('Escape');
      await expect.poll(() => drawer.isVisible()).toBe(false);
    } finally {
      if (wide) await a.setViewportSize(wide);
    }

    // The owner (MOVE_MEMBERS) disconnects the guest from the keyboard.
    await row.getByRole('button', { name: `Disconnect ${guestName}` }).focus();
    await a.keyboard.press('Enter');
    await guest.getByText('You were disconnected from the channel.').waitFor({ timeout: 30_000 });
    await row.waitFor({ state: 'detached', timeout: 30_000 });

    // A guest who leaves on their own goes from the list too.
    await guest.getByRole('button', { name: 'Join as guest' }).click();
    const again = guest.getByRole('list', { name: 'In the channel' }).locator('li', { hasText: 'you' });
    await again.waitFor({ timeout: 30_000 });
    const secondName = ((await again.locator('span').first().textContent()) ?? '').trim();
    await lobbyList.locator('li.voice-user', { hasText: secondName }).waitFor({ timeout: 30_000 });
    await guest.getByRole('button', { name: 'Leave' }).click();
    await lobbyList.locator('li.voice-user', { hasText: secondName }).waitFor({ state: 'detached', timeout: 30_000 });
  });
});
