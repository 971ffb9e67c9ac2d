import type { PublicUser } from '@shared/api/users';
import type { Db, Filter, ObjectId } from 'mongodb';
import { oid } from '../../db/ids';

interface MessageDoc {
  _id: ObjectId;
  channelId: string;
  guildId: string;
  authorId: string;
  content: string;
  /** The client's nonce, or the message id when none was given (the unique index needs a value). */
  nonce: string;
  clientNonce: boolean;
  /** Snapshot of mentioned members at send/edit time, so history needs no join. */
  mentions: PublicUser[];
  createdAt: Date;
  editedAt: Date | null;
}
export interface MessageRecord {
  id: string;
  channelId: string;
  guildId: string;
  authorId: string;
  content: string;
  nonce: string | null;
  mentions: PublicUser[];
  createdAt: Date;
  editedAt: Date | null;
}
const toRecord = (d: MessageDoc): MessageRecord => ({
  id: d._id.toHexString(),
  channelId: d.channelId,
  guildId: d.guildId,
  authorId: d.authorId,
  content: d.content,
  nonce: d.clientNonce ? d.nonce : null,
  mentions: d.mentions,
  createdAt: d.createdAt,
  editedAt: d.editedAt,
});

export type MessagesRepo = ReturnType<typeof createMessagesRepo>;

export function createMessagesRepo(db: Db) {
  const messages = db.collection<MessageDoc>('messages');
  const page = async (filter: Filter<MessageDoc>, dir: 1 | -1, limit: number) =>
    (await messages.find(filter).sort({ channelId: 1, _id: dir }).limit(limit).toArray()).map(toRecord);
  return {
    /** Throws a duplicate-key error when (channel, author, nonce) exists: the caller returns the existing message. */
    async insert(m: MessageRecord): Promise<MessageRecord> {
      await messages.insertOne({
        _id: oid(m.id),
        channelId: m.channelId,
        guildId: m.guildId,
        authorId: m.authorId,
        content: m.content,
        nonce: m.nonce ?? m.id,
        clientNonce: m.nonce !== null,
        mentions: m.mentions,
        createdAt: m.createdAt,
        editedAt: m.editedAt,
      });
      return m;
    },
    async findByNonce(channelId: string, authorId: string, nonce: string): Promise<MessageRecord | null> {
      const d = await messages.findOne({ channelId, authorId, nonce });
      return d ? toRecord(d) : null;
    },
    async find(channelId: string, id: string): Promise<MessageRecord | null> {
      const d = await messages.findOne({ _id: oid(id), channelId });
      return d ? toRecord(d) : null;
    },
    /** Newest first, served by the {channelId, _id} index. */
    async history(channelId: string, q: { before?: string; after?: string; around?: string; limit: number }): Promise<MessageRecord[]> {
      if (q.after) {
        const asc = await page({ channelId, _id: { $gt: oid(q.after) } }, 1, q.limit);
        return asc.reverse();
      }
      if (q.around) {
        const olderCount = Math.ceil(q.limit / 2);
        const [newer, older] = await Promise.all([
          page({ channelId, _id: { $gt: oid(q.around) } }, 1, q.limit - olderCount),
          page({ channelId, _id: { $lte: oid(q.around) } }, -1, olderCount),
        ]);
        return [...newer.reverse(), ...older];
      }
      const filter: Filter<MessageDoc> = q.before ? { channelId, _id: { $lt: oid(q.before) } } : { channelId };
      return page(filter, -1, q.limit);
    },
    async updateContent(channelId: string, id: string, content: string, mentions: PublicUser[], editedAt: Date): Promise<MessageRecord | null> {
      const d = await messages.findOneAndUpdate({ _id: oid(id), channelId }, { $set: { content, mentions, editedAt } }, { returnDocument: 'after' });
      return d ? toRecord(d) : null;
    },
    async delete(channelId: string, id: string): Promise<boolean> {
      return (await messages.deleteOne({ _id: oid(id), channelId })).deletedCount === 1;
    },
    async deleteByChannel(channelId: string): Promise<void> {
      await messages.deleteMany({ channelId });
    },
    async deleteByGuild(guildId: string): Promise<void> {
      await messages.deleteMany({ guildId });
    },
  };
}
