import type { Db } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';
import { createKeyLock, type KeyLock } from '../../db/key-lock';

/**
 * Temporary voice channels (made by a join-to-create channel) and the joins under way into them.
 *
 * - `temp_voice_channels`: one document per temporary channel, `_id` = its channel id, unique on `{ lobbyId, ownerId }`
 *   so that one member's racing joins of a lobby make one channel, never two (claim by unique insert, atomic on MongoDB
 *   7 and FerretDB 1.24 alike). The document exists from before the channel is created until the channel is deleted.
 * - `temp_voice_holds`: `_id` = `<channelId>:<userId>`, a join that got a token and has not connected yet. Deleting a
 *   channel is refused while an unexpired hold exists, so a token is never handed out for a channel about to vanish.
 * - a key lock per channel id, taken by holds and by the deletion check, so the two cannot interleave.
 */
export interface TempVoiceChannel {
  id: string;
  guildId: string;
  lobbyId: string;
  ownerId: string;
  createdAt: Date;
}

export interface TempVoiceHold {
  channelId: string;
  userId: string;
  holdUntil: Date;
}

export interface TempVoiceRepo {
  ensureIndexes(): Promise<void>;
  /** The lock both a hold and a deletion take on a channel id. */
  readonly lock: KeyLock;
  findByOwner(lobbyId: string, ownerId: string): Promise<TempVoiceChannel | null>;
  find(channelId: string): Promise<TempVoiceChannel | null>;
  list(): Promise<TempVoiceChannel[]>;
  /** True when this call claimed `{ lobbyId, ownerId }`; false when that member already has a channel of this lobby. */
  claim(channel: TempVoiceChannel): Promise<boolean>;
  /** Forgets the channel; true when this call removed it. */
  remove(channelId: string): Promise<boolean>;
  setHold(hold: TempVoiceHold): Promise<void>;
  dropHold(channelId: string, userId: string): Promise<void>;
  listHolds(channelId: string): Promise<TempVoiceHold[]>;
  dropHolds(channelId: string): Promise<void>;
  /** Drops every hold of a user (they left voice: not coming); returns the channels they were held in. */
  dropHoldsOf(userId: string): Promise<string[]>;
}

interface ChannelDoc extends Omit<TempVoiceChannel, 'id'> {
  _id: string;
}
interface HoldDoc extends TempVoiceHold {
  _id: string;
}

const holdId = (channelId: string, userId: string) => `${channelId}:${userId}`;

export function createTempVoiceRepo(db: Db): TempVoiceRepo {
  const channels = db.collection<ChannelDoc>('temp_voice_channels');
  const holds = db.collection<HoldDoc>('temp_voice_holds');
  const toChannel = ({ _id, ...rest }: ChannelDoc): TempVoiceChannel => ({ id: _id, ...rest });
  return {
    lock: createKeyLock(db, 'temp_voice_locks'),
    async ensureIndexes() {
      await ensureCollectionIndexes(db, 'temp_voice_channels', [
        { key: { lobbyId: 1, ownerId: 1 }, unique: true, name: 'lobby_owner_unique' },
      ]);
      await ensureCollectionIndexes(db, 'temp_voice_holds', [
        { key: { channelId: 1 }, name: 'channel' },
        { key: { userId: 1 }, name: 'user' },
      ]);
    },
    async findByOwner(lobbyId, ownerId) {
      const doc = await channels.findOne({ lobbyId, ownerId });
      return doc ? toChannel(doc) : null;
    },
    async find(channelId) {
      const doc = await channels.findOne({ _id: channelId });
      return doc ? toChannel(doc) : null;
    },
    async list() {
      return (await channels.find({}).toArray()).map(toChannel);
    },
    async claim(channel) {
      const { id, ...rest } = channel;
      try {
        await channels.insertOne({ _id: id, ...rest });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async remove(channelId) {
      return (await channels.deleteOne({ _id: channelId })).deletedCount === 1;
    },
    async setHold(hold) {
      // Only ever written under the channel's lock, so a plain upsert of one document cannot race itself.
      await holds.updateOne({ _id: holdId(hold.channelId, hold.userId) }, { $set: hold }, { upsert: true });
    },
    async dropHold(channelId, userId) {
      await holds.deleteOne({ _id: holdId(channelId, userId) });
    },
    async listHolds(channelId) {
      return (await holds.find({ channelId }).toArray()).map(({ channelId: c, userId, holdUntil }) => ({
        channelId: c,
        userId,
        holdUntil,
      }));
    },
    async dropHolds(channelId) {
      await holds.deleteMany({ channelId });
    },
    async dropHoldsOf(userId) {
      const mine = await holds.find({ userId }).toArray();
      for (const h of mine) await holds.deleteOne({ _id: h._id });
      return mine.map((h) => h.channelId);
    },
  };
}
