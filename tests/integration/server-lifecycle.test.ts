/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field */
import { UserExport } from '@shared/api/account';
import { ServerEvents } from '@shared/api/gateway';
import { Permission } from '@shared/permissions/permissions';
import { MongoClient } from 'mongodb';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../support/env';
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
 * Data lifecycle: a ban that deletes message history, a moderator's purge, account deletion and the data export, on the
 * real server and database.
 */
describe('data lifecycle', () => {
  let t: TestServer;
  const sockets: Socket[] = [];
  const HOUR = 3_600_000;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  const join = async (guildId: string, user: TestUser, inviter: TestUser) => {
    const invite = (await t.api.post(`/guilds/${guildId}/invites`, {}, inviter.token)).body;
    expect((await t.api.post(`/invites/${invite.code}`, undefined, user.token)).status).toBe(200);
  };
  const send = async (channelId: string, user: TestUser, content: string): Promise<string> => {
    const res = await t.api.post(`/channels/${channelId}/messages`, { content }, user.token);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  /** Messages written `hoursAgo` in the past, through the repository (the API only writes "now"). */
  const sendOld = (guildId: string, channelId: string, user: TestUser, contents: string[], hoursAgo: number) =>
    t.server.repos.messages.importMessages(
      channelId,
      guildId,
      contents.map((content, i) => ({
        authorId: user.id,
        content,
        nonce: null,
        mentions: [],
        createdAt: new Date(Date.now() - hoursAgo * HOUR + i),
        editedAt: null,
      })),
    );
  /** Ids of the members' messages (not the join notices of the guild's system channel), newest first. */
  const historyIds = async (channelId: string, token: string): Promise<string[]> => {
    const res = await t.api.get(`/channels/${channelId}/messages?limit=100`, token);
    expect(res.status).toBe(200);
    return res.body.items.filter((m: { type: string }) => m.type === 'default').map((m: { id: string }) => m.id);
  };
  const auditOf = async (guildId: string, token: string, action: string) =>
    (await t.api.get(`/guilds/${guildId}/audit-log?action=${action}`, token)).body.items as any[];
  const gateway = async (user: TestUser) => {
    const socket = connectGateway(t.url, user.token);
    sockets.push(socket);
    await nextEvent(socket, 'READY');
    return socket;
  };

  it('when a member is banned with one hour of message history deleted, then only their messages of that hour go, in every channel, and members are told per channel', async () => {
    const owner = await registerUser(t.api, 'lc_owner');
    const spammer = await registerUser(t.api, 'lc_spam');
    const bystander = await registerUser(t.api, 'lc_by');
    const { guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: spammer }, 'Ban history');
    await join(guildId, bystander, owner);
    const otherId: string = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'text', name: 'other' }, owner.token)).body.id;
    const old = await sendOld(guildId, textId, spammer, ['old one', 'old two'], 2);
    const recent = [await send(textId, spammer, 'spam 1'), await send(textId, spammer, 'spam 2')];
    const recentOther = await send(otherId, spammer, 'spam elsewhere');
    const kept = await send(textId, bystander, 'hello');

    const socket = await gateway(bystander);
    const bulks = collect(socket, 'MESSAGE_DELETE_BULK');
    const inText = nextEvent(socket, 'MESSAGE_DELETE_BULK', (e) => e.channelId === textId);
    const inOther = nextEvent(socket, 'MESSAGE_DELETE_BULK', (e) => e.channelId === otherId);

    expect(
      (await t.api.put(`/guilds/${guildId}/bans/${spammer.id}`, { reason: 'spam', deleteMessageSeconds: 3600 }, owner.token)).status,
    ).toBe(204);

    const [textEvent, otherEvent] = await Promise.all([inText, inOther]);
    expect(() => ServerEvents.MESSAGE_DELETE_BULK.parse(textEvent)).not.toThrow();
    expect(textEvent).toEqual({ guildId, channelId: textId, ids: expect.any(Array) });
    expect([...textEvent.ids].sort()).toEqual([...recent].sort());
    expect(otherEvent.ids).toEqual([recentOther]);
    expect(bulks).toHaveLength(2);

    const text = await historyIds(textId, owner.token);
    expect(text).toEqual(expect.arrayContaining([...old, kept]));
    for (const id of recent) expect(text).not.toContain(id);
    expect(await historyIds(otherId, owner.token)).toEqual([]);

    const [ban] = await auditOf(guildId, owner.token, 'member.ban');
    expect(ban).toMatchObject({
      actorId: owner.id,
      targetId: spammer.id,
      details: { reason: 'spam', deleteMessageSeconds: 3600, deletedMessages: 3 },
    });
  });

  it('when a ban asks for a history window Discord does not offer, then it answers 400 and bans nobody', async () => {
    const owner = await registerUser(t.api, 'lc_owner');
    const member = await registerUser(t.api, 'lc_member');
    const { guildId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Bad window');
    const res = await t.api.put(`/guilds/${guildId}/bans/${member.id}`, { deleteMessageSeconds: 1234 }, owner.token);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details[0].path).toBe('body.deleteMessageSeconds');
    expect((await t.api.get(`/guilds/${guildId}/bans`, owner.token)).body.items).toEqual([]);
    // 0 means "none": the ban goes through and deletes nothing.
    const msg = await send(
      (await t.api.get(`/guilds/${guildId}/channels`, owner.token)).body.items.find((c: any) => c.type === 'text').id,
      member,
      'stays',
    );
    expect((await t.api.put(`/guilds/${guildId}/bans/${member.id}`, { deleteMessageSeconds: 0 }, owner.token)).status).toBe(204);
    const textId = (await t.api.get(`/guilds/${guildId}/channels`, owner.token)).body.items.find((c: any) => c.type === 'text').id;
    expect(await historyIds(textId, owner.token)).toContain(msg);
  });

  it('when messages of a user are purged, then it takes MANAGE_MESSAGES (403 without, 404 for outsiders) and works for users who already left', async () => {
    const owner = await registerUser(t.api, 'lc_owner');
    const mod = await registerUser(t.api, 'lc_mod');
    const leaver = await registerUser(t.api, 'lc_leaver');
    const outsider = await registerUser(t.api, 'lc_out');
    const { guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: mod }, 'Purge');
    await join(guildId, leaver, owner);
    const old = await sendOld(guildId, textId, leaver, ['from yesterday'], 25);
    const recent = [await send(textId, leaver, 'a'), await send(textId, leaver, 'b')];
    const ownerMsg = await send(textId, owner, 'mine');
    expect((await t.api.del(`/users/@me/guilds/${guildId}`, leaver.token)).status).toBe(204);
    const path = `/guilds/${guildId}/members/${leaver.id}/messages`;

    const denied = await t.api.del(`${path}?sinceSeconds=3600`, mod.token);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    const hidden = await t.api.del(path, outsider.token);
    expect(hidden.status).toBe(404);
    expect((await t.api.del(`${path}?sinceSeconds=soon`, owner.token)).status).toBe(400);
    expect((await t.api.del(`/guilds/${guildId}/members/${'0'.repeat(24)}/messages`, owner.token)).status).toBe(404);
    expect(await historyIds(textId, owner.token)).toEqual(expect.arrayContaining([...old, ...recent]));

    const role = (await t.api.post(`/guilds/${guildId}/roles`, { name: 'mods', permissions: Permission.MANAGE_MESSAGES }, owner.token))
      .body;
    expect((await t.api.put(`/guilds/${guildId}/members/${mod.id}/roles/${role.id}`, undefined, owner.token)).status).toBe(204);
    const socket = await gateway(owner);
    const bulk = nextEvent(socket, 'MESSAGE_DELETE_BULK');
    const lastHour = await t.api.del(`${path}?sinceSeconds=3600`, mod.token);
    expect(lastHour.status).toBe(200);
    expect(lastHour.body).toEqual({ deleted: 2 });
    expect((await bulk).ids.sort()).toEqual([...recent].sort());
    expect(await historyIds(textId, owner.token)).toEqual(expect.arrayContaining([...old, ownerMsg]));

    const all = await t.api.del(path, mod.token);
    expect(all.body).toEqual({ deleted: 1 });
    expect(await historyIds(textId, owner.token)).toEqual([ownerMsg]);
    const entries = await auditOf(guildId, owner.token, 'message.purge');
    expect(entries.map((e) => e.details)).toEqual([
      { deleted: 1, sinceSeconds: null },
      { deleted: 2, sinceSeconds: 3600 },
    ]);
    expect(entries.every((e) => e.actorId === mod.id && e.targetId === leaver.id)).toBe(true);
  });

  it('when a user deletes their account, then their messages stay under a deleted user, the username is free and every session is dead', async () => {
    const owner = await registerUser(t.api, 'lc_owner');
    const user = await registerUser(t.api, 'lc_del');
    const { guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user }, 'Deletion');
    const msg = await send(textId, user, 'remember me');
    const ownGuild: string = (await t.api.post('/guilds', { name: 'Mine' }, user.token)).body.id;
    const userSocket = await gateway(user);
    const ownerSocket = await gateway(owner);

    const wrong = await t.api.request('delete', '/users/@me', { token: user.token, body: { password: 'not my password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    const owns = await t.api.request('delete', '/users/@me', { token: user.token, body: { password: 'correct horse battery' } });
    expect(owns.status).toBe(409);
    expect(owns.body.error).toMatchObject({ code: 'CONFLICT', details: { guildIds: [ownGuild] } });
    expect((await t.api.get('/users/@me', user.token)).status).toBe(200);
    expect((await t.api.del(`/guilds/${ownGuild}`, user.token)).status).toBe(204);

    const removed = nextEvent(ownerSocket, 'MEMBER_REMOVE', (e) => e.userId === user.id);
    const expired = nextEvent(userSocket, 'SESSION_EXPIRED');
    expect((await t.api.request('delete', '/users/@me', { token: user.token, body: { password: 'correct horse battery' } })).status).toBe(
      204,
    );
    await removed;
    await expired;

    const history = (await t.api.get(`/channels/${textId}/messages`, owner.token)).body.items;
    expect(history.find((m: any) => m.id === msg)).toMatchObject({
      content: 'remember me',
      author: { id: user.id, username: 'deleted-user', displayName: 'Deleted user' },
    });
    const members = (await t.api.get(`/guilds/${guildId}/members`, owner.token)).body.items.map((m: any) => m.user.id);
    expect(members).not.toContain(user.id);
    expect((await auditOf(guildId, owner.token, 'member.account_delete')).map((e) => e.targetId)).toEqual([user.id]);

    const me = await t.api.get('/users/@me', user.token);
    expect(me.status).toBe(401);
    expect((await t.api.post('/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(401);
    expect((await t.api.post('/auth/login', { username: user.username, password: 'correct horse battery' })).status).toBe(401);
    const again = await t.api.post('/auth/register', { username: user.username, password: 'a new person here' });
    expect(again.status).toBe(201);
    expect(again.body.user.id).not.toBe(user.id);

    const client = new MongoClient(testEnv().mongoUri);
    try {
      const doc = await client
        .db(t.config.MONGODB_DB)
        .collection('users')
        .findOne({ displayName: 'Deleted user', deletedAt: { $ne: null } });
      expect(doc?._id.toHexString()).toBe(user.id);
      expect(doc?.passwordHash).toBe('');
      expect(await client.db(t.config.MONGODB_DB).collection('refresh_tokens').countDocuments({ userId: user.id, revokedAt: null })).toBe(
        0,
      );
    } finally {
      await client.close();
    }
  });

  it('when a user exports their data, then they get a JSON attachment with their profile, memberships and every message they wrote, and nobody else’s', async () => {
    const owner = await registerUser(t.api, 'lc_owner');
    const user = await registerUser(t.api, 'lc_exp');
    const { guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user }, 'Export');
    expect((await t.api.patch(`/guilds/${guildId}/members/${user.id}`, { nick: 'Exporter' }, user.token)).status).toBe(200);
    const old = await sendOld(guildId, textId, user, ['first ever'], 48);
    const mine = [await send(textId, user, 'one'), await send(textId, user, 'two')];
    await send(textId, owner, 'not yours');

    const res = await fetch(`${t.url}/api/v1/users/@me/export`, { headers: { authorization: `Bearer ${user.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="parley-${user.username}-\\d{4}-\\d{2}-\\d{2}\\.json"$`),
    );
    const data = UserExport.parse(await res.json());
    expect(data.user).toMatchObject({ id: user.id, username: user.username });
    expect(data.memberships).toEqual([
      expect.objectContaining({ guildId, guildName: 'Export', owner: false, nick: 'Exporter', roles: [] }),
    ]);
    expect(data.messages.map((m) => m.id)).toEqual([...old, ...mine]);
    expect(data.messages.map((m) => m.content)).toEqual(['first ever', 'one', 'two']);
    expect(JSON.stringify(data)).not.toContain('passwordHash');
  });
});
