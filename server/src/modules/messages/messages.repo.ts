import type { PublicUser } from '@shared/api/users';
import type { Db } from 'mongodb';
import { isDuplicateKey } from '../../db/mongo';

/**
 * Message storage built for FerretDB 1.24 as much as for MongoDB 7.
 *
 * FerretDB's SQLite backend pushes down only `{ _id: value }` filters and never sort/limit: any other query scans and
 * sorts the whole collection in memory (seconds at 100k messages). So every hot read here is an `_id` lookup:
 * - `message_pages`  `_id: "<channelId>:<page>"` — up to PAGE_SIZE messages of one channel, by per-channel sequence
 *   number (page = floor(seq / PAGE_SIZE)). A history page of ≤ 100 reads 2–3 page documents.
 * - `message_refs`   `_id: <messageId>` → channel, page, seq: resolves ids and cursors (before/after/around).
 * - `message_nonces` `_id: "<channelId>:<authorId>:<nonce>"` → message id: the unique `_id` makes a retried send
 *   idempotent.
 * - `message_counters` `_id: <channelId>` → next sequence number ($inc, atomic).
 * The page key (channel, sequence) is the "index on channel and id": on MongoDB it is the primary-key index.
 * Deleted messages stay as tombstones in their page (positions never shift, so edits by array index are safe) and
 * their ref stays, so a client resuming `after` a deleted id still gets a correct page.
 */
export const PAGE_SIZE = 100;

interface StoredMessage {
  id: string;
  seq: number;
  authorId: string;
  content: string;
  nonce: string | null;
  mentions: PublicUser[];
  createdAt: Date;
  editedAt: Date | null;
  deleted?: boolean;
}
interface PageDoc {
  _id: string;
  channelId: string;
  guildId: string;
  page: number;
  messages: StoredMessage[];
}
interface RefDoc {
  _id: string;
  channelId: string;
  guildId: string;
  page: number;
  seq: number;
}
interface NonceDoc {
  _id: string;
  channelId: string;
  guildId: string;
  messageId: string;
}
interface CounterDoc {
  _id: string;
  guildId: string;
  seq: number;
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

const pageKey = (channelId: string, page: number) => `${channelId}:${page}`;
const nonceKey = (channelId: string, authorId: string, nonce: string) => `${channelId}:${authorId}:${nonce}`;
const toRecord = (p: Pick<PageDoc, 'channelId' | 'guildId'>, m: StoredMessage): MessageRecord => ({
  id: m.id,
  channelId: p.channelId,
  guildId: p.guildId,
  authorId: m.authorId,
  content: m.content,
  nonce: m.nonce,
  mentions: m.mentions,
  createdAt: m.createdAt,
  editedAt: m.editedAt,
});

export type MessagesRepo = ReturnType<typeof createMessagesRepo>;

export async function ensureMessageIndexes(db: Db): Promise<void> {
  // Only for cleanup (deleteMany by channel/guild); reads go by _id.
  await Promise.all(
    ['message_pages', 'message_refs', 'message_nonces'].flatMap((name) => [
      db.collection(name).createIndex({ channelId: 1 }, { name: 'channel' }),
      db.collection(name).createIndex({ guildId: 1 }, { name: 'guild' }),
    ]),
  );
}

export function createMessagesRepo(db: Db) {
  const pages = db.collection<PageDoc>('message_pages');
  const refs = db.collection<RefDoc>('message_refs');
  const nonces = db.collection<NonceDoc>('message_nonces');
  const counters = db.collection<CounterDoc>('message_counters');

  const readPages = async (channelId: string, numbers: number[]): Promise<Map<number, PageDoc>> => {
    const docs = await Promise.all(numbers.map((n) => pages.findOne({ _id: pageKey(channelId, n) })));
    return new Map(docs.flatMap((d) => (d ? [[d.page, d] as const] : [])));
  };

  async function lastSeq(channelId: string): Promise<number> {
    const c = await counters.findOne({ _id: channelId });
    return (c?.seq ?? 0) - 1;
  }

  async function refOf(channelId: string, messageId: string): Promise<RefDoc | null> {
    const ref = await refs.findOne({ _id: messageId });
    return ref && ref.channelId === channelId ? ref : null;
  }

  async function find(channelId: string, id: string): Promise<MessageRecord | null> {
    const ref = await refOf(channelId, id);
    if (!ref) return null;
    const page = await pages.findOne({ _id: pageKey(channelId, ref.page) });
    const m = page?.messages.find((x) => x.id === id);
    return page && m && !m.deleted ? toRecord(page, m) : null;
  }

  /**
   * Live messages from `fromSeq` towards `toSeq` (inclusive) in walking order, at most `limit`; reads two pages at a
   * time. 'down' walks to older messages (toSeq ≤ fromSeq), 'up' to newer ones (toSeq ≥ fromSeq).
   */
  async function walk(channelId: string, direction: 'down' | 'up', fromSeq: number, toSeq: number, limit: number): Promise<MessageRecord[]> {
    const down = direction === 'down';
    const out: MessageRecord[] = [];
    if (limit <= 0 || (down ? fromSeq < toSeq || fromSeq < 0 : fromSeq > toSeq)) return out;
    let page = Math.floor(fromSeq / PAGE_SIZE);
    const lastPage = Math.floor(toSeq / PAGE_SIZE);
    while (out.length < limit && (down ? page >= lastPage : page <= lastPage)) {
      const batch = down ? [page, page - 1].filter((p) => p >= lastPage) : [page, page + 1].filter((p) => p <= lastPage);
      const docs = await readPages(channelId, batch);
      for (const n of batch) {
        const doc = docs.get(n);
        if (!doc) continue;
        const inRange = doc.messages.filter((m) => !m.deleted && (down ? m.seq <= fromSeq && m.seq >= toSeq : m.seq >= fromSeq && m.seq <= toSeq));
        inRange.sort((a, b) => (down ? b.seq - a.seq : a.seq - b.seq));
        for (const m of inRange) {
          if (out.length >= limit) break;
          out.push(toRecord(doc, m));
        }
      }
      page = down ? page - 2 : page + 2;
    }
    return out;
  }

  return {
    /**
     * Writes nonce → sequence → ref → page. The message becomes visible only with the last write, so a crash before
     * it leaves nothing readable; a nonce left behind by such a crash is taken over by the retry.
     * Throws a duplicate-key error when the nonce already belongs to a stored message (the caller returns that one).
     */
    async insert(m: MessageRecord): Promise<MessageRecord> {
      if (m.nonce !== null) {
        const key = nonceKey(m.channelId, m.authorId, m.nonce);
        try {
          await nonces.insertOne({ _id: key, channelId: m.channelId, guildId: m.guildId, messageId: m.id });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          const existing = await nonces.findOne({ _id: key });
          if (!existing || (await find(m.channelId, existing.messageId))) throw err;
          const takeover = await nonces.updateOne({ _id: key, messageId: existing.messageId }, { $set: { messageId: m.id } });
          if (takeover.modifiedCount !== 1) throw err;
        }
      }
      const counter = await counters.findOneAndUpdate(
        { _id: m.channelId },
        { $inc: { seq: 1 }, $setOnInsert: { guildId: m.guildId } },
        { upsert: true, returnDocument: 'after' },
      );
      const seq = (counter?.seq ?? 1) - 1;
      const page = Math.floor(seq / PAGE_SIZE);
      await refs.insertOne({ _id: m.id, channelId: m.channelId, guildId: m.guildId, page, seq });
      const entry: StoredMessage = { id: m.id, seq, authorId: m.authorId, content: m.content, nonce: m.nonce, mentions: m.mentions, createdAt: m.createdAt, editedAt: m.editedAt };
      const push = () =>
        pages.updateOne(
          { _id: pageKey(m.channelId, page) },
          { $push: { messages: entry }, $setOnInsert: { channelId: m.channelId, guildId: m.guildId, page } },
          { upsert: true },
        );
      try {
        await push();
      } catch (err) {
        // Two first writers of a new page: one upsert inserts, the other hits the _id; retrying updates the page.
        if (!isDuplicateKey(err)) throw err;
        await push();
      }
      return m;
    },

    /**
     * Bulk load of consecutive messages into an empty channel (imports and the benchmark): pages and refs written
     * with insertMany, counter last.
     */
    async importMessages(channelId: string, guildId: string, messages: Omit<MessageRecord, 'channelId' | 'guildId'>[]): Promise<void> {
      const pageDocs: PageDoc[] = [];
      const refDocs: RefDoc[] = [];
      messages.forEach((m, seq) => {
        const page = Math.floor(seq / PAGE_SIZE);
        const doc = (pageDocs[page] ??= { _id: pageKey(channelId, page), channelId, guildId, page, messages: [] });
        doc.messages.push({ id: m.id, seq, authorId: m.authorId, content: m.content, nonce: m.nonce, mentions: m.mentions, createdAt: m.createdAt, editedAt: m.editedAt });
        refDocs.push({ _id: m.id, channelId, guildId, page, seq });
      });
      for (let i = 0; i < refDocs.length; i += 5_000) await refs.insertMany(refDocs.slice(i, i + 5_000), { ordered: false });
      for (let i = 0; i < pageDocs.length; i += 100) await pages.insertMany(pageDocs.slice(i, i + 100), { ordered: false });
      await counters.updateOne({ _id: channelId }, { $set: { seq: messages.length, guildId } }, { upsert: true });
    },

    async findByNonce(channelId: string, authorId: string, nonce: string): Promise<MessageRecord | null> {
      const n = await nonces.findOne({ _id: nonceKey(channelId, authorId, nonce) });
      return n ? find(channelId, n.messageId) : null;
    },

    find,

    /** Newest first. Cursors are message ids of this channel; an unknown cursor yields an empty page. */
    async history(channelId: string, q: { before?: string; after?: string; around?: string; limit: number }): Promise<MessageRecord[]> {
      const last = await lastSeq(channelId);
      if (last < 0) return [];
      const cursorId = q.before ?? q.after ?? q.around;
      if (!cursorId) return walk(channelId, 'down', last, 0, q.limit);
      const ref = await refOf(channelId, cursorId);
      if (!ref) return [];
      if (q.before) return walk(channelId, 'down', ref.seq - 1, 0, q.limit);
      if (q.after) return (await walk(channelId, 'up', ref.seq + 1, last, q.limit)).reverse();
      const olderCount = Math.ceil(q.limit / 2);
      const [newer, older] = await Promise.all([walk(channelId, 'up', ref.seq + 1, last, q.limit - olderCount), walk(channelId, 'down', ref.seq, 0, olderCount)]);
      return [...newer.reverse(), ...older];
    },

    async updateContent(channelId: string, id: string, content: string, mentions: PublicUser[], editedAt: Date): Promise<MessageRecord | null> {
      const ref = await refOf(channelId, id);
      if (!ref) return null;
      const key = pageKey(channelId, ref.page);
      const page = await pages.findOne({ _id: key });
      const index = page?.messages.findIndex((m) => m.id === id) ?? -1;
      const current = page?.messages[index];
      if (!page || !current || current.deleted) return null;
      await pages.updateOne({ _id: key }, { $set: { [`messages.${index}.content`]: content, [`messages.${index}.mentions`]: mentions, [`messages.${index}.editedAt`]: editedAt } });
      return toRecord(page, { ...current, content, mentions, editedAt });
    },

    async delete(channelId: string, id: string): Promise<boolean> {
      const ref = await refOf(channelId, id);
      if (!ref) return false;
      const key = pageKey(channelId, ref.page);
      const page = await pages.findOne({ _id: key });
      const index = page?.messages.findIndex((m) => m.id === id) ?? -1;
      const current = page?.messages[index];
      if (!page || !current || current.deleted) return false;
      await pages.updateOne({ _id: key }, { $set: { [`messages.${index}.deleted`]: true, [`messages.${index}.content`]: '', [`messages.${index}.mentions`]: [] } });
      return true;
    },

    /** Pages first (the content disappears at once), then the lookup documents. */
    async deleteByChannel(channelId: string): Promise<void> {
      await pages.deleteMany({ channelId });
      await Promise.all([refs.deleteMany({ channelId }), nonces.deleteMany({ channelId }), counters.deleteOne({ _id: channelId })]);
    },
    async deleteByGuild(guildId: string): Promise<void> {
      await pages.deleteMany({ guildId });
      await Promise.all([refs.deleteMany({ guildId }), nonces.deleteMany({ guildId }), counters.deleteMany({ guildId })]);
    },
  };
}
