import { ObjectId, type Db, type IndexDescription } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';

/**
 * An invite. Invites written before uses became documents carry the count they had reached in `uses`; the first read
 * turns it into use documents (see `adoptLegacyUses`) and removes the field.
 */
interface InviteDoc {
  _id?: ObjectId;
  code: string;
  guildId: string;
  inviterId: string;
  maxUses: number;
  uses?: number;
  expiresAt: Date | null;
  createdAt: Date;
}

/**
 * One use of an invite: the claim an accept takes before it inserts the membership. A limited invite's uses hold the
 * numbers 0..maxUses-1 in `slot`, and the unique index on (code, slot) lets exactly one insert take each number: that
 * insert is the one atomic write both MongoDB 7 and FerretDB 1.24 offer (FerretDB runs an `updateOne` as a find then an
 * update, so a compare-and-set on a counter lets several accepts through). An unlimited invite's use has its own id as
 * its slot, so it never collides.
 */
interface InviteUseDoc {
  _id: string;
  code: string;
  guildId: string;
  /** Null for uses counted before use documents (who used them was not kept). */
  userId: string | null;
  slot: number | string;
  usedAt: Date;
}

/** An invite with `uses` = the number of its use documents. */
export interface InviteRecord {
  code: string;
  guildId: string;
  inviterId: string;
  maxUses: number;
  uses: number;
  expiresAt: Date | null;
  createdAt: Date;
}

export type InvitesRepo = ReturnType<typeof createInvitesRepo>;

const INVITE_INDEXES: IndexDescription[] = [
  { key: { code: 1 }, unique: true, name: 'code_unique' },
  { key: { guildId: 1 }, name: 'guild' },
];
const USE_INDEXES: IndexDescription[] = [
  { key: { code: 1, slot: 1 }, unique: true, name: 'code_slot_unique' },
  { key: { guildId: 1 }, name: 'guild' },
];

export function createInvitesRepo(db: Db) {
  const invites = db.collection<InviteDoc>('invites');
  const uses = db.collection<InviteUseDoc>('invite_uses');

  const toRecord = (d: InviteDoc, count: number): InviteRecord => ({
    code: d.code,
    guildId: d.guildId,
    inviterId: d.inviterId,
    maxUses: d.maxUses,
    uses: count,
    expiresAt: d.expiresAt,
    createdAt: d.createdAt,
  });

  /**
   * An invite from before use documents: its counted uses become documents with ids derived from the code, so
   * concurrent readers insert the same ones (the duplicates are refused) and every reader has them stored before it
   * goes on to claim a slot. Then the field goes.
   */
  async function adoptLegacyUses(d: InviteDoc): Promise<void> {
    const legacy = d.uses ?? 0;
    const limit = d.maxUses > 0 ? Math.min(legacy, d.maxUses) : legacy;
    if (limit > 0) {
      const docs = Array.from({ length: limit }, (_, i): InviteUseDoc => {
        const id = `legacy:${d.code}:${i}`;
        return { _id: id, code: d.code, guildId: d.guildId, userId: null, slot: d.maxUses > 0 ? i : id, usedAt: d.createdAt };
      });
      try {
        await uses.insertMany(docs, { ordered: false });
      } catch (err) {
        const writeErrors = (err as { writeErrors?: unknown[] }).writeErrors;
        if (!isDuplicateKey(err) && !(Array.isArray(writeErrors) && writeErrors.every(isDuplicateKey))) throw err;
      }
    }
    await invites.updateOne({ code: d.code }, { $unset: { uses: '' } });
  }

  /** `uses` of each listed invite, counted in one query. */
  async function countUses(docs: InviteDoc[]): Promise<Map<string, number>> {
    for (const d of docs) if (d.uses !== undefined) await adoptLegacyUses(d);
    if (docs.length === 0) return new Map();
    const counts = await uses
      .aggregate<{ _id: string; n: number }>([
        { $match: { code: { $in: docs.map((d) => d.code) } } },
        { $group: { _id: '$code', n: { $sum: 1 } } },
      ])
      .toArray();
    return new Map(counts.map((c) => [c._id, c.n]));
  }

  return {
    /** Indexes of both collections: one `createIndexes` call for each (of the indexes it lacks). */
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'invites', INVITE_INDEXES);
      await ensureCollectionIndexes(db, 'invite_uses', USE_INDEXES);
    },

    /** Stores a new invite (without uses); false when its code is taken. */
    async insert(i: Omit<InviteRecord, 'uses'>): Promise<boolean> {
      const doc: InviteDoc = {
        code: i.code,
        guildId: i.guildId,
        inviterId: i.inviterId,
        maxUses: i.maxUses,
        expiresAt: i.expiresAt,
        createdAt: i.createdAt,
      };
      try {
        await invites.insertOne(doc);
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },

    async find(code: string): Promise<InviteRecord | null> {
      const d = await invites.findOne({ code });
      if (!d) return null;
      return toRecord(d, (await countUses([d])).get(code) ?? 0);
    },

    async listByGuild(guildId: string): Promise<InviteRecord[]> {
      const docs = await invites.find({ guildId }).sort({ createdAt: -1 }).limit(1000).toArray();
      const counts = await countUses(docs);
      return docs.map((d) => toRecord(d, counts.get(d.code) ?? 0));
    },

    /**
     * Takes one use of `invite` for `userId`: the id of the use document, or null when a limited invite has no free
     * slot. Slots are tried from `invite.uses` (the count when it was read: the slots below it are most likely taken)
     * round to the one below it, so slots freed by `releaseUse` are found too. Does not check expiry: the caller read
     * the invite as live.
     */
    async claimUse(invite: InviteRecord, userId: string, now: Date): Promise<string | null> {
      const use = (slot: number | string, id: string): InviteUseDoc => ({
        _id: id,
        code: invite.code,
        guildId: invite.guildId,
        userId,
        slot,
        usedAt: now,
      });
      if (invite.maxUses === 0) {
        const id = new ObjectId().toHexString();
        await uses.insertOne(use(id, id));
        return id;
      }
      const first = Math.min(invite.uses, invite.maxUses - 1);
      for (let k = 0; k < invite.maxUses; k++) {
        const id = new ObjectId().toHexString();
        try {
          await uses.insertOne(use((first + k) % invite.maxUses, id));
          return id;
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
        }
      }
      return null;
    },

    /** Gives back a use that `claimUse` took (its membership was not created). */
    async releaseUse(useId: string): Promise<void> {
      await uses.deleteOne({ _id: useId });
    },

    /** Deletes the invite, then its uses (an accept racing the delete may leave one use behind, never a usable invite). */
    async delete(code: string): Promise<boolean> {
      const deleted = (await invites.deleteOne({ code })).deletedCount === 1;
      await uses.deleteMany({ code });
      return deleted;
    },

    async deleteByGuild(guildId: string): Promise<void> {
      await invites.deleteMany({ guildId });
      await uses.deleteMany({ guildId });
    },
  };
}
