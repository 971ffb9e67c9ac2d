import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createMessagesRepo, type NewMessage } from '../../server/src/modules/messages/messages.repo';
import { instanceOfMessageId, timeOfMessageId } from '../../server/src/modules/messages/message-ids';
import { useTestDatabase } from '../support/database';

/** One document per message, addressed by time-sortable ids: history, edits, deletions and the per-author queries. */
describe('message documents on the real MongoDB-wire server', () => {
  const { db: testDb } = useTestDatabase('parley_test_messages');
  const id = () => new ObjectId().toHexString();
  const message = (channelId: string, guildId: string, authorId: string, content: string, createdAt = new Date()): NewMessage => ({
    channelId,
    guildId,
    authorId,
    content,
    nonce: null,
    mentions: [],
    createdAt,
    editedAt: null,
  });
  async function send(repo: ReturnType<typeof createMessagesRepo>, m: NewMessage): Promise<string> {
    const result = await repo.insert(m);
    if (result.status === 'nonce-spent') throw new Error('unexpected nonce-spent');
    return result.record.id;
  }

  it('when messages are stored, then each is one plain document whose id carries its creation time', async () => {
    const db = testDb();
    const repo = createMessagesRepo(db);
    await repo.ensureIndexes();
    const [channelId, guildId, authorId] = [id(), id(), id()];
    const at = new Date('2026-12-05T10:00:00.250Z');
    const messageId = await send(repo, message(channelId, guildId, authorId, 'hello', at));
    const doc = await db.collection('messages').findOne({ _id: messageId as unknown as ObjectId });
    expect(doc).toMatchObject({ channelId, guildId, authorId, content: 'hello', nonce: null, mentions: [], editedAt: null });
    expect(doc?.createdAt).toEqual(at);
    expect(timeOfMessageId(messageId)).toEqual(at);
    const indexes = (await db.collection('messages').indexes()).map((i) => i.key);
    expect(indexes).toContainEqual({ channelId: 1, _id: -1 });
  });

  it('when history is read before, after and around a cursor, then it pages in id order, newest first', async () => {
    const repo = createMessagesRepo(testDb());
    const [channelId, guildId, authorId] = [id(), id(), id()];
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await send(repo, message(channelId, guildId, authorId, `m${i}`)));
    // Another channel's messages never show.
    await send(repo, message(id(), guildId, authorId, 'elsewhere'));
    const contents = async (q: Parameters<typeof repo.history>[1]) => (await repo.history(channelId, q)).map((m) => m.content);
    expect(await contents({ limit: 3 })).toEqual(['m11', 'm10', 'm9']);
    expect(await contents({ before: ids[5]!, limit: 3 })).toEqual(['m4', 'm3', 'm2']);
    expect(await contents({ after: ids[5]!, limit: 3 })).toEqual(['m8', 'm7', 'm6']);
    expect(await contents({ around: ids[5]!, limit: 4 })).toEqual(['m7', 'm6', 'm5', 'm4']);
    expect(await contents({ before: ids[0]!, limit: 3 })).toEqual([]);
    expect(await repo.lastId(channelId)).toBe(ids[11]);
    expect(await repo.lastIds([channelId, id()])).toEqual(new Map([[channelId, ids[11]]]));
    // Deleting the newest message moves the channel's newest id back to the one before it.
    expect(await repo.delete(channelId, ids[11]!)).toBe(true);
    expect(await repo.lastId(channelId)).toBe(ids[10]);

    expect((await repo.updateContent(channelId, ids[7]!, 'edited', [], new Date()))?.content).toBe('edited');
    expect(await repo.updateContent(id(), ids[7]!, 'wrong channel', [], new Date())).toBeNull();
    expect(await repo.delete(channelId, ids[6]!)).toBe(true);
    expect(await repo.delete(channelId, ids[6]!)).toBe(false);
    expect(await contents({ after: ids[5]!, limit: 3 })).toEqual(['m9', 'm8', 'edited']);
    expect(await repo.find(channelId, ids[6]!)).toBeNull();
    // A deleted message's id still works as a cursor.
    expect(await contents({ before: ids[6]!, limit: 2 })).toEqual(['m5', 'm4']);
  });

  it("when an author's recent messages are deleted, then only that author's, in that guild, since that time go", async () => {
    const repo = createMessagesRepo(testDb());
    const [guildId, otherGuild, channelA, channelB, author, bystander] = [id(), id(), id(), id(), id(), id()];
    const now = Date.now();
    const old = await send(repo, message(channelA, guildId, author, 'two hours ago', new Date(now - 2 * 3600_000)));
    const recentA = await send(repo, message(channelA, guildId, author, 'recent in A', new Date(now - 60_000)));
    const recentB = await send(repo, message(channelB, guildId, author, 'recent in B', new Date(now - 30_000)));
    const theirs = await send(repo, message(channelA, guildId, bystander, 'bystander', new Date(now - 20_000)));
    const otherGuildMessage = await send(repo, message(id(), otherGuild, author, 'other guild', new Date(now - 10_000)));

    const deleted = await repo.deleteByAuthor(guildId, author, new Date(now - 3600_000));
    expect(deleted.sort((a, b) => a.channelId.localeCompare(b.channelId))).toEqual(
      [
        { channelId: channelA, ids: [recentA] },
        { channelId: channelB, ids: [recentB] },
      ].sort((a, b) => a.channelId.localeCompare(b.channelId)),
    );
    expect(await repo.find(channelA, old)).not.toBeNull();
    expect(await repo.find(channelA, theirs)).not.toBeNull();
    expect((await repo.listByAuthor(author, { limit: 10 })).map((m) => m.id)).toEqual([old, otherGuildMessage]);
    expect((await repo.listByAuthor(author, { afterId: old, limit: 10 })).map((m) => m.id)).toEqual([otherGuildMessage]);
    expect(await repo.deleteByAuthor(guildId, author, null)).toEqual([{ channelId: channelA, ids: [old] }]);
  });

  it('when messages are imported with past times, then they keep their times and order and never collide with live ids', async () => {
    const repo = createMessagesRepo(testDb());
    const [channelId, guildId, authorId] = [id(), id(), id()];
    const live = await send(repo, message(channelId, guildId, authorId, 'live'));
    const base = Date.now() - 86_400_000;
    const ids = await repo.importMessages(
      channelId,
      guildId,
      Array.from({ length: 5 }, (_, i) => ({
        authorId,
        content: `old ${i}`,
        nonce: null,
        mentions: [],
        createdAt: new Date(base + Math.floor(i / 2)),
        editedAt: null,
      })),
    );
    expect([...ids].sort()).toEqual(ids);
    expect(instanceOfMessageId(ids[0]!)).not.toBe(instanceOfMessageId(live));
    expect((await repo.history(channelId, { limit: 10 })).map((m) => m.content)).toEqual([
      'live',
      'old 4',
      'old 3',
      'old 2',
      'old 1',
      'old 0',
    ]);
    expect(timeOfMessageId(ids[4]!).getTime()).toBe(base + 2);
  });

  it('when two repositories (two server processes) send at once, then their ids never collide', async () => {
    const db = testDb();
    const [a, b] = [createMessagesRepo(db), createMessagesRepo(db)];
    const [channelId, guildId, authorId] = [id(), id(), id()];
    const at = new Date();
    const ids = await Promise.all(
      Array.from({ length: 40 }, (_, i) => send(i % 2 ? a : b, message(channelId, guildId, authorId, `x${i}`, at))),
    );
    expect(new Set(ids).size).toBe(40);
    expect(await a.history(channelId, { limit: 100 })).toHaveLength(40);
  });
});
