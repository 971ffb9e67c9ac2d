/* eslint-disable @typescript-eslint/no-explicit-any -- event payloads are checked against their zod schemas */
import { ServerEvents } from '@shared/api/gateway';
import { MAX_REACTION_EMOJI } from '@shared/api/reactions';
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

const enc = encodeURIComponent;

/**
 * Reactions on the real stack: one document per (message, emoji, user) claimed by a unique insert, counts computed on
 * read, events to the channel's viewers, a per-user rate limit in Redis.
 */
describe('message reactions', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let guildId: string;
  let textId: string;
  let inviteCode: string;
  const sockets: Socket[] = [];

  const send = async (content: string, who = owner) =>
    (await t.api.post(`/channels/${textId}/messages`, { content }, who.token)).body.id as string;
  const reactPath = (messageId: string, emoji: string) => `/channels/${textId}/messages/${messageId}/reactions/${enc(emoji)}/@me`;
  const get = async (messageId: string, who = owner) => (await t.api.get(`/channels/${textId}/messages/${messageId}`, who.token)).body;
  async function joined(prefix: string): Promise<TestUser> {
    const u = await registerUser(t.api, prefix);
    const res = await t.api.post(`/invites/${inviteCode}`, undefined, u.token);
    expect(res.status).toBe(200);
    return u;
  }
  async function socketOf(u: TestUser): Promise<Socket> {
    const s = connectGateway(t.url, u.token);
    sockets.push(s);
    await nextEvent(s, 'READY');
    return s;
  }

  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t.api, 'rxowner');
    member = await registerUser(t.api, 'rxmember');
    ({ guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Reactions'));
    inviteCode = (await t.api.post(`/guilds/${guildId}/invites`, {}, owner.token)).body.code;
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  it('when 20 members react with the same emoji at once, then the count is exactly 20 and 20 events reach another session', async () => {
    const id = await send('react to me');
    const users = await Promise.all(Array.from({ length: 20 }, (_, i) => joined(`rx${i}_`)));
    const watcher = await socketOf(owner);
    const events = collect<any>(watcher, 'MESSAGE_REACTION_ADD');
    const results = await Promise.all(users.map((u) => t.api.put(reactPath(id, '👍'), undefined, u.token)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(204));
    expect((await get(id)).reactions).toEqual([{ emoji: '👍', count: 20, me: false }]);
    expect((await get(id, users[3]!)).reactions).toEqual([{ emoji: '👍', count: 20, me: true }]);
    await expect.poll(() => events.filter((e) => e.messageId === id).length).toBe(20);
    for (const e of events) expect(() => ServerEvents.MESSAGE_REACTION_ADD.parse(e)).not.toThrow();
    expect(new Set(events.map((e) => e.userId))).toEqual(new Set(users.map((u) => u.id)));
    // History pages carry them too, and who reacted is listed by user id, paged.
    const page = (await t.api.get(`/channels/${textId}/messages?around=${id}&limit=3`, owner.token)).body.items;
    expect(page.find((m: any) => m.id === id).reactions).toEqual([{ emoji: '👍', count: 20, me: false }]);
    const first = await t.api.get(`/channels/${textId}/messages/${id}/reactions/${enc('👍')}?limit=15`, owner.token);
    const rest = await t.api.get(
      `/channels/${textId}/messages/${id}/reactions/${enc('👍')}?limit=15&after=${first.body.items.at(-1).id}`,
      owner.token,
    );
    expect([...first.body.items, ...rest.body.items].map((u: any) => u.id)).toEqual(users.map((u) => u.id).sort());
    expect(rest.body.items).toHaveLength(5);
  });

  it('when one user reacts twice with the same emoji (also at once), then it counts once and the removal takes it away', async () => {
    const id = await send('twice');
    const res = await Promise.all([
      t.api.put(reactPath(id, '🎉'), undefined, member.token),
      t.api.put(reactPath(id, '🎉'), undefined, member.token),
    ]);
    expect(res.map((r) => r.status)).toEqual([204, 204]);
    expect((await get(id, member)).reactions).toEqual([{ emoji: '🎉', count: 1, me: true }]);
    const watcher = await socketOf(owner);
    const removed = nextEvent(watcher, 'MESSAGE_REACTION_REMOVE', (e) => e.messageId === id);
    expect((await t.api.del(reactPath(id, '🎉'), member.token)).status).toBe(204);
    expect(await removed).toEqual({ guildId, channelId: textId, messageId: id, userId: member.id, emoji: '🎉' });
    expect((await get(id, member)).reactions).toEqual([]);
  });

  it('when the emoji is not one emoji, then it is refused with 400 and nothing is stored', async () => {
    const id = await send('bad emoji');
    for (const bad of ['a', '👍👍', ':smile:', '<script>', '👍a']) {
      const res = await t.api.put(reactPath(id, bad), undefined, member.token);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    for (const good of ['👍🏽', '🇫🇷', '1️⃣', '👩‍👩‍👧'])
      expect((await t.api.put(reactPath(id, good), undefined, owner.token)).status, good).toBe(204);
    expect((await get(id)).reactions.map((r: any) => r.emoji)).toEqual(['1️⃣', '🇫🇷', '👍🏽', '👩‍👩‍👧']);
  });

  it(`when a message has ${MAX_REACTION_EMOJI} different emoji, then a new one is refused with REACTION_LIMIT but an existing one still counts`, async () => {
    const id = await send('full');
    const emoji = ['😀', '😁', '😂', '🤣', '😃', '😄', '😅', '😆', '😉', '😊', '😋', '😎', '😍', '😘', '🥰', '😗', '😙', '🥲', '😚', '🙂'];
    const reactors = [owner, member, await joined('cap1_'), await joined('cap2_')];
    // Spread over four users, so the per-user rate limit stays out of the way.
    for (const [i, e] of emoji.entries()) expect((await t.api.put(reactPath(id, e), undefined, reactors[i % 4]!.token)).status).toBe(204);
    const extra = await joined('cap3_');
    const refused = await t.api.put(reactPath(id, '🤗'), undefined, extra.token);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('REACTION_LIMIT');
    expect((await t.api.put(reactPath(id, '😀'), undefined, extra.token)).status).toBe(204);
    const reactions = (await get(id)).reactions;
    expect(reactions).toHaveLength(MAX_REACTION_EMOJI);
    expect(reactions[0]).toEqual({ emoji: '😀', count: 2, me: true });
  });

  it('when one user reacts too fast, then they get 429 with Retry-After and nothing more is stored', async () => {
    const id = await send('spam');
    const spammer = await joined('spam_');
    const emoji = ['🍎', '🍐', '🍊', '🍋', '🍌', '🍉', '🍇', '🍓', '🫐', '🍈', '🍒', '🍑'];
    const statuses: number[] = [];
    for (const e of emoji) statuses.push((await t.api.put(reactPath(id, e), undefined, spammer.token)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(204));
    const last = await t.api.put(reactPath(id, '🥝'), undefined, spammer.token);
    expect(last.status).toBe(429);
    expect(last.body.error.code).toBe('RATE_LIMITED');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await get(id)).reactions).toHaveLength(10);
  });

  it('when someone outside the guild or without the channel reacts, then it is 404; without ADD_REACTIONS it is 403; taking back your own still works', async () => {
    const id = await send('private');
    const stranger = await registerUser(t.api, 'rxstranger');
    expect((await t.api.put(reactPath(id, '👀'), undefined, stranger.token)).status).toBe(404);
    expect((await t.api.get(`/channels/${textId}/messages/${id}/reactions/${enc('👀')}`, stranger.token)).status).toBe(404);
    const quiet = await t.api.post(
      `/guilds/${guildId}/channels`,
      { type: 'text', name: 'no-reacts', overwrites: [{ id: guildId, type: 'role', allow: 0, deny: Permission.ADD_REACTIONS }] },
      owner.token,
    );
    const quietId = quiet.body.id as string;
    const qm = (await t.api.post(`/channels/${quietId}/messages`, { content: 'no reacting' }, owner.token)).body.id as string;
    const qPath = `/channels/${quietId}/messages/${qm}/reactions/${enc('👀')}/@me`;
    expect((await t.api.put(qPath, undefined, owner.token)).status).toBe(204);
    const denied = await t.api.put(qPath, undefined, member.token);
    expect(denied.status).toBe(403);
    // A fresh guild's @everyone can react by default.
    const hidden = await t.api.post(
      `/guilds/${guildId}/channels`,
      { type: 'text', name: 'hidden-rx', overwrites: [{ id: guildId, type: 'role', allow: 0, deny: Permission.VIEW_CHANNEL }] },
      owner.token,
    );
    const hm = (await t.api.post(`/channels/${hidden.body.id}/messages`, { content: 'secret' }, owner.token)).body.id as string;
    expect((await t.api.put(`/channels/${hidden.body.id}/messages/${hm}/reactions/${enc('👀')}/@me`, undefined, member.token)).status).toBe(
      404,
    );
  });

  it("when a moderator removes someone else's reaction, then it goes; a member without MANAGE_MESSAGES is refused", async () => {
    const id = await send('moderated');
    expect((await t.api.put(reactPath(id, '💩'), undefined, member.token)).status).toBe(204);
    const other = `/channels/${textId}/messages/${id}/reactions/${enc('💩')}/${member.id}`;
    const byMember = await joined('rxmod_');
    expect((await t.api.del(other, byMember.token)).status).toBe(403);
    expect((await get(id)).reactions).toEqual([{ emoji: '💩', count: 1, me: false }]);
    expect((await t.api.del(other, owner.token)).status).toBe(204);
    expect((await get(id)).reactions).toEqual([]);
  });

  it('when a message is deleted, then its reactions go with it', async () => {
    const id = await send('doomed');
    expect((await t.api.put(reactPath(id, '🔥'), undefined, member.token)).status).toBe(204);
    expect((await t.api.del(`/channels/${textId}/messages/${id}`, owner.token)).status).toBe(204);
    expect((await t.api.get(`/channels/${textId}/messages/${id}/reactions/${enc('🔥')}`, owner.token)).status).toBe(404);
    const count = await t.server.database.db.collection('message_reactions').countDocuments({ messageId: id });
    expect(count).toBe(0);
  });
});
