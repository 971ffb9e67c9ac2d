import type { Db, ObjectId } from 'mongodb';
import { oid } from '../../db/ids';
import { ensureCollectionIndexes } from '../../db/indexes';
import { isDuplicateKey } from '../../db/errors';

interface GuildDoc {
  _id: ObjectId;
  name: string;
  ownerId: string;
  /** Content hash of the icon in `images` (absent on guilds from before icons: none). */
  icon?: string | null;
  createdAt: Date;
  /** Absent on guilds stored before system channels existed: none. */
  systemChannelId?: string | null;
}
export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  icon: string | null;
  createdAt: Date;
  systemChannelId: string | null;
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

const guildRecord = (d: GuildDoc): GuildRecord => ({
  id: d._id.toHexString(),
  name: d.name,
  ownerId: d.ownerId,
  icon: d.icon ?? null,
  createdAt: d.createdAt,
  systemChannelId: d.systemChannelId ?? null,
});
const memberRecord = (d: MemberDoc): MemberRecord => ({
  guildId: d.guildId,
  userId: d.userId,
  roleIds: d.roleIds,
  nick: d.nick,
  joinedAt: d.joinedAt,
});
const banRecord = (d: BanDoc): BanRecord => ({ guildId: d.guildId, userId: d.userId, reason: d.reason, createdAt: d.createdAt });

export type GuildsRepo = ReturnType<typeof createGuildsRepo>;

export function createGuildsRepo(db: Db) {
  const guilds = db.collection<GuildDoc>('guilds');
  const members = db.collection<MemberDoc>('members');
  const memberKey = (guildId: string, userId: string) => `${guildId}:${userId}`;
  const bans = db.collection<BanDoc>('bans');

  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'guilds', [{ key: { ownerId: 1 }, name: 'owner' }]);
      // One membership per (guild, user) also holds under concurrent joins: the unique index lets one insert through.
      await ensureCollectionIndexes(db, 'members', [
        { key: { guildId: 1, userId: 1 }, unique: true, name: 'guild_user_unique' },
        { key: { userId: 1 }, name: 'user' },
      ]);
      await ensureCollectionIndexes(db, 'bans', [{ key: { guildId: 1, userId: 1 }, unique: true, name: 'guild_user_unique' }]);
    },

    async insertGuild(g: GuildRecord): Promise<GuildRecord> {
      await guilds.insertOne({
        _id: oid(g.id),
        name: g.name,
        ownerId: g.ownerId,
        icon: g.icon,
        createdAt: g.createdAt,
        systemChannelId: g.systemChannelId,
      });
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
    async updateGuild(
      id: string,
      set: { name?: string; ownerId?: string; icon?: string | null; systemChannelId?: string | null },
    ): Promise<GuildRecord | null> {
      const d = await guilds.findOneAndUpdate({ _id: oid(id) }, { $set: set }, { returnDocument: 'after' });
      return d ? guildRecord(d) : null;
    },
    /** Clears the system channel only where it is still this channel (a concurrent change to another one stands). */
    async clearSystemChannel(id: string, channelId: string): Promise<GuildRecord | null> {
      const d = await guilds.findOneAndUpdate(
        { _id: oid(id), systemChannelId: channelId },
        { $set: { systemChannelId: null } },
        { returnDocument: 'after' },
      );
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

    /** false when the user is a member already (the unique (guild, user) key decides, also for concurrent joins). */
    async insertMember(m: MemberRecord): Promise<boolean> {
      try {
        await members.insertOne({ _id: memberKey(m.guildId, m.userId), ...m });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
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
    /** A user's memberships (index `user`). */
    async membershipsOf(userId: string): Promise<MemberRecord[]> {
      return (await members.find({ userId }).toArray()).map(memberRecord);
    },
    countMembers: (guildId: string) => members.countDocuments({ guildId }),
    async updateMember(guildId: string, userId: string, set: { nick?: string | null; roleIds?: string[] }): Promise<MemberRecord | null> {
      const d = await members.findOneAndUpdate({ _id: memberKey(guildId, userId) }, { $set: set }, { returnDocument: 'after' });
      return d ? memberRecord(d) : null;
    },
    async addMemberRole(guildId: string, userId: string, roleId: string): Promise<MemberRecord | null> {
      const d = await members.findOneAndUpdate(
        { _id: memberKey(guildId, userId) },
        { $addToSet: { roleIds: roleId } },
        { returnDocument: 'after' },
      );
      return d ? memberRecord(d) : null;
    },
    async removeMemberRole(guildId: string, userId: string, roleId: string): Promise<MemberRecord | null> {
      const d = await members.findOneAndUpdate(
        { _id: memberKey(guildId, userId) },
        { $pull: { roleIds: roleId } },
        { returnDocument: 'after' },
      );
      return d ? memberRecord(d) : null;
    },
    async pullRoleFromAll(guildId: string, roleId: string): Promise<void> {
      await members.updateMany({ guildId, roleIds: roleId }, { $pull: { roleIds: roleId } });
    },
    /** True when a membership was removed. */
    async deleteMember(guildId: string, userId: string): Promise<boolean> {
      return (await members.deleteOne({ _id: memberKey(guildId, userId) })).deletedCount === 1;
    },
    async deleteAllMembers(guildId: string): Promise<void> {
      await members.deleteMany({ guildId });
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
