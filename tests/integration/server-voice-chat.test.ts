/* eslint-disable @typescript-eslint/no-explicit-any -- event payloads are checked by shape */
import { ReadyEvent } from '@shared/api/gateway';
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
 * Text chat inside voice channels, as Discord has: a voice channel carries messages with every feature of a text
 * channel, under the voice channel's own permissions — VIEW_CHANNEL reads, SEND_MESSAGES writes, CONNECT is not needed
 * for either. Whoever cannot view the channel gets 404 and no gateway event. Text-only things stay text-only.
 */
describe('text chat in voice channels', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let guildId: string;
  let textId: string;
  const sockets: Socket[] = [];
  const enc = encodeURIComponent;

  const connect = async (token: string) => {
    const s = connectGateway(t.url, token);
    sockets.push(s);
    const ready = ReadyEvent.parse(await nextEvent(s, 'READY'));
    return { socket: s, ready };
  };
  const voiceChannel = async (name: string, overwrites: unknown[] = []): Promise<string> => {
    const res = await t.api.post(`/guilds/${guildId}/channels`, { type: 'voice', name, overwrites }, owner.token);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t.api, 'vcowner');
    member = await registerUser(t.api, 'vcmember');
    ({ guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Voice chat'));
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  it('when a member writes in a voice channel, then history, replies, reactions, pins, acks and live events work as in a text channel', async () => {
    const voiceId = await voiceChannel('Lounge');
    const memberSession = await connect(member.token);
    const created = nextEvent(memberSession.socket, 'MESSAGE_CREATE', (m) => m.channelId === voiceId);
    const first = await t.api.post(`/channels/${voiceId}/messages`, { content: `**hi** <@${member.id}>` }, owner.token);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ channelId: voiceId, guildId, content: `**hi** <@${member.id}>` });
    expect((await created).id).toBe(first.body.id);

    const reply = await t.api.post(`/channels/${voiceId}/messages`, { content: 'hello', replyTo: first.body.id }, member.token);
    expect(reply.status).toBe(201);
    const history = await t.api.get(`/channels/${voiceId}/messages?limit=10`, member.token);
    expect(history.status).toBe(200);
    expect(history.body.items.map((m: any) => m.id).sort()).toEqual([first.body.id, reply.body.id].sort());
    expect(history.body.items.find((m: any) => m.id === reply.body.id).reference.messageId).toBe(first.body.id);

    const reacted = nextEvent(memberSession.socket, 'MESSAGE_REACTION_ADD', (e) => e.channelId === voiceId);
    expect(
      (await t.api.put(`/channels/${voiceId}/messages/${reply.body.id}/reactions/${enc('👍')}/@me`, undefined, owner.token)).status,
    ).toBe(204);
    expect(await reacted).toMatchObject({ channelId: voiceId, messageId: reply.body.id, userId: owner.id });

    expect((await t.api.put(`/channels/${voiceId}/pins/${first.body.id}`, undefined, owner.token)).status).toBe(204);
    expect((await t.api.get(`/channels/${voiceId}/pins`, member.token)).body.items.map((m: any) => m.id)).toEqual([first.body.id]);

    // READY's read state lists the voice channel with its unread mention; the ack clears it.
    const later = await connect(member.token);
    const snap = later.ready.guilds.find((g) => g.guild.id === guildId)!;
    expect(snap.readStates?.find((r) => r.channelId === voiceId)).toEqual({
      channelId: voiceId,
      guildId,
      lastReadId: null,
      mentionCount: 1,
    });
    const ack = await t.api.post(`/channels/${voiceId}/messages/${reply.body.id}/ack`, {}, member.token);
    expect(ack.status).toBe(200);
    expect(ack.body).toEqual({ channelId: voiceId, guildId, lastReadId: reply.body.id, mentionCount: 0 });
  });

  it('when a member cannot view the voice channel, then every message route is 404 and no event reaches them', async () => {
    const hidden = await voiceChannel('Staff room', [{ id: guildId, type: 'role', allow: 0, deny: Permission.VIEW_CHANNEL }]);
    const { socket } = await connect(member.token);
    const seen = collect(socket, 'MESSAGE_CREATE');
    const secret = await t.api.post(`/channels/${hidden}/messages`, { content: 'secret' }, owner.token);
    expect(secret.status).toBe(201);
    const m = secret.body.id as string;
    const refused = [
      await t.api.get(`/channels/${hidden}/messages`, member.token),
      await t.api.post(`/channels/${hidden}/messages`, { content: 'let me in' }, member.token),
      await t.api.get(`/channels/${hidden}/messages/${m}`, member.token),
      await t.api.put(`/channels/${hidden}/messages/${m}/reactions/${enc('👀')}/@me`, undefined, member.token),
      await t.api.post(`/channels/${hidden}/messages/${m}/ack`, {}, member.token),
      await t.api.get(`/channels/${hidden}/pins`, member.token),
    ];
    expect(refused.map((r) => [r.status, r.body.error?.code])).toEqual(refused.map(() => [404, 'NOT_FOUND']));
    // A later message in a channel they can view arrives; the hidden one never did.
    const visible = nextEvent(socket, 'MESSAGE_CREATE', (e) => e.channelId === textId && e.content === 'after the secret');
    await t.api.post(`/channels/${textId}/messages`, { content: 'after the secret' }, owner.token);
    await visible;
    expect(seen.some((e) => e.channelId === hidden)).toBe(false);
    const snap = (await connect(member.token)).ready.guilds.find((g) => g.guild.id === guildId)!;
    expect(snap.readStates?.some((r) => r.channelId === hidden)).toBe(false);
    expect((await t.api.get(`/channels/${hidden}/messages`, owner.token)).body.items).toHaveLength(1);
  });

  it('when a member may view but not connect, then they read and write the chat; without SEND_MESSAGES they only read', async () => {
    const noConnect = await voiceChannel('Stage', [{ id: guildId, type: 'role', allow: 0, deny: Permission.CONNECT }]);
    const sent = await t.api.post(`/channels/${noConnect}/messages`, { content: 'from the audience' }, member.token);
    expect(sent.status).toBe(201);
    expect((await t.api.get(`/channels/${noConnect}/messages`, member.token)).body.items).toHaveLength(1);

    const readOnly = await voiceChannel('Quiet', [{ id: guildId, type: 'role', allow: 0, deny: Permission.SEND_MESSAGES }]);
    const refused = await t.api.post(`/channels/${readOnly}/messages`, { content: 'shh' }, member.token);
    expect(refused.status).toBe(403);
    expect((await t.api.post(`/channels/${readOnly}/messages`, { content: 'announcement' }, owner.token)).status).toBe(201);
    expect((await t.api.get(`/channels/${readOnly}/messages`, member.token)).body.items.map((m: any) => m.content)).toEqual([
      'announcement',
    ]);
  });

  it('when text-only rules apply, then they still hold: the system channel is never a voice channel, and deleting a voice channel deletes its chat', async () => {
    const voiceId = await voiceChannel('Gone soon');
    const asSystem = await t.api.patch(`/guilds/${guildId}`, { systemChannelId: voiceId }, owner.token);
    expect([asSystem.status, asSystem.body.error?.code]).toEqual([400, 'WRONG_CHANNEL_TYPE']);
    expect((await t.api.get(`/guilds/${guildId}`, owner.token)).body.systemChannelId).toBe(textId);

    const m = (await t.api.post(`/channels/${voiceId}/messages`, { content: 'bye' }, owner.token)).body.id as string;
    expect((await t.api.put(`/channels/${voiceId}/messages/${m}/reactions/${enc('👋')}/@me`, undefined, owner.token)).status).toBe(204);
    expect((await t.api.del(`/channels/${voiceId}`, owner.token)).status).toBe(204);
    expect(await t.server.repos.messages.history(voiceId, { limit: 50 })).toEqual([]);
    expect((await t.api.get(`/channels/${voiceId}/messages`, owner.token)).status).toBe(404);
  });
});
