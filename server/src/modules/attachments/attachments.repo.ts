import type { Attachment, AttachmentKind } from '@shared/api/attachments';
import type { Db } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';
import type { StorageKind } from '../../storage/object-storage';

/**
 * Attachments, in three collections:
 *
 * - `attachments`: one document per uploaded file (where it is stored, what it is). `messageId` is null while the
 *   upload is pending; the message that sends it sets it. `orphanedAt` is set when its message (or channel, or guild)
 *   is deleted: the sweep then removes the file and the document. Messages carry a copy of the public fields in their
 *   own `attachments` array, so history pages never read this collection.
 * - `attachment_claims`: `{ _id: attachmentId, by }`. Sending an attachment claims it by inserting its id, and so does
 *   the sweep before it deletes a stale pending upload: one unique `_id`, so exactly one of two sends (or a send and
 *   the sweep) wins, on MongoDB 7 and on FerretDB alike. A retried send with the same nonce presents the same `by`.
 * - `attachment_settings`: `{ _id: guildId, maxBytes }`, a guild's upload limit when its managers set one.
 */

export const ATTACHMENTS_COLLECTION = 'attachments';

export interface AttachmentRecord extends Attachment {
  /** null: uploaded to a private channel (DM). */
  guildId: string | null;
  channelId: string;
  uploaderId: string;
  storage: StorageKind;
  objectKey: string;
  /** The thumbnail's object key (images only). */
  thumbKey: string | null;
  createdAt: Date;
  messageId: string | null;
  orphanedAt: Date | null;
}

interface AttachmentDoc extends Omit<AttachmentRecord, 'id'> {
  _id: string;
}

interface ClaimDoc {
  _id: string;
  by: string;
  at: Date;
}

interface SettingsDoc {
  _id: string;
  maxBytes: number;
}

const toRecord = ({ _id, ...rest }: AttachmentDoc): AttachmentRecord => ({ id: _id, ...rest });

/** The public part of a record, as messages carry it. */
export const attachmentView = (a: Pick<AttachmentRecord, keyof Attachment>): Attachment => ({
  id: a.id,
  filename: a.filename,
  contentType: a.contentType,
  size: a.size,
  kind: a.kind as AttachmentKind,
  width: a.width,
  height: a.height,
  thumbnail: a.thumbnail,
});

export type AttachmentsRepo = ReturnType<typeof createAttachmentsRepo>;

export function createAttachmentsRepo(db: Db) {
  const attachments = db.collection<AttachmentDoc>(ATTACHMENTS_COLLECTION);
  const claims = db.collection<ClaimDoc>('attachment_claims');
  const settings = db.collection<SettingsDoc>('attachment_settings');

  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, ATTACHMENTS_COLLECTION, [
        // Marking a deleted message's attachments, and the sweep's "pending since" range (messageId null).
        { key: { messageId: 1, createdAt: 1 }, name: 'message_created' },
        { key: { orphanedAt: 1 }, name: 'orphaned' },
      ]);
    },

    async insert(record: AttachmentRecord): Promise<void> {
      const { id, ...rest } = record;
      await attachments.insertOne({ _id: id, ...rest });
    },

    async find(id: string): Promise<AttachmentRecord | null> {
      const doc = await attachments.findOne({ _id: id });
      return doc ? toRecord(doc) : null;
    },

    async findMany(ids: readonly string[]): Promise<AttachmentRecord[]> {
      if (ids.length === 0) return [];
      return (await attachments.find({ _id: { $in: [...ids] } }).toArray()).map(toRecord);
    },

    /**
     * Claims an attachment for a send (`by`: the send's nonce key, or a one-off id). True when this send holds the claim:
     * it inserted it, or an earlier try of the same send did.
     */
    async claim(id: string, by: string, at: Date): Promise<boolean> {
      try {
        await claims.insertOne({ _id: id, by, at });
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        return (await claims.findOne({ _id: id }))?.by === by;
      }
    },

    /** When the claim on an attachment was taken, by whom (null: unclaimed). */
    async claimOf(id: string): Promise<{ by: string; at: Date } | null> {
      const doc = await claims.findOne({ _id: id });
      return doc ? { by: doc.by, at: doc.at } : null;
    },

    /** Lets go of claims a failed send took (it sends nothing), so the uploads can be sent again. */
    async releaseClaims(ids: readonly string[], by: string): Promise<void> {
      if (ids.length > 0) await claims.deleteMany({ _id: { $in: [...ids] }, by });
    },

    async markSent(ids: readonly string[], messageId: string): Promise<void> {
      if (ids.length > 0) await attachments.updateMany({ _id: { $in: [...ids] } }, { $set: { messageId } });
    },

    /** Pending uploads older than `before`, and orphaned attachments: what the sweep looks at, `limit` at a time. */
    async stale(before: Date, limit: number): Promise<{ pending: AttachmentRecord[]; orphaned: AttachmentRecord[] }> {
      const [pending, orphaned] = await Promise.all([
        attachments
          .find({ messageId: null, createdAt: { $lt: before } })
          .limit(limit)
          .toArray(),
        attachments
          .find({ orphanedAt: { $ne: null } })
          .limit(limit)
          .toArray(),
      ]);
      return { pending: pending.map(toRecord), orphaned: orphaned.map(toRecord) };
    },

    /** Forgets an attachment whose files are gone (its claim too). */
    async delete(id: string): Promise<void> {
      await attachments.deleteOne({ _id: id });
      await claims.deleteOne({ _id: id });
    },

    async guildMaxBytes(guildId: string): Promise<number | null> {
      return (await settings.findOne({ _id: guildId }))?.maxBytes ?? null;
    },

    async setGuildMaxBytes(guildId: string, maxBytes: number): Promise<void> {
      await settings.updateOne({ _id: guildId }, { $set: { maxBytes } }, { upsert: true });
    },
  };
}
