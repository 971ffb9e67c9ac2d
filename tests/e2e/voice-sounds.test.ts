/**
 * Browser E2E: voice sound cues, as Discord plays them (features/voice/sound-cues.ts). Each page's WebAudio
 * oscillators are noted by an init script (the frequencies the app starts and when), and a cue is told by its notes.
 * A joins (join), B joins (B: join; A: join), A mutes and unmutes from the keyboard, B disconnects (B: disconnect;
 * A: leave). A turns the cues off in Settings: C joining then sounds nothing on A's page (once C's audio has reached
 * it). On again, A switches channels: one join, and no arrival for who was there first. D, with no microphone and
 * push-to-talk, presses the key while listening only and hears the "no microphone" cue.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CUE_NOTES, CUE_REPEAT_GAP_MS, type Cue } from '../../src-renderer/src/features/voice/sound-cues';
import { deviceInGuild, joinVoiceChannel, registerUser, rest, type E2eUser } from './moderation-support';
import { CAPTURE_REMOTE_AUDIO, noMicrophone, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
const GUILD = `Sound Guild ${suffix}`;
let A: E2eUser;
let B: E2eUser;
let C: E2eUser;
let D: E2eUser;

/**
 * Init script: every oscillator the page starts, by frequency, with the context time it is scheduled for and the task
 * that started it. A cue starts all its notes in one synchronous loop, so the notes of one task belong together: a
 * task is told by a counter that a queued microtask closes, not by a time gap (a busy CI machine can pause between two
 * start() calls of one loop).
 */
const NOTE_TONES = `(() => {
  window.__tones = [];
  let task = 0;
  let open = false;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    if (!open) {
      open = true;
      task += 1;
      queueMicrotask(() => { open = false; });
    }
    window.__tones.push({ freq: this.frequency.value, task, when: args[0] ?? 0 });
    return start.apply(this, args);
  };
})();`;

/**
 * The cues a page played so far: its oscillators grouped into cues (a cue starts all its notes in one task, each later
 * in the context's time than the one before, so a new task, or a note scheduled no later than the previous one, begins
 * the next cue), told by their frequencies (an AudioParam holds a 32-bit float).
 */
async function cues(page: Page): Promise<Cue[]> {
  const tones = await page.evaluate(() => (window as unknown as { __tones: { freq: number; task: number; when: number }[] }).__tones);
  const groups: number[][] = [];
  let last = { task: -1, when: Infinity };
  for (const { freq, task, when } of tones) {
    if (task !== last.task || when <= last.when) groups.push([]);
    groups.at(-1)!.push(freq);
    last = { task, when };
  }
  const names = Object.entries(CUE_NOTES) as [Cue, readonly { freq: number }[]][];
  return groups.map(
    (g) => names.find(([, notes]) => notes.map((n) => Math.fround(n.freq)).join() === g.join())?.[0] ?? (`unknown ${g.join()}` as Cue),
  );
}

/** How many remote audio tracks the page has received (CAPTURE_REMOTE_AUDIO): LiveKit's own view of who is there. */
const remoteTracks = (page: Page) => page.evaluate(() => (window as unknown as { __remoteAudio: unknown[] }).__remoteAudio.length);

const device = (who: E2eUser, ...initScripts: string[]) =>
  deviceInGuild(e2e, who, GUILD, [NOTE_TONES, CAPTURE_REMOTE_AUDIO, ...initScripts]);
const occupant = (page: Page, name: string) => page.locator('li.voice-user', { hasText: name });

beforeAll(async () => {
  const base = e2e.server.url;
  [A, B, C, D] = await Promise.all([
    registerUser(base, `snd_a_${suffix}`, 'Ava'),
    registerUser(base, `snd_b_${suffix}`, 'Bo'),
    registerUser(base, `snd_c_${suffix}`, 'Cal'),
    registerUser(base, `snd_d_${suffix}`, 'Dot'),
  ]);
  const guild = (await rest<{ id: string }>(base, 'POST', '/guilds', A.token, { name: GUILD })).body;
  for (const name of ['Lounge', 'Den', 'Nook'])
    expect((await rest(base, 'POST', `/guilds/${guild.id}/channels`, A.token, { type: 'voice', name })).status).toBe(201);
  const invite = (await rest<{ code: string }>(base, 'POST', `/guilds/${guild.id}/invites`, A.token, {})).body;
  for (const who of [B, C, D]) expect((await rest(base, 'POST', `/invites/${invite.code}`, who.token)).status).toBe(200);
});

describe('voice sound cues', () => {
  it('when people join and leave my channel and I mute, then each sounds its cue; turned off in Settings, nothing sounds', async () => {
    const a = await device(A);
    await joinVoiceChannel(a, 'Lounge');
    await expect.poll(() => cues(a)).toEqual(['join']);

    const b = await device(B);
    await joinVoiceChannel(b, 'Lounge');
    await expect.poll(() => cues(b)).toEqual(['join']);
    await expect.poll(() => cues(a), { timeout: 15_000 }).toEqual(['join', 'join']);

    // Mute and unmute from the keyboard.
    await a.getByRole('button', { name: 'Mute', exact: true }).focus();
    await a.keyboard.press('Enter');
    await a.getByRole('button', { name: 'Unmute', exact: true }).waitFor();
    await a.keyboard.press('Enter');
    await expect.poll(() => cues(a)).toEqual(['join', 'join', 'mute', 'unmute']);

    await b.getByRole('button', { name: 'Disconnect from voice' }).click();
    await expect.poll(() => cues(b)).toEqual(['join', 'disconnect']);
    await expect.poll(() => cues(a), { timeout: 15_000 }).toEqual(['join', 'join', 'mute', 'unmute', 'leave']);

    // Off in Settings → Voice & Audio, from the keyboard: C joining sounds nothing on A's page.
    await a.getByRole('button', { name: 'User settings' }).click();
    const dialog = a.getByRole('dialog', { name: 'User Settings' });
    const toggle = dialog.getByRole('switch', { name: 'Voice Sound Cues' });
    expect(await toggle.isChecked()).toBe(true);
    await toggle.focus();
    await a.keyboard.press('Space');
    expect(await toggle.isChecked()).toBe(false);
    await a.keyboard.press('Escape');
    const tracksBefore = await remoteTracks(a);
    const c = await device(C);
    await joinVoiceChannel(c, 'Lounge');
    await occupant(a, 'Cal').waitFor({ timeout: 15_000 });
    // A's room has C (C's microphone reached A's page), and nothing sounded.
    await expect.poll(() => remoteTracks(a), { timeout: 15_000 }).toBeGreaterThan(tracksBefore);
    await a.waitForTimeout(500);
    expect(await cues(a)).toEqual(['join', 'join', 'mute', 'unmute', 'leave']);
    // The choice is kept across a reload (which leaves voice; the page's cues start afresh).
    await a.reload();
    await a.getByRole('button', { name: 'User settings' }).click();
    const again = a.getByRole('dialog', { name: 'User Settings' }).getByRole('switch', { name: 'Voice Sound Cues' });
    expect(await again.isChecked()).toBe(false);

    // On again. A rejoins Lounge (C is there), then switches to Den, where B already is: one join for each (no
    // disconnect between, and B, there first, is no arrival); B hears A arrive.
    await again.focus();
    await a.keyboard.press('Space');
    expect(await again.isChecked()).toBe(true);
    await a.keyboard.press('Escape');
    await joinVoiceChannel(a, 'Lounge');
    await expect.poll(() => cues(a)).toEqual(['join']);
    await joinVoiceChannel(b, 'Den');
    // B's own join has sounded, and the same cue within CUE_REPEAT_GAP_MS is not played again: A arrives after that.
    await expect.poll(() => cues(b)).toEqual(['join', 'disconnect', 'join']);
    await b.waitForTimeout(CUE_REPEAT_GAP_MS);
    await a
      .getByRole('complementary', { name: 'Channels' })
      .getByRole('button', { name: /^Den \(voice channel\)/ })
      .click();
    await expect
      .poll(() => a.getByRole('region', { name: 'Voice connection' }).innerText(), { timeout: 20_000 })
      .toMatch(/Voice Connected[\s\S]*Den/);
    await expect.poll(() => cues(b), { timeout: 15_000 }).toEqual(['join', 'disconnect', 'join', 'join']);
    await a.waitForTimeout(1000);
    expect(await cues(a)).toEqual(['join', 'join']);
  });

  it('when I press push-to-talk while listening only, then the no-microphone cue sounds', async () => {
    const d = await device(D, noMicrophone({ unlisted: false }));
    await d.getByRole('button', { name: 'User settings' }).click();
    const dialog = d.getByRole('dialog', { name: 'User Settings' });
    await dialog.getByLabel('Push to Talk').check();
    await d.keyboard.press('Escape');
    await joinVoiceChannel(d, 'Nook');
    await d.getByRole('region', { name: 'Voice connection' }).getByRole('alert').waitFor();
    await expect.poll(() => cues(d)).toEqual(['join']);
    // The default push-to-talk key (`); held, then released: one cue per press.
    await d.locator('body').focus();
    await d.keyboard.down('Backquote');
    await d.waitForTimeout(300);
    await d.keyboard.up('Backquote');
    await expect.poll(() => cues(d)).toEqual(['join', 'no-mic']);
  });
});
