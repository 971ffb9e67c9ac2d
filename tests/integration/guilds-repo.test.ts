import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createGuildsRepo } from '../../server/src/modules/guilds/guilds.repo';
import { useTestDatabase } from '../support/database';
import { uniqueDbName } from '../support/env';

// A user's memberships are found through user_guilds (a superset index), not a scan of every membership.
describe('guild memberships on the real MongoDB-wire server', () => {
  const { client, db: testDb } = useTestDatabase('parley_test_memberships');
  const id = () => new ObjectId().toHexString();
  const member = (guildId: string, userId: string) => ({ guildId, userId, roleIds: [], nick: null, joinedAt: new Date('2026-11-21T12:00:00Z') });

  it('when a user joins, leaves and a guild is deleted, then membershipsOf follows, through user_guilds', async () => {
    const db = testDb();
    const repo = createGuildsRepo(db);
    const [user, g1, g2, g3] = [id(), id(), id(), id()];
    await repo.insertMember(member(g1, user));
    await repo.insertMember(member(g2, user));
    await repo.insertMember(member(g3, user));
    expect((await repo.membershipsOf(user)).map((m) => m.guildId).sort()).toEqual([g1, g2, g3].sort());
    expect((await db.collection('user_guilds').findOne({ _id: user as never }))?.guildIds).toHaveLength(3);
    await repo.deleteMember(g2, user);
    await repo.deleteAllMembers(g3);
    expect((await repo.membershipsOf(user)).map((m) => m.guildId)).toEqual([g1]);
    expect((await db.collection('user_guilds').findOne({ _id: user as never }))?.guildIds).toEqual([g1]);
  });

  it('when memberships predate user_guilds or a join crashed half-way, then reads are still exact', async () => {
    const db = testDb();
    const repo = createGuildsRepo(db);
    const [old, crashed, g1, g2] = [id(), id(), id(), id()];
    // Written before user_guilds existed: the first read builds the index from a scan.
    await db.collection('members').insertOne({ _id: `${g1}:${old}` as never, ...member(g1, old) });
    expect((await repo.membershipsOf(old)).map((m) => m.guildId)).toEqual([g1]);
    expect((await db.collection('user_guilds').findOne({ _id: old as never }))?.guildIds).toEqual([g1]);
    await repo.insertMember(member(g2, old));
    expect((await repo.membershipsOf(old)).map((m) => m.guildId).sort()).toEqual([g1, g2].sort());
    // Memberships from before user_guilds, then a join before anything read them: both old and new are found.
    const early = id();
    await db.collection('members').insertOne({ _id: `${g1}:${early}` as never, ...member(g1, early) });
    await repo.insertMember(member(g2, early));
    expect((await repo.membershipsOf(early)).map((m) => m.guildId).sort()).toEqual([g1, g2].sort());
    expect((await repo.membershipsOf(early)).map((m) => m.guildId).sort()).toEqual([g1, g2].sort());
    // A join that listed the guild but never wrote the member document: not a membership.
    await db.collection('user_guilds').insertOne({ _id: crashed as never, guildIds: [g1] });
    expect(await repo.membershipsOf(crashed)).toEqual([]);
    const nobody = id();
    expect(await repo.membershipsOf(nobody)).toEqual([]);
    expect(await repo.membershipsOf(nobody)).toEqual([]); // read again through the (empty) index document
    expect((await db.collection('user_guilds').findOne({ _id: nobody as never }))?.guildIds).toEqual([]);
  });

  it('when the boot backfill runs on a database with older memberships, then every user gets a complete list once', async () => {
    const db = client.db(uniqueDbName('parley_test_backfill'));
    try {
      const [a, b, g1, g2] = [id(), id(), id(), id()];
      await db.collection('members').insertMany([
        { _id: `${g1}:${a}`, ...member(g1, a) },
        { _id: `${g2}:${a}`, ...member(g2, a) },
        { _id: `${g1}:${b}`, ...member(g1, b) },
      ] as never[]);
      const repo = createGuildsRepo(db);
      expect(await repo.backfillUserGuilds()).toBe(2);
      expect(await createGuildsRepo(db).backfillUserGuilds()).toBe(0); // marked: another worker or the next boot skips it
      const index = await db.collection('user_guilds').findOne({ _id: a as never });
      expect([index?.complete, [...(index?.guildIds ?? [])].sort()]).toEqual([true, [g1, g2].sort()]);
      expect((await repo.membershipsOf(b)).map((m) => m.guildId)).toEqual([g1]);
      expect(await repo.membershipsOf(id())).toEqual([]);
      const newcomer = id();
      await repo.insertMember(member(g2, newcomer));
      expect((await db.collection('user_guilds').findOne({ _id: newcomer as never }))?.complete).toBe(true);
      expect((await repo.membershipsOf(newcomer)).map((m) => m.guildId)).toEqual([g2]);
    } finally {
      await db.dropDatabase().catch(() => undefined);
    }
  });
});
