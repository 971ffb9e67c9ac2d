import type { RecordingActor, RecordingStatus } from '@shared/api/recordings';
import type { Db, Filter, ObjectId } from 'mongodb';
import { oid } from '../../db/ids';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';

/** Where a recording's bytes live. Stored per recording, so changing S3_* later does not orphan older files. */
export type RecordingStorageKind = 'local' | 's3';

interface RecordingDoc {
  _id: ObjectId;
  guildId: string;
  channelId: string;
  roomName: string;
  egressId: string | null;
  status: RecordingStatus;
  /**
   * "One running recording per channel" without transactions: the channel id while the recording runs, the
   * recording's own id once it has ended. A unique index on it makes a second concurrent start fail with a duplicate
   * key. (Not a partial/sparse index: FerretDB ignores those, so the field always has a unique value.)
   */
  activeKey: string;
  startedBy: RecordingActor;
  stoppedBy: RecordingActor | null;
  startedAt: Date;
  endedAt: Date | null;
  durationMs: number | null;
  sizeBytes: number | null;
  error: string | null;
  storage: RecordingStorageKind;
  /** Path relative to RECORDINGS_DIR, or the S3 object key: `<guildId>/<recordingId>.ogg`. */
  objectKey: string;
  /** The "stopped" notice (message, audit, metadata) was already given, by a user's stop or by the end webhook. */
  endNoticeGiven: boolean;
}

/** What callers get: the stored document with a string id, minus the internal uniqueness key. */
export type RecordingRecord = Omit<RecordingDoc, '_id' | 'activeKey'> & { id: string };
const toRecord = (d: RecordingDoc): RecordingRecord => ({
  id: d._id.toHexString(),
  guildId: d.guildId,
  channelId: d.channelId,
  roomName: d.roomName,
  egressId: d.egressId,
  status: d.status,
  startedBy: d.startedBy,
  stoppedBy: d.stoppedBy,
  startedAt: d.startedAt,
  endedAt: d.endedAt,
  durationMs: d.durationMs,
  sizeBytes: d.sizeBytes,
  error: d.error,
  storage: d.storage,
  objectKey: d.objectKey,
  endNoticeGiven: d.endNoticeGiven,
});

export const UNFINISHED: readonly RecordingStatus[] = ['starting', 'active', 'stopping'];
export const FINISHED: readonly RecordingStatus[] = ['completed', 'failed'];

export type RecordingUpdate = Partial<
  Pick<RecordingRecord, 'egressId' | 'status' | 'stoppedBy' | 'endedAt' | 'durationMs' | 'sizeBytes' | 'error' | 'endNoticeGiven'>
>;

interface SettingsDoc {
  _id: string;
  retentionDays: number | null;
}

export type RecordingsRepo = ReturnType<typeof createRecordingsRepo>;

export function createRecordingsRepo(db: Db) {
  const recordings = db.collection<RecordingDoc>('recordings');
  const settings = db.collection<SettingsDoc>('recording_settings');
  return {
    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'recordings', [
        { key: { activeKey: 1 }, unique: true, name: 'active_key_unique' },
        { key: { guildId: 1, _id: -1 }, name: 'guild_id' },
        { key: { egressId: 1 }, name: 'egress' },
        { key: { status: 1 }, name: 'status' },
      ]);
    },

    /** `busy` when the channel already has an unfinished recording (its `activeKey` is taken: a unique index). */
    async insert(r: RecordingRecord): Promise<'inserted' | 'busy'> {
      const { id, ...rest } = r;
      try {
        await recordings.insertOne({ _id: oid(id), ...rest, activeKey: UNFINISHED.includes(r.status) ? r.channelId : id });
        return 'inserted';
      } catch (err) {
        if (isDuplicateKey(err)) return 'busy';
        throw err;
      }
    },

    async find(id: string): Promise<RecordingRecord | null> {
      const d = await recordings.findOne({ _id: oid(id) });
      return d ? toRecord(d) : null;
    },

    async findByEgressId(egressId: string): Promise<RecordingRecord | null> {
      const d = await recordings.findOne({ egressId });
      return d ? toRecord(d) : null;
    },

    async findRunningInChannel(channelId: string): Promise<RecordingRecord | null> {
      const d = await recordings.findOne({ activeKey: channelId });
      return d ? toRecord(d) : null;
    },

    /**
     * Applies `set` only while the recording is in one of `from` — the compare-and-set that keeps late or repeated
     * webhooks from moving a finished recording backwards. Finishing releases the channel for the next recording.
     */
    async transition(id: string, from: readonly RecordingStatus[], set: RecordingUpdate): Promise<RecordingRecord | null> {
      const $set: Partial<RecordingDoc> = { ...set };
      if (set.status && FINISHED.includes(set.status)) $set.activeKey = id;
      const d = await recordings.findOneAndUpdate({ _id: oid(id), status: { $in: [...from] } }, { $set }, { returnDocument: 'after' });
      return d ? toRecord(d) : null;
    },

    /** Claims the one-time "recording ended" notice; null when someone else already gave it. */
    async claimEndNotice(id: string): Promise<RecordingRecord | null> {
      const d = await recordings.findOneAndUpdate(
        { _id: oid(id), endNoticeGiven: false },
        { $set: { endNoticeGiven: true } },
        { returnDocument: 'after' },
      );
      return d ? toRecord(d) : null;
    },

    async update(id: string, set: RecordingUpdate): Promise<RecordingRecord | null> {
      const d = await recordings.findOneAndUpdate({ _id: oid(id) }, { $set: set }, { returnDocument: 'after' });
      return d ? toRecord(d) : null;
    },

    /** Newest first; `channelIds` limits the result to those channels (the ones the caller may see). */
    /**
     * A guild's recordings, newest first: those of `channelIds`, and when `notAmong` is given also those whose channel
     * is none of `notAmong` (recordings of deleted channels, given the guild's channels now).
     */
    async listByGuild(
      guildId: string,
      q: { before?: string; limit: number; channelIds: readonly string[]; notAmong?: readonly string[] | null },
    ): Promise<RecordingRecord[]> {
      const filter: Filter<RecordingDoc> = q.notAmong
        ? { guildId, $or: [{ channelId: { $in: [...q.channelIds] } }, { channelId: { $nin: [...q.notAmong] } }] }
        : { guildId, channelId: { $in: [...q.channelIds] } };
      if (q.before) filter._id = { $lt: oid(q.before) };
      return (await recordings.find(filter).sort({ guildId: 1, _id: -1 }).limit(q.limit).toArray()).map(toRecord);
    },

    async listUnfinished(): Promise<RecordingRecord[]> {
      return (
        await recordings
          .find({ status: { $in: [...UNFINISHED] } })
          .limit(500)
          .toArray()
      ).map(toRecord);
    },

    /** Finished recordings of a guild that ended before `cutoff`, oldest first. */
    async listEndedBefore(guildId: string, cutoff: Date, limit: number): Promise<RecordingRecord[]> {
      return (
        await recordings
          .find({ guildId, status: { $in: [...FINISHED] }, endedAt: { $lt: cutoff } })
          .sort({ endedAt: 1 })
          .limit(limit)
          .toArray()
      ).map(toRecord);
    },

    async delete(id: string): Promise<boolean> {
      return (await recordings.deleteOne({ _id: oid(id) })).deletedCount === 1;
    },

    async getRetentionDays(guildId: string): Promise<number | null> {
      return (await settings.findOne({ _id: guildId }))?.retentionDays ?? null;
    },

    async setRetentionDays(guildId: string, retentionDays: number | null): Promise<void> {
      await settings.updateOne({ _id: guildId }, { $set: { retentionDays } }, { upsert: true });
    },

    /** Guilds with a retention limit, for the sweeper. */
    async guildsWithRetention(): Promise<{ guildId: string; retentionDays: number }[]> {
      const docs = await settings.find({ retentionDays: { $gt: 0 } }).toArray();
      return docs.flatMap((d) => (d.retentionDays ? [{ guildId: d._id, retentionDays: d.retentionDays }] : []));
    },
  };
}
