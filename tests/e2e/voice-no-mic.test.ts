/**
 * Browser E2E: joining voice without a microphone, as Discord allows. A's browser gives no microphone (an init script
 * makes getUserMedia refuse audio with NotFoundError until the test lets it): A still joins B's channel, hears B, and
 * the voice panel says "Listening only" with the reason (a Try again that fails says "Still no microphone"); once the
 * microphone can be opened, Try again (from the keyboard) publishes it, the focus moves to Mute, and B hears A.
 * D's browser lists no microphone at all until one is "plugged in" (devicechange): D's microphone is then published
 * with no click, the focus on Try again moves to Mute, and E hears D.
 * A page with no getUserMedia at all (what a browser gives a server reached over plain http; stood in for by an init
 * script) joins too and is told to use https. axe on the panel, both themes.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { deviceInGuild, joinVoiceChannel, registerUser, rest, type E2eUser } from './moderation-support';
import { CAPTURE_REMOTE_AUDIO, MEASURE_REMOTE_LEVEL, noMicrophone, SHOTS, useBrowserSession } from './web-stack';

/** RMS above this = audible tone (the fake beep peaks around 0.1–0.3), as in the voice E2E. */
const AUDIBLE = 0.01;

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
const GUILD = `No Mic Guild ${suffix}`;
let A: E2eUser;
let B: E2eUser;
let C: E2eUser;
let D: E2eUser;
let E: E2eUser;

/** Init script: the page has no getUserMedia, as on a server reached over plain http (not a secure context). */
const NO_MEDIA_DEVICES = `Object.defineProperty(Navigator.prototype, 'mediaDevices', { get: () => undefined, configurable: true });`;

const device = (who: E2eUser, initScript?: string) =>
  deviceInGuild(e2e, who, GUILD, [CAPTURE_REMOTE_AUDIO, ...(initScript ? [initScript] : [])]);
const joinLounge = (page: Page, channel = 'Lounge') => joinVoiceChannel(page, channel);

const panel = (page: Page) => page.getByRole('region', { name: 'Voice connection' });

beforeAll(async () => {
  const base = e2e.server.url;
  [A, B, C, D, E] = await Promise.all([
    registerUser(base, `nomic_a_${suffix}`, 'Ada'),
    registerUser(base, `nomic_b_${suffix}`, 'Bea'),
    registerUser(base, `nomic_c_${suffix}`, 'Cy'),
    registerUser(base, `nomic_d_${suffix}`, 'Dee'),
    registerUser(base, `nomic_e_${suffix}`, 'Eli'),
  ]);
  const guild = (await rest<{ id: string }>(base, 'POST', '/guilds', A.token, { name: GUILD })).body;
  for (const name of ['Lounge', 'Den'])
    expect((await rest(base, 'POST', `/guilds/${guild.id}/channels`, A.token, { type: 'voice', name })).status).toBe(201);
  const invite = (await rest<{ code: string }>(base, 'POST', `/guilds/${guild.id}/invites`, A.token, {})).body;
  for (const who of [B, C, D, E]) expect((await rest(base, 'POST', `/invites/${invite.code}`, who.token)).status).toBe(200);
});

describe('voice without a microphone', () => {
  it('when the browser gives no microphone, then the member still joins and hears the channel, and Try again after plugging one in lets others hear them', async () => {
    const b = await device(B);
    await joinLounge(b);
    const a = await device(A, noMicrophone({ unlisted: false }));
    await joinLounge(a);

    // Connected and listening: the panel says why nobody hears A, and A hears B.
    const notice = panel(a).getByRole('alert');
    await notice.waitFor();
    expect(await notice.textContent()).toBe("Listening only: others can't hear you. No microphone found. Plug one in, or pick another.");
    await expect.poll(() => a.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);
    expect(await panel(a).getByRole('status').textContent()).toContain('Voice Connected');
    await a.screenshot({ path: resolve(SHOTS, 'voice-listening-only.png') });
    await expectNoSeriousViolationsInBothThemes(a, 'voice panel, listening only');

    // Try again with still no microphone: said again, as a new alert.
    await panel(a).getByRole('button', { name: 'Try again' }).click();
    await expect
      .poll(() => notice.textContent())
      .toBe("Still no microphone: others can't hear you. No microphone found. Plug one in, or pick another.");

    // The microphone can be opened now (the browser says nothing of it); Try again from the keyboard.
    await a.evaluate(() => (window as unknown as { __plugInMicrophone(): void }).__plugInMicrophone());
    await panel(a).getByRole('button', { name: 'Try again' }).focus();
    await a.keyboard.press('Enter');
    await notice.waitFor({ state: 'detached', timeout: 15_000 });
    // The focused Try again went with the notice: the focus is on the Mute button, not lost.
    await expect.poll(() => a.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Mute');
    await expect.poll(() => b.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);
    expect(await panel(a).getByRole('status').textContent()).toContain('Voice Connected');
  });

  it('when a microphone is plugged in while listening only, then it is published without a click and the focus moves to Mute', async () => {
    const e = await device(E);
    await joinLounge(e, 'Den');
    const d = await device(D, noMicrophone({ unlisted: true }));
    await joinLounge(d, 'Den');
    const notice = panel(d).getByRole('alert');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('No microphone found.');

    // The keyboard user is on Try again when the headset goes in.
    await panel(d).getByRole('button', { name: 'Try again' }).focus();
    await d.evaluate(() => (window as unknown as { __plugInMicrophone(): void }).__plugInMicrophone());
    await notice.waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => d.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Mute');
    await expect.poll(() => e.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);
  });

  it('when the page has no getUserMedia (a server over plain http), then the member joins to listen and is told to use https', async () => {
    const c = await device(C, NO_MEDIA_DEVICES);
    await joinLounge(c);
    const notice = panel(c).getByRole('alert');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('browsers allow one only over a secure connection');
    expect(await notice.textContent()).toContain('https');
    expect(await panel(c).getByRole('status').textContent()).toContain('Voice Connected');
  });
});
