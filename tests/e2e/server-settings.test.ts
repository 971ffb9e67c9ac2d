/**
 * Browser E2E of server and channel settings: A owns a guild, B is a plain member. Every change A makes in the
 * settings must reach B live (roles, overwrites), and B must neither see the controls nor get past the server.
 * axe-core checks each settings screen in both themes.
 */
import AxeBuilder from '@axe-core/playwright';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SHOTS, useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
const alice = { username: `alice_${suffix}`, displayName: 'Alice', password: 'correct horse battery' };
const bob = { username: `bob_${suffix}`, displayName: 'Bob', password: 'correct horse battery' };

/** Keeps the page's peer connections, so the test can read the microphone sender's encoding (the app exposes none). */
const CAPTURE_PEER_CONNECTIONS = `(() => {
  const Orig = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Orig {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
})();`;

/** The Opus encoder's bitrate cap on the published microphone, or null while nothing is published. */
const MIC_MAX_BITRATE = (): number | null => {
  const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
  for (const pc of pcs) {
    for (const sender of pc.getSenders()) {
      if (sender.track?.kind === 'audio') return sender.getParameters().encodings[0]?.maxBitrate ?? null;
    }
  }
  return null;
};

async function newPage(): Promise<Page> {
  const ctx = await e2e.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.addInitScript(CAPTURE_PEER_CONNECTIONS);
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

/** The fields this test reads from API responses (each response has some of them). */
interface Body {
  id: string;
  code: string;
  accessToken: string;
  user: { id: string };
  items: unknown[];
}

/** A REST call as a user (the test's own session, beside the browser's). Returns status and parsed body. */
async function rest(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; data: Body }> {
  const res = await fetch(`${e2e.server.url}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, data: (text ? JSON.parse(text) : {}) as Body };
}

async function login(who: typeof alice): Promise<{ token: string; id: string }> {
  const r = await rest('POST', '/auth/login', null, { username: who.username, password: who.password });
  expect(r.status).toBe(200);
  return { token: r.data.accessToken, id: r.data.user.id };
}

/** axe-core on the open settings dialog: no serious or critical violation. */
async function axe(page: Page, screen: string) {
  await page.waitForTimeout(250);
  const results = await new AxeBuilder({ page }).include('dialog[open]').analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  expect(bad).toEqual([]);
}

/** The guild name atop the channel sidebar, which opens the guild menu. */
const guildMenu = (page: Page, name: string) =>
  page.getByRole('complementary', { name: 'Channels' }).getByRole('button', { name, exact: true });
const dialog = (page: Page) => page.locator('dialog[open]').last();
const tab = (page: Page, name: string) => dialog(page).getByRole('tab', { name, exact: true });

async function openServerSettings(page: Page, guildName: string) {
  await guildMenu(page, guildName).click();
  await page.getByRole('menuitem', { name: 'Server settings' }).click();
  await dialog(page).getByRole('tab', { name: 'Overview' }).waitFor();
}

describe('server and channel settings', () => {
  it('when the owner edits roles, overwrites, invites and bans, then the member sees it live, lacks the controls and is refused by the server', async () => {
    // Setup over REST: A's guild with two text channels and a voice channel limited to 5; B joins by invite.
    const a = await newPage();
    await a.goto(`${e2e.server.url}/app/`);
    await register(a, alice);
    const A = await login(alice);
    const guild = (await rest('POST', '/guilds', A.token, { name: 'Settings Lab' })).data;
    const mk = async (body: object) => (await rest('POST', `/guilds/${guild.id}/channels`, A.token, body)).data;
    await mk({ type: 'text', name: 'lobby' });
    const secret = await mk({ type: 'text', name: 'secret' });
    await mk({ type: 'voice', name: 'Stage', userLimit: 5 });
    const firstInvite = (await rest('POST', `/guilds/${guild.id}/invites`, A.token, {})).data;
    await a.getByRole('heading', { name: 'Settings Lab', exact: true }).waitFor();

    const b = await newPage();
    await b.goto(`${e2e.server.url}/app/#/invite/${firstInvite.code}`);
    await register(b, bob, true);
    await b.getByRole('heading', { name: 'Settings Lab', exact: true }).waitFor();
    const B = await login(bob);

    // B, a plain member: no settings entry, no channel creation, no gear; voice limits are shown; the server refuses.
    await b.getByRole('button', { name: /^Stage \(voice channel\), 0 of 5/ }).waitFor();
    await expect.poll(() => b.locator('.voice-limit').first().textContent()).toBe('0/5');
    await guildMenu(b, 'Settings Lab').click();
    await b.getByRole('menuitem', { name: 'Invite people' }).waitFor();
    expect(await b.getByRole('menuitem', { name: 'Server settings' }).count()).toBe(0);
    expect(await b.getByRole('menuitem', { name: 'Create channel' }).count()).toBe(0);
    await b.keyboard.press('Escape');
    expect(await b.getByRole('button', { name: 'Add a channel' }).count()).toBe(0);
    expect(await b.getByRole('button', { name: 'Edit channel lobby' }).count()).toBe(0);
    expect((await rest('PATCH', `/guilds/${guild.id}`, B.token, { name: 'Hijacked' })).status).toBe(403);
    expect((await rest('GET', `/guilds/${guild.id}/audit-log`, B.token)).status).toBe(403);
    expect((await rest('GET', `/guilds/${guild.id}/invites`, B.token)).status).toBe(403);
    expect((await rest('POST', `/guilds/${guild.id}/roles`, B.token, { name: 'mine' })).status).toBe(403);
    expect((await rest('PATCH', `/channels/${secret.id}`, B.token, { overwrites: [] })).status).toBe(403);

    // Overview: A renames the server; B sees the new name without a reload.
    await openServerSettings(a, 'Settings Lab');
    // The dialog takes focus (its first field) …
    expect(
      await a.evaluate(() => document.activeElement?.closest('dialog') !== null && (document.activeElement as HTMLInputElement).value),
    ).toBe('Settings Lab');
    await dialog(a).getByLabel('Server name').fill('Settings Lab HQ');
    await dialog(a).getByRole('button', { name: 'Save changes' }).click();
    await b.getByRole('heading', { name: 'Settings Lab HQ', exact: true }).waitFor();
    await a.screenshot({ path: resolve(SHOTS, 'server-settings-overview.png') });
    await axe(a, 'overview (dark)');

    // Roles: A creates "Builders" with MANAGE_CHANNELS and gives it to B, who then gets the channel controls.
    await tab(a, 'Roles').click();
    await dialog(a).getByRole('button', { name: 'Create role' }).click();
    await dialog(a).getByLabel('Role name').fill('Builders');
    await dialog(a).getByRole('switch', { name: 'Manage channels' }).check();
    await dialog(a).getByRole('button', { name: 'Save changes' }).click();
    await dialog(a).getByRole('button', { name: 'Builders', exact: true }).waitFor();
    await dialog(a)
      .getByLabel('Member to give Builders')
      .selectOption({ label: `Bob (@${bob.username})` });
    await dialog(a).getByRole('button', { name: 'Add member' }).click();
    await dialog(a).getByRole('list', { name: 'Members with Builders' }).getByText('Bob', { exact: true }).waitFor();
    await b.getByRole('button', { name: 'Add a channel' }).waitFor({ timeout: 15_000 });
    await b.getByRole('button', { name: 'Edit channel lobby' }).waitFor();
    await dialog(a)
      .locator('.admin-panel')
      .evaluate((el) => el.scrollTo(0, 0));
    await a.screenshot({ path: resolve(SHOTS, 'server-settings-roles.png') });
    await axe(a, 'roles (dark)');
    // … and Escape closes it and gives focus back to the menu button it was opened from.
    await a.keyboard.press('Escape');
    await dialog(a).waitFor({ state: 'detached' });
    expect(await a.evaluate(() => document.activeElement?.getAttribute('aria-haspopup'))).toBe('menu');

    // Channel overwrite: @everyone may not view #secret; B loses it live, and the server hides it from B too.
    await b.getByRole('button', { name: /^secret \(text channel\)/ }).waitFor();
    await a.getByRole('button', { name: 'Edit channel secret' }).click();
    await tab(a, 'Permissions').click();
    await dialog(a).getByRole('radio', { name: 'Deny: View channels' }).check();
    await dialog(a).getByRole('button', { name: 'Save changes' }).click();
    await dialog(a).getByText('Saved.').waitFor();
    await b.getByRole('button', { name: /^secret \(text channel\)/ }).waitFor({ state: 'detached', timeout: 15_000 });
    expect((await rest('GET', `/channels/${secret.id}`, B.token)).status).toBe(404);
    await a.screenshot({ path: resolve(SHOTS, 'channel-settings-permissions.png') });
    await axe(a, 'channel permissions (dark)');
    await tab(a, 'Overview').click();
    await axe(a, 'channel overview (dark)');
    await a.keyboard.press('Escape');

    // Voice channel settings: the bitrate caps the Opus encoder when joining and, changed during the call, at once.
    await a.getByRole('button', { name: 'Edit channel Stage' }).click();
    await dialog(a).getByLabel('Bitrate').selectOption({ label: '32 kbps' });
    await dialog(a).getByRole('button', { name: 'Save changes' }).click();
    await dialog(a).getByText('Saved.').waitFor();
    await a.keyboard.press('Escape');
    await a.getByRole('button', { name: /^Stage \(voice channel\)/ }).click();
    await a.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => a.evaluate(MIC_MAX_BITRATE), { timeout: 15_000 }).toBe(32_000);
    await b.getByRole('button', { name: /^Stage \(voice channel\), 1 of 5/ }).waitFor({ timeout: 15_000 });
    await a.getByRole('button', { name: 'Edit channel Stage' }).click();
    await dialog(a).getByLabel('Bitrate').selectOption({ label: '96 kbps' });
    await dialog(a).getByRole('button', { name: 'Save changes' }).click();
    await dialog(a).getByText('Saved.').waitFor();
    await a.keyboard.press('Escape');
    await expect.poll(() => a.evaluate(MIC_MAX_BITRATE), { timeout: 15_000 }).toBe(96_000);
    await a.getByRole('button', { name: 'Disconnect from voice' }).click();

    // The invite dialog offers A's existing usable invite instead of making a new one on every open.
    for (let i = 0; i < 2; i++) {
      await a.getByRole('button', { name: 'Invite people' }).click();
      await expect.poll(() => a.locator('input[data-invite-code]').getAttribute('data-invite-code')).toBe(firstInvite.code);
      await a.keyboard.press('Escape');
      await dialog(a).waitFor({ state: 'detached' });
    }
    expect((await rest('GET', `/guilds/${guild.id}/invites`, A.token)).data.items).toHaveLength(1);

    // Invites: create one with at most 5 uses, see it listed, revoke it.
    await openServerSettings(a, 'Settings Lab HQ');
    await tab(a, 'Invites').click();
    await dialog(a).getByLabel('Max number of uses').selectOption({ label: '5 uses' });
    await dialog(a).getByRole('button', { name: 'Create invite' }).click();
    const created = await dialog(a).getByLabel('New invite link').getAttribute('data-invite-code');
    expect(created).toBeTruthy();
    const row = dialog(a).locator(`tr[data-invite="${created}"]`);
    await expect.poll(() => row.locator('td').nth(2).textContent()).toBe('0/5');
    expect(await dialog(a).locator('tbody tr').count()).toBe(2);
    await a.screenshot({ path: resolve(SHOTS, 'server-settings-invites.png') });
    await axe(a, 'invites (dark)');
    await dialog(a)
      .getByRole('button', { name: `Revoke invite ${created}` })
      .click();
    await row.waitFor({ state: 'detached' });
    expect((await rest('GET', `/invites/${created}`, null)).status).toBe(404);

    // Bans: B is banned over the API (the ban UI is the member menu's); A lists and lifts the ban.
    expect((await rest('PUT', `/guilds/${guild.id}/bans/${B.id}`, A.token, { reason: 'testing bans' })).status).toBe(204);
    await tab(a, 'Bans').click();
    await dialog(a).getByText('Reason: testing bans').waitFor();
    await axe(a, 'bans (dark)');
    await dialog(a).getByRole('button', { name: 'Unban Bob' }).click();
    await dialog(a).getByText('No one is banned.').waitFor();
    expect((await rest('GET', `/guilds/${guild.id}/bans`, A.token)).data.items).toEqual([]);
    // B was told (the member feature's notice); after the unban B rejoins with the first invite.
    await b.getByRole('heading', { name: 'You were banned from Settings Lab HQ' }).waitFor();
    await b.getByRole('button', { name: 'OK', exact: true }).click();
    expect((await rest('POST', `/invites/${firstInvite.code}`, B.token)).status).toBe(200);
    await b.getByRole('heading', { name: 'Settings Lab HQ', exact: true }).waitFor();

    // Audit log: every action above is listed; the filters narrow it by action and by user.
    await tab(a, 'Audit log').click();
    const entries = dialog(a).getByRole('list', { name: 'Audit log entries' }).getByRole('listitem');
    await entries.first().waitFor();
    const actions = await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    expect(actions).toEqual(
      expect.arrayContaining([
        'guild.update',
        'role.create',
        'role.update',
        'member.update',
        'channel.update',
        'invite.create',
        'member.ban',
        'member.unban',
      ]),
    );
    await a.screenshot({ path: resolve(SHOTS, 'server-settings-audit-log.png') });
    await axe(a, 'audit log (dark)');
    await dialog(a).getByLabel('Action').selectOption({ label: 'Banned a member' });
    await expect.poll(() => entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['member.ban']);
    await dialog(a).getByLabel('Action').selectOption({ label: 'All actions' });
    await expect.poll(() => entries.count()).toBe(actions.length);
    await dialog(a).getByLabel('User').selectOption({ label: 'Alice' });
    const byAlice = await entries.evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    expect(byAlice.length).toBeGreaterThan(0);
    expect(byAlice.every((t) => t.startsWith('Alice'))).toBe(true);
    await a.keyboard.press('Escape');

    // Light theme: every screen again through axe.
    await a.getByRole('button', { name: 'User settings' }).click();
    await a.getByRole('tab', { name: 'Appearance' }).click();
    await a.getByLabel('Light').check();
    await a.keyboard.press('Escape');
    await openServerSettings(a, 'Settings Lab HQ');
    await axe(a, 'overview (light)');
    for (const [name, ready] of [
      ['Roles', 'Create role'],
      ['Invites', 'Create invite'],
      ['Bans', null],
      ['Audit log', null],
    ] as const) {
      await tab(a, name).click();
      if (ready) await dialog(a).getByRole('button', { name: ready }).waitFor();
      await axe(a, `${name} (light)`);
    }
    await a.keyboard.press('Escape');
    await a.getByRole('button', { name: 'Edit channel secret' }).click();
    await tab(a, 'Permissions').click();
    await axe(a, 'channel permissions (light)');
    await a.keyboard.press('Escape');

    // Ownership moves to B after A types the server's name: A loses the settings, B (now owner) gains them.
    await openServerSettings(a, 'Settings Lab HQ');
    await dialog(a)
      .getByLabel('Transfer ownership to')
      .selectOption({ label: `Bob (@${bob.username})` });
    await dialog(a).getByRole('button', { name: 'Transfer ownership' }).click();
    const confirmA = dialog(a);
    await confirmA.getByRole('heading', { name: 'Transfer ownership' }).waitFor();
    expect(await confirmA.getByRole('button', { name: 'Transfer ownership' }).isDisabled()).toBe(true);
    await confirmA.getByLabel('Type “Settings Lab HQ” to confirm').fill('Settings Lab HQ');
    await confirmA.getByRole('button', { name: 'Transfer ownership' }).click();
    await expect.poll(() => a.locator('dialog[open]').count(), { timeout: 15_000 }).toBe(0);
    await guildMenu(a, 'Settings Lab HQ').click();
    await a.getByRole('menuitem', { name: 'Invite people' }).waitFor();
    expect(await a.getByRole('menuitem', { name: 'Server settings' }).count()).toBe(0);
    await a.keyboard.press('Escape');
    expect((await rest('GET', `/guilds/${guild.id}/audit-log`, A.token)).status).toBe(403);

    // B, the new owner, deletes the server (typed confirmation again); it disappears for A too.
    await openServerSettings(b, 'Settings Lab HQ');
    await dialog(b).getByRole('button', { name: 'Delete server' }).click();
    const confirmB = dialog(b);
    await confirmB.getByRole('heading', { name: 'Delete server' }).waitFor();
    await confirmB.getByLabel('Type “Settings Lab HQ” to confirm').fill('Settings Lab HQ');
    await confirmB.getByRole('button', { name: 'Delete server' }).click();
    await b.getByRole('heading', { name: 'Settings Lab HQ', exact: true }).waitFor({ state: 'detached', timeout: 15_000 });
    await a.getByRole('heading', { name: 'Settings Lab HQ', exact: true }).waitFor({ state: 'detached', timeout: 15_000 });
    expect((await rest('GET', `/guilds/${guild.id}`, A.token)).status).toBe(404);
  });
});
