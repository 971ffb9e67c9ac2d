import { ReadyEvent, ServerEvents } from '@shared/api/gateway';
import { Permission } from '@shared/permissions/permissions';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  connectGateway,
  guildWithMember,
  nextEvent,
  registerUser,
  startTestServer,
  type TestServer,
  type TestUser,
} from './server-helpers';

/**
 * Notification settings on the server: saved whole per guild and per channel, validated, refused outside my guilds
 * and channels, sent to my other sessions (never to anyone else) and carried by READY.
 */
describe('notification settings', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let guildId: string;
  let textId: string;
  const sockets: Socket[] = [];

  const connect = async (token: string) => {
    const s = connectGateway(t.url, token);
    sockets.push(s);
    const ready = ReadyEvent.parse(await nextEvent(s, 'READY'));
    return { socket: s, ready };
  };
  const putGuild = (body: unknown, token = member.token, id = guildId) =>
    t.api.put(`/users/@me/guilds/${id}/notification-settings`, body, token);
  const putChannel = (channelId: string, body: unknown, token = member.token) =>
    t.api.put(`/users/@me/channels/${channelId}/notification-settings`, body, token);
  const guildBody = { level: 'all', suppressRoles: true, muted: true, muteUntil: '2030-01-01T00:00:00.000Z' };

  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t.api, 'nsowner');
    member = await registerUser(t.api, 'nsmember');
    outsider = await registerUser(t.api, 'nsoutsider');
    ({ guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Notify'));
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  it('when nothing was set, then READY carries the defaults: mentions, nothing muted', async () => {
    const { ready } = await connect(member.token);
    const snap = ready.guilds.find((g) => g.guild.id === guildId);
    expect(snap?.notificationSettings).toEqual({
      guildId,
      level: 'mentions',
      suppressRoles: false,
      muted: false,
      muteUntil: null,
      channels: [],
    });
  });

  it('when a member saves guild and channel settings, then the answer, a second session and the next READY all have them, and nobody else hears', async () => {
    const second = await connect(member.token);
    const ownerSession = await connect(owner.token);
    const ownerHeard = collect(ownerSession.socket, 'NOTIFICATION_SETTINGS_UPDATE');
    const update = nextEvent(second.socket, 'NOTIFICATION_SETTINGS_UPDATE', (p) => p.level === 'all');
    const saved = await putGuild(guildBody);
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ guildId, ...guildBody, channels: [] });
    expect(ServerEvents.NOTIFICATION_SETTINGS_UPDATE.parse(await update)).toEqual(saved.body);

    const channelUpdate = nextEvent(second.socket, 'NOTIFICATION_SETTINGS_UPDATE', (p) => p.channels.length === 1);
    const ch = await putChannel(textId, { level: 'nothing', muted: true, muteUntil: null });
    expect(ch.status).toBe(200);
    expect(ch.body.channels).toEqual([{ channelId: textId, level: 'nothing', muted: true, muteUntil: null }]);
    // The channel's write kept the guild's own settings (separate documents).
    expect(ch.body.level).toBe('all');
    expect((await channelUpdate).channels).toEqual(ch.body.channels);

    const again = await connect(member.token);
    expect(again.ready.guilds.find((g) => g.guild.id === guildId)?.notificationSettings).toEqual(ch.body);
    // The owner's own settings are untouched, and they never hear of the member's.
    expect(ownerSession.ready.guilds.find((g) => g.guild.id === guildId)?.notificationSettings?.level).toBe('mentions');
    expect(ownerHeard).toEqual([]);

    // Back to inherit and unmuted: the override is gone.
    const cleared = await putChannel(textId, { level: 'inherit', muted: false, muteUntil: null });
    expect(cleared.body.channels).toEqual([]);
  });

  it('when the body is bad (unknown level, extra field, bad date), then 400 and nothing changes', async () => {
    const before = (await putGuild({ level: 'mentions', suppressRoles: false, muted: false, muteUntil: null })).body;
    for (const body of [
      { ...guildBody, level: 'loud' },
      { ...guildBody, extra: 1 },
      { ...guildBody, muteUntil: 'tomorrow' },
      { level: 'all' },
    ]) {
      const res = await putGuild(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await putChannel(textId, { level: 'loud', muted: false, muteUntil: null })).status).toBe(400);
    // A category has no messages to notify of.
    const category = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'category', name: 'Cat' }, owner.token)).body.id as string;
    const onCategory = await putChannel(category, { level: 'all', muted: false, muteUntil: null });
    expect(onCategory.status).toBe(400);
    expect(onCategory.body.error.code).toBe('WRONG_CHANNEL_TYPE');
    const { ready } = await connect(member.token);
    expect(ready.guilds.find((g) => g.guild.id === guildId)?.notificationSettings).toEqual(before);
  });

  it('when someone is not in the guild or cannot view the channel, then 404 and nothing is stored', async () => {
    const notMine = await putGuild(guildBody, outsider.token);
    expect(notMine.status).toBe(404);
    expect(notMine.body.error.code).toBe('NOT_FOUND');
    expect((await putChannel(textId, { level: 'all', muted: false, muteUntil: null }, outsider.token)).status).toBe(404);
    expect((await putGuild(guildBody, member.token, 'f'.repeat(24))).status).toBe(404);

    const hidden = (
      await t.api.post(
        `/guilds/${guildId}/channels`,
        { type: 'text', name: 'staff', overwrites: [{ id: guildId, type: 'role', allow: 0, deny: Permission.VIEW_CHANNEL }] },
        owner.token,
      )
    ).body.id as string;
    const refused = await putChannel(hidden, { level: 'all', muted: false, muteUntil: null });
    expect(refused.status).toBe(404);
    const { ready } = await connect(member.token);
    expect(ready.guilds.find((g) => g.guild.id === guildId)?.notificationSettings?.channels.some((c) => c.channelId === hidden)).toBe(
      false,
    );
  });

  it('when two sessions save at the same time, then one of the two whole settings wins (never a mix)', async () => {
    const a = { level: 'all', suppressRoles: true, muted: false, muteUntil: null };
    const b = { level: 'nothing', suppressRoles: false, muted: true, muteUntil: null };
    const [ra, rb] = await Promise.all([putGuild(a), putGuild(b)]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    const { ready } = await connect(member.token);
    const { guildId: _g, channels: _c, ...stored } = ready.guilds.find((g) => g.guild.id === guildId)!.notificationSettings!;
    expect([a, b]).toContainEqual(stored);
  });
});
