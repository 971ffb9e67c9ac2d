import { describe, expect, it } from 'vitest';
import { createKeyLock } from '../../server/src/db/key-lock';
import { useTestDatabase } from '../support/database';

/** The per-key lock that serializes read-modify-write sequences on the real MongoDB-wire server. */
describe('key lock on the real MongoDB-wire server', () => {
  const { db: testDb } = useTestDatabase('parley_test_key_lock');

  async function readModifyWrite(db: ReturnType<typeof testDb>, key: string) {
    const docs = db.collection<{ _id: string; n: number; writers: string[] }>('counters');
    const doc = await docs.findOne({ _id: key });
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
    await docs.replaceOne({ _id: key }, { n: (doc?.n ?? 0) + 1, writers: [...(doc?.writers ?? []), `w${doc?.n ?? 0}`] }, { upsert: true });
  }

  it('when 20 writers read, modify and write one document at once under the lock, then no change is lost', async () => {
    const db = testDb();
    const lock = createKeyLock(db, 'locks');
    await Promise.all(Array.from({ length: 20 }, () => lock.withLock('a', () => readModifyWrite(db, 'a'))));
    expect((await db.collection('counters').findOne({ _id: 'a' as never }))?.n).toBe(20);
    expect(await db.collection('locks').countDocuments({})).toBe(0);
  });

  it('when a holder died and left its lock, then the lock is taken over once it is stale, and a failing section releases it', async () => {
    const db = testDb();
    await db.collection('locks').insertOne({ _id: 'c' as never, holder: 'dead', at: new Date(Date.now() - 60_000) });
    const lock = createKeyLock(db, 'locks', { staleMs: 1_000 });
    expect(await lock.withLock('c', async () => 'ran')).toBe('ran');
    await expect(lock.withLock('c', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await db.collection('locks').countDocuments({ _id: 'c' as never })).toBe(0);
  });

  it('when a lock stays held past the wait, then the waiter gives up with an error instead of hanging', async () => {
    const db = testDb();
    await db.collection('locks').insertOne({ _id: 'd' as never, holder: 'busy', at: new Date() });
    const lock = createKeyLock(db, 'locks', { waitMs: 200 });
    await expect(lock.withLock('d', async () => 'never')).rejects.toThrow(/still held/);
  });
});
