import type { Embed } from '@shared/api/messages';
import type { Db } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';

/**
 * `link_previews`: one document per normalized URL (`_id`), what fetching it gave (`embed`, or null when it failed
 * or had nothing to show) and when. Readers judge the age themselves and old documents are swept (no TTL indexes on
 * the FerretDB stand-in). Two instances fetching the same URL at once both write; the last write wins, which is fine
 * for a cache.
 */
interface PreviewDoc {
  _id: string;
  embed: Embed | null;
  /** Why there is no embed (a FetchRefused reason, or NO_CARD); null with an embed. */
  failure: string | null;
  fetchedAt: Date;
}

export interface LinkPreviewRecord {
  url: string;
  embed: Embed | null;
  failure: string | null;
  fetchedAt: Date;
}

export type LinkPreviewsRepo = ReturnType<typeof createLinkPreviewsRepo>;

export function createLinkPreviewsRepo(db: Db) {
  const previews = db.collection<PreviewDoc>('link_previews');
  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'link_previews', [{ key: { fetchedAt: 1 }, name: 'fetched' }]);
    },

    async find(url: string): Promise<LinkPreviewRecord | null> {
      const doc = await previews.findOne({ _id: url });
      return doc ? { url: doc._id, embed: doc.embed, failure: doc.failure, fetchedAt: doc.fetchedAt } : null;
    },

    async save(record: LinkPreviewRecord): Promise<void> {
      const { url, ...rest } = record;
      await previews.replaceOne({ _id: url }, rest, { upsert: true }).catch(async (err: unknown) => {
        // Two first saves of a URL at once: one upsert inserted, the other met its _id; replacing it now is an update.
        if (!isDuplicateKey(err)) throw err;
        await previews.replaceOne({ _id: url }, rest);
      });
    },

    /** Forgets previews fetched before `before`; returns how many. */
    async sweep(before: Date): Promise<number> {
      return (await previews.deleteMany({ fetchedAt: { $lt: before } })).deletedCount;
    },
  };
}
