import { inflateRawSync } from 'node:zlib';
import { Binary, ObjectId, type CommandStartedEvent } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createMessagesRepo, PAGE_SIZE, type MessageRecord } from '../../server/src/modules/messages/messages.repo';
import { useTestDatabase } from '../support/database';
import { waitFor } from '../support/wait';

// Full message pages are sealed into one deflated JSON array (cheaper for FerretDB to read); reads, edits and deletions
// keep working, and pages sealed in the earlier plain-string form still read.
/** A page document as stored (messages.repo.ts). */
interface PageRow {
  _id: string;
  channelId?: string;
  guildId?: string;
  page?: number;
  messages?: string[];
  sealed?: Binary | string;
}

describe('message pages on the real MongoDB-wire server', () => {
  const { client, db: testDb } = useTestDatabase('parley_test_pages', { monitorCommands: true });
  const id = () => new ObjectId().toHexString();

  it('when a page fills up, then it is sealed; history, edits and a scrubbed deletion read the same', async () => {
    const db = testDb();
    const repo = createMessagesRepo(db);
    const [channelId, guildId, authorId] = [id(), id(), id()];
    const message = (i: number): MessageRecord => ({ id: '', channelId, guildId, authorId, content: `secret ${i}`, nonce: null, mentions: [], createdAt: new Date(), editedAt: null });
    const ids: string[] = [];
    for (let i = 0; i < PAGE_SIZE + 3; i++) ids.push((await repo.insert(message(i))).id);
    const pages = db.collection<PageRow>(`message_pages_${channelId}_0`);
    const first = `${channelId}:0`;
    // Sealing runs behind the last send of the page; a read seals it too.
    await repo.history(channelId, { limit: 5 });
    const doc = await waitFor(
      'the first page sealed',
      async () => {
        await repo.history(channelId, { before: ids[10]!, limit: 5 });
        const found = await pages.findOne({ _id: first });
        return found?.sealed ? found : undefined;
      },
      5_000,
    );
    expect(doc?.sealed).toBeInstanceOf(Binary);
    const stored = (sealed: Binary | string | undefined) => inflateRawSync((sealed as Binary).value()).toString();
    expect(JSON.parse(stored(doc?.sealed))).toHaveLength(PAGE_SIZE);
    expect(doc?.messages).toBeUndefined();
    expect((await pages.findOne({ _id: `${channelId}:1` }))?.messages).toHaveLength(3); // not full: still appendable

    const contents = async (q: Parameters<typeof repo.history>[1]) => (await repo.history(channelId, q)).map((m) => m.content);
    expect(await contents({ before: ids[52]!, limit: 4 })).toEqual(['secret 51', 'secret 50', 'secret 49', 'secret 48']);
    await repo.updateContent(channelId, ids[7]!, 'edited 7', [], new Date());
    expect(await contents({ around: ids[7]!, limit: 3 })).toEqual(['secret 8', 'edited 7', 'secret 6']);
    expect(await repo.delete(channelId, ids[20]!)).toBe(true);
    expect(await contents({ before: ids[22]!, limit: 2 })).toEqual(['secret 21', 'secret 19']);
    // The deleted text is gone from the stored page, not only hidden.
    const after = await pages.findOne({ _id: first });
    expect(after?.sealed).toBeInstanceOf(Binary);
    expect(stored(after?.sealed)).not.toContain('secret 20"');
    expect(stored(after?.sealed)).toContain('secret 21"');
  });

  it('when a page was sealed as a plain JSON string (the earlier form), then it still reads, and a deletion scrubs it', async () => {
    const db = testDb();
    const repo = createMessagesRepo(db);
    const [channelId, guildId, authorId] = [id(), id(), id()];
    const ids: string[] = [];
    for (let i = 0; i < PAGE_SIZE + 1; i++) ids.push((await repo.insert({ id: '', channelId, guildId, authorId, content: `old ${i}`, nonce: null, mentions: [], createdAt: new Date(), editedAt: null })).id);
    const pages = db.collection<PageRow>(`message_pages_${channelId}_0`);
    const first = `${channelId}:0`;
    const full = await waitFor('the first page full', async () => {
      const found = await pages.findOne({ _id: first });
      return found?.sealed || found?.messages?.length === PAGE_SIZE ? found : undefined;
    }, 5_000);
    const json = full.messages ? `[${full.messages.join(',')}]` : inflateRawSync((full.sealed as Binary).value()).toString();
    await pages.replaceOne({ _id: first }, { sealed: json, channelId, guildId, page: 0 });

    const contents = async (q: Parameters<typeof repo.history>[1]) => (await repo.history(channelId, q)).map((m) => m.content);
    expect(await contents({ before: ids[PAGE_SIZE]!, limit: 3 })).toEqual([`old ${PAGE_SIZE - 1}`, `old ${PAGE_SIZE - 2}`, `old ${PAGE_SIZE - 3}`]);
    expect(await repo.delete(channelId, ids[3]!)).toBe(true);
    expect(await contents({ before: ids[5]!, limit: 2 })).toEqual(['old 4', 'old 2']);
    const scrubbed = await pages.findOne({ _id: first });
    expect(scrubbed?.sealed).toBeInstanceOf(Binary);
    expect(inflateRawSync((scrubbed?.sealed as Binary).value()).toString()).not.toContain('old 3"');
  });

  it('when sends finish out of order across a second, then the newest by sequence is the channel\'s last message', async () => {
    const repo = createMessagesRepo(testDb());
    const channelId = id();
    await repo.insert({ id: '', channelId, guildId: id(), authorId: id(), content: 'first', nonce: null, mentions: [], createdAt: new Date(), editedAt: null });
    const idOf = (secs: number, seq: number) => secs.toString(16).padStart(8, '0') + seq.toString(16).padStart(12, '0') + '0000';
    await repo.noteLastId(channelId, idOf(0x6a000001, 6)); // seq 6, stamped a second earlier
    await repo.noteLastId(channelId, idOf(0x6a000002, 5)); // seq 5 finishing later, with a later second
    await repo.noteLastId(channelId, idOf(0x6a000001, 4));
    expect(await repo.lastId(channelId)).toBe(idOf(0x6a000001, 6));
  });

  it('when a history page is read, then only the page documents holding it are read, and deletions make the walk read on', async () => {
    const db = testDb();
    const repo = createMessagesRepo(db);
    const [channelId, guildId, authorId] = [id(), id(), id()];
    const ids = await repo.importMessages(
      channelId,
      guildId,
      Array.from({ length: 3 * PAGE_SIZE }, (_, i) => ({ authorId, content: `m${i}`, nonce: null, mentions: [], createdAt: new Date(), editedAt: null })),
    );
    const pagesRead: string[] = [];
    const onCommand = (e: CommandStartedEvent) => {
      const collection = e.command.find as unknown;
      if (e.commandName === 'find' && typeof collection === 'string' && collection.startsWith('message_pages_')) pagesRead.push(String((e.command.filter as { _id: unknown })._id));
    };
    client.on('commandStarted', onCommand);
    try {
      const read = async (q: Parameters<typeof repo.history>[1]) => {
        pagesRead.length = 0;
        const contents = (await repo.history(channelId, q)).map((m) => m.content);
        return { contents, pages: [...pagesRead].sort() };
      };
      const page = (n: number) => `${channelId}:${n}`;
      // Inside one page document: one read. Across a boundary: both pages, no more.
      expect(await read({ before: ids[70]!, limit: 5 })).toEqual({ contents: ['m69', 'm68', 'm67', 'm66', 'm65'], pages: [page(1)] });
      expect(await read({ after: ids[60]!, limit: 5 })).toEqual({ contents: ['m65', 'm64', 'm63', 'm62', 'm61'], pages: [page(1)] });
      expect((await read({ before: ids[70]!, limit: PAGE_SIZE })).pages).toEqual([page(0), page(1)]);
      expect((await read({ before: ids[100]!, limit: PAGE_SIZE })).pages).toEqual([page(1)]);
      // Deleted messages leave a page short: the walk reads on into the next one.
      for (const i of [50, 51, 52]) await repo.delete(channelId, ids[i]!);
      expect(await read({ before: ids[53]!, limit: 2 })).toEqual({ contents: ['m49', 'm48'], pages: [page(0), page(1)] });
    } finally {
      client.off('commandStarted', onCommand);
    }
  });
});
