import type { Db } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';
import { seatOrder } from './private-channel-rules';

/**
 * The membership of private channels (the channels themselves are documents of `channels` with `guildId: null`).
 * Every write is an insert that claims a unique `_id` or a delete, never an update, so the rules hold under concurrency
 * on MongoDB 7 and FerretDB alike (whose $push/$addToSet/compare-and-set are not atomic):
 * - `private_channel_recipients` `<channelId>:<userId>`: the channel is in that user's list. For a group DM that is its
 *   membership; for a 1:1 DM (whose two users are fixed on the channel) it is only whether the user has it open:
 *   closing deletes it, the next message inserts it again.
 * - `private_channel_seats` `<channelId>#<seat>` (seats 0..9): a group's members each hold one, so concurrent adds never
 *   make more than ten.
 * - `private_channel_keys` `dm:<smaller id>:<larger id>`: the 1:1 DM of two users, claimed once by whoever opens it first.
 */
interface RecipientDoc {
  _id: string;
  channelId: string;
  userId: string;
  joinedAt: Date;
}
interface SeatDoc {
  _id: string;
  channelId: string;
  seat: number;
  userId: string;
}
interface KeyDoc {
  _id: string;
  channelId: string;
}

export interface RecipientRecord {
  channelId: string;
  userId: string;
  joinedAt: Date;
}

export type PrivateChannelsRepo = ReturnType<typeof createPrivateChannelsRepo>;

const recipientId = (channelId: string, userId: string) => `${channelId}:${userId}`;
const seatId = (channelId: string, seat: number) => `${channelId}#${seat}`;
const plain = (d: RecipientDoc): RecipientRecord => ({ channelId: d.channelId, userId: d.userId, joinedAt: d.joinedAt });

export function createPrivateChannelsRepo(db: Db) {
  const recipients = db.collection<RecipientDoc>('private_channel_recipients');
  const seats = db.collection<SeatDoc>('private_channel_seats');
  const keys = db.collection<KeyDoc>('private_channel_keys');

  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'private_channel_recipients', [
        { key: { userId: 1 }, name: 'user' },
        { key: { channelId: 1 }, name: 'channel' },
      ]);
      await ensureCollectionIndexes(db, 'private_channel_seats', [{ key: { channelId: 1 }, name: 'channel' }]);
    },

    /** Claims the pair's key for `channelId`; when another open won, the channel it claimed. */
    async claimPair(key: string, channelId: string): Promise<string> {
      try {
        await keys.insertOne({ _id: key, channelId });
        return channelId;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const winner = await keys.findOne({ _id: key });
        if (!winner) throw err;
        return winner.channelId;
      }
    },
    async findPair(key: string): Promise<string | null> {
      return (await keys.findOne({ _id: key }))?.channelId ?? null;
    },

    /** True when this call put the channel in the user's list (false: it already was). */
    async addRecipient(channelId: string, userId: string, joinedAt: Date): Promise<boolean> {
      try {
        await recipients.insertOne({ _id: recipientId(channelId, userId), channelId, userId, joinedAt });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async removeRecipient(channelId: string, userId: string): Promise<boolean> {
      return (await recipients.deleteOne({ _id: recipientId(channelId, userId) })).deletedCount === 1;
    },
    async isRecipient(channelId: string, userId: string): Promise<boolean> {
      return (await recipients.countDocuments({ _id: recipientId(channelId, userId) }, { limit: 1 })) > 0;
    },
    /** Oldest member first. */
    async recipientsOf(channelId: string): Promise<RecipientRecord[]> {
      return (await recipients.find({ channelId }).sort({ joinedAt: 1, _id: 1 }).toArray()).map(plain);
    },
    async recipientsOfMany(channelIds: readonly string[]): Promise<RecipientRecord[]> {
      if (channelIds.length === 0) return [];
      return (
        await recipients
          .find({ channelId: { $in: [...channelIds] } })
          .sort({ joinedAt: 1, _id: 1 })
          .toArray()
      ).map(plain);
    },
    /** The channels in a user's list. */
    async channelIdsOf(userId: string): Promise<string[]> {
      return (await recipients.find({ userId }).toArray()).map((d) => d.channelId);
    },

    /** The seats of a brand-new group (nobody else can claim them yet). */
    async seatAll(channelId: string, userIds: readonly string[]): Promise<void> {
      await seats.insertMany(userIds.map((userId, seat) => ({ _id: seatId(channelId, seat), channelId, seat, userId })));
    },
    /** Claims a free seat for the user: its number, or null when all `max` are taken. */
    async claimSeat(channelId: string, userId: string, max: number): Promise<number | null> {
      const taken = (await seats.find({ channelId }).toArray()).map((d) => d.seat);
      for (const seat of seatOrder(taken, max)) {
        try {
          await seats.insertOne({ _id: seatId(channelId, seat), channelId, seat, userId });
          return seat;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
      return null;
    },
    async releaseSeat(channelId: string, seat: number): Promise<void> {
      await seats.deleteOne({ _id: seatId(channelId, seat) });
    },
    /** Frees every seat the user holds in the channel (after they left or were removed). */
    async releaseSeatsOf(channelId: string, userId: string): Promise<void> {
      await seats.deleteMany({ channelId, userId });
    },
  };
}
