import { Binary, type Db } from 'mongodb';
import { ensureCollectionIndexes } from '../../db/indexes';

/** Whose image: a user's avatar or a guild's icon. */
export type ImageKind = 'avatar' | 'icon';

/**
 * One stored image (a 256×256 WebP, tens of KB). `_id` is "<kind>:<ownerId>:<hash>", so serving an image is one `_id`
 * lookup (the only kind FerretDB pushes down) and storing the same image twice is a no-op.
 */
interface ImageDoc {
  _id: string;
  kind: ImageKind;
  ownerId: string;
  hash: string;
  contentType: 'image/webp';
  data: Binary;
  createdAt: Date;
}

export interface ImageRecord {
  kind: ImageKind;
  ownerId: string;
  hash: string;
  contentType: 'image/webp';
  data: Buffer;
  createdAt: Date;
}

const imageKey = (kind: ImageKind, ownerId: string, hash: string) => `${kind}:${ownerId}:${hash}`;

export type ImagesRepo = ReturnType<typeof createImagesRepo>;

export function createImagesRepo(db: Db) {
  const images = db.collection<ImageDoc>('images');
  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'images', [{ key: { ownerId: 1, kind: 1 }, name: 'owner' }]);
    },

    /** Stores the image unless that owner already has it (same bytes, same hash: an upsert that changes nothing). */
    async put(r: ImageRecord): Promise<void> {
      await images.updateOne(
        { _id: imageKey(r.kind, r.ownerId, r.hash) },
        {
          $setOnInsert: {
            kind: r.kind,
            ownerId: r.ownerId,
            hash: r.hash,
            contentType: r.contentType,
            data: new Binary(r.data),
            createdAt: r.createdAt,
          },
        },
        { upsert: true },
      );
    },

    async find(kind: ImageKind, ownerId: string, hash: string): Promise<ImageRecord | null> {
      const d = await images.findOne({ _id: imageKey(kind, ownerId, hash) });
      if (!d) return null;
      return {
        kind: d.kind,
        ownerId: d.ownerId,
        hash: d.hash,
        contentType: d.contentType,
        data: Buffer.from(d.data.buffer),
        createdAt: d.createdAt,
      };
    },

    /**
     * Deletes the owner's images other than `keep` that were stored before `storedBefore`. The cut-off spares an upload
     * that another request stored a moment ago and has not yet made current, so two changes at once never delete the
     * image that ends up current; what such a race leaves behind goes with the owner's next change.
     */
    async deleteStale(kind: ImageKind, ownerId: string, keep: string | null, storedBefore: Date): Promise<number> {
      const filter =
        keep === null
          ? { kind, ownerId, createdAt: { $lt: storedBefore } }
          : { kind, ownerId, hash: { $ne: keep }, createdAt: { $lt: storedBefore } };
      return (await images.deleteMany(filter)).deletedCount;
    },

    /** Every image of the owner (account or guild deletion). */
    async deleteAllOf(kind: ImageKind, ownerId: string): Promise<void> {
      await images.deleteMany({ kind, ownerId });
    },
  };
}
