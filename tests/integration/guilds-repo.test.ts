import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { dropUserGuilds } from '../../server/src/db/migrations/002-drop-user-guilds';
import { createLogger } from '../../server/src/logger';
import { createGuildsRepo } from '../../server/src/modules/guilds/guilds.repo';
import { useTestDatabase } from '../support/database';

// Memberships are one document each in `members`; a user's are found through the `user` index.
describe('guild memberships on the real MongoDB-wire server', () => {
  const { db: testDb } = useTestDatabase('parley_test_memberships');
  const id = () => new ObjectId().toHexString();
  const member = (guildId: string, userId: string) => ({
    guildId,
    userId,
    roleIds: [],
    nick: null,
    joinedAt: new Date('2026-11-21T12:00:00Z'),
  });

  it('when a user joins, leaves and a guild is deleted, then membershipsOf follows', async () => {
    const repo = createGuildsRepo(testDb());
    await repo.ensureIndexes();
    const [user, other, g1, g2, g3] = [id(), id(), id(), id(), id()];
    for (const g of [g1, g2, g3]) await repo.insertMember(member(g, user));
    await repo.insertMember(member(g2, other));
    expect((await repo.membershipsOf(user)).map((m) => m.guildId).sort()).toEqual([g1, g2, g3].sort());
    expect(await repo.deleteMember(g2, user)).toBe(true);
    expect(await repo.deleteMember(g2, user)).toBe(false);
    await repo.deleteAllMembers(g3);
    expect((await repo.membershipsOf(user)).map((m) => m.guildId)).toEqual([g1]);
    expect((await repo.membershipsOf(other)).map((m) => m.guildId)).toEqual([g2]);
    expect(await repo.membershipsOf(id())).toEqual([]);
  });

  it('when one user joins one guild twice at once, then exactly one membership is stored', async () => {
    const db = testDb();
    const repo = createGuildsRepo(db);
    await repo.ensureIndexes();
    const [user, guild] = [id(), id()];
    const results = await Promise.all(Array.from({ length: 10 }, () => repo.insertMember(member(guild, user))));
    expect(results.filter((joined) => joined)).toHaveLength(1);
    expect(await db.collection('members').countDocuments({ guildId: guild, userId: user })).toBe(1);
  });

  it('when a database from Parley 0.1 is migrated, then its user_guilds index and marker are gone', async () => {
    const db = testDb();
    await db.collection('user_guilds').insertOne({ _id: id() as never, guildIds: [id()], complete: true });
    await db.collection('migrations').insertOne({ _id: 'user_guilds' as never, at: new Date() });
    await dropUserGuilds.up({ db, log: createLogger('silent') });
    expect((await db.listCollections({ name: 'user_guilds' }).toArray()).length).toBe(0);
    expect(await db.collection('migrations').findOne({ _id: 'user_guilds' as never })).toBeNull();
    await dropUserGuilds.up({ db, log: createLogger('silent') }); // nothing left to drop: still fine
  });
});
