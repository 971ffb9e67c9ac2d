import { ObjectId, type Db } from 'mongodb';
import { ensureCollectionIndexes } from '../../db/indexes';

/**
 * Edit history for moderators: one document per edit in `message_edits`, holding the content the edit replaced and
 * when. Only inserts (never updated), read by `{ messageId: 1 }`; messages.repo.ts deletes them with their message.
 */
export const EDITS_COLLECTION = 'message_edits';

export interface EditDoc {
  _id: ObjectId;
  messageId: string;
  channelId: string;
  /** null: a private channel (DM). */
  guildId: string | null;
  /** The content before this edit. */
  content: string;
  /** When this edit replaced it. */
  replacedAt: Date;
}

export type EditsRepo = ReturnType<typeof createEditsRepo>;

export function createEditsRepo(db: Db) {
  const edits = db.collection<EditDoc>(EDITS_COLLECTION);
  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, EDITS_COLLECTION, [
        { key: { messageId: 1 }, name: 'message' },
        { key: { channelId: 1 }, name: 'channel' },
        { key: { guildId: 1 }, name: 'guild' },
      ]);
    },

    async record(e: Omit<EditDoc, '_id'>): Promise<void> {
      await edits.insertOne({ _id: new ObjectId(), ...e });
    },

    /** Newest edit first, at most `limit`. */
    async list(messageId: string, limit: number): Promise<{ content: string; replacedAt: Date }[]> {
      const docs = await edits.find({ messageId }).sort({ replacedAt: -1, _id: -1 }).limit(limit).toArray();
      return docs.map((d) => ({ content: d.content, replacedAt: d.replacedAt }));
    },
  };
}
