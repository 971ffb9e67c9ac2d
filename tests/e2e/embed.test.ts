/**
 * Browser E2E of the embeddable voice widget (/embed/voice/:channelId): the owner allows a host page's origin and
 * listen-only guests in Server settings → Embed (by keyboard); a page on that origin (a second local HTTP server)
 * frames the widget, drives it through postMessage, joins as a guest and hears an rtc-node bot's tone; the same page
 * on another origin (localhost instead of 127.0.0.1) cannot frame it; with guests off the token route refuses. axe
 * checks the settings section and the widget in both themes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { dispose } from '@livekit/rtc-node';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { CAPTURE_REMOTE_AUDIO, MEASURE_REMOTE_LEVEL, SHOTS, useBrowserSession } from './web-stack';
import { Bot } from '../integration/voice-support';

// A guest's join through postMessage comes without a click in the frame: let its audio play (hosts grant it with allow="autoplay").
const e2e = useBrowserSession({ chromiumArgs: ['--autoplay-policy=no-user-gesture-required'] });
const suffix = Math.random().toString(36).slice(2, 7);
const owner = { username: `embed_owner_${suffix}`, displayName: 'Olive', password: 'correct horse battery' };
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
  participants: { identity: string; name: string; guest: boolean; self: boolean }[];
}

let host: Server;
let hostPort = 0;
let token = '';
let guildId = '';
let channelId = '';
const bot = new Bot();

/** The fields this test reads from API responses (each response has some of them). */
interface Body {
  id: string;
  accessToken: string;
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
});

afterAll(async () => {
  await bot.close();
  await dispose();
  await new Promise((done) => host?.close(done));
});

describe('the embeddable voice widget', () => {
  it('when the owner allows an origin and listen-only guests in Server settings → Embed, then they are saved (keyboard, axe)', async () => {
    const a = await newPage();
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
    // A listen-only guest has no microphone to unmute: the widget shows no mute button and stays muted.
    expect(await frame.getByRole('button', { name: 'Unmute' }).isVisible()).toBe(false);
    await page.evaluate(() => (window as unknown as HostWindow).send({ type: 'parley:mute', muted: false }));
    await page.evaluate(() => (window as unknown as HostWindow).send({ type: 'parley:leave' }));
    await expect.poll(() => lastState(page), { timeout: 15_000 }).toMatchObject({ joined: false, muted: true, participants: [] });
  });

  it('when the widget is opened on its own, then join, the participant list and the guest badge pass axe in both themes', async () => {
    const page = await newPage();
    await page.goto(widgetUrl());
    await page.getByRole('button', { name: 'Join voice' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('list', { name: 'In the channel' }).getByText(owner.displayName).waitFor({ timeout: 30_000 });
    await page.getByRole('list', { name: 'In the channel' }).getByText('guest', { exact: true }).waitFor();
    await expectNoSeriousViolationsInBothThemes(page, 'voice widget, joined');
    await page.setViewportSize({ width: 340, height: 320 });
    await page.screenshot({ path: resolve(SHOTS, 'embed-voice-widget.png') });
    await page.getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('button', { name: 'Join voice' }).waitFor();
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

  it('when the guild turns guests off, then the token route refuses with 403 FORBIDDEN and the widget says so', async () => {
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
    await frame.getByText('Guests cannot join this channel.').waitFor();
    expect(await frame.getByRole('button', { name: 'Join voice' }).isDisabled()).toBe(true);
  });
});
