import type { PermissionOverwrite } from '@shared/permissions/permissions';
import type { Db, ObjectId } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { oid } from '../../db/ids';
import { ensureCollectionIndexes } from '../../db/indexes';

export type GuildChannelKind = 'category' | 'text' | 'voice';
/** Private channels (DMs, issue 16) share the collection: `guildId` null, their members in private_channel_recipients. */
export type PrivateChannelKind = 'dm' | 'group_dm';
export type ChannelKind = GuildChannelKind | PrivateChannelKind;

interface ChannelDoc {
  _id: ObjectId;
  /** null: a private channel (DM or group DM), which belongs to no guild. */
  guildId: string | null;
  type: ChannelKind;
  /** A group DM without a name stores ''. */
  name: string;
  parentId: string | null;
  position: number;
  topic: string | null;
  bitrate: number | null;
  userLimit: number | null;
  overwrites: PermissionOverwrite[];
  createdAt: Date;
  /** Group DMs: who manages it (see private-channels/private-channel-rules.ts effectiveOwner). */
  ownerId?: string | null;
  /** 1:1 DMs: the two users, fixed for ever (a group's members are documents of their own). */
  recipientIds?: string[];
  /** Voice: a join-to-create channel (see src-shared/api/channels.ts). */
  joinToCreate?: boolean;
  /** A temporary voice channel: who it was made for, and the join-to-create channel that made it. */
  tempOwnerId?: string;
  tempLobbyId?: string;
}
/** What callers get: the stored document with a string id. */
export type ChannelRecord = Omit<ChannelDoc, '_id'> & { id: string };
const toRecord = (d: ChannelDoc): ChannelRecord => ({
  id: d._id.toHexString(),
  guildId: d.guildId,
  type: d.type,
  name: d.name,
  parentId: d.parentId,
  position: d.position,
  topic: d.topic,
  bitrate: d.bitrate,
  userLimit: d.userLimit,
  overwrites: d.overwrites,
  createdAt: d.createdAt,
  ...(d.ownerId !== undefined ? { ownerId: d.ownerId } : {}),
  ...(d.recipientIds !== undefined ? { recipientIds: d.recipientIds } : {}),
  ...(d.joinToCreate !== undefined ? { joinToCreate: d.joinToCreate } : {}),
  ...(d.tempOwnerId !== undefined ? { tempOwnerId: d.tempOwnerId } : {}),
  ...(d.tempLobbyId !== undefined ? { tempLobbyId: d.tempLobbyId } : {}),
});

/** A channel of a guild (not a DM): what guild-only code paths work with. */
export type GuildChannelRecord = ChannelRecord & { guildId: string; type: GuildChannelKind };
export const isGuildChannel = (c: ChannelRecord): c is GuildChannelRecord => c.guildId !== null;
export const isPrivateChannel = (c: ChannelRecord): c is ChannelRecord & { guildId: null; type: PrivateChannelKind } => c.guildId === null;

export type ChannelUpdate = Partial<
  Pick<ChannelRecord, 'name' | 'parentId' | 'position' | 'topic' | 'bitrate' | 'userLimit' | 'overwrites' | 'ownerId' | 'joinToCreate'>
>;
export type ChannelsRepo = ReturnType<typeof createChannelsRepo>;

export function createChannelsRepo(db: Db) {
  const channels = db.collection<ChannelDoc>('channels');
  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'channels', [{ key: { guildId: 1, position: 1 }, name: 'guild_position' }]);
    },

    async insert<C extends ChannelRecord>(c: C): Promise<C> {
      const { id, ...rest } = c;
      await channels.insertOne({ _id: oid(id), ...rest });
      return c;
    },
    /** Inserts unless a channel with this id exists already; true when this call inserted it. */
    async insertOnce(c: ChannelRecord): Promise<boolean> {
      const { id, ...rest } = c;
      try {
        await channels.insertOne({ _id: oid(id), ...rest });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async find(id: string): Promise<ChannelRecord | null> {
      const d = await channels.findOne({ _id: oid(id) });
      return d ? toRecord(d) : null;
    },
    /** A guild's channels (a guild id matches no private channel, whose `guildId` is null). */
    async listByGuild(guildId: string): Promise<GuildChannelRecord[]> {
      return (await channels.find({ guildId }).sort({ position: 1, _id: 1 }).toArray()).map(toRecord) as GuildChannelRecord[];
    },
    async listByGuilds(guildIds: readonly string[]): Promise<GuildChannelRecord[]> {
      if (guildIds.length === 0) return [];
      return (
        await channels
          .find({ guildId: { $in: [...guildIds] } })
          .sort({ position: 1, _id: 1 })
          .toArray()
      ).map(toRecord) as GuildChannelRecord[];
    },
    async maxPosition(guildId: string): Promise<number> {
      const d = await channels.find({ guildId }).sort({ position: -1 }).limit(1).toArray();
      return d[0]?.position ?? -1;
    },
    async update(id: string, set: ChannelUpdate): Promise<ChannelRecord | null> {
      const d = await channels.findOneAndUpdate({ _id: oid(id) }, { $set: set }, { returnDocument: 'after' });
      return d ? toRecord(d) : null;
    },
    async bulkUpdate(guildId: string, updates: { id: string; set: ChannelUpdate }[]): Promise<void> {
      if (updates.length === 0) return;
      await channels.bulkWrite(
        updates.map((u) => ({ updateOne: { filter: { _id: oid(u.id), guildId }, update: { $set: u.set } } })),
        { ordered: false },
      );
    },
    /** Children of a deleted category move to the top level rather than disappearing. */
    async detachChildren(guildId: string, parentId: string): Promise<void> {
      await channels.updateMany({ guildId, parentId }, { $set: { parentId: null } });
    },
    async pullOverwrites(guildId: string, targetId: string): Promise<void> {
      await channels.updateMany({ guildId, 'overwrites.id': targetId }, { $pull: { overwrites: { id: targetId } } });
    },
    async delete(id: string): Promise<boolean> {
      return (await channels.deleteOne({ _id: oid(id) })).deletedCount === 1;
    },
    async deleteAll(guildId: string): Promise<void> {
      await channels.deleteMany({ guildId });
    },
  };
}
