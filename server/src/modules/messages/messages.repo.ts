import type { Attachment } from '@shared/api/attachments';
import type { Embed, MessageType } from '@shared/api/messages';
import type { PublicUser } from '@shared/api/users';
import type { Db, Filter } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { ATTACHMENTS_COLLECTION } from '../attachments/attachments.repo';
import { ensureCollectionIndexes } from '../../db/indexes';
import { EDITS_COLLECTION, type EditDoc } from './edits.repo';
import { PINS_COLLECTION, type PinDoc } from './pins.repo';
import { REACTIONS_COLLECTION, type ReactionDoc } from './reactions.repo';
import {
  claimIdInstance,
  createImportIdGenerator,
  createMessageIdGenerator,
  messageIdFloor,
  timeOfMessageId,
  type MessageIdGenerator,
} from './message-ids';

/**
 * Messages, stored the MongoDB way: one document per message in `messages`, every field a real BSON field.
 *
 * - `_id` is a time-sortable id made by the server (message-ids.ts), so history is a range query on the index
 *   `{ channelId: 1, _id: -1 }`, and "newer than an hour ago" is an `_id` range too.
 * - `{ guildId: 1, authorId: 1, _id: -1 }` serves a moderator's purge, a ban's "delete message history" and deleting
 *   a guild's messages; `{ authorId: 1, _id: -1 }` a user's data export.
 * - Edits and deletions change that one document (a deleted message is removed: nothing of it stays behind).
 * - `message_nonces` makes a retried send idempotent without reading before writing: the first send of a nonce claims
 *   it by inserting `_id: "<channelId>:<authorId>:<nonce>"` together with the message id it will use; every other
 *   send of that nonce, however many arrive at once, gets a duplicate key, reads that id and inserts (or finds) the
 *   message under it. Exactly one message document can exist for the nonce, because it has exactly one `_id`.
 *
 * - `channel_last_messages` `{ _id: channelId, guildId, lastId }` is each channel's newest message id, as Discord's
 *   `last_message_id`: READY and channel lists read it for every channel in one `_id` query instead of one history
 *   query per channel. It only orders unread markers, so it is kept with `$max` (on FerretDB concurrent `$max`es may
 *   leave the second-newest id until the next send) and re-derived when the newest message is deleted.
 *
 * Every write that must hold under concurrency is an insert with a unique key, so it holds on MongoDB 7 and on the
 * local FerretDB 1.24 stand-in alike (whose conditional updates are not atomic). MongoDB 7 is the engine this is
 * designed for; FerretDB answers the same queries by scanning, which is slow at large volumes and fine for
 * development.
 */
/** A mention as stored: messages from before avatars have none. */
type StoredMention = Omit<PublicUser, 'avatar'> & { avatar?: string | null };

export interface MessageDoc {
  _id: string;
  channelId: string;
  /** null: a message of a private channel (DM). */
  guildId: string | null;
  authorId: string;
  content: string;
  nonce: string | null;
  mentions: StoredMention[];
  /** Absent on messages stored before role mentions and system messages: none, and 'default'. */
  mentionRoles?: string[];
  type?: MessageType;
  createdAt: Date;
  editedAt: Date | null;
  /** The message this one replies to (same channel); absent or null: not a reply. */
  replyTo?: string | null;
  /** Link previews (set after the send by the unfurler); absent: none. */
  embeds?: Embed[];
  /** Previews removed by the author or a moderator; absent: false. */
  suppressEmbeds?: boolean;
  /** Files sent with it (their public fields; attachments.repo.ts keeps where each is stored). Absent: none. */
  attachments?: Attachment[];
}

interface LastDoc {
  _id: string;
  guildId: string | null;
  lastId: string;
}

interface NonceDoc {
  _id: string;
  channelId: string;
  guildId: string | null;
  messageId: string;
  createdAt: Date;
}

export interface MessageRecord {
  id: string;
  channelId: string;
  guildId: string | null;
  authorId: string;
  content: string;
  nonce: string | null;
  mentions: PublicUser[];
  mentionRoles: string[];
  type: MessageType;
  createdAt: Date;
  editedAt: Date | null;
  replyTo: string | null;
  embeds: Embed[];
  suppressEmbeds: boolean;
  attachments: Attachment[];
}

/** What a send needs: the id and the creation time are the repository's to give. */
export type NewMessage = Omit<MessageRecord, 'id' | 'mentionRoles' | 'type' | 'replyTo' | 'embeds' | 'suppressEmbeds' | 'attachments'> &
  Partial<Pick<MessageRecord, 'mentionRoles' | 'type' | 'replyTo' | 'suppressEmbeds' | 'attachments'>>;

export type InsertResult =
  /** `created`: this call stored the message. `existing`: the nonce's message was already stored (a retry). */
  | { status: 'created' | 'existing'; record: MessageRecord }
  /** The nonce was used by a message that has since been deleted. */
  | { status: 'nonce-spent' };

/** How long a client nonce makes retries idempotent (old claims are swept: no TTL indexes on the stand-in). */
export const NONCE_TTL_MS = 60 * 60 * 1000;
/**
 * A nonce claim whose message is missing this long after the claim belongs to a message that was deleted, not to a
 * send still under way (or one that died between its two inserts, which a retry within this window completes).
 */
export const NONCE_SETTLE_MS = 10_000;

const nonceKey = (channelId: string, authorId: string, nonce: string) => `${channelId}:${authorId}:${nonce}`;
export const toRecord = ({
  _id,
  mentions,
  mentionRoles,
  type,
  replyTo,
  embeds,
  suppressEmbeds,
  attachments,
  ...rest
}: MessageDoc): MessageRecord => ({
  id: _id,
  ...rest,
  replyTo: replyTo ?? null,
  embeds: embeds ?? [],
  suppressEmbeds: suppressEmbeds ?? false,
  attachments: attachments ?? [],
  mentions: mentions.map((m) => ({ ...m, avatar: m.avatar ?? null })),
  mentionRoles: mentionRoles ?? [],
  type: type ?? 'default',
});
const toDoc = ({ id, ...rest }: MessageRecord): MessageDoc => ({ _id: id, ...rest });

export type MessagesRepo = ReturnType<typeof createMessagesRepo>;

export interface HistoryQuery {
  before?: string;
  after?: string;
  around?: string;
  limit: number;
}

export function createMessagesRepo(db: Db) {
  const messages = db.collection<MessageDoc>('messages');
  const nonces = db.collection<NonceDoc>('message_nonces');
  const lasts = db.collection<LastDoc>('channel_last_messages');
  // A message's reactions go with it (reactions.repo.ts owns their inserts and reads).
  const reactions = db.collection<ReactionDoc>(REACTIONS_COLLECTION);
  const pins = db.collection<PinDoc>(PINS_COLLECTION);
  const edits = db.collection<EditDoc>(EDITS_COLLECTION);
  // A deleted message's files are left to the attachments sweep, which removes what is marked orphaned.
  type AttachmentLink = { _id: string; messageId: string | null; channelId: string; guildId: string; orphanedAt: Date | null };
  const attachments = db.collection<AttachmentLink>(ATTACHMENTS_COLLECTION);
  const orphan = (filter: Filter<AttachmentLink>) =>
    attachments.updateMany({ ...filter, orphanedAt: null }, { $set: { orphanedAt: new Date() } });

  // This process's id generator; its instance number is claimed on the first send (one insert per process).
  let live: Promise<MessageIdGenerator> | null = null;
  const liveIds = () =>
    (live ??= claimIdInstance(db, 'server').then(createMessageIdGenerator, (err: unknown) => {
      live = null; // a database that was down at the first send: try again on the next one
      throw err;
    }));

  const page = (filter: Filter<MessageDoc>, direction: 1 | -1, limit: number) =>
    limit <= 0 ? Promise.resolve([]) : messages.find(filter).sort({ _id: direction }).limit(limit).toArray();

  /** Inserts `record`; on a duplicate `_id`, the message already stored under it. */
  async function insertOrFind(record: MessageRecord): Promise<{ created: boolean; record: MessageRecord | null }> {
    try {
      await messages.insertOne(toDoc(record));
      return { created: true, record };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const stored = await messages.findOne({ _id: record.id });
      return { created: false, record: stored ? toRecord(stored) : null };
    }
  }

  /** Raises the channel's newest id to `id` (never lowers it). */
  async function noteLast(channelId: string, guildId: string | null, id: string): Promise<void> {
    const raise = () => lasts.updateOne({ _id: channelId }, { $max: { lastId: id }, $setOnInsert: { guildId } }, { upsert: true });
    try {
      await raise();
    } catch (err) {
      // Two first sends of a channel: one upsert inserted, the other met its _id; raising it now is an update.
      if (!isDuplicateKey(err)) throw err;
      await raise();
    }
  }

  /** After deletions: where the recorded newest id is gone, record the newest that is left (or nothing). */
  async function rederiveLast(channelId: string, deletedIds: readonly string[]): Promise<void> {
    const current = await lasts.findOne({ _id: channelId });
    if (!current || !deletedIds.includes(current.lastId)) return;
    const newest = await messages.findOne({ channelId }, { sort: { _id: -1 }, projection: { _id: 1 } });
    if (newest) await lasts.updateOne({ _id: channelId, lastId: current.lastId }, { $set: { lastId: newest._id } });
    else await lasts.deleteOne({ _id: channelId, lastId: current.lastId });
  }

  async function lastId(channelId: string): Promise<string | null> {
    return (await lasts.findOne({ _id: channelId }))?.lastId ?? null;
  }

  /**
   * Stores a message under a new id; `m.createdAt` becomes the id's time (the same, unless this process's clock
   * stepped back). With a nonce, see the file comment: one message per nonce, whoever stored it.
   */
  async function insert(input: NewMessage): Promise<InsertResult> {
    const m: Omit<MessageRecord, 'id'> = {
      ...input,
      mentionRoles: input.mentionRoles ?? [],
      type: input.type ?? 'default',
      replyTo: input.replyTo ?? null,
      embeds: [],
      suppressEmbeds: input.suppressEmbeds ?? false,
      attachments: input.attachments ?? [],
    };
    const { id, at } = (await liveIds()).next(m.createdAt.getTime());
    const fresh: MessageRecord = { ...m, id, createdAt: at };
    if (m.nonce === null) {
      // A fresh id cannot be taken: instances are unique and each one's ids only go forward.
      await messages.insertOne(toDoc(fresh));
      await noteLast(m.channelId, m.guildId, id);
      return { status: 'created', record: fresh };
    }
    const key = nonceKey(m.channelId, m.authorId, m.nonce);
    let messageId = id;
    try {
      await nonces.insertOne({ _id: key, channelId: m.channelId, guildId: m.guildId, messageId: id, createdAt: at });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const claim = await nonces.findOne({ _id: key });
      // Swept between the insert and the read (an hour-old nonce): the send is new after all.
      if (!claim) return insert(input);
      messageId = claim.messageId;
      const stored = await messages.findOne({ _id: messageId });
      if (stored) return { status: 'existing', record: toRecord(stored) };
      if (at.getTime() - claim.createdAt.getTime() > NONCE_SETTLE_MS) return { status: 'nonce-spent' };
    }
    // The claim's holder, or a retry racing it: whoever inserts first under the claimed id stores the message.
    const result = await insertOrFind({ ...m, id: messageId, createdAt: messageId === id ? at : timeOfMessageId(messageId) });
    if (!result.record) throw new Error(`message ${messageId} neither inserted nor found`);
    if (result.created) await noteLast(m.channelId, m.guildId, messageId);
    return { status: result.created ? 'created' : 'existing', record: result.record };
  }

  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'messages', [
        { key: { channelId: 1, _id: -1 }, name: 'channel_id' },
        { key: { guildId: 1, authorId: 1, _id: -1 }, name: 'guild_author_id' },
        { key: { authorId: 1, _id: -1 }, name: 'author_id' },
        // Unread mention counts (read states): each branch of the count is a range of one of these.
        { key: { channelId: 1, 'mentions.id': 1, _id: -1 }, name: 'channel_mention_id' },
        { key: { channelId: 1, mentionRoles: 1, _id: -1 }, name: 'channel_role_mention_id' },
      ]);
      await ensureCollectionIndexes(db, 'channel_last_messages', [{ key: { guildId: 1 }, name: 'guild' }]);
      // Only the sweep's: a nonce outlives its channel by at most NONCE_TTL_MS, and every index is paid on each send.
      await ensureCollectionIndexes(db, 'message_nonces', [{ key: { createdAt: 1 }, name: 'created' }]);
    },

    insert,

    /** The messages of this channel among `ids` (replies' originals on a page; missing ones were deleted). */
    async findMany(channelId: string, ids: readonly string[]): Promise<MessageRecord[]> {
      if (ids.length === 0) return [];
      return (await messages.find({ _id: { $in: [...ids] }, channelId }).toArray()).map(toRecord);
    },

    async find(channelId: string, id: string): Promise<MessageRecord | null> {
      const doc = await messages.findOne({ _id: id, channelId });
      return doc ? toRecord(doc) : null;
    },

    /** Newest first. Cursors are message ids; any id works as a cursor, also one of another channel or a deleted one. */
    async history(channelId: string, q: HistoryQuery): Promise<MessageRecord[]> {
      let docs: MessageDoc[];
      if (q.before) docs = await page({ channelId, _id: { $lt: q.before } }, -1, q.limit);
      else if (q.after) docs = (await page({ channelId, _id: { $gt: q.after } }, 1, q.limit)).reverse();
      else if (q.around) {
        // The cursor's message and older ones take the larger half, as Discord's `around` does.
        const olderCount = Math.ceil(q.limit / 2);
        const [newer, older] = await Promise.all([
          page({ channelId, _id: { $gt: q.around } }, 1, q.limit - olderCount),
          page({ channelId, _id: { $lte: q.around } }, -1, olderCount),
        ]);
        docs = [...newer.reverse(), ...older];
      } else docs = await page({ channelId }, -1, q.limit);
      return docs.map(toRecord);
    },

    lastId,

    /**
     * How many messages of a channel after `afterId` (all when null) mention `userId` or one of `roleIds`, not
     * written by that user, counting at most `cap`. Two index ranges (user mentions, role mentions), each read at
     * most `cap` ids deep, so a badge never costs more than that however much is unread.
     */
    async mentionCount(
      channelId: string,
      afterId: string | null,
      userId: string,
      roleIds: readonly string[],
      cap: number,
    ): Promise<number> {
      const after = afterId ? { _id: { $gt: afterId } } : {};
      const ids = (filter: Filter<MessageDoc>) =>
        messages
          .find({ channelId, ...filter, ...after, authorId: { $ne: userId } }, { projection: { _id: 1 } })
          .sort({ _id: -1 })
          .limit(cap)
          .toArray();
      const [direct, byRole] = await Promise.all([
        ids({ 'mentions.id': userId }),
        roleIds.length > 0 ? ids({ mentionRoles: { $in: [...roleIds] } }) : Promise.resolve([]),
      ]);
      return Math.min(cap, new Set([...direct, ...byRole].map((d) => d._id)).size);
    },

    /** Newest message id of each of these channels that has messages (channel id → message id). */
    async lastIds(channelIds: readonly string[]): Promise<Map<string, string>> {
      if (channelIds.length === 0) return new Map();
      const docs = await lasts.find({ _id: { $in: [...channelIds] } }).toArray();
      return new Map(docs.map((d) => [d._id, d.lastId]));
    },

    async updateContent(
      channelId: string,
      id: string,
      content: string,
      mentions: PublicUser[],
      editedAt: Date,
      mentionRoles: string[] = [],
      /** A new text drops the old text's link previews (the unfurler makes the new ones). */
      clearEmbeds = false,
    ): Promise<MessageRecord | null> {
      const doc = await messages.findOneAndUpdate(
        { _id: id, channelId },
        { $set: { content, mentions, mentionRoles, editedAt, ...(clearEmbeds ? { embeds: [] } : {}) } },
        { returnDocument: 'after' },
      );
      return doc ? toRecord(doc) : null;
    },

    /**
     * Stores the previews made for `forContent`: nothing happens (null) when the message was edited since, had its
     * previews suppressed, or is gone, so a slow fetch never puts back what an edit or a suppress took away.
     */
    async setEmbeds(channelId: string, id: string, forContent: string, embeds: Embed[]): Promise<MessageRecord | null> {
      const doc = await messages.findOneAndUpdate(
        { _id: id, channelId, content: forContent, suppressEmbeds: { $ne: true } },
        { $set: { embeds } },
        { returnDocument: 'after' },
      );
      return doc ? toRecord(doc) : null;
    },

    /** Removes a message's previews for good; null when there is no such message. */
    async suppressEmbeds(channelId: string, id: string): Promise<MessageRecord | null> {
      const doc = await messages.findOneAndUpdate(
        { _id: id, channelId },
        { $set: { suppressEmbeds: true, embeds: [] } },
        { returnDocument: 'after' },
      );
      return doc ? toRecord(doc) : null;
    },

    async delete(channelId: string, id: string): Promise<boolean> {
      const deleted = (await messages.deleteOne({ _id: id, channelId })).deletedCount === 1;
      if (deleted) await rederiveLast(channelId, [id]);
      await reactions.deleteMany({ messageId: id });
      await pins.deleteOne({ _id: `${channelId}:${id}` });
      await edits.deleteMany({ messageId: id });
      await orphan({ messageId: id });
      return deleted;
    },

    /**
     * Deletes an author's messages in a guild created at or after `since` (all of them when null): a moderator's
     * purge, or a ban's "delete message history". Returns what it deleted, per channel, for the gateway. The server's
     * own notices about the author ("joined the server.") are not theirs and stay (`$ne` also matches older messages
     * stored without a type).
     */
    async deleteByAuthor(guildId: string, authorId: string, since: Date | null): Promise<{ channelId: string; ids: string[] }[]> {
      const filter: Filter<MessageDoc> = {
        authorId,
        guildId,
        type: { $ne: 'member_join' },
        ...(since ? { _id: { $gte: messageIdFloor(since) } } : {}),
      };
      const byChannel = new Map<string, string[]>();
      // In batches, so a prolific author never needs one huge command; each batch deletes exactly what it listed.
      for (;;) {
        const batch = await messages
          .find(filter, { projection: { _id: 1, channelId: 1 } })
          .limit(1000)
          .toArray();
        if (batch.length === 0) break;
        await messages.deleteMany({ _id: { $in: batch.map((d) => d._id) } });
        await reactions.deleteMany({ messageId: { $in: batch.map((d) => d._id) } });
        await pins.deleteMany({ messageId: { $in: batch.map((d) => d._id) } });
        await edits.deleteMany({ messageId: { $in: batch.map((d) => d._id) } });
        await orphan({ messageId: { $in: batch.map((d) => d._id) } });
        for (const d of batch) byChannel.set(d.channelId, [...(byChannel.get(d.channelId) ?? []), d._id]);
        if (batch.length < 1000) break;
      }
      for (const [channelId, ids] of byChannel) await rederiveLast(channelId, ids);
      return [...byChannel].map(([channelId, ids]) => ({ channelId, ids }));
    },

    /** What an author wrote in every guild (not the server's join notices), oldest first, `limit` at a time after `afterId` (data exports). */
    async listByAuthor(authorId: string, opts: { afterId?: string; limit: number }): Promise<MessageRecord[]> {
      const docs = await page(
        { authorId, type: { $ne: 'member_join' }, ...(opts.afterId ? { _id: { $gt: opts.afterId } } : {}) },
        1,
        opts.limit,
      );
      return docs.map(toRecord);
    },

    /** The channel's send nonces are left to the sweep (an hour at most): they point at nothing now. */
    async deleteByChannel(channelId: string): Promise<void> {
      await messages.deleteMany({ channelId });
      await reactions.deleteMany({ channelId });
      await pins.deleteMany({ channelId });
      await edits.deleteMany({ channelId });
      await orphan({ channelId });
      await lasts.deleteOne({ _id: channelId });
    },

    async deleteByGuild(guildId: string): Promise<void> {
      await messages.deleteMany({ guildId });
      await reactions.deleteMany({ guildId });
      await pins.deleteMany({ guildId });
      await edits.deleteMany({ guildId });
      await orphan({ guildId });
      await lasts.deleteMany({ guildId });
    },

    /** Forget nonces older than NONCE_TTL_MS (run periodically; the stand-in has no TTL indexes). */
    async sweepNonces(now: Date): Promise<number> {
      return (await nonces.deleteMany({ createdAt: { $lt: new Date(now.getTime() - NONCE_TTL_MS) } })).deletedCount;
    },

    /**
     * Bulk load of messages into a channel (imports and the benchmarks), in the given order, which must be
     * oldest first; ids come from an instance claimed for this import. Returns the ids in order.
     */
    async importMessages(channelId: string, guildId: string, list: Omit<NewMessage, 'channelId' | 'guildId'>[]): Promise<string[]> {
      const ids = createImportIdGenerator(await claimIdInstance(db, 'import'));
      let lastMs = 0;
      const docs = list.map((m): MessageDoc => {
        lastMs = Math.max(lastMs, m.createdAt.getTime());
        const { id, at } = ids.next(lastMs);
        return toDoc({
          ...m,
          mentionRoles: m.mentionRoles ?? [],
          type: m.type ?? 'default',
          replyTo: m.replyTo ?? null,
          embeds: [],
          suppressEmbeds: m.suppressEmbeds ?? false,
          attachments: m.attachments ?? [],
          id,
          channelId,
          guildId,
          createdAt: at,
        });
      });
      for (let i = 0; i < docs.length; i += 1000) await messages.insertMany(docs.slice(i, i + 1000), { ordered: false });
      const newest = docs.reduce<string | null>((max, d) => (max === null || d._id > max ? d._id : max), null);
      if (newest) await noteLast(channelId, guildId, newest);
      return docs.map((d) => d._id);
    },
  };
}
