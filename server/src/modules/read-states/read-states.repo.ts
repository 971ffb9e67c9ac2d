import type { Db } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';

/**
 * `read_states`: a user's read marker per channel (Discord's read state): messages with a greater id are unread.
 *
 * A marker is claimed by inserting, never updated in place: an ack inserts `_id` `<userId>:<channelId>:<messageId>`
 * (a duplicate key means that exact ack is already stored) and then deletes the same channel's older marks. The
 * marker is the highest id stored. Concurrent acks therefore end at the highest id on both engines, whatever their
 * order: inserts are atomic and unique, and a clean-up only ever removes ids below its own, never the highest. (A
 * filtered `$lt` upsert is atomic on MongoDB 7 but a read-then-write on the FerretDB stand-in, where an older ack
 * could land last.) An interleaving can leave an older mark beside a newer one for a moment; reads take the highest,
 * and the next ack removes it.
 *
 * "Mark unread" (manual) deletes the marks above the chosen id and inserts it: the user asked for exactly that value.
 */
interface ReadMarkDoc {
  _id: string;
  userId: string;
  channelId: string;
  /** null: a private channel (DM). */
  guildId: string | null;
  lastReadId: string;
  updatedAt: Date;
}

export interface ReadStateRecord {
  userId: string;
  channelId: string;
  /** null: a private channel (DM). */
  guildId: string | null;
  lastReadId: string;
}

export type ReadStatesRepo = ReturnType<typeof createReadStatesRepo>;

interface Mark {
  userId: string;
  channelId: string;
  /** null: a private channel (DM). */
  guildId: string | null;
  id: string;
  now: Date;
}

export function createReadStatesRepo(db: Db) {
  const marks = db.collection<ReadMarkDoc>('read_states');

  const stored = async (userId: string, channelId: string): Promise<string | null> =>
    (await marks.findOne({ userId, channelId }, { sort: { lastReadId: -1 }, projection: { lastReadId: 1 } }))?.lastReadId ?? null;

  const claim = async (s: Mark): Promise<boolean> => {
    try {
      await marks.insertOne({
        _id: `${s.userId}:${s.channelId}:${s.id}`,
        userId: s.userId,
        channelId: s.channelId,
        guildId: s.guildId,
        lastReadId: s.id,
        updatedAt: s.now,
      });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  };

  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'read_states', [
        // The marker of one channel: the highest mark.
        { key: { userId: 1, channelId: 1, lastReadId: -1 }, name: 'user_channel_mark' },
        // READY reads one user's markers of one guild.
        { key: { userId: 1, guildId: 1 }, name: 'user_guild' },
      ]);
    },

    /**
     * Moves the marker forward to `id` (never back). Returns the marker afterwards and whether it was older than `id`
     * before (this call moved it).
     */
    async ackForward(s: Mark): Promise<{ lastReadId: string; moved: boolean }> {
      const before = await stored(s.userId, s.channelId);
      if (before !== null && before >= s.id) return { lastReadId: before, moved: false };
      await claim(s);
      await marks.deleteMany({ userId: s.userId, channelId: s.channelId, lastReadId: { $lt: s.id } });
      return { lastReadId: (await stored(s.userId, s.channelId)) ?? s.id, moved: true };
    },

    /** Sets the marker to `id`, backwards too ("mark unread"). */
    async set(s: Mark): Promise<void> {
      await marks.deleteMany({ userId: s.userId, channelId: s.channelId, lastReadId: { $gt: s.id } });
      await claim(s);
      await marks.deleteMany({ userId: s.userId, channelId: s.channelId, lastReadId: { $lt: s.id } });
    },

    find: stored,

    /** The user's markers in one guild (the highest mark of each channel). */
    /** `guildId` null: the marks of the user's private channels. */
    async listByUserGuild(userId: string, guildId: string | null): Promise<ReadStateRecord[]> {
      const highest = new Map<string, ReadMarkDoc>();
      for (const d of await marks.find({ userId, guildId }).toArray()) {
        const seen = highest.get(d.channelId);
        if (!seen || d.lastReadId > seen.lastReadId) highest.set(d.channelId, d);
      }
      return [...highest.values()].map((d) => ({ userId: d.userId, channelId: d.channelId, guildId: d.guildId, lastReadId: d.lastReadId }));
    },
  };
}
