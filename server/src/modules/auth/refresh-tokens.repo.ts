import type { Db, ObjectId } from 'mongodb';
import { oid } from '../../db/ids';
import { ensureCollectionIndexes } from '../../db/indexes';

interface RefreshTokenDoc {
  _id: ObjectId;
  userId: string;
  /**
   * All tokens descending from one login share a family (a "session" in the API); reuse of a rotated token revokes the
   * family. A family's first token has the family id as its `_id`, so "is this session logged out?" is an `_id` read.
   */
  familyId: string;
  /** sha256 of the token; the token itself is never stored. */
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
  /** When the family began (its login), copied down each rotation; absent on tokens from before sessions were listed. */
  familyCreatedAt?: Date;
  /** "Chrome on Linux": read from the User-Agent at login, copied down each rotation. */
  clientLabel?: string;
}

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  familyId: string;
  createdAt: Date;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
  familyCreatedAt: Date;
  clientLabel: string | null;
}

const toRecord = (d: RefreshTokenDoc): RefreshTokenRecord => ({
  id: d._id.toHexString(),
  userId: d.userId,
  familyId: d.familyId,
  createdAt: d.createdAt,
  expiresAt: d.expiresAt,
  rotatedAt: d.rotatedAt,
  revokedAt: d.revokedAt,
  familyCreatedAt: d.familyCreatedAt ?? d.createdAt,
  clientLabel: d.clientLabel ?? null,
});

export type RefreshTokensRepo = ReturnType<typeof createRefreshTokensRepo>;

export function createRefreshTokensRepo(db: Db) {
  const tokens = db.collection<RefreshTokenDoc>('refresh_tokens');
  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'refresh_tokens', [
        { key: { tokenHash: 1 }, unique: true, name: 'token_hash_unique' },
        { key: { familyId: 1 }, name: 'family' },
        { key: { userId: 1 }, name: 'user' },
      ]);
    },

    async insert(t: {
      id: string;
      userId: string;
      familyId: string;
      tokenHash: string;
      createdAt: Date;
      expiresAt: Date;
      familyCreatedAt: Date;
      clientLabel: string | null;
    }): Promise<void> {
      const { clientLabel, ...rest } = t;
      await tokens.insertOne({ _id: oid(t.id), ...rest, ...(clientLabel ? { clientLabel } : {}), rotatedAt: null, revokedAt: null });
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
    /**
     * The user's live sessions: each family's newest token (not rotated, not revoked, not expired). Its `createdAt` is
     * the session's last login or refresh.
     */
    async liveHeads(userId: string, now: Date): Promise<RefreshTokenRecord[]> {
      const docs = await tokens.find({ userId, rotatedAt: null, revokedAt: null, expiresAt: { $gt: now } }).toArray();
      return docs.map(toRecord);
    },
    /**
     * False once the family was revoked (logout, reuse, password change, account deletion) or when it is unknown.
     * Reads the family's first token by `_id`; families begun before that layout are found by `familyId`.
     */
    async isFamilyLive(familyId: string): Promise<boolean> {
      const d = (await tokens.findOne({ _id: oid(familyId) })) ?? (await tokens.findOne({ familyId }));
      return d !== null && d.familyId === familyId && d.revokedAt === null;
    },
    async revokeFamily(familyId: string, now: Date): Promise<void> {
      await tokens.updateMany({ familyId, revokedAt: null }, { $set: { revokedAt: now } });
    },
    /** Revokes one family of this user; false when it has no live token (unknown, another user's, already ended). */
    async revokeFamilyOf(userId: string, familyId: string, now: Date): Promise<boolean> {
      const r = await tokens.updateMany({ familyId, userId, revokedAt: null }, { $set: { revokedAt: now } });
      return r.modifiedCount > 0;
    },
    /** Every family of the user but `keepFamilyId`. */
    async revokeAllForUserExcept(userId: string, keepFamilyId: string, now: Date): Promise<void> {
      await tokens.updateMany({ userId, revokedAt: null, familyId: { $ne: keepFamilyId } }, { $set: { revokedAt: now } });
    },
    async revokeAllForUser(userId: string, now: Date): Promise<void> {
      await tokens.updateMany({ userId, revokedAt: null }, { $set: { revokedAt: now } });
    },
  };
}
