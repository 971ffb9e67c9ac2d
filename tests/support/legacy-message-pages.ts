/**
 * The message repository as it stood before migration 001 (server/src/db/migrations/001-messages-as-documents.ts),
 * unchanged but for this comment and an import path: the migration test fills a database with it exactly the way the
 * earlier server did. Nothing in the server uses it.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { PublicUser } from '@shared/api/users';
import { Binary, type Db } from 'mongodb';
import { isDuplicateKey } from '../../server/src/db/errors';

/**
 * Message storage built for FerretDB 1.24 as much as for MongoDB 7.
 *
 * FerretDB's SQLite backend pushes down only `{ _id: value }` filters and never sort/limit: any other query decodes and
 * sorts the whole collection in memory (seconds at 100k messages); even an `_id` lookup is a table scan in SQLite
 * (~2.5 µs per row). So hot reads are `_id` lookups in SMALL collections, and message ids carry their position:
 * - A message id is 24 hex digits like an ObjectId: 4 bytes of seconds, 6 bytes of the per-channel sequence number,
 *   2 random bytes. Ids are unique within a channel (every message route names its channel) and sort by time.
 * - `message_pages_<channelId>_<bucket>` `_id: "<channelId>:<page>"` — up to PAGE_SIZE messages (page = floor(seq /
 *   PAGE_SIZE)); one document per 50 messages, one collection per PAGES_PER_COLLECTION pages of one channel: a lookup
 *   scans (and JSON-parses) at most 20 small documents, however long the channel's history, and a busy channel never
 *   slows the others. A cursor's page is computed from its id: no lookup table.
 * - `message_nonces` `_id: "<channelId>:<authorId>:<nonce>"` → message id: the unique `_id` makes a retried send
 *   idempotent. Nonces older than NONCE_TTL_MS are swept (no TTL indexes on FerretDB) to keep the collection small.
 * - `message_counters` `_id: <channelId>` → next sequence number ($inc, atomic).
 * The page key (channel, sequence) is the "index on channel and id": on MongoDB it is the primary-key index.
 * Each page holds its messages as JSON strings (`messages`) plus an append-only log of edits and deletions (`edits`):
 * FerretDB decodes an array of strings several times faster than an array of sub-documents, and `$push` needs no
 * condition (FerretDB cannot push down `{ _id, version }`). Readers apply the log in order. A deleted message's place
 * is implicit in its id, so a client resuming `after` a deleted id still gets a correct page.
 */
/**
 * Messages per page document. A storage constant: changing it re-addresses every page (needs a migration). 50 keeps a
 * page small (FerretDB decodes whole documents, ~0.3 ms per message under load) while a 50-message history page reads
 * at most two.
 */
export const PAGE_SIZE = 50;
/** Pages per collection (1000 messages): bounds the rows FerretDB scans per lookup. A storage constant too. */
export const PAGES_PER_COLLECTION = 20;

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
  /** JSON of StoredMessage (dates as ISO strings), appended by sends. Absent once the page is sealed. */
  messages?: string[];
  /**
   * A full page, sealed: the same messages as ONE JSON array, deflated (`pack`). A full page never gets another
   * message. FerretDB's cost per `_id` read grows with the bytes of every document it scans (its SQLite `_id` filter
   * parses each row's JSON), so one compressed blob reads several times faster than 50 strings. A plain JSON string
   * here is the earlier sealed form, still read. When both fields exist (a scrub that raced the sealing), `messages`
   * is the newer one.
   */
  sealed?: Binary | string;
  /** JSON of PageEdit, applied in order. */
  edits?: string[];
}
interface PageEdit {
  id: string;
  content?: string;
  mentions?: PublicUser[];
  editedAt?: string;
  deleted?: true;
}
interface Page {
  channelId: string;
  guildId: string;
  page: number;
  messages: StoredMessage[];
}

const encodeMessage = (m: StoredMessage): string => JSON.stringify(m);
/** The sealed form of a page's message JSON strings: one JSON array, deflated. */
const pack = (list: readonly string[]): Binary => new Binary(deflateRawSync(`[${list.join(',')}]`));
/** The JSON array of a sealed page (either form). */
const unpack = (sealed: Binary | string): string => (typeof sealed === 'string' ? sealed : inflateRawSync(sealed.value()).toString());

/** Parse a page document and apply its edit log. */
function decodePage(doc: PageDoc): Page {
  type Raw = Omit<StoredMessage, 'createdAt' | 'editedAt'> & { createdAt: string; editedAt: string | null };
  const byId = new Map<string, StoredMessage>();
  const raws: Raw[] = doc.messages
    ? doc.messages.map((json) => JSON.parse(json) as Raw)
    : doc.sealed
      ? (JSON.parse(unpack(doc.sealed)) as Raw[])
      : [];
  for (const raw of raws) {
    byId.set(raw.id, { ...raw, createdAt: new Date(raw.createdAt), editedAt: raw.editedAt ? new Date(raw.editedAt) : null });
  }
  for (const json of doc.edits ?? []) {
    const edit = JSON.parse(json) as PageEdit;
    const m = byId.get(edit.id);
    if (!m) continue;
    if (edit.deleted) m.deleted = true;
    if (edit.content !== undefined) m.content = edit.content;
    if (edit.mentions !== undefined) m.mentions = edit.mentions;
    if (edit.editedAt !== undefined) m.editedAt = new Date(edit.editedAt);
  }
  return { channelId: doc.channelId, guildId: doc.guildId, page: doc.page, messages: [...byId.values()] };
}
interface NonceDoc {
  _id: string;
  channelId: string;
  guildId: string;
  messageId: string;
  createdAt: Date;
}

/** How long a client nonce makes retries idempotent. */
export const NONCE_TTL_MS = 60 * 60 * 1000;

/** Message id carrying its channel sequence number (see the file comment). */
export function messageIdFor(seq: number, at: Date): string {
  const secs = Math.floor(at.getTime() / 1000) >>> 0;
  const rand = Math.floor(Math.random() * 0x10000);
  return secs.toString(16).padStart(8, '0') + seq.toString(16).padStart(12, '0') + rand.toString(16).padStart(4, '0');
}

/** The sequence number inside a message id, or null for ids that cannot be ours. */
export function seqOfMessageId(id: string): number | null {
  if (!/^[0-9a-f]{24}$/.test(id)) return null;
  const seq = parseInt(id.slice(8, 20), 16);
  return Number.isSafeInteger(seq) ? seq : null;
}
interface CounterDoc {
  _id: string;
  guildId: string;
  seq: number;
  /** Newest message id, and its sequence number (what "newest" is decided on: ids sort by their seconds first). */
  lastId?: string;
  lastSeq?: number;
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
const toRecord = (p: Pick<Page, 'channelId' | 'guildId'>, m: StoredMessage): MessageRecord => ({
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
    ['message_nonces', 'message_counters'].flatMap((name) => [
      db.collection(name).createIndex({ channelId: 1 }, { name: 'channel' }),
      db.collection(name).createIndex({ guildId: 1 }, { name: 'guild' }),
    ]),
  );
}

export function createMessagesRepo(db: Db) {
  const pagesOf = (channelId: string, page: number) =>
    db.collection<PageDoc>(`message_pages_${channelId}_${Math.floor(page / PAGES_PER_COLLECTION)}`);
  const nonces = db.collection<NonceDoc>('message_nonces');
  const counters = db.collection<CounterDoc>('message_counters');

  /**
   * Seals a full page: its messages become one JSON string. Conditional on the array it read, so a scrub that
   * rewrote the array in between makes it a no-op (the next reader seals the new one).
   */
  async function seal(channelId: string, n: number): Promise<void> {
    const pages = pagesOf(channelId, n);
    const doc = await pages.findOne({ _id: pageKey(channelId, n) });
    if (!doc?.messages || doc.messages.length < PAGE_SIZE) return;
    await pages.updateOne({ _id: doc._id, messages: doc.messages }, { $set: { sealed: pack(doc.messages) }, $unset: { messages: '' } });
  }

  const readPage = async (channelId: string, n: number): Promise<Page | null> => {
    const doc = await pagesOf(channelId, n).findOne({ _id: pageKey(channelId, n) });
    if (!doc) return null;
    // A full page still in array form (its last send's sealing was lost, or a scrub rewrote it): seal it for next time.
    if (doc.messages && doc.messages.length >= PAGE_SIZE) void seal(channelId, n).catch(() => undefined);
    return decodePage(doc);
  };
  const readPages = async (channelId: string, numbers: number[]): Promise<Map<number, Page>> => {
    const docs = await Promise.all(numbers.map((n) => readPage(channelId, n)));
    return new Map(docs.flatMap((d) => (d ? [[d.page, d] as const] : [])));
  };

  async function lastSeq(channelId: string): Promise<number> {
    const c = await counters.findOne({ _id: channelId });
    return (c?.seq ?? 0) - 1;
  }

  /** Where a message id of this channel lives; no lookup needed. */
  function refOf(messageId: string): { seq: number; page: number } | null {
    const seq = seqOfMessageId(messageId);
    return seq === null ? null : { seq, page: Math.floor(seq / PAGE_SIZE) };
  }

  async function find(channelId: string, id: string): Promise<MessageRecord | null> {
    const ref = refOf(id);
    if (!ref) return null;
    const page = await readPage(channelId, ref.page);
    const m = page?.messages.find((x) => x.id === id);
    return page && m && !m.deleted ? toRecord(page, m) : null;
  }

  /**
   * Live messages from `fromSeq` towards `toSeq` (inclusive) in walking order, at most `limit`; reads the pages it
   * needs in parallel. 'down' walks to older messages (toSeq ≤ fromSeq), 'up' to newer ones (toSeq ≥ fromSeq).
   */
  async function walk(channelId: string, direction: 'down' | 'up', fromSeq: number, toSeq: number, limit: number): Promise<MessageRecord[]>;
  /** With `requireStart`: null when the first pages read do not exist (the start is past the channel's end). */
  async function walk(
    channelId: string,
    direction: 'down' | 'up',
    fromSeq: number,
    toSeq: number,
    limit: number,
    requireStart: true,
  ): Promise<MessageRecord[] | null>;
  async function walk(
    channelId: string,
    direction: 'down' | 'up',
    fromSeq: number,
    toSeq: number,
    limit: number,
    requireStart = false,
  ): Promise<MessageRecord[] | null> {
    const down = direction === 'down';
    const out: MessageRecord[] = [];
    if (limit <= 0 || (down ? fromSeq < toSeq || fromSeq < 0 : fromSeq > toSeq)) return out;
    let page = Math.floor(fromSeq / PAGE_SIZE);
    const lastPage = Math.floor(toSeq / PAGE_SIZE);
    // The next sequence number to collect: the walk's start, then the edge of the last page read.
    let next = fromSeq;
    let first = true;
    while (out.length < limit && (down ? page >= lastPage : page <= lastPage)) {
      // The pages holding the messages still missing, were none deleted (a deletion only costs another round), read
      // in parallel: a page of 5 inside one page document reads one, a page of 50 from a cursor reads at most two.
      const reach = Math.floor((down ? next - (limit - out.length - 1) : next + (limit - out.length - 1)) / PAGE_SIZE);
      const count = Math.min(4, Math.abs(reach - page) + 1);
      const batch = Array.from({ length: count }, (_, i) => (down ? page - i : page + i)).filter((p) =>
        down ? p >= lastPage : p <= lastPage,
      );
      const docs = await readPages(channelId, batch);
      if (first && requireStart && docs.size === 0) return null;
      first = false;
      for (const n of batch) {
        const doc = docs.get(n);
        if (!doc) continue;
        const inRange = doc.messages.filter(
          (m) => !m.deleted && (down ? m.seq <= fromSeq && m.seq >= toSeq : m.seq >= fromSeq && m.seq <= toSeq),
        );
        inRange.sort((a, b) => (down ? b.seq - a.seq : a.seq - b.seq));
        for (const m of inRange) {
          if (out.length >= limit) break;
          out.push(toRecord(doc, m));
        }
      }
      page = down ? page - count : page + count;
      next = down ? (page + 1) * PAGE_SIZE - 1 : page * PAGE_SIZE;
    }
    return out;
  }

  /** Pages first (the content disappears at once), then the lookup documents. */
  async function deleteByChannel(channelId: string): Promise<void> {
    const lastPage = Math.floor(Math.max(0, await lastSeq(channelId)) / PAGE_SIZE);
    for (let page = 0; page <= lastPage; page += PAGES_PER_COLLECTION) {
      await pagesOf(channelId, page)
        .drop()
        .catch((err: unknown) => {
          // Dropping a collection that was never created is fine.
          if ((err as { codeName?: string }).codeName !== 'NamespaceNotFound') throw err;
        });
    }
    await Promise.all([nonces.deleteMany({ channelId }), counters.deleteOne({ _id: channelId })]);
  }

  return {
    /**
     * Assigns the id (returned record; `m.id` is ignored) and writes sequence → nonce → page. The message becomes
     * visible only with the last write, so a crash before it leaves nothing readable (a burnt sequence number is a
     * harmless gap); a nonce left behind by such a crash is taken over by the retry.
     * Throws a duplicate-key error when the nonce already belongs to a stored message (the caller returns that one).
     */
    async insert(m: MessageRecord): Promise<MessageRecord> {
      const counter = await counters.findOneAndUpdate(
        { _id: m.channelId },
        { $inc: { seq: 1 }, $setOnInsert: { guildId: m.guildId } },
        { upsert: true, returnDocument: 'after' },
      );
      const seq = (counter?.seq ?? 1) - 1;
      const page = Math.floor(seq / PAGE_SIZE);
      const record: MessageRecord = { ...m, id: messageIdFor(seq, m.createdAt) };
      if (m.nonce !== null) {
        const key = nonceKey(m.channelId, m.authorId, m.nonce);
        try {
          await nonces.insertOne({ _id: key, channelId: m.channelId, guildId: m.guildId, messageId: record.id, createdAt: m.createdAt });
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          const existing = await nonces.findOne({ _id: key });
          if (!existing || (await find(m.channelId, existing.messageId))) throw err;
          const takeover = await nonces.updateOne({ _id: key }, { $set: { messageId: record.id, createdAt: m.createdAt } });
          if (takeover.modifiedCount !== 1) throw err;
        }
      }
      const entry: StoredMessage = {
        id: record.id,
        seq,
        authorId: m.authorId,
        content: m.content,
        nonce: m.nonce,
        mentions: m.mentions,
        createdAt: m.createdAt,
        editedAt: m.editedAt,
      };
      const push = () =>
        pagesOf(m.channelId, page).updateOne(
          { _id: pageKey(m.channelId, page) },
          { $push: { messages: encodeMessage(entry) }, $setOnInsert: { channelId: m.channelId, guildId: m.guildId, page } },
          { upsert: true },
        );
      try {
        await push();
      } catch (err) {
        // Two first writers of a new page: one upsert inserts, the other hits the _id; retrying updates the page.
        if (!isDuplicateKey(err)) throw err;
        await push();
      }
      // The last place of a page: seal it once every earlier send has landed (not awaited; readers seal too).
      if (seq % PAGE_SIZE === PAGE_SIZE - 1) void seal(m.channelId, page).catch(() => undefined);
      return record;
    },

    /** Forget nonces older than NONCE_TTL_MS (run periodically; FerretDB has no TTL indexes). */
    async sweepNonces(now: Date): Promise<number> {
      return (await nonces.deleteMany({ createdAt: { $lt: new Date(now.getTime() - NONCE_TTL_MS) } })).deletedCount;
    },

    /**
     * Bulk load of consecutive messages into an empty channel (imports and the benchmark): pages written with
     * insertMany, counter last. Returns the assigned ids in order.
     */
    async importMessages(
      channelId: string,
      guildId: string,
      messages: Omit<MessageRecord, 'id' | 'channelId' | 'guildId'>[],
    ): Promise<string[]> {
      const pageDocs: (PageDoc & { messages: string[] })[] = [];
      const ids: string[] = [];
      messages.forEach((m, seq) => {
        const page = Math.floor(seq / PAGE_SIZE);
        const id = messageIdFor(seq, m.createdAt);
        ids.push(id);
        const doc = (pageDocs[page] ??= { _id: pageKey(channelId, page), channelId, guildId, page, messages: [] });
        doc.messages.push(
          encodeMessage({
            id,
            seq,
            authorId: m.authorId,
            content: m.content,
            nonce: m.nonce,
            mentions: m.mentions,
            createdAt: m.createdAt,
            editedAt: m.editedAt,
          }),
        );
      });
      // Full pages are stored sealed, as sending would leave them.
      const stored: PageDoc[] = pageDocs.map(({ messages: list, ...rest }) =>
        list.length >= PAGE_SIZE ? { ...rest, sealed: pack(list) } : { ...rest, messages: list },
      );
      for (let i = 0; i < pageDocs.length; i += PAGES_PER_COLLECTION)
        await pagesOf(channelId, i).insertMany(stored.slice(i, i + PAGES_PER_COLLECTION), { ordered: false });
      await counters.updateOne(
        { _id: channelId },
        { $set: { seq: messages.length, guildId, ...(ids.length ? { lastId: ids.at(-1), lastSeq: ids.length - 1 } : {}) } },
        { upsert: true },
      );
      return ids;
    },

    async findByNonce(channelId: string, authorId: string, nonce: string): Promise<MessageRecord | null> {
      const n = await nonces.findOne({ _id: nonceKey(channelId, authorId, nonce) });
      return n ? find(channelId, n.messageId) : null;
    },

    find,

    /**
     * Newest message id of these channels, where they have messages (channel id → message id). `_id` lookups: a
     * `{ guildId }` query would make FerretDB scan every channel's counter on every READY.
     */
    async lastIds(channelIds: readonly string[]): Promise<Map<string, string>> {
      const docs = await Promise.all(channelIds.map((id) => counters.findOne({ _id: id }, { projection: { lastId: 1 } })));
      return new Map(docs.flatMap((d) => (d?.lastId ? [[d._id, d.lastId] as const] : [])));
    },

    /**
     * Records `id` as the channel's newest message unless one with a later sequence number is (sends may finish in
     * any order, and two sends straddling a second can have ids that sort against their sequence).
     */
    async noteLastId(channelId: string, id: string): Promise<void> {
      const seq = seqOfMessageId(id);
      if (seq === null) return;
      await counters.updateOne(
        { _id: channelId, $or: [{ lastSeq: { $exists: false } }, { lastSeq: { $lt: seq } }] },
        { $set: { lastId: id, lastSeq: seq } },
      );
    },

    async lastId(channelId: string): Promise<string | null> {
      return (await counters.findOne({ _id: channelId }))?.lastId ?? null;
    },

    /** Newest first. Cursors are message ids of this channel; an unknown cursor yields an empty page. */
    async history(channelId: string, q: { before?: string; after?: string; around?: string; limit: number }): Promise<MessageRecord[]> {
      const cursorId = q.before ?? q.after ?? q.around;
      if (!cursorId) {
        const last = await lastSeq(channelId);
        return last < 0 ? [] : walk(channelId, 'down', last, 0, q.limit);
      }
      const ref = refOf(cursorId);
      if (!ref) return [];
      if (q.before) {
        // The common scroll-back: a real cursor's page exists, so walk from it at once. Only a cursor past the end of
        // the channel (forged, or another channel's id) needs the last sequence number to clamp the walk.
        const direct = await walk(channelId, 'down', ref.seq - 1, 0, q.limit, true);
        if (direct) return direct;
      }
      const last = await lastSeq(channelId);
      // Clamp: a foreign or forged id may decode to any sequence number.
      if (last < 0) return [];
      if (q.before) return walk(channelId, 'down', Math.min(ref.seq - 1, last), 0, q.limit);
      if (q.after) return (await walk(channelId, 'up', ref.seq + 1, last, q.limit)).reverse();
      const olderCount = Math.ceil(q.limit / 2);
      const [newer, older] = await Promise.all([
        walk(channelId, 'up', ref.seq + 1, last, q.limit - olderCount),
        walk(channelId, 'down', Math.min(ref.seq, last), 0, olderCount),
      ]);
      return [...newer.reverse(), ...older];
    },

    async updateContent(
      channelId: string,
      id: string,
      content: string,
      mentions: PublicUser[],
      editedAt: Date,
    ): Promise<MessageRecord | null> {
      const current = await find(channelId, id);
      const ref = refOf(id);
      if (!current || !ref) return null;
      const edit: PageEdit = { id, content, mentions, editedAt: editedAt.toISOString() };
      await pagesOf(channelId, ref.page).updateOne({ _id: pageKey(channelId, ref.page) }, { $push: { edits: JSON.stringify(edit) } });
      return { ...current, content, mentions, editedAt };
    },

    async delete(channelId: string, id: string): Promise<boolean> {
      const current = await find(channelId, id);
      const ref = refOf(id);
      if (!current || !ref) return false;
      const key = pageKey(channelId, ref.page);
      const edit: PageEdit = { id, deleted: true };
      const pages = pagesOf(channelId, ref.page);
      await pages.updateOne({ _id: key }, { $push: { edits: JSON.stringify(edit) } });
      // Scrub the stored text too. Only on a full page: no send can still be pushing into it. Each rewrite is
      // conditional on what it read, so a concurrent scrub or sealing is retried, never overwritten (the edit log above
      // already hides the message either way).
      const scrub = (list: string[]) =>
        list.map((json) => {
          const raw = JSON.parse(json) as StoredMessage;
          return raw.id === id ? JSON.stringify({ ...raw, content: '', mentions: [], deleted: true }) : json;
        });
      for (let attempt = 0; attempt < 5; attempt++) {
        const doc = await pages.findOne({ _id: key });
        if (!doc) break;
        let result;
        if (doc.messages) {
          if (doc.messages.length < PAGE_SIZE) break;
          result = await pages.updateOne({ _id: key, messages: doc.messages }, { $set: { messages: scrub(doc.messages) } });
        } else if (doc.sealed) {
          const list = (JSON.parse(unpack(doc.sealed)) as unknown[]).map((m) => JSON.stringify(m));
          result = await pages.updateOne({ _id: key, sealed: doc.sealed }, { $set: { sealed: pack(scrub(list)) } });
        } else break;
        if (result.matchedCount > 0) break;
      }
      return true;
    },

    deleteByChannel,
    async deleteByGuild(guildId: string, channelIds: readonly string[]): Promise<void> {
      for (const channelId of channelIds) await deleteByChannel(channelId);
      await Promise.all([nonces.deleteMany({ guildId }), counters.deleteMany({ guildId })]);
    },
  };
}
