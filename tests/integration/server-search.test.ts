import { Permission } from '@shared/permissions/permissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guildWithMember, registerUser, startTestServer, type TestServer, type TestUser } from './server-helpers';

interface Found {
  items: { id: string; channelId: string; content: string; author: { id: string } }[];
  total: number;
  nextCursor: string | null;
}

/**
 * Message search on the real stack (the FerretDB stand-in takes the scan path; a MongoDB given through
 * PARLEY_TEST_MONGODB_URI the text index): every filter, stable paging, and never a message of a channel the
 * searcher cannot view — not in a page, not in the total, not when asked for by id.
 */
describe('message search', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let guildId: string;
  let textId: string;
  let otherId: string;
  let hiddenId: string;
  const sent: Record<string, string> = {};

  const search = async (user: TestUser, q: Record<string, string | number>) => {
    const res = await t.api.get(
      `/guilds/${guildId}/messages/search?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`,
      user.token,
    );
    return res as { status: number; body: Found & { error?: { code: string } } };
  };
  const send = async (user: TestUser, channelId: string, content: string) => {
    const res = await t.api.post(`/channels/${channelId}/messages`, { content }, user.token);
    expect(res.status).toBe(201);
    return res.body as { id: string; createdAt: string };
  };

  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t.api, 'srowner');
    member = await registerUser(t.api, 'srmember');
    ({ guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Search'));
    otherId = (await t.api.post(`/guilds/${guildId}/channels`, { type: 'text', name: 'other' }, owner.token)).body.id;
    const hidden = await t.api.post(
      `/guilds/${guildId}/channels`,
      { type: 'text', name: 'staff', overwrites: [{ id: guildId, type: 'role', allow: 0, deny: Permission.VIEW_CHANNEL }] },
      owner.token,
    );
    expect(hidden.status).toBe(201);
    hiddenId = hidden.body.id;
    sent.pancake = (await send(member, textId, 'Pancake recipe: flour, eggs (and milk)')).id;
    sent.owner = (await send(owner, textId, 'breakfast is served at https://example.com/menu')).id;
    sent.other = (await send(owner, otherId, `other channel pancake for <@${member.id}>`)).id;
    sent.secret = (await send(owner, hiddenId, 'secret pancake plans')).id;
    sent.regex = (await send(member, otherId, 'price is 5.00 (a+b)* total')).id;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('when a member searches a word, then every match of the channels they can view comes newest first, and the hidden channel is in neither the items nor the total', async () => {
    const found = await search(member, { q: 'PANCAKE' });
    expect(found.status).toBe(200);
    expect(found.body.items.map((m) => m.id)).toEqual([sent.other, sent.pancake]);
    expect(found.body.total).toBe(2);
    expect(found.body.nextCursor).toBeNull();
    // The owner sees the same search with the staff channel in it: the message is there to be found.
    const all = await search(owner, { q: 'pancake' });
    expect(all.body.items.map((m) => m.id)).toEqual([sent.secret, sent.other, sent.pancake]);
    expect(all.body.items[0]!.channelId).toBe(hiddenId);
  });

  it('when a member asks for the hidden channel by id, then the answer is the same as for a channel without matches', async () => {
    const hidden = await search(member, { q: 'pancake', channelId: hiddenId });
    expect(hidden.status).toBe(200);
    expect(hidden.body).toEqual({ items: [], total: 0, nextCursor: null });
    const onlyChannel = await search(member, { channelId: hiddenId });
    expect(onlyChannel.body).toEqual({ items: [], total: 0, nextCursor: null });
    const nowhere = await search(member, { q: 'pancake', channelId: 'ffffffffffffffffffffffff' });
    expect(nowhere.body).toEqual(hidden.body);
  });

  it('when the search filters by author, channel, mentions, link or date, then only those messages match', async () => {
    expect((await search(member, { q: 'pancake', authorId: owner.id })).body.items.map((m) => m.id)).toEqual([sent.other]);
    expect((await search(member, { authorId: member.id })).body.items.map((m) => m.id)).toEqual([sent.regex, sent.pancake]);
    expect((await search(member, { q: 'pancake', channelId: otherId })).body.items.map((m) => m.id)).toEqual([sent.other]);
    expect((await search(member, { mentions: member.id })).body.items.map((m) => m.id)).toEqual([sent.other]);
    expect((await search(owner, { has: 'link' })).body.items.map((m) => m.id)).toEqual([sent.owner]);
    const middle = (await t.api.get(`/channels/${textId}/messages/${sent.owner}`, owner.token)).body.createdAt as string;
    expect((await search(owner, { q: 'pancake', after: middle })).body.items.map((m) => m.id)).toEqual([sent.secret, sent.other]);
    expect((await search(owner, { q: 'pancake', before: middle })).body.items.map((m) => m.id)).toEqual([sent.pancake]);
    expect((await search(owner, { q: 'pancake', before: '2000-01-01' })).body.total).toBe(0);
  });

  it('when the text holds regex characters, then they match literally (never as a pattern)', async () => {
    expect((await search(owner, { q: '5.00 (a+b)*' })).body.items.map((m) => m.id)).toEqual([sent.regex]);
    expect((await search(owner, { q: '.*' })).body.total).toBe(0);
  });

  it('when a message has an attachment, then has=attachment finds it and nothing else', async () => {
    // Uploaded and sent the way the client does: POST the bytes, then send a message naming the upload.
    const res = await fetch(`${t.url}/api/v1/channels/${textId}/attachments?filename=notes.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${member.token}`, 'content-type': 'application/octet-stream' },
      body: new TextEncoder().encode('see the file'),
    });
    expect(res.status).toBe(201);
    const upload = (await res.json()) as { id: string };
    const sent = await t.api.post(`/channels/${textId}/messages`, { content: 'see the file', attachmentIds: [upload.id] }, member.token);
    expect(sent.status).toBe(201);
    expect((await search(owner, { has: 'attachment' })).body.items.map((m) => m.id)).toEqual([sent.body.id]);
  });

  it('when results span pages, then the cursor walks them without repeats or gaps, also while new messages arrive', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) ids.push((await send(owner, otherId, `waffle number ${i}`)).id);
    const first = await search(owner, { q: 'waffle', limit: 3 });
    expect(first.body.total).toBe(7);
    expect(first.body.items.map((m) => m.id)).toEqual(ids.slice(4).reverse());
    await send(owner, otherId, 'waffle arriving late');
    const second = await search(owner, { q: 'waffle', limit: 3, cursor: first.body.nextCursor! });
    expect(second.body.items.map((m) => m.id)).toEqual(ids.slice(1, 4).reverse());
    const third = await search(owner, { q: 'waffle', limit: 3, cursor: second.body.nextCursor! });
    expect(third.body.items.map((m) => m.id)).toEqual([ids[0]]);
    expect(third.body.nextCursor).toBeNull();
  });

  it('when the input is bad, then it is 400 with a code; outside the guild it is 404', async () => {
    const long = await search(member, { q: 'x'.repeat(201) });
    expect(long.status).toBe(400);
    expect(long.body.error?.code).toBe('VALIDATION_FAILED');
    expect((await search(member, {})).status).toBe(400);
    expect((await search(member, { q: 'a', limit: 26 })).status).toBe(400);
    expect((await search(member, { q: 'a', before: 'yesterday' })).status).toBe(400);
    expect((await search(member, { q: 'a', has: 'video' })).status).toBe(400);
    const stranger = await registerUser(t.api, 'srstranger');
    expect((await search(stranger, { q: 'pancake' })).status).toBe(404);
  });

  it('when one user searches too often, then it is 429 RATE_LIMITED', async () => {
    const eager = await registerUser(t.api, 'sreager');
    const invite = (await t.api.post(`/guilds/${guildId}/invites`, {}, owner.token)).body;
    expect((await t.api.post(`/invites/${invite.code}`, undefined, eager.token)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 22; i += 1) statuses.push((await search(eager, { q: 'pancake' })).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
