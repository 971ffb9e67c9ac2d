/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field */
import { MAX_GROUP_DM_MEMBERS, PrivateChannel } from '@shared/api/private-channels';
import { ReadyEvent, ServerEvents } from '@shared/api/gateway';
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
 * DMs and group DMs (issue 16 item 2) on the real stack: a 1:1 DM is one channel however it is opened, its messages go
 * through the ordinary message routes and reach its recipients' sessions only, privacy and blocks refuse contact, and a
 * group never has more than ten members however many adds run at once.
 */
describe('private channels', () => {
  let t: TestServer;
  const sockets: Socket[] = [];

  const session = async (user: TestUser) => {
    const s = connectGateway(t.url, user.token);
    sockets.push(s);
    const ready = ReadyEvent.parse(await nextEvent(s, 'READY'));
    return { s, ready };
  };
  const befriend = async (a: TestUser, b: TestUser) => {
    expect((await t.api.post('/users/@me/relationships', { userId: b.id }, a.token)).status).toBe(200);
    expect((await t.api.post(`/users/@me/relationships/${a.id}/accept`, undefined, b.token)).body.type).toBe('friend');
  };
  const open = (me: TestUser, body: unknown) => t.api.post('/users/@me/channels', body, me.token);
  const myChannels = async (me: TestUser) => {
    const res = await t.api.get('/users/@me/channels', me.token);
    expect(res.status).toBe(200);
    return res.body.items as any[];
  };
  const send = (me: TestUser, channelId: string, content: string) => t.api.post(`/channels/${channelId}/messages`, { content }, me.token);
  const privateDocs = async (channelId: string) => {
    const db = t.server.database.db;
    const [recipients, seats] = await Promise.all([
      db.collection('private_channel_recipients').find({ channelId }).toArray(),
      db.collection('private_channel_seats').find({ channelId }).toArray(),
    ]);
    return { recipients: recipients.map((r) => r.userId as string).sort(), seats: seats.map((s) => s.userId as string).sort() };
  };

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  it('when two friends open their DM at the same instant from both sides, then there is one channel, and opening it again returns it', async () => {
    const a = await registerUser(t.api, 'dmA');
    const b = await registerUser(t.api, 'dmB');
    await befriend(a, b);
    const [fromA, fromB] = await Promise.all([open(a, { recipientIds: [b.id] }), open(b, { recipientIds: [a.id] })]);
    expect(fromA.status).toBe(200);
    expect(fromB.status).toBe(200);
    expect(fromA.body.id).toBe(fromB.body.id);
    expect(() => PrivateChannel.parse(fromA.body)).not.toThrow();
    expect(fromA.body).toMatchObject({ type: 'dm', name: null, ownerId: null, lastMessageId: null });
    expect(fromA.body.recipients.map((u: any) => u.id)).toEqual([b.id]);
    expect(fromB.body.recipients.map((u: any) => u.id)).toEqual([a.id]);
    const again = await open(a, { recipientIds: [b.id] });
    expect(again.body.id).toBe(fromA.body.id);
    expect(await t.server.database.db.collection('channels').countDocuments({ type: 'dm', recipientIds: a.id })).toBe(1);
    expect((await myChannels(a)).map((c) => c.id)).toEqual([fromA.body.id]);
  });

  it("when A sends, edits, reacts, pins, types, acks and deletes in a DM, then B's session hears each with guildId null and a third user's session hears none", async () => {
    const a = await registerUser(t.api, 'pipeA');
    const b = await registerUser(t.api, 'pipeB');
    const c = await registerUser(t.api, 'pipeC');
    await befriend(a, b);
    // C shares a guild with both: a guild-room leak would reach C.
    await guildWithMember({ api: t.api, user: c }, { api: t.api, user: a }, 'pipe-g');
    const { s: bs } = await session(b);
    const { s: cs } = await session(c);
    const { s: as } = await session(a);
    const leaked = [
      'MESSAGE_CREATE',
      'MESSAGE_UPDATE',
      'MESSAGE_DELETE',
      'MESSAGE_REACTION_ADD',
      'CHANNEL_PINS_UPDATE',
      'TYPING_START',
    ].map((e) => collect(cs, e));
    const dm = (await open(a, { recipientIds: [b.id] })).body;

    // B had not opened it: the first message brings it to B's list.
    const created = nextEvent(bs, 'MESSAGE_CREATE', (m) => m.channelId === dm.id);
    const appeared = nextEvent(bs, 'PRIVATE_CHANNEL_CREATE', (p) => p.id === dm.id);
    const sent = await send(a, dm.id, `hello <@${b.id}> and <@${c.id}>`);
    expect(sent.status).toBe(201);
    const heard = ServerEvents.MESSAGE_CREATE.parse(await created);
    expect(heard).toMatchObject({ id: sent.body.id, guildId: null, channelId: dm.id });
    // Mentions resolve among the recipients only.
    expect(heard.mentions.map((u) => u.id)).toEqual([b.id]);
    expect(ServerEvents.PRIVATE_CHANNEL_CREATE.parse(await appeared).lastMessageId).toBe(sent.body.id);
    expect((await myChannels(b)).map((x) => x.id)).toEqual([dm.id]);

    const edited = nextEvent(bs, 'MESSAGE_UPDATE', (m) => m.id === sent.body.id && m.content === 'edited');
    expect((await t.api.patch(`/channels/${dm.id}/messages/${sent.body.id}`, { content: 'edited' }, a.token)).status).toBe(200);
    expect((await edited).guildId).toBeNull();

    const reacted = nextEvent(bs, 'MESSAGE_REACTION_ADD', (p) => p.messageId === sent.body.id);
    expect(
      (await t.api.put(`/channels/${dm.id}/messages/${sent.body.id}/reactions/${encodeURIComponent('👍')}/@me`, undefined, a.token)).status,
    ).toBe(204);
    expect(await reacted).toMatchObject({ guildId: null, userId: a.id });

    // Any recipient pins (no moderators in a DM): B pins A's message.
    const pinned = nextEvent(as, 'CHANNEL_PINS_UPDATE', (p) => p.messageId === sent.body.id);
    expect((await t.api.put(`/channels/${dm.id}/pins/${sent.body.id}`, undefined, b.token)).status).toBe(204);
    expect(await pinned).toMatchObject({ guildId: null, pinned: true });
    expect((await t.api.get(`/channels/${dm.id}/pins`, a.token)).body.items.map((m: any) => m.id)).toEqual([sent.body.id]);

    const typing = nextEvent(bs, 'TYPING_START', (p) => p.channelId === dm.id);
    expect((await t.api.post(`/channels/${dm.id}/typing`, undefined, a.token)).status).toBe(204);
    expect(await typing).toMatchObject({ guildId: null, user: { id: a.id } });

    const readState = nextEvent(bs, 'READ_STATE_UPDATE', (p) => p.channelId === dm.id);
    const ack = await t.api.post(`/channels/${dm.id}/messages/${sent.body.id}/ack`, {}, b.token);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ channelId: dm.id, guildId: null, lastReadId: sent.body.id });
    expect((await readState).guildId).toBeNull();

    // READY tells a new session of B where B read up to in its DMs.
    const { ready: bReady } = await session(b);
    expect(bReady.privateChannels?.map((x) => x.id)).toEqual([dm.id]);
    expect(bReady.privateReadStates).toEqual([{ channelId: dm.id, guildId: null, lastReadId: sent.body.id, mentionCount: 0 }]);

    // Files: B uploads to the DM and sends it; A fetches it with a ticket; C cannot even get a ticket.
    const up = await fetch(`${t.url}/api/v1/channels/${dm.id}/attachments?filename=note.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(Buffer.from('a note in a DM')),
    });
    expect(up.status).toBe(201);
    const attachment = (await up.json()) as any;
    const withFile = nextEvent(as, 'MESSAGE_CREATE', (m) => m.channelId === dm.id && m.attachments.length === 1);
    expect((await t.api.post(`/channels/${dm.id}/messages`, { content: '', attachmentIds: [attachment.id] }, b.token)).status).toBe(201);
    await withFile;
    const ticket = (await t.api.post(`/channels/${dm.id}/attachment-ticket`, undefined, a.token)).body.ticket as string;
    const file = await fetch(`${t.url}/api/v1/attachments/${attachment.id}/file?ticket=${ticket}`);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('a note in a DM');
    expect((await t.api.post(`/channels/${dm.id}/attachment-ticket`, undefined, c.token)).status).toBe(404);

    // Gap fill and history are the ordinary routes.
    const history = await t.api.get(`/channels/${dm.id}/messages?limit=10`, b.token);
    expect(history.status).toBe(200);
    expect(history.body.items.map((m: any) => [m.guildId, m.content])).toEqual([
      [null, ''],
      [null, 'edited'],
    ]);
    const gap = await t.api.get(`/channels/${dm.id}/messages?after=${sent.body.id}`, a.token);
    expect(gap.body.items.map((m: any) => m.attachments.length)).toEqual([1]);

    // Only the author deletes: B may not delete A's message, A may.
    expect((await t.api.del(`/channels/${dm.id}/messages/${sent.body.id}`, b.token)).status).toBe(403);
    const deleted = nextEvent(bs, 'MESSAGE_DELETE', (p) => p.id === sent.body.id);
    expect((await t.api.del(`/channels/${dm.id}/messages/${sent.body.id}`, a.token)).status).toBe(204);
    expect(await deleted).toEqual({ id: sent.body.id, channelId: dm.id, guildId: null });

    // A last guild message to C proves C's session was listening all along.
    const { textId } = await guildWithMember({ api: t.api, user: c }, { api: t.api, user: b }, 'pipe-g2');
    const cHeard = nextEvent(cs, 'MESSAGE_CREATE', (m) => m.channelId === textId);
    await send(b, textId, 'guild');
    await cHeard;
    expect(leaked.map((l) => l.filter((p: any) => p.channelId === dm.id))).toEqual(leaked.map(() => []));
  });

  it('when someone not in a DM reads or writes it, then they get 404 as for a channel that does not exist', async () => {
    const a = await registerUser(t.api, 'nrA');
    const b = await registerUser(t.api, 'nrB');
    const x = await registerUser(t.api, 'nrX');
    await befriend(a, b);
    const dm = (await open(a, { recipientIds: [b.id] })).body;
    const msg = await send(a, dm.id, 'private');
    expect((await t.api.get(`/channels/${dm.id}/messages`, x.token)).status).toBe(404);
    expect((await send(x, dm.id, 'let me in')).status).toBe(404);
    expect((await t.api.get(`/channels/${dm.id}/messages/${msg.body.id}`, x.token)).status).toBe(404);
    expect((await t.api.post(`/channels/${dm.id}/messages/${msg.body.id}/ack`, {}, x.token)).status).toBe(404);
    expect((await t.api.patch(`/users/@me/channels/${dm.id}`, { name: 'x' }, x.token)).status).toBe(404);
    // A DM is not a guild channel: the guild channel routes do not know it.
    expect((await t.api.get(`/channels/${dm.id}`, a.token)).status).toBe(404);
  });

  it('when B accepts DMs from friends only, then a stranger sharing a guild is refused (403) and a friend is let in', async () => {
    const a = await registerUser(t.api, 'privA');
    const b = await registerUser(t.api, 'privB');
    const stranger = await registerUser(t.api, 'privS');
    await guildWithMember({ api: t.api, user: b }, { api: t.api, user: stranger }, 'priv-g');
    // By default a shared guild is enough.
    expect((await open(stranger, { recipientIds: [b.id] })).status).toBe(200);
    await t.api.put('/users/@me/privacy-settings', { dmsAndCallsFrom: 'friends' }, b.token);
    const s2 = await registerUser(t.api, 'privS2');
    await guildWithMember({ api: t.api, user: b }, { api: t.api, user: s2 }, 'priv-g2');
    const refused = await open(s2, { recipientIds: [b.id] });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect(await myChannels(s2)).toEqual([]);
    await befriend(a, b);
    expect((await open(a, { recipientIds: [b.id] })).status).toBe(200);
    // A group with a user who refuses me is refused too, and nothing is written.
    const groupsBefore = await t.server.database.db.collection('channels').countDocuments({ type: 'group_dm' });
    expect((await open(s2, { recipientIds: [a.id, b.id] })).status).toBe(403);
    expect(await t.server.database.db.collection('channels').countDocuments({ type: 'group_dm' })).toBe(groupsBefore);
  });

  it('when either side blocks the other, then neither can open the DM nor send, edit, react or type in it (403), and unblocking lets them again', async () => {
    const a = await registerUser(t.api, 'blkA');
    const b = await registerUser(t.api, 'blkB');
    await befriend(a, b);
    const dm = (await open(a, { recipientIds: [b.id] })).body;
    expect((await send(b, dm.id, 'before')).status).toBe(201);
    expect((await t.api.put(`/users/@me/blocks/${a.id}`, undefined, b.token)).status).toBe(200);
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const opened = await open(from, { recipientIds: [to.id] });
      expect(opened.status).toBe(403);
      expect(opened.body.error.code).toBe('FORBIDDEN');
      const sent = await send(from, dm.id, 'after');
      expect(sent.status).toBe(403);
      expect(sent.body.error.code).toBe('FORBIDDEN');
    }
    const history = await t.api.get(`/channels/${dm.id}/messages`, a.token);
    expect(history.body.items.map((m: any) => m.content)).toEqual(['before']);
    // Nor any other contact in the DM: typing, a reaction, editing an old message.
    const before = history.body.items[0];
    for (const [from] of [[a], [b]] as const) {
      const typing = await t.api.post(`/channels/${dm.id}/typing`, {}, from.token);
      expect(typing.status).toBe(403);
      const reacted = await t.api.put(
        `/channels/${dm.id}/messages/${before.id}/reactions/${encodeURIComponent('👍')}/@me`,
        undefined,
        from.token,
      );
      expect(reacted.status).toBe(403);
    }
    const edited = await t.api.patch(`/channels/${dm.id}/messages/${before.id}`, { content: 'changed' }, b.token);
    expect(edited.status).toBe(403);
    const after = (await t.api.get(`/channels/${dm.id}/messages`, a.token)).body.items[0];
    expect(after.content).toBe('before');
    expect(after.reactions).toEqual([]);
    await t.api.del(`/users/@me/blocks/${a.id}`, b.token);
    expect((await send(a, dm.id, 'again')).status).toBe(201);
    expect((await t.api.post(`/channels/${dm.id}/typing`, {}, a.token)).status).toBe(204);
  });

  it('when A closes the DM, then it leaves A\u2019s list (PRIVATE_CHANNEL_DELETE) and comes back with the next message from B', async () => {
    const a = await registerUser(t.api, 'clA');
    const b = await registerUser(t.api, 'clB');
    await befriend(a, b);
    const { s: as } = await session(a);
    const dm = (await open(a, { recipientIds: [b.id] })).body;
    const gone = nextEvent(as, 'PRIVATE_CHANNEL_DELETE', (p) => p.id === dm.id);
    expect((await t.api.del(`/users/@me/channels/${dm.id}`, a.token)).status).toBe(204);
    expect(await gone).toEqual({ id: dm.id });
    expect(await myChannels(a)).toEqual([]);
    const back = nextEvent(as, 'PRIVATE_CHANNEL_CREATE', (p) => p.id === dm.id);
    const msg = await send(b, dm.id, 'you there?');
    expect((await back).lastMessageId).toBe(msg.body.id);
    expect((await myChannels(a)).map((c) => c.id)).toEqual([dm.id]);
  });

  it('group DM: create with three, rename, concurrent adds stop at ten (409 for the rest), the owner removes, the owner leaving passes ownership on, READY lists it', async () => {
    const owner = await registerUser(t.api, 'grpO');
    const others = await Promise.all(Array.from({ length: 12 }, (_, i) => registerUser(t.api, `grp${i}_`)));
    for (const u of others) await befriend(owner, u);
    const [m1, m2] = [others[0]!, others[1]!];
    const { s: m1s } = await session(m1);

    const m1Created = nextEvent(m1s, 'PRIVATE_CHANNEL_CREATE');
    const created = await open(owner, { recipientIds: [m1.id, m2.id], name: 'trio' });
    expect(created.status).toBe(200);
    const group = created.body;
    expect(group).toMatchObject({ type: 'group_dm', name: 'trio', ownerId: owner.id });
    expect(group.recipients.map((u: any) => u.id).sort()).toEqual([m1.id, m2.id].sort());
    expect((await m1Created).id).toBe(group.id);

    const renamed = nextEvent(m1s, 'PRIVATE_CHANNEL_UPDATE', (p) => p.name === 'quartet');
    const rename = await t.api.patch(`/users/@me/channels/${group.id}`, { name: 'quartet' }, m1.token);
    expect(rename.status).toBe(200);
    await renamed;

    // Ten more people at once into a group of three: exactly seven get in.
    const adds = await Promise.all(
      others.slice(2).map((u) => t.api.put(`/users/@me/channels/${group.id}/recipients/${u.id}`, undefined, owner.token)),
    );
    expect(adds.map((r) => r.status).sort()).toEqual([...Array(7).fill(200), ...Array(3).fill(409)].sort());
    for (const r of adds.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('CONFLICT');
    const docs = await privateDocs(group.id);
    expect(docs.recipients).toHaveLength(MAX_GROUP_DM_MEMBERS);
    expect(docs.seats).toEqual(docs.recipients);
    // Adding a member again changes nothing.
    expect((await t.api.put(`/users/@me/channels/${group.id}/recipients/${m2.id}`, undefined, owner.token)).status).toBe(200);

    // Only the owner removes.
    expect((await t.api.del(`/users/@me/channels/${group.id}/recipients/${m2.id}`, m1.token)).status).toBe(403);
    const removedEvent = nextEvent(m1s, 'PRIVATE_CHANNEL_UPDATE', (p) => !p.recipients.some((u: any) => u.id === m2.id));
    expect((await t.api.del(`/users/@me/channels/${group.id}/recipients/${m2.id}`, owner.token)).status).toBe(204);
    await removedEvent;
    expect((await send(m2, group.id, 'still here?')).status).toBe(404);
    expect((await privateDocs(group.id)).recipients).toHaveLength(MAX_GROUP_DM_MEMBERS - 1);

    // The owner leaves: the member who joined first after them owns it.
    const passed = nextEvent(m1s, 'PRIVATE_CHANNEL_UPDATE', (p) => p.ownerId !== owner.id);
    expect((await t.api.del(`/users/@me/channels/${group.id}`, owner.token)).status).toBe(204);
    expect((await passed).ownerId).toBe(m1.id);
    // (Someone the concurrent adds let in: which seven got seats is up to the race.)
    const seated = others.slice(2).find((_, i) => adds[i]!.status === 200)!;
    expect((await t.api.del(`/users/@me/channels/${group.id}/recipients/${seated.id}`, m1.token)).status).toBe(204);

    // Messages reach the members; READY lists the group for a new session.
    const { ready } = await session(m1);
    expect(ready.privateChannels?.map((c) => [c.id, c.name, c.ownerId])).toEqual([[group.id, 'quartet', m1.id]]);
  });

  it('when the input is bad, then 400 with a code and nothing is written', async () => {
    const a = await registerUser(t.api, 'badA');
    const b = await registerUser(t.api, 'badB');
    await befriend(a, b);
    const before = await t.server.database.db.collection('channels').countDocuments({ guildId: null });
    const cases: [unknown, string][] = [
      [{ recipientIds: [] }, 'VALIDATION_FAILED'],
      [{ recipientIds: [a.id] }, 'VALIDATION_FAILED'],
      [{ recipientIds: [b.id, b.id] }, 'VALIDATION_FAILED'],
      [{ recipientIds: [b.id], name: 'one to one' }, 'VALIDATION_FAILED'],
      [{ recipientIds: ['nope'] }, 'VALIDATION_FAILED'],
      [{ recipientIds: [b.id], extra: 1 }, 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of cases) {
      const res = await open(a, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe(code);
    }
    expect((await open(a, { recipientIds: ['0123456789abcdef01234567'] })).status).toBe(404);
    expect(await t.server.database.db.collection('channels').countDocuments({ guildId: null })).toBe(before);
    const dm = (await open(a, { recipientIds: [b.id] })).body;
    const rename = await t.api.patch(`/users/@me/channels/${dm.id}`, { name: 'x' }, a.token);
    expect(rename.status).toBe(400);
    expect(rename.body.error.code).toBe('WRONG_CHANNEL_TYPE');
    expect((await t.api.put(`/users/@me/channels/${dm.id}/recipients/${b.id}`, undefined, a.token)).body.error.code).toBe(
      'WRONG_CHANNEL_TYPE',
    );
    expect((await t.api.patch(`/users/@me/channels/${dm.id}`, { name: '' }, a.token)).status).toBe(400);
  });
});
