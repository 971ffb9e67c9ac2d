/**
 * Browser E2E of recordings and of three member/guild actions, against the real stack (server in-process, LiveKit,
 * Chromium with fake microphones). A owns the guild; B is a plain member.
 *
 * - Where LiveKit Egress runs: A records ~3 s in a voice channel through the Record button and plays it back. Where
 *   Egress cannot be built (same detection as tests/integration/recording-egress.test.ts) that test is skipped with
 *   the reason, and the Record button must say that recording is not available.
 * - Always: a finished recording is put where the server keeps one Egress finished (its row through the recordings
 *   repository, a real OGG/Opus sine tone made with ffmpeg in the configured RECORDINGS_DIR) — a fixture for the UI,
 *   not a recorder — and A plays (206 Range responses, currentTime advancing), downloads (Content-Disposition) and
 *   deletes it (gone for B live), while B without RECORD / MANAGE_GUILD gets no Record button, no Delete, and 403s.
 * - Leave server (B leaves; A's member list loses B live; the owner is told why they cannot), "Delete recent
 *   messages…" from the member menu (gone for both), the profile card's fresh fetch.
 * - axe-core on every new screen in both themes; screenshots into SHOTS.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Page, Response } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { voiceRoomName } from '../../src-shared/api/voice';
import { Permission } from '../../src-shared/permissions/permissions';
import { parseConfig } from '../../server/src/config';
import { createRecordingsRepo, type RecordingRecord } from '../../server/src/modules/recordings/recordings.repo';
import { egressBinary, readEgressBuildStatus } from '../../scripts/stack/services/egress';
import { testServerEnv } from '../support/env';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { registerUser, rest, signIn, type E2eUser } from './moderation-support';
import { SHOTS, useBrowserSession } from './web-stack';

const GUILD = 'Recording Studio';
const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);

const build = readEgressBuildStatus();
const egressUnavailable = !existsSync(egressBinary) && build?.status === 'unavailable';
const egressSkipReason = egressUnavailable ? `LiveKit Egress ${build.version} cannot be built here: ${build.message.split('\n')[0]}` : '';
if (egressUnavailable) console.warn(`[e2e recordings] recording through Egress SKIPPED: ${egressSkipReason}`);

let A: E2eUser;
let B: E2eUser;
let a: Page;
let b: Page;
let guildId: string;
let voiceChannelId: string;

async function newPage(): Promise<Page> {
  const page = await (await e2e.newContext({ acceptDownloads: true })).newPage();
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  return page;
}

const openDialog = (page: Page) => page.locator('dialog[open]').last();
const guildMenu = (page: Page) => page.getByRole('complementary', { name: 'Channels' }).getByRole('button', { name: GUILD, exact: true });
const guildButton = (page: Page) =>
  page.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name: new RegExp(`^${GUILD}`) });
const memberRow = (page: Page, name: string) =>
  page.getByRole('complementary', { name: 'Members' }).locator('li.member-row', { hasText: name });
const recordingRow = (page: Page, id: string) => page.locator(`tr[data-recording-id="${id}"]`);

async function joinGeneralVoice(page: Page) {
  await page.getByRole('button', { name: /^General \(voice channel\)/ }).click();
  await page.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
}

/** The guild's configured recordings folder, as the in-process server resolves it (relative to the working directory). */
function recordingsDir(): string {
  return resolve(parseConfig({ ...testServerEnv('parley_e2e'), HOST: '127.0.0.1', PORT: '0' }).RECORDINGS_DIR);
}

/** A finished recording as the server stores one after Egress completes: its row, and a real 3 s OGG/Opus file. */
async function seedFinishedRecording(): Promise<RecordingRecord> {
  const id = randomBytes(12).toString('hex');
  const objectKey = `${guildId}/${id}.ogg`;
  const file = join(recordingsDir(), objectKey);
  mkdirSync(dirname(file), { recursive: true });
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=3',
    '-c:a',
    'libopus',
    '-b:a',
    '32k',
    file,
  ]);
  const now = Date.now();
  const rec: RecordingRecord = {
    id,
    guildId,
    channelId: voiceChannelId,
    roomName: voiceRoomName(voiceChannelId),
    egressId: `EG_${randomBytes(6).toString('hex')}`,
    status: 'completed',
    startedBy: { id: A.id, displayName: A.displayName },
    stoppedBy: { id: A.id, displayName: A.displayName },
    startedAt: new Date(now - 60_000),
    endedAt: new Date(now - 57_000),
    durationMs: 3000,
    sizeBytes: Number(execFileSync('stat', ['-c', '%s', file]).toString().trim()),
    error: null,
    storage: 'local',
    objectKey,
    endNoticeGiven: true,
  };
  expect(await createRecordingsRepo(e2e.server.database.db).insert(rec)).toBe('inserted');
  return rec;
}

/** Plays the recording in the open list's player: the audio must advance, fetched with 206 Range responses. */
async function playAndCheck(page: Page, recordingId: string) {
  const streamed: Response[] = [];
  const onResponse = (r: Response) => {
    if (r.url().includes(`/recordings/${recordingId}/stream?`)) streamed.push(r);
  };
  page.on('response', onResponse);
  await recordingRow(page, recordingId)
    .getByRole('button', { name: /^Play / })
    .click();
  const audio = page.locator(`audio[data-recording-id="${recordingId}"]`);
  await audio.waitFor();
  // Autoplay follows the click; if the browser held it back, press play as the user would.
  await audio.evaluate((el: HTMLAudioElement) => (el.paused ? el.play() : undefined));
  await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.5);
  page.off('response', onResponse);
  expect(streamed.map((r) => r.status())).toContain(206);
  const ranged = streamed.find((r) => r.status() === 206);
  expect(await ranged?.headerValue('content-range')).toMatch(/^bytes \d+-\d+\/\d+$/);
  expect(await ranged?.headerValue('content-type')).toBe('audio/ogg');
}

describe('recordings in the web client', () => {
  beforeAll(async () => {
    A = await registerUser(e2e.server.url, `arec_${suffix}`, 'Alice');
    B = await registerUser(e2e.server.url, `brec_${suffix}`, 'Bob');
    guildId = (await rest<{ id: string }>(e2e.server.url, 'POST', '/guilds', A.token, { name: GUILD })).body.id;
    const channels = await rest<{ items: { id: string; type: string; name: string }[] }>(
      e2e.server.url,
      'GET',
      `/guilds/${guildId}/channels`,
      A.token,
    );
    voiceChannelId = channels.body.items.find((c) => c.type === 'voice')?.id ?? '';
    expect(voiceChannelId).not.toBe('');
    const invite = await rest<{ code: string }>(e2e.server.url, 'POST', `/guilds/${guildId}/invites`, A.token, {
      maxAgeSeconds: 0,
      maxUses: 0,
    });
    expect((await rest(e2e.server.url, 'POST', `/invites/${invite.body.code}`, B.token)).status).toBe(200);
    a = await newPage();
    b = await newPage();
    await signIn(a, e2e.server.url, A);
    await signIn(b, e2e.server.url, B);
    await memberRow(a, 'Bob').waitFor({ timeout: 15_000 });
  });

  it.skipIf(egressUnavailable)(
    'where Egress runs: when A records 3 s with the Record button, then the recording completes and plays back',
    async () => {
      expect(
        existsSync(egressBinary),
        `LiveKit Egress is not built (${build ? `${build.status}: ${build.message}` : 'no build attempted'})`,
      ).toBe(true);
      await joinGeneralVoice(a);
      const panel = a.getByRole('region', { name: 'Voice connection' });
      await panel.getByRole('button', { name: 'Record', exact: true }).click();
      await panel.getByRole('button', { name: 'Stop recording' }).waitFor({ timeout: 30_000 });
      await a.locator('.rec-banner').waitFor();
      await a.waitForTimeout(3_000);
      await panel.getByRole('button', { name: 'Stop recording' }).click();
      await panel.getByRole('button', { name: 'Record', exact: true }).waitFor({ timeout: 30_000 });
      await panel.getByRole('button', { name: 'Recordings', exact: true }).click();
      const row = openDialog(a).locator('tr[data-status="completed"]').first();
      await row.waitFor({ timeout: 60_000 });
      await playAndCheck(a, (await row.getAttribute('data-recording-id')) ?? '');
      await a.keyboard.press('Escape');
      await a.getByRole('button', { name: 'Disconnect from voice' }).click();
    },
    180_000,
  );

  it('when A presses Record where no recorder runs, then the panel says recording is not available; B without RECORD has no Record button and the server refuses B with 403', async () => {
    await joinGeneralVoice(a);
    await joinGeneralVoice(b);
    const aPanel = a.getByRole('region', { name: 'Voice connection' });
    await aPanel.getByRole('button', { name: 'Record', exact: true }).waitFor();
    if (egressUnavailable) {
      await aPanel.getByRole('button', { name: 'Record', exact: true }).click();
      await expect
        .poll(() => aPanel.getByRole('alert').textContent(), { timeout: 15_000 })
        .toMatch(/^Recording is not available on this server/);
      await a.screenshot({ path: resolve(SHOTS, 'record-unavailable.png') });
    }
    await expectNoSeriousViolationsInBothThemes(a, 'voice panel with record controls');

    const bPanel = b.getByRole('region', { name: 'Voice connection' });
    expect(await bPanel.getByRole('button', { name: 'Record', exact: true }).count()).toBe(0);
    expect(await bPanel.getByRole('button', { name: 'Recordings', exact: true }).count()).toBe(0);
    expect(await b.getByRole('button', { name: 'Recordings of General' }).count()).toBe(0);
    const refused = await rest<{ error: { code: string } }>(e2e.server.url, 'POST', `/channels/${voiceChannelId}/recordings`, B.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    await a.getByRole('button', { name: 'Disconnect from voice' }).click();
    await b.getByRole('button', { name: 'Disconnect from voice' }).click();
  });

  it('when a finished recording exists, then A plays it in the guild tab and the channel list, downloads it, and deletes it — gone for B too; B may list but not delete', async () => {
    const rec = await seedFinishedRecording();

    // Server settings → Recordings: retention for MANAGE_GUILD and the library.
    await guildMenu(a).click();
    await a.getByRole('menuitem', { name: 'Server settings' }).click();
    await openDialog(a).getByRole('tab', { name: 'Recordings' }).click();
    const row = recordingRow(a, rec.id);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['General', 'Alice', '0:03', 'Ready']));
    const retention = openDialog(a).getByLabel('Delete finished recordings after');
    await retention.selectOption({ label: '30 days' });
    await openDialog(a).getByRole('button', { name: 'Save', exact: true }).click();
    await openDialog(a).getByText('Saved.').waitFor();
    expect(
      (await rest<{ retentionDays: number }>(e2e.server.url, 'GET', `/guilds/${guildId}/recording-settings`, A.token)).body.retentionDays,
    ).toBe(30);
    await playAndCheck(a, rec.id);
    await a.screenshot({ path: resolve(SHOTS, 'server-settings-recordings.png') });
    await expectNoSeriousViolationsInBothThemes(a, 'server settings: recordings tab');

    const [download] = await Promise.all([a.waitForEvent('download'), row.getByRole('button', { name: /^Download / }).click()]);
    // The name comes only from Content-Disposition: the URL ends in /stream.
    expect(download.suggestedFilename()).toBe(`parley-recording-${rec.id}.ogg`);
    const saved = await download.path();
    expect(readFileSync(saved).subarray(0, 4).toString('latin1')).toBe('OggS');
    await a.keyboard.press('Escape');
    await openDialog(a).waitFor({ state: 'detached' });

    // The channel's own list, from the voice channel row.
    await a.getByRole('button', { name: 'Recordings of General' }).click();
    const channelDialog = a.getByRole('dialog', { name: 'Recordings of General' });
    await recordingRow(a, rec.id).waitFor();
    await playAndCheck(a, rec.id);
    await a.screenshot({ path: resolve(SHOTS, 'channel-recordings.png') });
    await expectNoSeriousViolationsInBothThemes(a, 'channel recordings list');

    // B gets RECORD (not MANAGE_GUILD): B sees the list live, without Delete; the server refuses B's delete.
    const role = await rest<{ id: string }>(e2e.server.url, 'POST', `/guilds/${guildId}/roles`, A.token, {
      name: 'Listeners',
      permissions: Permission.RECORD,
    });
    expect(role.status).toBe(201);
    expect((await rest(e2e.server.url, 'PUT', `/guilds/${guildId}/members/${B.id}/roles/${role.body.id}`, A.token)).status).toBe(204);
    await b.getByRole('button', { name: 'Recordings of General' }).click();
    await recordingRow(b, rec.id).waitFor({ timeout: 15_000 });
    expect(
      await recordingRow(b, rec.id)
        .getByRole('button', { name: /^Delete / })
        .count(),
    ).toBe(0);
    expect(
      await recordingRow(b, rec.id)
        .getByRole('button', { name: /^Play / })
        .count(),
    ).toBe(1);
    expect((await rest(e2e.server.url, 'DELETE', `/recordings/${rec.id}`, B.token)).status).toBe(403);

    // A deletes, after confirming; the row goes away for both, live.
    await recordingRow(a, rec.id)
      .getByRole('button', { name: /^Delete / })
      .click();
    const confirm = a.getByRole('dialog', { name: 'Delete recording' });
    await confirm.waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'delete recording confirmation');
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await recordingRow(a, rec.id).waitFor({ state: 'detached', timeout: 15_000 });
    // Focus stays in the dialog (on the list), not lost to the page behind it.
    await expect.poll(() => a.evaluate(() => document.activeElement?.classList.contains('recordings') ?? false)).toBe(true);
    await recordingRow(b, rec.id).waitFor({ state: 'detached', timeout: 15_000 });
    expect(existsSync(join(recordingsDir(), rec.objectKey))).toBe(false);
    expect(await channelDialog.getByText('No recordings yet.').count()).toBe(1);
    await a.keyboard.press('Escape');
    await b.keyboard.press('Escape');
  });

  it("when A opens B's profile, then the card fetches B fresh; when A deletes B's recent messages from the member menu, then they vanish for both; B may not purge", async () => {
    await b.getByRole('button', { name: /^general \(text channel\)/ }).click();
    const texts = [`first from Bob ${suffix}`, `second from Bob ${suffix}`];
    for (const text of texts) {
      await b.getByLabel('Message #general').fill(text);
      await b.getByLabel('Message #general').press('Enter');
    }
    await a.getByRole('button', { name: /^general \(text channel\)/ }).click();
    for (const text of texts) await a.locator('.message', { hasText: text }).waitFor({ timeout: 15_000 });

    const fetched = a.waitForResponse((r) => r.url().endsWith(`/guilds/${guildId}/members/${B.id}`) && r.request().method() === 'GET');
    await memberRow(a, 'Bob').getByRole('button', { name: 'More options for Bob' }).click();
    await a.getByRole('menu', { name: 'Bob options' }).getByRole('menuitem', { name: 'Profile' }).click();
    expect((await fetched).status()).toBe(200);
    await a.locator('dialog.profile-card.fresh').waitFor();
    await a.keyboard.press('Escape');

    await memberRow(a, 'Bob').getByRole('button', { name: 'More options for Bob' }).click();
    await a.getByRole('menu', { name: 'Bob options' }).getByRole('menuitem', { name: 'Delete recent messages…' }).click();
    const purge = a.getByRole('dialog', { name: 'Delete messages by Bob' });
    await purge.waitFor();
    await purge.getByRole('radio', { name: 'Previous hour' }).check();
    await a.screenshot({ path: resolve(SHOTS, 'purge-messages.png') });
    await expectNoSeriousViolationsInBothThemes(a, 'delete recent messages dialog');
    await purge.getByRole('button', { name: 'Delete messages' }).click();
    for (const text of texts) {
      await a.locator('.message', { hasText: text }).waitFor({ state: 'detached', timeout: 15_000 });
      await b.locator('.message', { hasText: text }).waitFor({ state: 'detached', timeout: 15_000 });
    }

    // B (no MANAGE_MESSAGES) gets no such item on A, and the server refuses.
    await memberRow(b, 'Alice').getByRole('button', { name: 'More options for Alice' }).click();
    expect(await b.getByRole('menu', { name: 'Alice options' }).getByRole('menuitem', { name: 'Delete recent messages…' }).count()).toBe(0);
    await b.keyboard.press('Escape');
    expect((await rest(e2e.server.url, 'DELETE', `/guilds/${guildId}/members/${A.id}/messages?sinceSeconds=3600`, B.token)).status).toBe(
      403,
    );
  });

  it("when the owner tries to leave, then they are told why not; when B leaves after confirming, then the guild is gone for B and B leaves A's member list live", async () => {
    await guildMenu(a).click();
    await a.getByRole('menuitem', { name: 'Leave server' }).click();
    const ownerDialog = a.getByRole('dialog', { name: `You can't leave ${GUILD}` });
    await ownerDialog.waitFor();
    expect(await ownerDialog.textContent()).toContain('You own this server');
    await expectNoSeriousViolationsInBothThemes(a, 'owner cannot leave');
    await ownerDialog.getByRole('button', { name: 'OK' }).click();
    await ownerDialog.waitFor({ state: 'detached' });
    expect((await rest<{ error: { code: string } }>(e2e.server.url, 'DELETE', `/users/@me/guilds/${guildId}`, A.token)).status).toBe(409);

    await guildMenu(b).click();
    await b.getByRole('menuitem', { name: 'Leave server' }).click();
    const confirm = b.getByRole('dialog', { name: `Leave ${GUILD}` });
    await confirm.waitFor();
    // Cancel has the focus: Enter never leaves by accident.
    expect(await b.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await b.screenshot({ path: resolve(SHOTS, 'leave-server.png') });
    await expectNoSeriousViolationsInBothThemes(b, 'leave server confirmation');
    await confirm.getByRole('button', { name: 'Leave server' }).click();
    await guildButton(b).waitFor({ state: 'detached', timeout: 15_000 });
    await memberRow(a, 'Bob').waitFor({ state: 'detached', timeout: 15_000 });
    expect((await rest(e2e.server.url, 'GET', `/guilds/${guildId}/members/${B.id}`, A.token)).status).toBe(404);
  });
});
