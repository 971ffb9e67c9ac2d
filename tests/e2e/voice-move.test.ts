/**
 * Browser E2E: a moderator's move (VOICE_MOVE) connects the moved client with the token the event carries, also into a
 * full channel, instead of joining again over REST (which counts against the user limit).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserSession } from './web-stack';

const e2e = useBrowserSession();
const suffix = Math.random().toString(36).slice(2, 7);
const PASSWORD = 'correct horse battery';

async function newPage(): Promise<Page> {
  const ctx = await e2e.newContext();
  return ctx.newPage();
}

async function register(page: Page, username: string, displayName: string, fromInvite = false) {
  if (!fromInvite) await page.getByRole('button', { name: 'Register' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('region', { name: 'User controls' }).waitFor();
}

/** REST as a user (a second session of theirs): the moderation UI is not part of this test. */
async function restAs(username: string) {
  const login = await fetch(`${e2e.server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  const session = (await login.json()) as { accessToken: string; user: { id: string } };
  return {
    userId: session.user.id,
    call: async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${e2e.server.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${session.accessToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as unknown) };
    },
  };
}

describe('voice move', () => {
  it('when a moderator moves B into a full voice channel, then B connects there with the move token', async () => {
    const a = await newPage();
    await a.goto(`${e2e.server.url}/app/`);
    await register(a, `move_a_${suffix}`, 'Mona');
    await a.getByRole('button', { name: 'Add a server' }).click();
    await a.getByLabel('Server name').fill('Move Lab');
    await a.getByRole('button', { name: 'Create', exact: true }).click();
    await a.getByRole('heading', { name: 'Move Lab' }).waitFor();
    for (const name of ['Hangout', 'Full Room']) {
      await a.getByRole('button', { name: 'Add a channel' }).click();
      await a.locator('input[name="type"][value="voice"]').check();
      await a.getByLabel('Channel name').fill(name);
      await a.getByRole('button', { name: 'Create Channel' }).click();
      await a.getByRole('button', { name: new RegExp(`^${name} \\(voice channel\\)`) }).waitFor();
    }
    await a.getByRole('button', { name: 'Invite people' }).click();
    await a.getByRole('button', { name: 'Create invite link' }).click();
    const invite = a.locator('input[data-invite-code]:not([data-invite-code=""])');
    await invite.waitFor();
    const link = await invite.inputValue();
    await a.keyboard.press('Escape');

    const b = await newPage();
    await b.goto(link);
    await register(b, `move_b_${suffix}`, 'Milo', true);
    await b.getByRole('heading', { name: 'Move Lab' }).waitFor();

    // Full Room holds one, and A takes that seat; B is in Hangout.
    const owner = await restAs(`move_a_${suffix}`);
    const member = await restAs(`move_b_${suffix}`);
    const guilds = (await owner.call('GET', '/guilds')).body as { items: { id: string; name: string }[] };
    const guildId = guilds.items.find((g) => g.name === 'Move Lab')?.id ?? '';
    const channels = (await owner.call('GET', `/guilds/${guildId}/channels`)).body as { items: { id: string; name: string }[] };
    const fullRoom = channels.items.find((c) => c.name === 'Full Room')?.id ?? '';
    expect((await owner.call('PATCH', `/channels/${fullRoom}`, { userLimit: 1 })).status).toBe(200);
    await a.getByRole('button', { name: /^Full Room \(voice channel\)/ }).click();
    await a.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });
    await b.getByRole('button', { name: /^Hangout \(voice channel\)/ }).click();
    await b.getByRole('status').filter({ hasText: 'Voice Connected' }).waitFor({ timeout: 20_000 });

    // A member without MOVE_MEMBERS cannot move anyone.
    expect((await member.call('PATCH', `/guilds/${guildId}/voice-states/${owner.userId}`, { channelId: fullRoom })).status).toBe(403);

    // The owner moves B into the full room: B ends up connected there with the event's token, without joining again
    // over REST (the server admits a moved user past the limit for a short window; a REST join is a second, needless
    // seat claim that only that window lets through).
    const restJoins: string[] = [];
    b.on('request', (req) => {
      if (/\/api\/v1\/channels\/[^/]+\/voice\/join$/.test(new URL(req.url()).pathname)) restJoins.push(req.url());
    });
    expect((await owner.call('PATCH', `/guilds/${guildId}/voice-states/${member.userId}`, { channelId: fullRoom })).status).toBe(200);
    const panel = b.getByRole('region', { name: 'Voice connection' });
    await expect.poll(() => panel.locator('.voice-where').innerText(), { timeout: 20_000 }).toContain('Full Room');
    await expect.poll(() => panel.getAttribute('data-state'), { timeout: 20_000 }).toBe('connected');
    expect(await panel.getByRole('alert').count()).toBe(0);
    // Both clients list B in Full Room.
    const inFullRoom = (page: Page) => page.getByRole('list', { name: 'In Full Room' }).locator('li.voice-user', { hasText: 'Milo' });
    await inFullRoom(a).waitFor({ timeout: 15_000 });
    await inFullRoom(b).waitFor({ timeout: 15_000 });
    expect(restJoins).toEqual([]);
  });
});
