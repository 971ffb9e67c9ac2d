import type { PermissionOverwrite } from '@shared/permissions/permissions';
import type { Db, ObjectId } from 'mongodb';
import { oid } from '../../db/ids';
import { ensureCollectionIndexes } from '../../db/indexes';

export type ChannelKind = 'category' | 'text' | 'voice';

interface ChannelDoc {
  _id: ObjectId;
  guildId: string;
  type: ChannelKind;
  name: string;
  parentId: string | null;
  position: number;
  topic: string | null;
  bitrate: number | null;
  userLimit: number | null;
  overwrites: PermissionOverwrite[];
  createdAt: Date;
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
});

export type ChannelUpdate = Partial<
  Pick<ChannelRecord, 'name' | 'parentId' | 'position' | 'topic' | 'bitrate' | 'userLimit' | 'overwrites'>
>;
export type ChannelsRepo = ReturnType<typeof createChannelsRepo>;

export function createChannelsRepo(db: Db) {
  const channels = db.collection<ChannelDoc>('channels');
  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'channels', [{ key: { guildId: 1, position: 1 }, name: 'guild_position' }]);
    },

    async insert(c: ChannelRecord): Promise<ChannelRecord> {
      const { id, ...rest } = c;
      await channels.insertOne({ _id: oid(id), ...rest });
      return c;
    },
    async find(id: string): Promise<ChannelRecord | null> {
      const d = await channels.findOne({ _id: oid(id) });
      return d ? toRecord(d) : null;
    },
    async listByGuild(guildId: string): Promise<ChannelRecord[]> {
      return (await channels.find({ guildId }).sort({ position: 1, _id: 1 }).toArray()).map(toRecord);
    },
    async listByGuilds(guildIds: readonly string[]): Promise<ChannelRecord[]> {
      if (guildIds.length === 0) return [];
      return (
        await channels
          .find({ guildId: { $in: [...guildIds] } })
          .sort({ position: 1, _id: 1 })
          .toArray()
      ).map(toRecord);
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
