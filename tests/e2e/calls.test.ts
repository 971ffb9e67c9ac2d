/**
 * Browser E2E of DM calls (issue 16) on the real stack: two users in two Chromium contexts (fake microphone = Chromium's
 * beeping test source), the real server in-process (LiveKit's webhooks reach it), real LiveKit.
 *
 * A and B become friends through the Home view, A opens their DM and calls; B's incoming-call window rings (an
 * alertdialog with focus on Accept), B answers by keyboard, and each side hears the other (a WebAudio level over the
 * received track, as in the voice E2E). A hangs up; A's call history shows the call answered with a duration. A calls
 * again, B declines, and A's call bar says "Declined". axe runs on the incoming-call window, the call bar and the
 * history in both themes; the screenshots are README's call pictures.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolationsInBothThemes } from './axe';
import { registerUser, rest, signIn, type E2eUser } from './moderation-support';
import { CAPTURE_REMOTE_AUDIO, MEASURE_REMOTE_LEVEL, SHOTS, useBrowserSession } from './web-stack';

/** RMS above this = audible tone (the fake beep peaks around 0.1–0.3), as in the voice E2E. */
const AUDIBLE = 0.01;

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);

async function device(who: E2eUser): Promise<Page> {
  const ctx = await e2e.newContext();
  await ctx.addInitScript(CAPTURE_REMOTE_AUDIO);
  const page = await ctx.newPage();
  page.on('pageerror', (err) => console.error(`[page error ${who.displayName}] ${err.message}`));
  await signIn(page, e2e.server.url, who);
  return page;
}

const openHome = (page: Page) => page.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name: /^Home/ }).click();
const friendsTab = (page: Page, name: string) =>
  page.getByRole('main', { name: 'Friends' }).getByRole('tab', { name: new RegExp(`^${name}`) });
const callBar = (page: Page) => page.getByRole('region', { name: 'Call', exact: true });
const incoming = (page: Page) => page.getByRole('alertdialog', { name: /^(Incoming call|Call waiting)$/ });

describe('DM calls', () => {
  it('when A calls B in their DM, then B rings, answers by keyboard, both hear each other, and the history has the call; a declined call says so', async () => {
    const base = e2e.server.url;
    const A = await registerUser(base, `call_a_${suffix}`, 'Alice');
    const B = await registerUser(base, `call_b_${suffix}`, 'Bob');
    const a = await device(A);
    const b = await device(B);

    // Friend request from A by username, accepted by B.
    await openHome(a);
    await friendsTab(a, 'Add Friend').click();
    await a.getByRole('main', { name: 'Friends' }).getByLabel('Username').fill(B.username);
    await a.getByRole('button', { name: 'Send Friend Request' }).click();
    await a.getByRole('status').filter({ hasText: 'friend request' }).waitFor();
    await openHome(b);
    await friendsTab(b, 'Pending').click();
    await b.locator(`li.friend-row[data-user-id="${A.id}"]`).getByRole('button', { name: 'Accept' }).click();
    await b.locator(`li.friend-row[data-user-id="${A.id}"]`).waitFor({ state: 'detached' });

    // B is somewhere in the app when the call comes: focus on the Friends entry.
    await b.getByRole('button', { name: 'Friends', exact: true }).focus();

    // A opens the DM from the friends list and calls.
    await friendsTab(a, 'All').click();
    await a.getByRole('button', { name: 'Message Bob' }).click();
    const dmA = a.getByRole('main', { name: '@Bob' });
    await dmA.getByRole('heading', { name: 'Bob', level: 1 }).waitFor();
    await dmA.getByRole('button', { name: 'Start voice call' }).click();
    await callBar(a).getByRole('status').filter({ hasText: 'Calling…' }).waitFor({ timeout: 15_000 });
    await callBar(a).locator(`li.call-person.ringing[data-user-id="${B.id}"]`).waitFor();

    // B rings: the incoming-call window, announced as an alertdialog, focus on Accept.
    const ring = incoming(b);
    await ring.waitFor({ timeout: 15_000 });
    expect(await ring.getAttribute('aria-describedby')).toBeTruthy();
    await ring.getByText('Alice', { exact: true }).waitFor();
    await expect.poll(() => b.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Accept');
    await b.screenshot({ path: resolve(SHOTS, 'call-incoming.png') });
    await expectNoSeriousViolationsInBothThemes(b, 'incoming-call window');

    // B answers with the keyboard; the window goes and focus returns to where it was.
    await b.keyboard.press('Enter');
    await ring.waitFor({ state: 'detached', timeout: 15_000 });
    expect(await b.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Friends');
    await b
      .getByRole('region', { name: 'Call connection' })
      .getByRole('status')
      .filter({ hasText: 'Call connected' })
      .waitFor({ timeout: 20_000 });
    await callBar(a)
      .getByRole('status')
      .filter({ hasText: /^In call · \d+:\d\d$/ })
      .waitFor({ timeout: 20_000 });

    // Both hear the other's microphone.
    await expect.poll(() => b.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);
    await expect.poll(() => a.evaluate(MEASURE_REMOTE_LEVEL, 2500), { timeout: 30_000, interval: 500 }).toBeGreaterThan(AUDIBLE);
    await callBar(a).locator(`li.call-person.joined[data-user-id="${B.id}"]`).waitFor({ timeout: 15_000 });
    await a.screenshot({ path: resolve(SHOTS, 'call-active.png') });
    await expectNoSeriousViolationsInBothThemes(a, 'DM with the call bar, in a call');

    // A hangs up: the call ends on both sides.
    await callBar(a).getByRole('button', { name: 'Hang up' }).click();
    await callBar(a).waitFor({ state: 'detached', timeout: 15_000 });
    await b.getByRole('region', { name: 'Call connection' }).waitFor({ state: 'detached', timeout: 15_000 });

    // A's history: the call, answered, with a duration and Call back.
    await a.getByRole('button', { name: /^Calls/ }).click();
    const history = a.getByRole('main', { name: 'Call history' });
    const row = history.locator('li.call-history-row').first();
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getAttribute('data-outcome')).toBe('answered');
    expect(await row.locator('.call-history-outcome').innerText()).toBe('Outgoing call');
    expect(await row.locator('.call-history-duration').innerText()).toMatch(/\d+:\d\d$/);
    await row.getByRole('button', { name: 'Call Bob back' }).waitFor();
    await expectNoSeriousViolationsInBothThemes(a, 'call history');

    // A second call, declined by B: A's side says "Declined".
    await row.getByRole('button', { name: 'Call Bob back' }).click();
    await incoming(b).waitFor({ timeout: 15_000 });
    await incoming(b).getByRole('button', { name: 'Decline' }).click();
    await incoming(b).waitFor({ state: 'detached' });
    await a.locator('.call-result', { hasText: 'Declined' }).first().waitFor({ timeout: 15_000 });
    // B's ring never came back, and B is in no call.
    expect(await b.getByRole('region', { name: 'Call connection' }).count()).toBe(0);

    // Both calls in A's history, newest first: declined, then answered.
    await a.getByRole('button', { name: /^Calls/ }).click();
    await expect
      .poll(() => history.locator('li.call-history-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-outcome'))), {
        timeout: 15_000,
      })
      .toEqual(['declined', 'answered']);
    await a.screenshot({ path: resolve(SHOTS, 'call-history.png') });
  });

  it('when nobody answers for 30 s, then the ring stops, A sees No answer, and B has a missed call badged until B opens the history', async () => {
    const base = e2e.server.url;
    const A = await registerUser(base, `miss_a_${suffix}`, 'Alice');
    const B = await registerUser(base, `miss_b_${suffix}`, 'Bob');
    // Friends and a DM over REST: the first test drives those screens.
    expect((await rest(base, 'POST', '/users/@me/relationships', A.token, { username: B.username })).status).toBeLessThan(300);
    expect((await rest(base, 'POST', `/users/@me/relationships/${A.id}/accept`, B.token)).status).toBeLessThan(300);
    const dm = (await rest<{ id: string }>(base, 'POST', '/users/@me/channels', A.token, { recipientIds: [B.id] })).body;
    const a = await device(A);
    const b = await device(B);
    await openHome(a);
    await a.locator(`li.dm-row[data-channel-id="${dm.id}"]`).getByRole('button', { name: 'Start a call with Bob' }).click();
    await callBar(a).getByRole('status').filter({ hasText: 'Calling…' }).waitFor({ timeout: 15_000 });
    await incoming(b).waitFor({ timeout: 15_000 });

    // The server's 30 s ring timeout: B's window goes by itself, A is told.
    await incoming(b).waitFor({ state: 'detached', timeout: 45_000 });
    await a.locator('.call-result', { hasText: 'No answer' }).first().waitFor({ timeout: 15_000 });

    // B's missed call: badged on Home's Calls entry until B opens the history, where it is marked new.
    await openHome(b);
    const calls = b.getByRole('button', { name: /^Calls/ });
    await calls.getByLabel('1 missed call').waitFor({ timeout: 15_000 });
    await calls.click();
    const row = b.getByRole('main', { name: 'Call history' }).locator('li.call-history-row').first();
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getAttribute('data-outcome')).toBe('missed');
    expect(await row.locator('.call-history-outcome').innerText()).toBe('Missed call');
    await row.locator('.call-history-new').waitFor();
    await calls.getByLabel('1 missed call').waitFor({ state: 'detached', timeout: 15_000 });
  });
});
