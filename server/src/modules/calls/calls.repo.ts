import type { Db } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { newId } from '../../db/ids';
import { ensureCollectionIndexes } from '../../db/indexes';
import type { Call, CallHistoryEntry } from './call-machine';

/**
 * Calls (issue 16 items 3 and 4). Every write that must hold under concurrency is an insert that claims a unique
 * `_id`, or a delete by it, so it is atomic on MongoDB 7 and on FerretDB 1.24 alike (whose $inc/$push/compare-and-set
 * are not):
 * - `call_versions`, `_id` `<callId>:<version>`: each state of a call. A step of the state machine stores its result by
 *   inserting the next version; two steps racing from the same version cannot both win, and the loser reloads the newest
 *   version and applies its event again. The newest version is the call.
 * - `calls`, `_id` the call id: the call's head (channel, participants, `active`), written when it starts and flipped
 *   to `active: false` once when it has ended and everything after the end is done; it finds active calls.
 * - `call_claims`, `_id` `channel:<channelId>` (one active call per channel) or `user:<userId>` (one call a user is
 *   in: the caller, and each recipient who accepted), holding the call id; deleted by `_id` and call id when released.
 *   A claim whose call has ended (a crash between the end and the release) is stale: the next claimer deletes it.
 * - `call_history`, `_id` `<callId>:<userId>`: one row per participant of an ended call (written idempotently).
 * - `call_missed_seen`, `_id` the user id: the newest history row (`seq`) a user has seen; only moves forward (`$max`,
 *   atomic per document). Unseen missed calls are the user's incoming missed rows above it (an outgoing call nobody
 *   answered is `missed` too, the caller's "no answer", and is never badged).
 */

interface VersionDoc {
  _id: string;
  callId: string;
  version: number;
  call: Call;
}

interface HeadDoc {
  _id: string;
  channelId: string;
  userIds: string[];
  active: boolean;
  startedAt: Date;
}

interface ClaimDoc {
  _id: string;
  callId: string;
  at: Date;
}

export interface CallHistoryRow extends CallHistoryEntry {
  participantIds: string[];
  /** Insertion order of history rows (an ObjectId made when written): the missed-call watermark compares it. */
  seq: string;
}

interface HistoryDoc extends CallHistoryRow {
  _id: string;
}

export interface CallHead {
  id: string;
  channelId: string;
  userIds: string[];
  active: boolean;
  startedAt: Date;
}

export type ClaimResult = { claimed: true } | { claimed: false; heldBy: string; at: Date | null };

export type CallsRepo = ReturnType<typeof createCallsRepo>;

const head = (d: HeadDoc): CallHead => ({
  id: d._id,
  channelId: d.channelId,
  userIds: d.userIds,
  active: d.active,
  startedAt: d.startedAt,
});
const channelKey = (channelId: string) => `channel:${channelId}`;
const userKey = (userId: string) => `user:${userId}`;

export function createCallsRepo(db: Db) {
  const versions = db.collection<VersionDoc>('call_versions');
  const heads = db.collection<HeadDoc>('calls');
  const claims = db.collection<ClaimDoc>('call_claims');
  const history = db.collection<HistoryDoc>('call_history');
  const seen = db.collection<{ _id: string; seq: string }>('call_missed_seen');

  async function claim(key: string, callId: string, at: Date): Promise<ClaimResult> {
    try {
      await claims.insertOne({ _id: key, callId, at });
      return { claimed: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const held = await claims.findOne({ _id: key });
      // Released between our insert and this read: report it held by nobody in particular; the caller retries.
      return { claimed: false, heldBy: held?.callId ?? '', at: held?.at ?? null };
    }
  }

  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'call_versions', [{ key: { callId: 1, version: -1 }, name: 'call_version' }]);
      await ensureCollectionIndexes(db, 'calls', [{ key: { active: 1 }, name: 'active' }]);
      await ensureCollectionIndexes(db, 'call_history', [
        { key: { userId: 1, callId: -1 }, name: 'user_call' },
        // The watermark's newest row and the unseen count.
        { key: { userId: 1, seq: -1 }, name: 'user_seq' },
      ]);
    },

    /** The newest version of a call, or null. */
    async latest(callId: string): Promise<Call | null> {
      const doc = await versions.find({ callId }).sort({ version: -1 }).limit(1).next();
      return doc ? doc.call : null;
    },

    /** Stores `call` as its version; false when that version was taken first (another step won the race). */
    async insertVersion(call: Call): Promise<boolean> {
      try {
        await versions.insertOne({ _id: `${call.id}:${call.version}`, callId: call.id, version: call.version, call });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },

    /** Drops the versions before the final one of an ended call (nothing can follow an end). */
    async pruneVersions(callId: string, finalVersion: number): Promise<void> {
      await versions.deleteMany({ callId, version: { $lt: finalVersion } });
    },

    async createHead(h: Omit<CallHead, 'active'>): Promise<void> {
      await heads.insertOne({ _id: h.id, channelId: h.channelId, userIds: h.userIds, active: true, startedAt: h.startedAt });
    },

    async findHead(callId: string): Promise<CallHead | null> {
      const d = await heads.findOne({ _id: callId });
      return d ? head(d) : null;
    },

    /** Only ever from active to inactive, so racing writers agree. */
    async markInactive(callId: string): Promise<void> {
      await heads.updateOne({ _id: callId }, { $set: { active: false } });
    },

    async listActive(): Promise<CallHead[]> {
      return (await heads.find({ active: true }).toArray()).map(head);
    },

    async listActiveOf(userId: string): Promise<CallHead[]> {
      return (await heads.find({ active: true, userIds: userId }).toArray()).map(head);
    },

    claimChannel: (channelId: string, callId: string, at: Date) => claim(channelKey(channelId), callId, at),
    claimUser: (userId: string, callId: string, at: Date) => claim(userKey(userId), callId, at),
    async channelClaim(channelId: string): Promise<string | null> {
      return (await claims.findOne({ _id: channelKey(channelId) }))?.callId ?? null;
    },
    async userClaim(userId: string): Promise<string | null> {
      return (await claims.findOne({ _id: userKey(userId) }))?.callId ?? null;
    },
    /** Releases a claim only if `callId` still holds it. */
    async releaseChannel(channelId: string, callId: string): Promise<void> {
      await claims.deleteOne({ _id: channelKey(channelId), callId });
    },
    async releaseUser(userId: string, callId: string): Promise<void> {
      await claims.deleteOne({ _id: userKey(userId), callId });
    },

    /** Idempotent: a row already written (an end carried out twice after a crash) is kept as it was. */
    async addHistory(rows: Omit<CallHistoryRow, 'seq'>[]): Promise<CallHistoryRow[]> {
      const written: CallHistoryRow[] = [];
      for (const row of rows) {
        const _id = `${row.callId}:${row.userId}`;
        await history.updateOne({ _id }, { $setOnInsert: { ...row, seq: newId() } }, { upsert: true });
        const doc = await history.findOne({ _id });
        if (doc) {
          const { _id: _ignored, ...rest } = doc;
          written.push(rest);
        }
      }
      return written;
    },

    /** A user's rows, newest call first, before `before` (a call id). */
    async listHistory(userId: string, before: string | undefined, limit: number): Promise<CallHistoryRow[]> {
      const filter = before ? { userId, callId: { $lt: before } } : { userId };
      const docs = await history.find(filter).sort({ callId: -1 }).limit(limit).toArray();
      return docs.map(({ _id: _ignored, ...rest }) => rest);
    },

    /** The newest history row of a user (by when it was written), for the "seen" watermark. */
    async newestSeq(userId: string): Promise<string | null> {
      const doc = await history.find({ userId }).sort({ seq: -1 }).limit(1).next();
      return doc?.seq ?? null;
    },

    async seenUpTo(userId: string): Promise<string> {
      return (await seen.findOne({ _id: userId }))?.seq ?? '';
    },

    /** Moves the watermark forward only ($max is atomic per document on both engines). */
    async markSeen(userId: string, seq: string): Promise<void> {
      await seen.updateOne({ _id: userId }, { $max: { seq } }, { upsert: true });
    },

    async countUnseenMissed(userId: string, after: string): Promise<number> {
      return history.countDocuments({ userId, direction: 'incoming', outcome: 'missed', seq: { $gt: after } });
    },
  };
}
