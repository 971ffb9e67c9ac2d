import type { Db } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';

/**
 * `read_states`: one document per user per channel, `_id` `<userId>:<channelId>`, holding the id of the last message
 * the user has read there (Discord's read state). Messages with a greater id are unread.
 *
 * An ack only moves the marker forward: the update's filter is `lastReadId < id`, with upsert. When the document
 * already holds that id or a newer one, the filter does not match, the upsert tries to insert the same `_id` and gets a
 * duplicate key: nothing changes. Two first acks of a channel race the same way: one inserts, the other gets the
 * duplicate key, reads the stored marker and, when it is still older, updates it (now the document exists).
 *
 * On MongoDB 7 the filtered update is atomic per document, so concurrent acks end at the highest id whatever their
 * order. On the FerretDB stand-in a filtered update is a read then a write, so two concurrent acks can both pass the
 * filter and the older id can land last. Each forward ack therefore reads the marker back after writing and writes
 * again while it is older than its own id (a few rounds): the marker can only stay behind when the stale write lands
 * after the newer ack's read-back, within the same few milliseconds; the effect is bounded to one channel showing
 * messages between the two ids as unread until the next ack, never a marker lost or moved behind both.
 *
 * "Mark unread" (manual) sets the marker, backwards too: the user asked for exactly that value.
 */
interface ReadStateDoc {
  _id: string;
  userId: string;
  channelId: string;
  guildId: string;
  lastReadId: string;
  updatedAt: Date;
}

export interface ReadStateRecord {
  userId: string;
  channelId: string;
  guildId: string;
  lastReadId: string;
}

export type ReadStatesRepo = ReturnType<typeof createReadStatesRepo>;

const key = (userId: string, channelId: string) => `${userId}:${channelId}`;
const toRecord = (d: ReadStateDoc): ReadStateRecord => ({
  userId: d.userId,
  channelId: d.channelId,
  guildId: d.guildId,
  lastReadId: d.lastReadId,
});

/** Rounds of write + read-back of a forward ack (see the file comment). */
const FORWARD_ROUNDS = 4;

export function createReadStatesRepo(db: Db) {
  const states = db.collection<ReadStateDoc>('read_states');

  const stored = async (userId: string, channelId: string) => (await states.findOne({ _id: key(userId, channelId) }))?.lastReadId ?? null;

  return {
    async ensureIndexes(): Promise<void> {
      // READY reads one user's markers of one guild.
      await ensureCollectionIndexes(db, 'read_states', [{ key: { userId: 1, guildId: 1 }, name: 'user_guild' }]);
    },

    /**
     * Moves the marker forward to `id` (never back). Returns the stored marker afterwards and whether it was older
     * than `id` before (this call moved it).
     */
    async ackForward(s: {
      userId: string;
      channelId: string;
      guildId: string;
      id: string;
      now: Date;
    }): Promise<{ lastReadId: string; moved: boolean }> {
      const _id = key(s.userId, s.channelId);
      let moved = false;
      for (let round = 0; round < FORWARD_ROUNDS; round++) {
        try {
          const r = await states.updateOne(
            { _id, lastReadId: { $lt: s.id } },
            {
              $set: { lastReadId: s.id, guildId: s.guildId, updatedAt: s.now },
              $setOnInsert: { userId: s.userId, channelId: s.channelId },
            },
            { upsert: true },
          );
          if (r.modifiedCount > 0 || r.upsertedCount > 0) moved = true;
        } catch (err) {
          // The document holds this id or a newer one (the filter missed, the upsert met the _id), or a concurrent
          // first ack inserted it just now: the read below tells which.
          if (!isDuplicateKey(err)) throw err;
        }
        const now = await stored(s.userId, s.channelId);
        if (now !== null && now >= s.id) return { lastReadId: now, moved };
      }
      return { lastReadId: (await stored(s.userId, s.channelId)) ?? s.id, moved };
    },

    /** Sets the marker to `id`, backwards too ("mark unread"). */
    async set(s: { userId: string; channelId: string; guildId: string; id: string; now: Date }): Promise<void> {
      const write = () =>
        states.updateOne(
          { _id: key(s.userId, s.channelId) },
          { $set: { lastReadId: s.id, guildId: s.guildId, updatedAt: s.now }, $setOnInsert: { userId: s.userId, channelId: s.channelId } },
          { upsert: true },
        );
      try {
        await write();
      } catch (err) {
        // Two first writes of this marker: the other inserted it; ours is now a plain update.
        if (!isDuplicateKey(err)) throw err;
        await write();
      }
    },

    find: stored,

    /** The user's markers in one guild. */
    async listByUserGuild(userId: string, guildId: string): Promise<ReadStateRecord[]> {
      return (await states.find({ userId, guildId }).toArray()).map(toRecord);
    },
  };
}
