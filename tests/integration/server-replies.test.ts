import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectGateway,
  guildWithMember,
  nextEvent,
  registerUser,
  startTestServer,
  type TestServer,
  type TestUser,
} from './server-helpers';

/** Replies: the original must be a message of the same channel; the reply pings its author unless told not to. */
describe('message replies', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let textId: string;
  let otherId: string;

  const send = async (channelId: string, body: Record<string, unknown>, who: TestUser) =>
    t.api.post(`/channels/${channelId}/messages`, body, who.token);

  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t.api, 'rpowner');
    member = await registerUser(t.api, 'rpmember');
    let guildId: string;
    ({ guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Replies'));
    otherId = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'text', name: 'other' }, owner.token)).body.id;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('when a member replies, then the reply carries a reference with the author and an excerpt, mentions the author, and the gateway says so', async () => {
    const original = (await send(textId, { content: 'what time is the standup?' }, owner)).body;
    const socket = connectGateway(t.url, owner.token);
    try {
      await nextEvent(socket, 'READY');
      const live = nextEvent(socket, 'MESSAGE_CREATE', (m) => m.content === 'ten sharp');
      const reply = await send(textId, { content: 'ten sharp', replyTo: original.id }, member);
      expect(reply.status).toBe(201);
      expect(reply.body.reference).toEqual({
        messageId: original.id,
        author: expect.objectContaining({ id: owner.id }),
        excerpt: 'what time is the standup?',
      });
      expect(reply.body.mentions.map((u: { id: string }) => u.id)).toEqual([owner.id]);
      expect((await live).reference.messageId).toBe(original.id);
      // An edit keeps the reply's ping.
      const edited = await t.api.patch(`/channels/${textId}/messages/${reply.body.id}`, { content: 'ten sharp, room 2' }, member.token);
      expect(edited.body.mentions.map((u: { id: string }) => u.id)).toEqual([owner.id]);
    } finally {
      socket.disconnect();
    }
  });

  it('when mentionReplied is false, then the author is not mentioned; replying to yourself never mentions you', async () => {
    const original = (await send(textId, { content: 'quiet please' }, owner)).body;
    const quiet = await send(textId, { content: 'ok', replyTo: original.id, mentionReplied: false }, member);
    expect(quiet.body.mentions).toEqual([]);
    expect(quiet.body.reference.messageId).toBe(original.id);
    const self = await send(textId, { content: 'me again', replyTo: original.id }, owner);
    expect(self.body.mentions).toEqual([]);
  });

  it('when the original is in another channel or does not exist, then the reply is refused with 400 INVALID_REPLY and nothing is stored', async () => {
    const elsewhere = (await send(otherId, { content: 'over here' }, owner)).body;
    for (const replyTo of [elsewhere.id, 'aaaaaaaaaaaaaaaaaaaaaaaa']) {
      const res = await send(textId, { content: `bad reply ${replyTo}`, replyTo }, member);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REPLY');
    }
    const page = (await t.api.get(`/channels/${textId}/messages?limit=20`, owner.token)).body.items;
    expect(page.some((m: { content: string }) => m.content.startsWith('bad reply'))).toBe(false);
  });

  it('when the original is deleted, then the reply still shows a reference with no author and no excerpt', async () => {
    const original = (await send(textId, { content: 'soon gone' }, owner)).body;
    const reply = (await send(textId, { content: 'answer', replyTo: original.id }, member)).body;
    expect((await t.api.del(`/channels/${textId}/messages/${original.id}`, owner.token)).status).toBe(204);
    const got = (await t.api.get(`/channels/${textId}/messages/${reply.id}`, member.token)).body;
    expect(got.reference).toEqual({ messageId: original.id, author: null, excerpt: null });
    const page = (await t.api.get(`/channels/${textId}/messages?limit=5`, member.token)).body.items;
    expect(page.find((m: { id: string }) => m.id === reply.id).reference).toEqual({ messageId: original.id, author: null, excerpt: null });
  });
});
