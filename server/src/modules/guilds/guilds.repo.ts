import type { Db, ObjectId } from 'mongodb';
import { oid } from '../../db/ids';

interface GuildDoc {
  _id: ObjectId;
  name: string;
  ownerId: string;
  createdAt: Date;
}
export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  createdAt: Date;
}

/** `_id` is "<guildId>:<userId>": the membership lookup on every permission check is an _id lookup (FerretDB pushes
 * down only those). */
interface MemberDoc {
  _id: string;
  guildId: string;
  userId: string;
  roleIds: string[];
  nick: string | null;
  joinedAt: Date;
}
export interface MemberRecord {
  guildId: string;
  userId: string;
  roleIds: string[];
  nick: string | null;
  joinedAt: Date;
}

/**
 * `_id` = user id → the guilds the user may be a member of. FerretDB answers `members.find({ userId })` with a scan of
 * every membership (≈ 40 ms per 500, on every gateway connection), so a user's memberships are found through this
 * document and then read by `_id`. It is a superset index, never the truth: a join adds the guild before the member
 * document is written (and again after, in case a racing leave pulled it) and a leave removes it after the member
 * document is gone (and puts it back if a racing join re-created it), so a crash in between leaves an extra id
 * (skipped on read), never a missing one. A list is trusted only once `complete`. At boot, backfillUserGuilds()
 * builds every user's complete list once per database (marked in `migrations`); after that, joins keep lists complete
 * and a user without one has no memberships. Until then (or for a list that is not complete) a read scans that user's
 * memberships once and merges them in, so memberships from before this collection are never lost.
 */
interface UserGuildsDoc {
  _id: string;
  guildIds: string[];
  complete?: boolean;
}

interface BanDoc {
  _id: ObjectId;
  guildId: string;
  userId: string;
  reason: string | null;
  actorId: string;
  createdAt: Date;
}
export interface BanRecord {
  guildId: string;
  userId: string;
  reason: string | null;
  createdAt: Date;
}

const guildRecord = (d: GuildDoc): GuildRecord => ({ id: d._id.toHexString(), name: d.name, ownerId: d.ownerId, createdAt: d.createdAt });
const memberRecord = (d: MemberDoc): MemberRecord => ({ guildId: d.guildId, userId: d.userId, roleIds: d.roleIds, nick: d.nick, joinedAt: d.joinedAt });
const banRecord = (d: BanDoc): BanRecord => ({ guildId: d.guildId, userId: d.userId, reason: d.reason, createdAt: d.createdAt });

export type GuildsRepo = ReturnType<typeof createGuildsRepo>;

export function createGuildsRepo(db: Db) {
  const guilds = db.collection<GuildDoc>('guilds');
  const members = db.collection<MemberDoc>('members');
  const memberKey = (guildId: string, userId: string) => `${guildId}:${userId}`;
  const bans = db.collection<BanDoc>('bans');
  const userGuilds = db.collection<UserGuildsDoc>('user_guilds');

  /** Set once backfillUserGuilds() has run (or found its marker): every membership since has an index entry. */
  let backfilled = false;

  /** Adds guild ids to a user's index, creating it (possibly empty) if needed; `complete` marks a merged scan. */
  async function addUserGuilds(userId: string, guildIds: string[], complete = false) {
    const update = {
      ...(guildIds.length > 0 ? { $addToSet: { guildIds: { $each: guildIds } } } : {}),
      ...(complete ? { $set: { complete: true } } : {}),
    };
    try {
      // (An upsert with `$setOnInsert: { guildIds: [] }` leaves the field out on FerretDB 1.24: insert the empty one.)
      if (guildIds.length === 0) await userGuilds.insertOne({ _id: userId, guildIds: [], ...(complete ? { complete: true } : {}) });
      else await userGuilds.updateOne({ _id: userId }, update, { upsert: true });
    } catch (err) {
      // Two first writers for one user: the other one created the document; apply ours to it.
      if ((err as { code?: unknown }).code !== 11000) throw err;
      if (Object.keys(update).length > 0) await userGuilds.updateOne({ _id: userId }, update);
    }
  }
  return {
    async insertGuild(g: GuildRecord): Promise<GuildRecord> {
      await guilds.insertOne({ _id: oid(g.id), name: g.name, ownerId: g.ownerId, createdAt: g.createdAt });
      return g;
    },
    async findGuild(id: string): Promise<GuildRecord | null> {
      const d = await guilds.findOne({ _id: oid(id) });
      return d ? guildRecord(d) : null;
    },
    async findGuilds(ids: readonly string[]): Promise<GuildRecord[]> {
      if (ids.length === 0) return [];
      return (await guilds.find({ _id: { $in: ids.map(oid) } }).toArray()).map(guildRecord);
    },
    async updateGuild(id: string, set: { name?: string; ownerId?: string }): Promise<GuildRecord | null> {
      const d = await guilds.findOneAndUpdate({ _id: oid(id) }, { $set: set }, { returnDocument: 'after' });
      return d ? guildRecord(d) : null;
    },
    async deleteGuild(id: string): Promise<void> {
      await guilds.deleteOne({ _id: oid(id) });
    },
    countGuilds: () => guilds.countDocuments(),
    /** Guilds whose owner is `userId` (index `owner`); rare calls (account deletion). */
    async guildsOwnedBy(userId: string): Promise<GuildRecord[]> {
      return (await guilds.find({ ownerId: userId }).toArray()).map(guildRecord);
    },
    /** Every guild, oldest first (the admin CLI; a scan). */
    async listGuilds(): Promise<GuildRecord[]> {
      return (await guilds.find({}).sort({ _id: 1 }).toArray()).map(guildRecord);
    },

    /** Throws a duplicate-key error when already a member. */
    async insertMember(m: MemberRecord): Promise<MemberRecord> {
      await addUserGuilds(m.userId, [m.guildId], backfilled);
      await members.insertOne({ _id: memberKey(m.guildId, m.userId), ...m });
      // A leave of an earlier membership may have pulled the id between our two writes.
      await addUserGuilds(m.userId, [m.guildId], backfilled);
      return m;
    },
    async findMember(guildId: string, userId: string): Promise<MemberRecord | null> {
      const d = await members.findOne({ _id: memberKey(guildId, userId) });
      return d ? memberRecord(d) : null;
    },
    async listMembers(guildId: string, opts: { after?: string; limit: number }): Promise<MemberRecord[]> {
      const filter = opts.after ? { guildId, userId: { $gt: opts.after } } : { guildId };
      return (await members.find(filter).sort({ userId: 1 }).limit(opts.limit).toArray()).map(memberRecord);
    },
    async allMembers(guildId: string): Promise<MemberRecord[]> {
      return (await members.find({ guildId }).toArray()).map(memberRecord);
    },
    /** Few ids: `_id` lookups (pushed down by FerretDB); many: one scan of the guild's members. */
    async membersByUserIds(guildId: string, userIds: readonly string[]): Promise<MemberRecord[]> {
      const unique = [...new Set(userIds)];
      if (unique.length === 0) return [];
      if (unique.length <= 20) {
        const docs = await Promise.all(unique.map((userId) => members.findOne({ _id: memberKey(guildId, userId) })));
        return docs.flatMap((d) => (d ? [memberRecord(d)] : []));
      }
      return (await members.find({ guildId, userId: { $in: unique } }).toArray()).map(memberRecord);
    },
    /**
     * Once per database (several workers may run it at once: it only adds): a complete user_guilds list for every
     * user with memberships. Call before serving.
     */
    async backfillUserGuilds(): Promise<number> {
      const migrations = db.collection<{ _id: string; at: Date }>('migrations');
      if (await migrations.findOne({ _id: 'user_guilds' })) {
        backfilled = true;
        return 0;
      }
      const byUser = new Map<string, string[]>();
      for (const m of await members.find({}, { projection: { guildId: 1, userId: 1 } }).toArray()) {
        byUser.set(m.userId, [...(byUser.get(m.userId) ?? []), m.guildId]);
      }
      for (const [userId, guildIds] of byUser) await addUserGuilds(userId, guildIds, true);
      await migrations.insertOne({ _id: 'user_guilds', at: new Date() }).catch((err: unknown) => {
        if ((err as { code?: unknown }).code !== 11000) throw err;
      });
      backfilled = true;
      return byUser.size;
    },

    async membershipsOf(userId: string): Promise<MemberRecord[]> {
      const index = await userGuilds.findOne({ _id: userId });
      if (!index && backfilled) return [];
      if (!index?.complete) {
        // Never scanned (memberships may predate user_guilds): one scan merged in, then never again for this user.
        const found = (await members.find({ userId }).toArray()).map(memberRecord);
        await addUserGuilds(userId, found.map((m) => m.guildId), true);
        return found;
      }
      const docs = await Promise.all((index.guildIds ?? []).map((guildId) => members.findOne({ _id: memberKey(guildId, userId) })));
      return docs.flatMap((d) => (d ? [memberRecord(d)] : []));
    },
    countMembers: (guildId: string) => members.countDocuments({ guildId }),
    async updateMember(guildId: string, userId: string, set: { nick?: string | null; roleIds?: string[] }): Promise<MemberRecord | null> {
      const d = await members.findOneAndUpdate({ _id: memberKey(guildId, userId) }, { $set: set }, { returnDocument: 'after' });
      return d ? memberRecord(d) : null;
    },
    async addMemberRole(guildId: string, userId: string, roleId: string): Promise<MemberRecord | null> {
      const d = await members.findOneAndUpdate({ _id: memberKey(guildId, userId) }, { $addToSet: { roleIds: roleId } }, { returnDocument: 'after' });
      return d ? memberRecord(d) : null;
    },
    async removeMemberRole(guildId: string, userId: string, roleId: string): Promise<MemberRecord | null> {
      const d = await members.findOneAndUpdate({ _id: memberKey(guildId, userId) }, { $pull: { roleIds: roleId } }, { returnDocument: 'after' });
      return d ? memberRecord(d) : null;
    },
    async pullRoleFromAll(guildId: string, roleId: string): Promise<void> {
      await members.updateMany({ guildId, roleIds: roleId }, { $pull: { roleIds: roleId } });
    },
    /** True when a membership was removed. */
    async deleteMember(guildId: string, userId: string): Promise<boolean> {
      const deleted = (await members.deleteOne({ _id: memberKey(guildId, userId) })).deletedCount === 1;
      await userGuilds.updateOne({ _id: userId }, { $pull: { guildIds: guildId } });
      // A join that raced this leave may have written its member document before our pull.
      if (await members.findOne({ _id: memberKey(guildId, userId) })) await addUserGuilds(userId, [guildId]);
      return deleted;
    },
    async deleteAllMembers(guildId: string): Promise<void> {
      await members.deleteMany({ guildId });
      // Rare (guild deletion): a scan is fine here.
      await userGuilds.updateMany({ guildIds: guildId }, { $pull: { guildIds: guildId } });
    },

    async insertBan(b: BanRecord & { actorId: string }): Promise<void> {
      await bans.updateOne(
        { guildId: b.guildId, userId: b.userId },
        { $setOnInsert: { guildId: b.guildId, userId: b.userId, reason: b.reason, actorId: b.actorId, createdAt: b.createdAt } },
        { upsert: true },
      );
    },
    async findBan(guildId: string, userId: string): Promise<BanRecord | null> {
      const d = await bans.findOne({ guildId, userId });
      return d ? banRecord(d) : null;
    },
    async listBans(guildId: string): Promise<BanRecord[]> {
      return (await bans.find({ guildId }).sort({ createdAt: -1 }).limit(1000).toArray()).map(banRecord);
    },
    async deleteBan(guildId: string, userId: string): Promise<boolean> {
      return (await bans.deleteOne({ guildId, userId })).deletedCount === 1;
    },
    async deleteAllBans(guildId: string): Promise<void> {
      await bans.deleteMany({ guildId });
    },
  };
}
