import type { Db, ObjectId } from 'mongodb';
import { oid } from '../../db/ids';
import { ensureCollectionIndexes } from '../../db/indexes';

interface RefreshTokenDoc {
  _id: ObjectId;
  userId: string;
  /** All tokens descending from one login share a family; reuse of a rotated token revokes the family. */
  familyId: string;
  /** sha256 of the token; the token itself is never stored. */
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

const toRecord = (d: RefreshTokenDoc): RefreshTokenRecord => ({
  id: d._id.toHexString(),
  userId: d.userId,
  familyId: d.familyId,
  expiresAt: d.expiresAt,
  rotatedAt: d.rotatedAt,
  revokedAt: d.revokedAt,
});

export type RefreshTokensRepo = ReturnType<typeof createRefreshTokensRepo>;

export function createRefreshTokensRepo(db: Db) {
  const tokens = db.collection<RefreshTokenDoc>('refresh_tokens');
  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'refresh_tokens', [
        { key: { tokenHash: 1 }, unique: true, name: 'token_hash_unique' },
        { key: { familyId: 1 }, name: 'family' },
      ]);
    },

    async insert(t: { id: string; userId: string; familyId: string; tokenHash: string; createdAt: Date; expiresAt: Date }): Promise<void> {
      await tokens.insertOne({ _id: oid(t.id), ...t, rotatedAt: null, revokedAt: null });
    },
    async findByHash(tokenHash: string): Promise<RefreshTokenRecord | null> {
      const d = await tokens.findOne({ tokenHash });
      return d ? toRecord(d) : null;
    },
    /** Atomically mark a live token as used; null when it was already rotated or revoked (a race or a replay). */
    async markRotated(tokenHash: string, now: Date): Promise<RefreshTokenRecord | null> {
      const d = await tokens.findOneAndUpdate(
        { tokenHash, rotatedAt: null, revokedAt: null },
        { $set: { rotatedAt: now } },
        { returnDocument: 'after' },
      );
      return d ? toRecord(d) : null;
    },
    async revokeFamily(familyId: string, now: Date): Promise<void> {
      await tokens.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: now } });
    },
    async revokeAllForUser(userId: string, now: Date): Promise<void> {
      await tokens.updateMany({ userId, revokedAt: null }, { $set: { revokedAt: now } });
    },
  };
}
