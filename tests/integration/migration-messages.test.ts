import { ObjectId } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { messagesAsDocuments } from '../../server/src/db/migrations/001-messages-as-documents';
import { MIGRATIONS, migrationStatus, runMigrations, type Migration } from '../../server/src/db/migrations/index';
import { createLogger } from '../../server/src/logger';
import { createMessagesRepo } from '../../server/src/modules/messages/messages.repo';
import { useTestDatabase } from '../support/database';
import { createMessagesRepo as createLegacyRepo, PAGE_SIZE, type MessageRecord as LegacyRecord } from '../support/legacy-message-pages';

const log = createLogger('silent');
const ALL = MIGRATIONS.map((m) => m.name);

/** Migration 001 on a database filled by the page-layout code that ran before it. */
describe('migration 001: message pages to message documents', () => {
  const { client, db: firstDb } = useTestDatabase('parley_test_migration');
  // A fresh database per test, dropped after the file (FerretDB keeps stale table names after a dropDatabase).
  const made: string[] = [];
  const testDb = () => {
    made.push(`${firstDb().databaseName}_${made.length}`);
    return client.db(made.at(-1));
  };
  afterAll(async () => {
    for (const name of made)
      await client
        .db(name)
        .dropDatabase()
        .catch(() => undefined);
  });
  const id = () => new ObjectId().toHexString();

  async function fillTheOldWay(db: ReturnType<typeof testDb>) {
    const legacy = createLegacyRepo(db);
    const [guildId, busy, quiet, author, other] = [id(), id(), id(), id(), id()];
    const start = Date.now() - 3_600_000;
    const record = (channelId: string, i: number, who = author, nonce: string | null = null): LegacyRecord => ({
      id: '',
      channelId,
      guildId,
      authorId: who,
      content: `${channelId === busy ? 'busy' : 'quiet'} ${i}`,
      nonce,
      mentions: [],
      createdAt: new Date(start + i * 10),
      editedAt: null,
    });
    // Enough for sealed (full, deflated) pages and an open one; every third message by someone else.
    const busyIds: string[] = [];
    for (let i = 0; i < 2 * PAGE_SIZE + 7; i++)
      busyIds.push((await legacy.insert(record(busy, i, i % 3 ? author : other, i === 5 ? 'nonce-five' : null))).id);
    await legacy.updateContent(busy, busyIds[10]!, 'busy 10 (edited)', [], new Date(start + 999_000));
    await legacy.updateContent(busy, busyIds[PAGE_SIZE + 3]!, 'busy 53 (edited)', [], new Date(start + 999_000));
    await legacy.delete(busy, busyIds[20]!);
    await legacy.delete(busy, busyIds[2 * PAGE_SIZE + 1]!);
    const quietIds = await legacy.importMessages(
      quiet,
      guildId,
      Array.from({ length: 3 }, (_, i) => ({
        authorId: author,
        content: `quiet ${i}`,
        nonce: null,
        mentions: [],
        createdAt: new Date(start + i),
        editedAt: null,
      })),
    );
    const expected = async (channelId: string) =>
      (await legacy.history(channelId, { limit: 100 })).concat(
        await legacy.history(channelId, {
          before: (await legacy.history(channelId, { limit: 100 })).at(-1)?.id ?? '0'.repeat(24),
          limit: 100,
        }),
      );
    return { guildId, busy, quiet, author, busyIds, quietIds, expectedBusy: await expected(busy), expectedQuiet: await expected(quiet) };
  }

  it('when a database written with message pages is migrated, then history reads the same from message documents', async () => {
    const db = testDb();
    const old = await fillTheOldWay(db);
    expect(old.expectedBusy).toHaveLength(2 * PAGE_SIZE + 7 - 2);
    const pageCollections = async () =>
      (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n.startsWith('message_pages_'));
    expect((await pageCollections()).length).toBeGreaterThan(0);

    expect(await runMigrations(db, log)).toEqual(ALL);

    expect(await pageCollections()).toEqual([]);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).not.toContain('message_counters');
    const repo = createMessagesRepo(db);
    for (const [channelId, expected] of [
      [old.busy, old.expectedBusy],
      [old.quiet, old.expectedQuiet],
    ] as const) {
      const now = [
        ...(await repo.history(channelId, { limit: 100 })),
        ...(await repo.history(channelId, { before: (await repo.history(channelId, { limit: 100 })).at(-1)!.id, limit: 100 })),
      ];
      expect(now.map((m) => [m.content, m.authorId, m.guildId, m.nonce, m.editedAt?.toISOString() ?? null])).toEqual(
        expected.map((m) => [m.content, m.authorId, m.guildId, m.nonce, m.editedAt?.toISOString() ?? null]),
      );
      // Creation times kept (moved forward by at most the few ms sends finished out of order), ids in that order.
      now.forEach((m, i) => expect(Math.abs(m.createdAt.getTime() - expected[i]!.createdAt.getTime())).toBeLessThan(50));
      for (let i = 1; i < now.length; i++) expect(now[i]!.id < now[i - 1]!.id).toBe(true);
    }
    expect(await db.collection('messages').countDocuments({ content: 'busy 20' })).toBe(0);
    expect(await repo.lastIds([old.busy, old.quiet])).toEqual(
      new Map([
        [old.busy, (await repo.history(old.busy, { limit: 1 }))[0]!.id],
        [old.quiet, (await repo.history(old.quiet, { limit: 1 }))[0]!.id],
      ]),
    );
    // A retry of a send from before the upgrade still finds its message.
    const retry = await repo.insert({
      channelId: old.busy,
      guildId: old.guildId,
      authorId: old.author,
      content: 'busy 5',
      nonce: 'nonce-five',
      mentions: [],
      createdAt: new Date(),
      editedAt: null,
    });
    expect(retry.status).toBe('existing');
    expect(retry.status === 'existing' && retry.record.content).toBe('busy 5');

    // Recorded: a second run (the next server start) has nothing to do.
    expect(await runMigrations(db, log)).toEqual([]);
    expect(await migrationStatus(db, log)).toEqual({ applied: ALL, pending: [] });
  });

  it('when several server instances start at once, then the migration runs once and nothing is copied twice', async () => {
    const db = testDb();
    const old = await fillTheOldWay(db);
    const runs = await Promise.all([runMigrations(db, log), runMigrations(db, log), runMigrations(db, log)]);
    expect(runs.flat()).toEqual(ALL);
    expect(await db.collection('messages').countDocuments({ channelId: old.busy })).toBe(old.expectedBusy.length);
  });

  it("when a run died halfway through a channel, then the next run replaces that channel's partial copy", async () => {
    const db = testDb();
    const old = await fillTheOldWay(db);
    // The first run copies the busy channel and then dies before dropping its pages.
    const dying: Migration = {
      name: messagesAsDocuments.name,
      async up(ctx) {
        const realCollection = ctx.db.collection.bind(ctx.db);
        const guarded = Object.create(ctx.db) as typeof ctx.db;
        guarded.collection = ((name: string) => {
          const c = realCollection(name);
          if (name.startsWith('message_pages_'))
            return Object.assign(Object.create(c), { drop: () => Promise.reject(new Error('killed')) });
          return c;
        }) as typeof ctx.db.collection;
        await messagesAsDocuments.up({ ...ctx, db: guarded });
      },
    };
    await expect(runMigrations(db, log, { migrations: [dying] })).rejects.toThrow('killed');
    expect(await db.collection('messages').countDocuments({})).toBeGreaterThan(0);
    expect(await runMigrations(db, log)).toEqual(ALL);
    expect(await db.collection('messages').countDocuments({ channelId: old.busy })).toBe(old.expectedBusy.length);
    expect(await db.collection('messages').countDocuments({ channelId: old.quiet })).toBe(old.expectedQuiet.length);
  });
});
