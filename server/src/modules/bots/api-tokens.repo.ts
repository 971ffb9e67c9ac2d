import type { ApiScope } from '@shared/api/bots';
import type { Db, ObjectId } from 'mongodb';
import { oid } from '../../db/ids';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';
import type { ApiTokenKind } from './api-token-format';

interface ApiTokenDoc {
  _id: ObjectId;
  kind: ApiTokenKind;
  /** Who the token acts as: the bot's account, or the person for a personal token. */
  userId: string;
  /** Who manages it: the bot's owner, or the person. */
  ownerId: string;
  name: string;
  scopes: ApiScope[];
  /** sha256 (hex) of the secret; the secret itself is never stored. */
  hash: string;
  createdAt: Date;
  expiresAt: Date | null;
}

export interface ApiTokenRecord {
  id: string;
  kind: ApiTokenKind;
  userId: string;
  ownerId: string;
  name: string;
  scopes: ApiScope[];
  hash: string;
  createdAt: Date;
  expiresAt: Date | null;
}

/** One numbered place among an owner's N allowed (bots, personal tokens); its unique `_id` makes the cap hold under races. */
interface SlotDoc {
  _id: string;
  holder: string;
}

const toRecord = ({ _id, ...rest }: ApiTokenDoc): ApiTokenRecord => ({ id: _id.toHexString(), ...rest });

export type ApiTokensRepo = ReturnType<typeof createApiTokensRepo>;

export function createApiTokensRepo(db: Db) {
  const tokens = db.collection<ApiTokenDoc>('api_tokens');
  const slots = db.collection<SlotDoc>('api_token_slots');
  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'api_tokens', [
        { key: { ownerId: 1, kind: 1 }, name: 'owner_kind' },
        { key: { userId: 1 }, name: 'user' },
      ]);
      await ensureCollectionIndexes(db, 'api_token_slots', [{ key: { holder: 1 }, name: 'holder' }]);
    },

    async insert(t: ApiTokenRecord): Promise<void> {
      const { id, ...rest } = t;
      await tokens.insertOne({ _id: oid(id), ...rest });
    },
    /** The one indexed read of every token verification. */
    async findById(id: string): Promise<ApiTokenRecord | null> {
      const d = await tokens.findOne({ _id: oid(id) });
      return d ? toRecord(d) : null;
    },
    async listPersonal(ownerId: string): Promise<ApiTokenRecord[]> {
      return (await tokens.find({ ownerId, kind: 'personal' }).sort({ _id: 1 }).toArray()).map(toRecord);
    },
    async findByUser(userId: string): Promise<ApiTokenRecord[]> {
      return (await tokens.find({ userId }).toArray()).map(toRecord);
    },
    /** false when it was already gone. */
    async delete(id: string): Promise<boolean> {
      return (await tokens.deleteOne({ _id: oid(id) })).deletedCount === 1;
    },

    /**
     * Claim a free place among `max` under `scope` (e.g. `bot:<ownerId>`) for `holder`, by inserting its unique id; null
     * when all are taken. Concurrent claims cannot both win one place (a unique insert is atomic on MongoDB and FerretDB).
     */
    async claimSlot(scope: string, max: number, holder: string): Promise<string | null> {
      for (let n = 0; n < max; n++) {
        const _id = `${scope}:${n}`;
        try {
          await slots.insertOne({ _id, holder });
          return _id;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
      return null;
    },
    async releaseSlot(holder: string): Promise<void> {
      await slots.deleteMany({ holder });
    },
  };
}
