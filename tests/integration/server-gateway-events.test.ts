/* eslint-disable @typescript-eslint/no-explicit-any -- event payloads are checked against their zod schemas */
import { ServerEvents, type ServerEventName } from '@shared/api/gateway';
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
 * The gateway's guild events, from the member's side: each change reaches them once, in the shape the shared schema
 * promises, and nothing about a channel they cannot view reaches them at all.
 *
 * "Nothing arrives" is proven with a marker: events reach one socket in the order the server sent them, so once a
 * later, visible event has arrived, an earlier hidden one would have arrived before it.
 */
describe('gateway guild events', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let guildId: string;
  let textId: string;
  let memberSocket: Socket;
  const sockets: Socket[] = [];
  const seen = new Map<ServerEventName, any[]>();

  /** Waits for the member to receive `event` matching `predicate`, and checks it against its shared schema. */
  async function memberGets(event: ServerEventName, predicate: (p: any) => boolean, action: () => Promise<unknown>): Promise<any> {
    const arrived = nextEvent(memberSocket, event, predicate);
    await action();
    const payload = await arrived;
    expect(() => ServerEvents[event].parse(payload)).not.toThrow();
    return payload;
  }
  /** A visible event the member must receive: everything sent before it has arrived. */
  async function marker(): Promise<void> {
    const content = `marker ${Math.random()}`;
    await memberGets(
      'MESSAGE_CREATE',
      (m) => m.content === content,
      () => t.api.post(`/channels/${textId}/messages`, { content }, owner.token),
    );
  }
  const mentioning = (id: string) =>
    [...seen.entries()].flatMap(([event, list]) => list.filter((p) => JSON.stringify(p).includes(id)).map(() => event));

  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t.api, 'evowner');
    member = await registerUser(t.api, 'evmember');
    ({ guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Events'));
    memberSocket = connectGateway(t.url, member.token);
    sockets.push(memberSocket);
    await nextEvent(memberSocket, 'READY');
    for (const event of Object.keys(ServerEvents) as ServerEventName[]) seen.set(event, collect(memberSocket, event));
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  it('when visible channels are created, updated and deleted, then the member gets CHANNEL_CREATE, CHANNEL_UPDATE and CHANNEL_DELETE', async () => {
    let id = '';
    const created = await memberGets(
      'CHANNEL_CREATE',
      (c) => c.name === 'news',
      async () => {
        id = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'text', name: 'news' }, owner.token)).body.id;
      },
    );
    expect(created).toMatchObject({ guildId, type: 'text', name: 'news' });
    const updated = await memberGets(
      'CHANNEL_UPDATE',
      (c) => c.id === id,
      () => t.api.patch(`/channels/${id}`, { name: 'announcements', topic: 'read me' }, owner.token),
    );
    expect(updated).toMatchObject({ id, name: 'announcements', topic: 'read me' });
    const deleted = await memberGets(
      'CHANNEL_DELETE',
      (c) => c.id === id,
      () => t.api.del(`/channels/${id}`, owner.token),
    );
    expect(deleted).toEqual({ id, guildId });
  });

  it('when a channel is hidden from the member, then none of its create, update, typing, message or delete events reach them', async () => {
    const hidden = await t.api.post(
      `/guilds/${guildId}/channels`,
      { type: 'text', name: 'staff', overwrites: [{ id: guildId, type: 'role', allow: 0, deny: Permission.VIEW_CHANNEL }] },
      owner.token,
    );
    expect(hidden.status).toBe(201);
    const id = hidden.body.id as string;
    expect((await t.api.patch(`/channels/${id}`, { name: 'staff-room', topic: 'secret' }, owner.token)).status).toBe(200);
    expect((await t.api.post(`/channels/${id}/typing`, undefined, owner.token)).status).toBe(204);
    expect((await t.api.post(`/channels/${id}/messages`, { content: 'staff only' }, owner.token)).status).toBe(201);
    // Typing in a visible channel does arrive, so the hidden one's silence is not a dead event.
    const typing = await memberGets(
      'TYPING_START',
      (p) => p.channelId === textId,
      () => t.api.post(`/channels/${textId}/typing`, undefined, owner.token),
    );
    expect(typing.user.id).toBe(owner.id);
    expect((await t.api.del(`/channels/${id}`, owner.token)).status).toBe(204);
    await marker();
    expect(mentioning(id)).toEqual([]);
  });

  it('when an overwrite starts letting the member view a channel, then GUILD_CREATE re-sends their view with it', async () => {
    const hidden = await t.api.post(
      `/guilds/${guildId}/channels`,
      { type: 'text', name: 'reveal', overwrites: [{ id: guildId, type: 'role', allow: 0, deny: Permission.VIEW_CHANNEL }] },
      owner.token,
    );
    const id = hidden.body.id as string;
    const resync = await memberGets(
      'GUILD_CREATE',
      (g) => g.guild.id === guildId && g.channels.some((c: { id: string }) => c.id === id),
      () =>
        t.api.patch(
          `/channels/${id}`,
          { overwrites: [{ id: member.id, type: 'member', allow: Permission.VIEW_CHANNEL, deny: 0 }] },
          owner.token,
        ),
    );
    expect(resync.me.user.id).toBe(member.id);
    // And hiding it again re-sends a view without it.
    const hiddenAgain = await memberGets(
      'GUILD_CREATE',
      (g) => g.guild.id === guildId && !g.channels.some((c: { id: string }) => c.id === id),
      () =>
        t.api.patch(
          `/channels/${id}`,
          { overwrites: [{ id: guildId, type: 'role', allow: 0, deny: Permission.VIEW_CHANNEL }] },
          owner.token,
        ),
    );
    expect(hiddenAgain.channels.map((c: { id: string }) => c.id)).toContain(textId);
  });

  it('when roles are created, updated and deleted, then the member gets ROLE_CREATE, ROLE_UPDATE and ROLE_DELETE', async () => {
    let id = '';
    const created = await memberGets(
      'ROLE_CREATE',
      (r) => r.name === 'helpers',
      async () => {
        id = (await t.api.post(`/guilds/${guildId}/roles`, { name: 'helpers', permissions: Permission.MANAGE_MESSAGES }, owner.token)).body
          .id;
      },
    );
    expect(created).toMatchObject({ guildId, name: 'helpers', permissions: Permission.MANAGE_MESSAGES });
    const updated = await memberGets(
      'ROLE_UPDATE',
      (r) => r.id === id && r.name === 'helpers+',
      () => t.api.patch(`/guilds/${guildId}/roles/${id}`, { name: 'helpers+' }, owner.token),
    );
    expect(updated.permissions).toBe(Permission.MANAGE_MESSAGES);
    const deleted = await memberGets(
      'ROLE_DELETE',
      (r) => r.id === id,
      () => t.api.del(`/guilds/${guildId}/roles/${id}`, owner.token),
    );
    expect(deleted).toEqual({ id, guildId });
  });

  it('when the guild is renamed, a nickname set and a third member kicked, then GUILD_UPDATE, MEMBER_UPDATE and MEMBER_REMOVE arrive', async () => {
    const renamed = await memberGets(
      'GUILD_UPDATE',
      (g) => g.id === guildId,
      () => t.api.patch(`/guilds/${guildId}`, { name: 'Events 2' }, owner.token),
    );
    expect(renamed.name).toBe('Events 2');
    const nick = await memberGets(
      'MEMBER_UPDATE',
      (m) => m.user.id === owner.id,
      () => t.api.patch(`/guilds/${guildId}/members/${owner.id}`, { nick: 'Boss' }, owner.token),
    );
    expect(nick.nick).toBe('Boss');
    const third = await registerUser(t.api, 'evthird');
    const invite = (await t.api.post(`/guilds/${guildId}/invites`, {}, owner.token)).body;
    await memberGets(
      'MEMBER_ADD',
      (m) => m.user.id === third.id,
      () => t.api.post(`/invites/${invite.code}`, undefined, third.token),
    );
    const removed = await memberGets(
      'MEMBER_REMOVE',
      (m) => m.userId === third.id,
      () => t.api.del(`/guilds/${guildId}/members/${third.id}`, owner.token),
    );
    expect(removed).toEqual({ guildId, userId: third.id });
  });

  it('when a member is kicked, then banned with a reason, then they get GUILD_DELETE saying which and why; leaving says nothing', async () => {
    const victim = await registerUser(t.api, 'evvictim');
    const socket = connectGateway(t.url, victim.token);
    sockets.push(socket);
    await nextEvent(socket, 'READY');
    const join = async () => {
      const invite = (await t.api.post(`/guilds/${guildId}/invites`, {}, owner.token)).body;
      const created = nextEvent(socket, 'GUILD_CREATE', (g) => g.guild.id === guildId);
      expect((await t.api.post(`/invites/${invite.code}`, undefined, victim.token)).status).toBe(200);
      await created;
    };
    const removedBy = async (action: () => Promise<unknown>) => {
      const arrived = nextEvent(socket, 'GUILD_DELETE', (g) => g.id === guildId);
      await action();
      const payload = await arrived;
      expect(() => ServerEvents.GUILD_DELETE.parse(payload)).not.toThrow();
      return payload;
    };

    await join();
    expect(await removedBy(() => t.api.del(`/guilds/${guildId}/members/${victim.id}`, owner.token))).toEqual({
      id: guildId,
      removal: { kind: 'kicked', reason: null },
    });
    await join();
    expect(await removedBy(() => t.api.del(`/users/@me/guilds/${guildId}`, victim.token))).toEqual({ id: guildId });
    await join();
    const banned = await removedBy(() =>
      t.api.put(`/guilds/${guildId}/bans/${victim.id}`, { reason: 'spam links', deleteMessageSeconds: 3600 }, owner.token),
    );
    expect(banned).toEqual({ id: guildId, removal: { kind: 'banned', reason: 'spam links' } });
  });

  it('when a user changes their display name, then every member of their guilds gets MEMBER_UPDATE with it, and an unchanged name sends nothing', async () => {
    const updated = await memberGets(
      'MEMBER_UPDATE',
      (m) => m.user.id === owner.id && m.user.displayName === 'Owner Renamed',
      () => t.api.patch('/users/@me', { displayName: 'Owner Renamed' }, owner.token),
    );
    expect(updated).toMatchObject({ guildId, user: { id: owner.id, username: owner.username, displayName: 'Owner Renamed' } });
    const before = (seen.get('MEMBER_UPDATE') ?? []).length;
    expect((await t.api.patch('/users/@me', { displayName: 'Owner Renamed' }, owner.token)).status).toBe(200);
    await marker();
    expect((seen.get('MEMBER_UPDATE') ?? []).length).toBe(before);
  });
});
