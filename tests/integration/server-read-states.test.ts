/* eslint-disable @typescript-eslint/no-explicit-any -- event payloads are checked against their zod schemas */
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
 * Read states on the server: acks only move forward, "mark unread" moves back, every other session of the user hears
 * of it, READY carries the markers and unread mention counts, hidden channels are refused, and concurrent acks end at
 * the highest id.
 */
describe('read states', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let guildId: string;
  let textId: string;
  const sockets: Socket[] = [];

  const send = async (channelId: string, content: string, token = owner.token): Promise<string> => {
    const res = await t.api.post(`/channels/${channelId}/messages`, { content }, token);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const ack = (channelId: string, messageId: string, body: unknown = {}, token = member.token) =>
    t.api.post(`/channels/${channelId}/messages/${messageId}/ack`, body, token);
  const connect = async (token: string) => {
    const s = connectGateway(t.url, token);
    sockets.push(s);
    const ready = await nextEvent(s, 'READY');
    return { socket: s, ready: ReadyEvent.parse(ready) };
  };
  const newChannel = async (name: string, overwrites: unknown[] = []): Promise<string> => {
    const res = await t.api.post(`/guilds/${guildId}/channels`, { type: 'text', name, overwrites }, owner.token);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t.api, 'rsowner');
    member = await registerUser(t.api, 'rsmember');
    ({ guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Read states'));
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  it('when a member acks, then the marker moves forward only; mark unread moves it to just before the message', async () => {
    const ch = await newChannel('forward');
    const [m1, m2, m3] = [await send(ch, 'one'), await send(ch, 'two'), await send(ch, 'three')];
    const first = await ack(ch, m2);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ channelId: ch, guildId, lastReadId: m2, mentionCount: 0 });
    // An older ack changes nothing.
    expect((await ack(ch, m1)).body.lastReadId).toBe(m2);
    expect((await ack(ch, m3)).body.lastReadId).toBe(m3);
    // Mark unread from m2 on: the marker goes back to just before m2 (after m1).
    const unread = await ack(ch, m2, { manual: true });
    expect(unread.status).toBe(200);
    expect(unread.body.lastReadId < m2).toBe(true);
    expect(unread.body.lastReadId >= m1).toBe(true);
    // An id beyond the channel's newest message stops at the newest one.
    const future = 'f'.repeat(24);
    expect((await ack(ch, future)).body.lastReadId).toBe(m3);
  });

  it('when a channel is hidden or unknown, then an ack is refused with NOT_FOUND and nothing is stored', async () => {
    const hidden = await newChannel('staff', [{ id: guildId, type: 'role', allow: 0, deny: Permission.VIEW_CHANNEL }]);
    const m = await send(hidden, 'secret');
    const res = await ack(hidden, m);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect((await ack('0'.repeat(24), m)).body.error.code).toBe('NOT_FOUND');
    const { ready } = await connect(member.token);
    const snap = ready.guilds.find((g) => g.guild.id === guildId)!;
    expect(snap.readStates?.some((r) => r.channelId === hidden)).toBe(false);
    // Bad input is a 400, not a 500.
    expect((await ack(textId, 'nope')).status).toBe(400);
    expect((await ack(textId, m, { manual: 'yes' })).status).toBe(400);
  });

  it('when one session acks or marks unread, then the other session gets READ_STATE_UPDATE', async () => {
    const ch = await newChannel('sync');
    const [m1, m2] = [await send(ch, 'a'), await send(ch, 'b')];
    const device1 = await connect(member.token);
    const device2 = await connect(member.token);
    const ownerSession = await connect(owner.token);
    const ownerSeen = collect(ownerSession.socket, 'READ_STATE_UPDATE');
    const read = nextEvent(device2.socket, 'READ_STATE_UPDATE', (e) => e.channelId === ch && e.lastReadId === m2);
    await ack(ch, m2);
    const event = await read;
    expect(() => ServerEvents.READ_STATE_UPDATE.parse(event)).not.toThrow();
    expect(event).toMatchObject({ channelId: ch, guildId, manual: false });
    const back = nextEvent(device2.socket, 'READ_STATE_UPDATE', (e) => e.channelId === ch && e.manual === true);
    await ack(ch, m2, { manual: true });
    const unread = await back;
    expect(unread.lastReadId < m2 && unread.lastReadId >= m1).toBe(true);
    // Another user never hears of my read state (a later event of theirs proves ours would have arrived first).
    const ownerRead = nextEvent(ownerSession.socket, 'READ_STATE_UPDATE', (e) => e.channelId === ch);
    await ack(ch, m2, {}, owner.token);
    await ownerRead;
    expect(ownerSeen.every((e) => e.lastReadId === m2)).toBe(true);
    expect(ownerSeen).toHaveLength(1);
    void device1;
  });

  it('when the member connects, then READY carries their markers and unread mention counts, role mentions included', async () => {
    const ch = await newChannel('mentions');
    const role = await t.api.post(`/guilds/${guildId}/roles`, { name: 'pingable', mentionable: true }, owner.token);
    expect(role.status).toBe(201);
    const roleId = role.body.id as string;
    expect((await t.api.put(`/guilds/${guildId}/members/${member.id}/roles/${roleId}`, undefined, owner.token)).status).toBe(204);
    const before = await send(ch, `hi <@${member.id}>`);
    await ack(ch, before);
    await send(ch, `hello <@${member.id}>`);
    await send(ch, 'no mention');
    await send(ch, `team <@&${roleId}>`);
    await send(ch, `both <@${member.id}> <@&${roleId}>`);
    // The member's own message mentioning themself does not count.
    await send(ch, `me <@${member.id}>`, member.token);
    const never = await newChannel('never-read');
    await send(never, `first <@${member.id}>`);
    const { ready } = await connect(member.token);
    const snap = ready.guilds.find((g) => g.guild.id === guildId)!;
    const byChannel = new Map((snap.readStates ?? []).map((r) => [r.channelId, r]));
    expect(byChannel.get(ch)).toEqual({ channelId: ch, guildId, lastReadId: before, mentionCount: 3 });
    expect(byChannel.get(never)).toEqual({ channelId: never, guildId, lastReadId: null, mentionCount: 1 });
    // The ack answer carries the count after it: none left.
    const newest = snap.channels.find((c) => c.id === ch)!.lastMessageId!;
    expect((await ack(ch, newest)).body.mentionCount).toBe(0);
  });

  it('when the member marks the server as read, then every visible channel is read up to its newest message', async () => {
    const a = await newChannel('bulk-a');
    const b = await newChannel('bulk-b');
    const lastA = await send(a, 'x');
    const lastB = await send(b, `y <@${member.id}>`);
    const res = await t.api.post(`/guilds/${guildId}/ack`, undefined, member.token);
    expect(res.status).toBe(200);
    const items = new Map((res.body.items as any[]).map((r) => [r.channelId, r]));
    expect(items.get(a)).toMatchObject({ lastReadId: lastA, mentionCount: 0 });
    expect(items.get(b)).toMatchObject({ lastReadId: lastB, mentionCount: 0 });
    const stranger = await registerUser(t.api, 'rsstranger');
    expect((await t.api.post(`/guilds/${guildId}/ack`, undefined, stranger.token)).status).toBe(404);
  });

  it('when two sessions ack the same channel at once, then the marker ends at the highest id', async () => {
    const ch = await newChannel('race');
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await send(ch, `m${i}`));
    for (let round = 0; round < 5; round++) {
      // Interleaved acks of every id from two sessions (two access tokens of one user), newest one in the middle.
      const second = (await t.api.post('/auth/refresh', { refreshToken: member.refreshToken })).body;
      member.refreshToken = second.refreshToken;
      const order = [...ids].sort(() => Math.random() - 0.5);
      await Promise.all(order.map((id, i) => ack(ch, id, {}, i % 2 === 0 ? member.token : second.accessToken)));
      const final = await ack(ch, ids[0]!);
      expect(final.body.lastReadId).toBe(ids.at(-1));
      // Back to the start for the next round.
      await ack(ch, ids[0]!, { manual: true });
    }
  });
});
