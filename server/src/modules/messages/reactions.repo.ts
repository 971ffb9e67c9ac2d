import { compareEmoji, type MessageReaction } from '@shared/api/reactions';
import type { Db } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';

/**
 * Reactions: one document per (message, emoji, user) in `message_reactions`, `_id` `<messageId>:<emoji>:<userId>`.
 *
 * - Adding is an insert of that `_id`: however many times one user reacts at once, exactly one document exists, and
 *   concurrent reactions of many users never lose one (no counter is incremented, so nothing relies on FerretDB's
 *   non-atomic `$inc`). Counts are computed when read. Removing is a delete of that `_id`.
 * - `{ messageId: 1 }` serves a history page's counts (one aggregation over the page's ids) and the per-message
 *   distinct-emoji cap; who reacted with one emoji is an `_id` prefix range, already ordered by user id.
 * - `{ channelId: 1 }` and `{ guildId: 1 }` serve deleting a channel's or a guild's reactions with its messages
 *   (messages.repo.ts deletes a message's reactions with it).
 */
export const REACTIONS_COLLECTION = 'message_reactions';

export interface ReactionDoc {
  _id: string;
  messageId: string;
  channelId: string;
  /** null: a private channel (DM). */
  guildId: string | null;
  emoji: string;
  userId: string;
  createdAt: Date;
}

const reactionKey = (messageId: string, emoji: string, userId: string) => `${messageId}:${emoji}:${userId}`;
/** Every `_id` of one (message, emoji) sorts after this prefix and before `prefix + '~'` (user ids are hex). */
const emojiPrefix = (messageId: string, emoji: string) => `${messageId}:${emoji}:`;

export type ReactionsRepo = ReturnType<typeof createReactionsRepo>;

export function createReactionsRepo(db: Db) {
  const reactions = db.collection<ReactionDoc>(REACTIONS_COLLECTION);
  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, REACTIONS_COLLECTION, [
        { key: { messageId: 1 }, name: 'message' },
        { key: { channelId: 1 }, name: 'channel' },
        { key: { guildId: 1 }, name: 'guild' },
      ]);
    },

    /** True when this call stored the reaction, false when the user had already reacted with this emoji. */
    async add(r: Omit<ReactionDoc, '_id'>): Promise<boolean> {
      try {
        await reactions.insertOne({ _id: reactionKey(r.messageId, r.emoji, r.userId), ...r });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },

    /** True when this call removed the reaction. */
    async remove(messageId: string, emoji: string, userId: string): Promise<boolean> {
      return (await reactions.deleteOne({ _id: reactionKey(messageId, emoji, userId) })).deletedCount === 1;
    },

    /** Distinct emoji on one message. */
    async emojiOf(messageId: string): Promise<string[]> {
      return (await reactions.distinct('emoji', { messageId })) as string[];
    },

    /** User ids that reacted with `emoji`, ascending, after `after`. */
    async usersOf(messageId: string, emoji: string, opts: { after?: string; limit: number }): Promise<string[]> {
      const prefix = emojiPrefix(messageId, emoji);
      const docs = await reactions
        .find({ _id: { $gt: prefix + (opts.after ?? ''), $lt: `${prefix}~` } }, { projection: { userId: 1 } })
        .sort({ _id: 1 })
        .limit(opts.limit)
        .toArray();
      return docs.map((d) => d.userId);
    },

    /**
     * Each message's reactions as `viewerId` sees them, emoji in string order (compareEmoji: the same order on every
     * client, live or reloaded; FerretDB 1.24's `$group` has only `$sum`/`$count`, so "first used" is not available in
     * the same query). One aggregation over the page's message ids for the counts, and one find of the viewer's own
     * reactions on them.
     */
    async summaries(messageIds: readonly string[], viewerId: string | null): Promise<Map<string, MessageReaction[]>> {
      const out = new Map<string, MessageReaction[]>();
      if (messageIds.length === 0) return out;
      const ids = [...messageIds];
      const [groups, mine] = await Promise.all([
        reactions
          .aggregate<{ _id: { m: string; e: string }; count: number }>([
            { $match: { messageId: { $in: ids } } },
            { $group: { _id: { m: '$messageId', e: '$emoji' }, count: { $sum: 1 } } },
          ])
          .toArray(),
        viewerId
          ? reactions.find({ messageId: { $in: ids }, userId: viewerId }, { projection: { _id: 1 } }).toArray()
          : Promise.resolve([]),
      ]);
      const own = new Set(mine.map((d) => d._id));
      groups.sort((a, b) => compareEmoji(a._id.e, b._id.e));
      for (const g of groups) {
        const list = out.get(g._id.m) ?? [];
        list.push({ emoji: g._id.e, count: g.count, me: viewerId !== null && own.has(reactionKey(g._id.m, g._id.e, viewerId)) });
        out.set(g._id.m, list);
      }
      return out;
    },
  };
}
