/**
 * Browser E2E of the web client against the real stack: two users in two Chromium contexts (fake mic = Chromium's
 * beeping test source), the real server in-process on the test API port (LiveKit webhooks reach it), real LiveKit.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CAPTURE_REMOTE_AUDIO, inboundAudio, MEASURE_REMOTE_LEVEL, SHOTS, useBrowserSession } from './web-stack';

/**
 * Screenshots of the main screens. Every run writes them under .stack/ so `npm test` leaves the work tree clean;
 * `PARLEY_UPDATE_SCREENSHOTS=1 npm test` refreshes the committed ones in docs/screenshots (shown in README).
 */
/** RMS above this = audible tone; below SILENT = silence (the fake beep peaks around 0.1–0.3). */
const AUDIBLE = 0.01;
const SILENT = 0.002;

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
const alice = { username: `alice_${suffix}`, displayName: 'Alice', password: 'correct horse battery' };
const bob = { username: `bob_${suffix}`, displayName: 'Bob', password: 'correct horse battery' };

async function newPage(): Promise<Page> {
  const ctx = await e2e.newContext();
  await ctx.addInitScript(CAPTURE_REMOTE_AUDIO);
  const page = await ctx.newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  return page;
}

async function register(page: Page, who: typeof alice, fromInvite = false) {
  if (!fromInvite) await page.getByRole('button', { name: 'Register' }).click();
  await page.getByLabel('Username').fill(who.username);
  await page.getByLabel('Display name').fill(who.displayName);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('region', { name: 'User controls' }).waitFor();
}

const voiceRow = (page: Page, name: string) => page.locator('li.voice-user', { hasText: name });

describe('web client end to end', () => {
  it('when two users chat and talk, then messages, voice presence, audio, mute, deafen and leave are all reflected live', async () => {
    const a = await newPage();
    await a.goto(`${e2e.server.url}/app/`);
    await a.getByRole('button', { name: 'Log In' }).waitFor();
    await a.screenshot({ path: resolve(SHOTS, 'login.png') });
    await register(a, alice);

    // A creates a guild with a text and a voice channel, and an invite.
    await a.getByRole('button', { name: 'Add a server' }).click();
    await a.getByLabel('Server name').fill('Parley Test Lab');
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await a.getByRole('heading', { name: 'Parley Test Lab' }).waitFor();

    await a.getByRole('button', { name: 'Add a channel' }).click();
    await a.getByLabel('Channel name').fill('lobby');
    await a.getByRole('button', { name: 'Create Channel' }).click();
    await a.getByRole('button', { name: /^lobby \(text channel\)/ }).waitFor();

    await a.getByRole('button', { name: 'Add a channel' }).click();
    await a.locator('input[name="type"][value="voice"]').check();
    await a.getByLabel('Channel name').fill('Hangout');
    await a.getByRole('button', { name: 'Create Channel' }).click();
    const hangoutA = a.getByRole('button', { name: /^Hangout \(voice channel\)/ });
    await hangoutA.waitFor();

    await a.getByRole('button', { name: 'Invite people' }).click();
    // No invite of A's exists yet: the dialog creates one only when asked.
    await a.getByRole('button', { name: 'Create invite link' }).click();
    const inviteInput = a.locator('input[data-invite-code]:not([data-invite-code=""])');
    await inviteInput.waitFor();
    const link = await inviteInput.inputValue();
    expect(link).toMatch(/\/app\/#\/invite\/[A-Za-z0-9_-]+$/);
    await a.keyboard.press('Escape');

    // B opens the invite link, registers and lands in the guild.
    const b = await newPage();
    await b.goto(link);
    await register(b, bob, true);
    await b.getByRole('heading', { name: 'Parley Test Lab' }).waitFor();
    await b.getByRole('button', { name: /^lobby \(text channel\)/ }).click();
    await a.getByRole('button', { name: /^lobby \(text channel\)/ }).click();

    // A's message appears for B without a reload.
    const text = `hello from Alice ${suffix}`;
    await a.getByLabel('Message #lobby').fill(text);
    await a.getByLabel('Message #lobby').press('Enter');
    await b.locator('.message .content', { hasText: text }).waitFor({ timeout: 15_000 });
    await a.locator('.message[data-message-id] .content', { hasText: text }).waitFor();
    expect(await a.locator('.message .content', { hasText: text }).count()).toBe(1);
    await b.getByLabel('Message #lobby').fill('hi Alice! Ready for the call?');
    await b.getByLabel('Message #lobby').press('Enter');
    await a.locator('.message .content', { hasText: 'hi Alice!' }).waitFor();

    // Both join the voice channel and each sees the other listed.
    await hangoutA.click();
    await a.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
    await b.getByRole('button', { name: /^Hangout \(voice channel\)/ }).click();
    await b.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
    await voiceRow(a, 'Bob').waitFor({ timeout: 15_000 });
    await voiceRow(b, 'Alice').waitFor({ timeout: 15_000 });

    // B receives A's audio (the fake mic's tone).
    await expect.poll(() => b.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);
    await b.screenshot({ path: resolve(SHOTS, 'voice-connected.png') });

    // Per-user volume from the participant's context menu, remembered per user.
    await voiceRow(b, 'Alice').click({ button: 'right' });
    const menu = b.getByRole('menu', { name: 'Alice options' });
    await menu.waitFor();
    // The volume group sits beside the menu in the same popover (a slider may not be a menu's child).
    await b
      .getByRole('group', { name: 'Volume' })
      .getByLabel(/User volume/)
      .fill('150');
    await b.screenshot({ path: resolve(SHOTS, 'user-volume-menu.png') });
    await b.keyboard.press('Escape');
    const saved = await b.evaluate(
      () => JSON.parse(localStorage.getItem('parley:settings') ?? '{}') as { userVolumes?: Record<string, number> },
    );
    expect(Object.values(saved.userVolumes ?? {})).toEqual([1.5]);

    // A mutes → B sees the mute icon and the level falls to silence.
    await a.getByRole('button', { name: 'Mute', exact: true }).click();
    await expect.poll(() => voiceRow(b, 'Alice').getAttribute('data-muted'), { timeout: 15_000 }).toBe('true');
    await expect.poll(() => b.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 20_000, interval: 500 }).toBeLessThan(SILENT);

    // A unmutes (audible again), then B deafens → B hears nothing, and A sees B deafened.
    await a.getByRole('button', { name: 'Unmute', exact: true }).click();
    await expect.poll(() => b.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);
    await b.getByRole('button', { name: 'Deafen', exact: true }).click();
    await expect.poll(() => b.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 20_000, interval: 500 }).toBeLessThan(SILENT);
    await expect.poll(() => voiceRow(a, 'Bob').getAttribute('data-deafened'), { timeout: 15_000 }).toBe('true');
    await a.screenshot({ path: resolve(SHOTS, 'chat-and-voice.png') });

    // A leaves → B sees A gone.
    await a.getByRole('button', { name: 'Disconnect from voice' }).click();
    await voiceRow(b, 'Alice').waitFor({ state: 'detached', timeout: 20_000 });
    expect(await voiceRow(b, 'Bob').count()).toBe(1);

    // A joins again while B is still deafened: A's new microphone reaches B switched off at the SFU, so nothing of it
    // arrives. (LiveKit applies an "off" that follows a subscription 100 ms late, after a blip of audio and a second
    // of silence frames, so the app says "off" before it subscribes. Without that, this check failed 2 runs in 3.)
    const micTracks = () =>
      b.evaluate(() =>
        [...document.querySelectorAll<HTMLAudioElement>('audio[data-source="microphone"]')].flatMap((el) =>
          ((el.srcObject as MediaStream | null)?.getAudioTracks() ?? []).filter((t) => t.readyState === 'live').map((t) => t.id),
        ),
      );
    const tracksBefore = new Set(await micTracks());
    const bytesBefore = await inboundAudio(b);
    const receivedSince = async () =>
      Object.entries(await inboundAudio(b)).reduce((sum, [id, { bytes }]) => sum + bytes - (bytesBefore[id]?.bytes ?? 0), 0);
    await hangoutA.click();
    await a.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
    // A's new track has arrived at B (a CallAudio element holds it): the SFU has set the subscription up.
    await expect.poll(async () => (await micTracks()).some((id) => !tracksBefore.has(id)), { timeout: 20_000 }).toBe(true);
    await b.waitForTimeout(1500);
    expect(await receivedSince()).toBeLessThan(200);
    // Undeafened, B hears A again, and the same counters see A's audio arrive (so the check above counted A's stream).
    await b.getByRole('button', { name: 'Undeafen', exact: true }).click();
    await expect.poll(() => b.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);
    await expect.poll(receivedSince, { timeout: 15_000 }).toBeGreaterThan(2000);
    await a.getByRole('button', { name: 'Disconnect from voice' }).click();
    await voiceRow(b, 'Alice').waitFor({ state: 'detached', timeout: 20_000 });

    // Screens for the README: settings, and the light theme.
    await b.getByRole('button', { name: 'User settings' }).click();
    await b.getByRole('dialog', { name: 'User Settings' }).waitFor();
    await b.waitForTimeout(800);
    await b.screenshot({ path: resolve(SHOTS, 'voice-settings.png') });
    await b.getByRole('tab', { name: 'Appearance' }).click();
    await b.getByLabel('Light').check();
    await b.keyboard.press('Escape');
    await b.waitForTimeout(300);
    await b.screenshot({ path: resolve(SHOTS, 'light-theme.png') });
  });
});
