import type { Db } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';

/**
 * Pins: one document per pinned message in `channel_pins`, `_id` `<channelId>:<messageId>` (pinning twice is a
 * duplicate key, unpinning a delete). A history page learns which of its messages are pinned with one `_id` query;
 * the pins list is `{ channelId: 1, pinnedAt: -1 }`. messages.repo.ts deletes a message's pin with it.
 */
export const PINS_COLLECTION = 'channel_pins';

export interface PinDoc {
  _id: string;
  channelId: string;
  /** null: a private channel (DM). */
  guildId: string | null;
  messageId: string;
  pinnedBy: string;
  pinnedAt: Date;
}

const pinKey = (channelId: string, messageId: string) => `${channelId}:${messageId}`;

export type PinsRepo = ReturnType<typeof createPinsRepo>;

export function createPinsRepo(db: Db) {
  const pins = db.collection<PinDoc>(PINS_COLLECTION);
  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, PINS_COLLECTION, [
        { key: { channelId: 1, pinnedAt: -1 }, name: 'channel_pinned' },
        { key: { guildId: 1 }, name: 'guild' },
      ]);
    },

    /** True when this call pinned it (false: it was pinned already). */
    async pin(p: Omit<PinDoc, '_id'>): Promise<boolean> {
      try {
        await pins.insertOne({ _id: pinKey(p.channelId, p.messageId), ...p });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },

    async unpin(channelId: string, messageId: string): Promise<boolean> {
      return (await pins.deleteOne({ _id: pinKey(channelId, messageId) })).deletedCount === 1;
    },

    async count(channelId: string): Promise<number> {
      return pins.countDocuments({ channelId });
    },

    /** Newest pin first. */
    async list(channelId: string, limit: number): Promise<PinDoc[]> {
      return pins.find({ channelId }).sort({ pinnedAt: -1 }).limit(limit).toArray();
    },

    /** Which of these messages of the channel are pinned. */
    async pinnedAmong(channelId: string, messageIds: readonly string[]): Promise<Set<string>> {
      if (messageIds.length === 0) return new Set();
      const docs = await pins
        .find({ _id: { $in: messageIds.map((id) => pinKey(channelId, id)) } }, { projection: { messageId: 1 } })
        .toArray();
      return new Set(docs.map((d) => d.messageId));
    },
  };
}
