import type { Db, Document, Filter } from 'mongodb';
import { SEARCH_TERMS_MAX } from '@shared/api/search';
import { ensureCollectionIndexes } from '../../db/indexes';
import { messageIdFloor } from './message-ids';
import { toRecord, type MessageDoc, type MessageRecord } from './messages.repo';

/**
 * Message search, on two engines:
 *
 * - `text` (MongoDB 7, what Parley is deployed on): a text index on `content` (`messages_text`) and `$text` with
 *   every word quoted, so every word is required as with the scan below (MongoDB ANDs quoted phrases; bare words
 *   would be OR-ed). The other filters and the channel list narrow the same query.
 * - `scan` (FerretDB 1.24, the local stand-in, which has no text indexes): each word becomes a case-insensitive
 *   `$regex` on `content`, AND-ed, built from the escaped word (user input is never a pattern). FerretDB reads every
 *   message of the guild for it: correct, and slow on large databases. No text index is ever built there.
 *
 * The engine is asked once per process (`buildInfo`: FerretDB names itself in the reply).
 */
export type SearchEngine = 'text' | 'scan';

/** FerretDB's `buildInfo` carries `ferretdbVersion` (and says FerretDB in its version strings); MongoDB's does not. */
export function engineOfBuildInfo(info: Document): SearchEngine {
  const named = Object.keys(info).some((k) => k.toLowerCase().startsWith('ferretdb'));
  const said = [info.version, info.gitVersion].some((v) => typeof v === 'string' && v.toLowerCase().includes('ferretdb'));
  return named || said ? 'scan' : 'text';
}

/** The words of a search text: split on white space, without quotes or a leading minus ($text syntax), deduplicated. */
export function searchTerms(q: string | undefined): string[] {
  if (!q) return [];
  const words = q
    .split(/\s+/u)
    .map((w) => w.replace(/["]/g, '').replace(/^-+/, ''))
    .filter((w) => w.length > 0);
  return [...new Set(words.map((w) => w.toLowerCase()))].slice(0, SEARCH_TERMS_MAX);
}

/** `s` as a pattern that matches exactly that text (every regex metacharacter escaped). */
export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const LINK = 'https?://';

export interface SearchFilter {
  guildId: string;
  /** The channels the asker can view: the search never looks anywhere else. Empty: nothing matches. */
  channelIds: readonly string[];
  terms: readonly string[];
  authorId?: string;
  mentions?: string;
  has?: 'attachment' | 'link';
  before?: Date;
  after?: Date;
}

/** The query of a search on `kind`: one filter, the channel list inside it; `cursor` pages below that message id. */
export function searchFilter(f: SearchFilter, kind: SearchEngine, cursor?: string): Filter<MessageDoc> {
  const content: Filter<MessageDoc>[] = [];
  const filter: Filter<MessageDoc> = {
    guildId: f.guildId,
    channelId: { $in: [...f.channelIds] },
    // The server's own notices ("joined the server.") are not something anyone searches for.
    type: { $ne: 'member_join' },
  };
  if (f.authorId) filter.authorId = f.authorId;
  if (f.mentions) filter['mentions.id'] = f.mentions;
  if (f.has === 'attachment') filter['attachments.0'] = { $exists: true };
  if (f.has === 'link') content.push({ content: { $regex: LINK, $options: 'i' } });
  const ids: { $gte?: string; $lt?: string } = {};
  // Ids are time-sortable (message-ids.ts): a date range is an `_id` range.
  if (f.after) ids.$gte = messageIdFloor(new Date(f.after.getTime() + 1));
  if (f.before) ids.$lt = messageIdFloor(f.before);
  if (cursor && (ids.$lt === undefined || cursor < ids.$lt)) ids.$lt = cursor;
  if (ids.$gte !== undefined || ids.$lt !== undefined) filter._id = ids;
  if (f.terms.length > 0) {
    if (kind === 'text') filter.$text = { $search: f.terms.map((t) => `"${t}"`).join(' ') };
    else for (const t of f.terms) content.push({ content: { $regex: escapeRegex(t), $options: 'i' } });
  }
  if (content.length > 0) filter.$and = content;
  return filter;
}

export type SearchRepo = ReturnType<typeof createSearchRepo>;

export function createSearchRepo(db: Db) {
  const messages = db.collection<MessageDoc>('messages');
  let detected: Promise<SearchEngine> | null = null;

  function engine(): Promise<SearchEngine> {
    return (detected ??= db
      .admin()
      .command({ buildInfo: 1 })
      .then(engineOfBuildInfo, (err: unknown) => {
        detected = null;
        throw err;
      }));
  }

  return {
    engine,

    /** The text index on MongoDB only: FerretDB has none, and creating one there is never tried. */
    async ensureIndexes(): Promise<void> {
      if ((await engine()) !== 'text') return;
      await ensureCollectionIndexes(db, 'messages', [
        { key: { content: 'text' }, name: 'messages_text', weights: { content: 1 }, default_language: 'none' },
      ]);
    },

    /**
     * A page of matches, newest first, older than `cursor` (a message id), and how many match in all. An empty
     * channel list matches nothing without asking the database.
     */
    async search(f: SearchFilter, page: { cursor?: string; limit: number }): Promise<{ items: MessageRecord[]; total: number }> {
      if (f.channelIds.length === 0) return { items: [], total: 0 };
      const kind = await engine();
      const [docs, total] = await Promise.all([
        messages
          .find(searchFilter(f, kind, page.cursor))
          .sort({ _id: -1 })
          .limit(page.limit)
          .toArray(),
        messages.countDocuments(searchFilter(f, kind)),
      ]);
      return { items: docs.map(toRecord), total };
    },
  };
}
