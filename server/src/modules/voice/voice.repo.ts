import { ObjectId, type Collection, type Db } from 'mongodb';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';
import { createKeyLock } from '../../db/key-lock';

/**
 * Voice persistence. One document per user (unique by `_id` = user id), kept when they leave so that their self mute
 * and deafen survive reconnects and so that the session watermarks below keep working.
 *
 * Ordering and idempotency without transactions: every LiveKit connection has its own participant sid and join time.
 * - `currentJoinedAtMs` is the join time of the session shown now; a session only replaces it if it joined later.
 * - `endedJoinedAtMs` is the latest join time of a session we saw end; a session that joined at or before it can never
 *   come back (a late `participant_joined` or `track_published` arriving after its `participant_left`).
 * Exactly-once side effects (events, audit lines) come from claims: starting or ending session `sid` first inserts
 * `start:<sid>` / `end:<sid>` into `voice_session_claims`, whose `_id` is unique. Only the caller whose insert
 * succeeds goes on; replays and other server instances get a duplicate-key error and stop. (A conditional
 * findOneAndUpdate is not enough: FerretDB 1.x runs it as a find followed by an update, so concurrent callers can all
 * "win" — tests/integration/voice-state.test.ts proves the claims hold there.)
 */
export interface VoiceStateRecord {
  userId: string;
  guildId: string | null;
  channelId: string | null;
  room: string | null;
  participantSid: string | null;
  currentJoinedAtMs: number;
  endedJoinedAtMs: number;
  joinedAt: Date | null;
  selfMute: boolean;
  selfDeaf: boolean;
  serverMute: boolean;
  serverDeaf: boolean;
  serverVideoOff: boolean;
  serverStreamOff: boolean;
  /** The current session publishes a camera / a screen share, as LiveKit reports it (track webhooks, reconciler). */
  selfVideo: boolean;
  selfStream: boolean;
  /** When selfVideo/selfStream were last written: the reconciler does not overwrite a webhook newer than its listing. */
  mediaAt: Date | null;
  /** Whose streams the user watches in the current session, as their client reports it; each session starts with none. */
  watching: string[];
  /** A moderator moved the user into this channel at `admittedAt`: that session is exempt from its user limit. */
  admittedChannelId: string | null;
  admittedAt: Date | null;
  updatedAt: Date;
}

export interface ActiveVoiceState extends VoiceStateRecord {
  guildId: string;
  channelId: string;
  room: string;
  participantSid: string;
  joinedAt: Date;
}

export interface SessionStart {
  userId: string;
  guildId: string;
  channelId: string;
  room: string;
  participantSid: string;
  joinedAtMs: number;
  serverMute: boolean;
  serverDeaf: boolean;
  serverVideoOff: boolean;
  serverStreamOff: boolean;
  at: Date;
}

export interface ModerationFlags {
  serverMute: boolean;
  serverDeaf: boolean;
  serverVideoOff: boolean;
  serverStreamOff: boolean;
}

/** What the current session publishes besides the microphone. */
export interface MediaPresence {
  selfVideo: boolean;
  selfStream: boolean;
}

/**
 * A place in a voice channel with a user limit. Seats are what makes the limit exact: one is claimed before a join
 * token is issued, so at most `userLimit` users can hold tokens for (or be in) the channel at once.
 *
 * Claiming is an insert under the unique index `{ channelId, slot }`, the one write that is atomic on FerretDB 1.24 as
 * well as MongoDB (FerretDB runs findOneAndUpdate, conditional updateOne and $inc as a find then a write, so concurrent
 * callers could all "win"). Every claim gets its own `_id`, and a seat is only ever deleted by that `_id`: a caller
 * holding a stale view of slot 3 can never delete someone's newer claim of slot 3. A second unique index,
 * `{ channelId, userId }`, keeps one user to one seat per channel even when their own requests race.
 */
export interface VoiceSeat {
  id: string;
  channelId: string;
  guildId: string;
  slot: number;
  userId: string;
  /**
   * Held for a join that has not connected yet (a token was issued) until this time: the token's TTL plus slack for a
   * slow connect and a late webhook. null once the session it was claimed for has started in LiveKit.
   */
  holdUntil: Date | null;
  /** Last claim or session start: the reconciler leaves seats touched after its LiveKit snapshot alone. */
  touchedAt: Date;
}

export interface SeatClaim {
  channelId: string;
  guildId: string;
  userId: string;
  /** Slots 0..limit-1 may be claimed; seats at or above a lowered limit stay with their holders but are never given out. */
  limit: number;
  at: Date;
  holdUntil: Date | null;
}

/**
 * How long past `holdUntil` other claimants (and the reconciler) wait before deleting an unused seat, while its holder
 * still refreshes it only before `holdUntil`. Between the two nobody touches it, so a refresh and a reap of the same
 * seat cannot interleave unless clocks disagree by more than this.
 */
export const SEAT_REAP_MARGIN_MS = 5_000;

/** An unused seat whose hold ran out: anyone may delete it (by its `_id`). Seats in use (holdUntil null) never expire. */
export function isSeatExpired(seat: Pick<VoiceSeat, 'holdUntil'>, at: Date): boolean {
  return seat.holdUntil !== null && seat.holdUntil.getTime() < at.getTime() - SEAT_REAP_MARGIN_MS;
}

export interface VoiceRepo {
  ensureIndexes(): Promise<void>;
  findByUser(userId: string): Promise<VoiceStateRecord | null>;
  listActiveInGuild(guildId: string): Promise<ActiveVoiceState[]>;
  listActiveInGuilds(guildIds: readonly string[]): Promise<ActiveVoiceState[]>;
  listActiveInRoom(room: string): Promise<ActiveVoiceState[]>;
  listActiveRooms(): Promise<string[]>;
  /** How many active participants each room has (rooms without any are absent): the voice participants gauge. */
  countActiveByRoom(): Promise<Map<string, number>>;
  /** Stores self mute/deafen (creating the user's document if needed); returns the document after the change. */
  setSelfState(userId: string, patch: { selfMute?: boolean; selfDeaf?: boolean; watching?: string[] }, at: Date): Promise<VoiceStateRecord>;
  /**
   * Makes `start` the current session unless a later session is current or this one already ended.
   * Returns the document as it was before when it changed something, `undefined` when it did not.
   */
  startSession(start: SessionStart): Promise<{ before: VoiceStateRecord | null } | undefined>;
  /** Ends the session `participantSid` if it is the current one; returns the state it had, or null. */
  endSession(userId: string, participantSid: string, joinedAtMs: number, at: Date): Promise<ActiveVoiceState | null>;
  /** Forgets claims older than `before` (they only matter while LiveKit may still retry a webhook: minutes). */
  pruneClaims(before: Date): Promise<number>;
  /** Records that a moderator is moving the user into `channelId` (their next session there may exceed its limit). */
  admit(userId: string, channelId: string, at: Date): Promise<void>;
  /** Sets the moderation flags of a member and mirrors them on their voice state when it is in that guild. */
  setModeration(guildId: string, userId: string, patch: Partial<ModerationFlags>, at: Date): Promise<ModerationFlags>;
  getModeration(guildId: string, userId: string): Promise<ModerationFlags>;
  /**
   * Records what session `participantSid` publishes (only while it is the user's current session). With
   * `unlessWrittenAfter`, a presence written after that time (a webhook newer than the reconciler's listing) is kept.
   * Returns the state after the change when something changed, else null.
   */
  setMedia(
    userId: string,
    participantSid: string,
    patch: Partial<MediaPresence>,
    at: Date,
    unlessWrittenAfter?: Date,
  ): Promise<ActiveVoiceState | null>;
  /**
   * Gives `claim.userId` a seat in the channel: the one they already hold there (its hold set to `claim.holdUntil`),
   * else the lowest free slot below the limit, deleting expired seats on the way. null when every slot is taken.
   */
  claimSeat(claim: SeatClaim): Promise<VoiceSeat | null>;
  findSeat(channelId: string, userId: string): Promise<VoiceSeat | null>;
  /** Seats held by a user (any channel), or every seat when `userId` is omitted (the reconciler's sweep). */
  listSeats(userId?: string): Promise<VoiceSeat[]>;
  /** Deletes exactly this claim; false when it was already gone. */
  releaseSeat(seatId: string): Promise<boolean>;
}

interface VoiceStateDoc extends Omit<VoiceStateRecord, 'userId'> {
  _id: string;
}

interface ClaimDoc {
  _id: string;
  userId: string;
  at: Date;
}

interface SeatDoc extends Omit<VoiceSeat, 'id'> {
  _id: string;
}

interface ModerationDoc extends ModerationFlags {
  _id: string;
  guildId: string;
  userId: string;
  updatedAt: Date;
}

/** How long a claim's holder gets to finish its write before another caller may repair the session. */
export const CLAIM_GRACE_MS = 10_000;

function toRecord(doc: VoiceStateDoc): VoiceStateRecord {
  const { _id, ...rest } = doc;
  return {
    userId: _id,
    guildId: rest.guildId ?? null,
    channelId: rest.channelId ?? null,
    room: rest.room ?? null,
    participantSid: rest.participantSid ?? null,
    currentJoinedAtMs: rest.currentJoinedAtMs ?? 0,
    endedJoinedAtMs: rest.endedJoinedAtMs ?? 0,
    joinedAt: rest.joinedAt ?? null,
    selfMute: rest.selfMute ?? false,
    selfDeaf: rest.selfDeaf ?? false,
    serverMute: rest.serverMute ?? false,
    serverDeaf: rest.serverDeaf ?? false,
    serverVideoOff: rest.serverVideoOff ?? false,
    serverStreamOff: rest.serverStreamOff ?? false,
    selfVideo: rest.selfVideo ?? false,
    selfStream: rest.selfStream ?? false,
    mediaAt: rest.mediaAt ?? null,
    watching: rest.watching ?? [],
    admittedChannelId: rest.admittedChannelId ?? null,
    admittedAt: rest.admittedAt ?? null,
    updatedAt: rest.updatedAt,
  };
}

function toSeat(doc: SeatDoc): VoiceSeat {
  return {
    id: doc._id,
    channelId: doc.channelId,
    guildId: doc.guildId,
    slot: doc.slot,
    userId: doc.userId,
    holdUntil: doc.holdUntil ?? null,
    touchedAt: doc.touchedAt,
  };
}

/** Passes over the channel's seats before a claim gives up; each pass loses only to claims that actually succeeded. */
const SEAT_CLAIM_PASSES = 3;

export function isActive(record: VoiceStateRecord | null): record is ActiveVoiceState {
  return !!record && record.channelId !== null && record.participantSid !== null && record.guildId !== null;
}

/** An ended session also stops publishing and watching: its camera, stream and viewing presence go with it. */
const INACTIVE = {
  guildId: null,
  channelId: null,
  room: null,
  participantSid: null,
  joinedAt: null,
  selfVideo: false,
  selfStream: false,
  mediaAt: null,
  watching: [] as string[],
};

const NO_FLAGS: ModerationFlags = { serverMute: false, serverDeaf: false, serverVideoOff: false, serverStreamOff: false };
const FLAG_NAMES = Object.keys(NO_FLAGS) as (keyof ModerationFlags)[];

function flagsOf(doc: Partial<ModerationFlags> | null | undefined): ModerationFlags {
  return {
    serverMute: doc?.serverMute ?? false,
    serverDeaf: doc?.serverDeaf ?? false,
    serverVideoOff: doc?.serverVideoOff ?? false,
    serverStreamOff: doc?.serverStreamOff ?? false,
  };
}

/** Fields every new document starts with, so the conditional filters below can compare them. */
function freshDoc(at: Date) {
  return {
    currentJoinedAtMs: 0,
    endedJoinedAtMs: 0,
    selfMute: false,
    selfDeaf: false,
    ...NO_FLAGS,
    ...INACTIVE,
    updatedAt: at,
  };
}

export function createVoiceRepo(db: Db): VoiceRepo {
  const states: Collection<VoiceStateDoc> = db.collection<VoiceStateDoc>('voice_states');
  const moderation: Collection<ModerationDoc> = db.collection<ModerationDoc>('voice_moderation');
  const claims: Collection<ClaimDoc> = db.collection<ClaimDoc>('voice_session_claims');
  const seats: Collection<SeatDoc> = db.collection<SeatDoc>('voice_seats');
  // Every change to a user's state document goes through this lock: joins, leaves, self mute and moderation of one
  // user can arrive at once (two rooms' webhooks within a millisecond), and on FerretDB two conditional updates of one
  // document can each overwrite the other's change.
  const stateLock = createKeyLock(db, 'voice_state_locks');

  /** True for the one caller that claims `key`; false for everyone after it. */
  async function claim(key: string, userId: string, at: Date): Promise<boolean> {
    try {
      await claims.insertOne({ _id: key, userId, at });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /**
   * Takes over a claim whose holder evidently never finished (the state still doesn't show its transition after the
   * grace period: it crashed, or lost a race on FerretDB). Without this, one lost write would block the reconciler
   * from ever repairing that session.
   */
  async function retakeStale(key: string, at: Date): Promise<boolean> {
    const held = await claims.findOne({ _id: key });
    if (!held || at.getTime() - held.at.getTime() < CLAIM_GRACE_MS) return false;
    const result = await claims.updateOne({ _id: key, at: held.at }, { $set: { at } });
    return result.modifiedCount > 0;
  }

  async function ensureDoc(userId: string, at: Date): Promise<void> {
    try {
      await states.updateOne({ _id: userId }, { $setOnInsert: freshDoc(at) }, { upsert: true });
    } catch (err) {
      // Two requests creating the same user's document at once: the other one won, which is all we wanted.
      if (!isDuplicateKey(err)) throw err;
    }
  }

  const activeFilter = { channelId: { $ne: null }, participantSid: { $ne: null } };

  return {
    async ensureIndexes() {
      // Collections one after another, at most one createIndexes each: index builds on one collection must not overlap.
      await ensureCollectionIndexes(db, 'voice_states', [
        { key: { channelId: 1 }, name: 'channelId_1' },
        { key: { guildId: 1 }, name: 'guildId_1' },
        { key: { room: 1 }, name: 'room_1' },
      ]);
      await ensureCollectionIndexes(db, 'voice_moderation', [{ key: { guildId: 1, userId: 1 }, unique: true, name: 'guildId_1_userId_1' }]);
      await ensureCollectionIndexes(db, 'voice_session_claims', [{ key: { at: 1 }, name: 'at_1' }]);
      // The slot index is what makes a claim atomic; the user index keeps one seat per user per channel.
      await ensureCollectionIndexes(db, 'voice_seats', [
        { key: { channelId: 1, slot: 1 }, unique: true, name: 'channel_slot_unique' },
        { key: { channelId: 1, userId: 1 }, unique: true, name: 'channel_user_unique' },
        { key: { userId: 1 }, name: 'user' },
      ]);
    },

    async findByUser(userId) {
      const doc = await states.findOne({ _id: userId });
      return doc ? toRecord(doc) : null;
    },

    async listActiveInGuild(guildId) {
      const docs = await states
        .find({ guildId, ...activeFilter })
        .sort({ joinedAt: 1 })
        .toArray();
      return docs.map(toRecord).filter(isActive);
    },

    async listActiveInGuilds(guildIds) {
      if (guildIds.length === 0) return [];
      const docs = await states.find({ guildId: { $in: [...guildIds] }, ...activeFilter }).toArray();
      return docs.map(toRecord).filter(isActive);
    },

    async listActiveInRoom(room) {
      const docs = await states.find({ room, ...activeFilter }).toArray();
      return docs.map(toRecord).filter(isActive);
    },

    async listActiveRooms() {
      // distinct() is avoided on purpose: keep to the query shapes FerretDB and MongoDB both serve the same way.
      const docs = await states.find(activeFilter, { projection: { room: 1 } }).toArray();
      return [...new Set(docs.map((d) => d.room).filter((r): r is string => typeof r === 'string'))];
    },

    async countActiveByRoom() {
      // Counted here rather than with $group, like listActiveRooms: one projected find both engines serve the same way.
      const docs = await states.find(activeFilter, { projection: { room: 1 } }).toArray();
      const counts = new Map<string, number>();
      for (const { room } of docs) if (typeof room === 'string') counts.set(room, (counts.get(room) ?? 0) + 1);
      return counts;
    },

    async setSelfState(userId, patch, at) {
      return stateLock.withLock(userId, async () => {
        await ensureDoc(userId, at);
        const $set: Partial<VoiceStateDoc> = { updatedAt: at };
        if (patch.selfMute !== undefined) $set.selfMute = patch.selfMute;
        if (patch.selfDeaf !== undefined) $set.selfDeaf = patch.selfDeaf;
        if (patch.watching !== undefined) $set.watching = patch.watching;
        const doc = await states.findOneAndUpdate({ _id: userId }, { $set }, { returnDocument: 'after' });
        if (!doc) throw new Error('voice state vanished during update');
        return toRecord(doc);
      });
    },

    async startSession(start) {
      return stateLock.withLock(start.userId, async () => {
        // A session that already ended never starts again (late joined/track webhook after participant_left).
        if (await claims.findOne({ _id: `end:${start.participantSid}` })) return undefined;
        await ensureDoc(start.userId, start.at);
        const before = await states.findOne({ _id: start.userId });
        if (!before || before.currentJoinedAtMs >= start.joinedAtMs || before.endedJoinedAtMs >= start.joinedAtMs) return undefined;
        // before.participantSid !== sid here (or the watermark check above would have stopped us), so a held claim
        // whose write never landed may be retaken once it is stale.
        const key = `start:${start.participantSid}`;
        if (!(await claim(key, start.userId, start.at)) && !(await retakeStale(key, start.at))) return undefined;
        const result = await states.updateOne(
          {
            _id: start.userId,
            currentJoinedAtMs: { $lt: start.joinedAtMs },
            endedJoinedAtMs: { $lt: start.joinedAtMs },
          },
          {
            $set: {
              guildId: start.guildId,
              channelId: start.channelId,
              room: start.room,
              participantSid: start.participantSid,
              currentJoinedAtMs: start.joinedAtMs,
              joinedAt: start.at,
              serverMute: start.serverMute,
              serverDeaf: start.serverDeaf,
              serverVideoOff: start.serverVideoOff,
              serverStreamOff: start.serverStreamOff,
              // A new connection publishes nothing yet; its track webhooks (or the reconciler) say what it adds. Nor
              // does it watch anything yet: its client reports that once it sees this session.
              selfVideo: false,
              selfStream: false,
              mediaAt: null,
              watching: [],
              updatedAt: start.at,
            },
          },
        );
        return result.matchedCount > 0 ? { before: toRecord(before) } : undefined;
      });
    },

    async endSession(userId, participantSid, joinedAtMs, at) {
      return stateLock.withLock(userId, async () => {
        await ensureDoc(userId, at);
        const key = `end:${participantSid}`;
        if (!(await claim(key, userId, at))) {
          // Already ended — unless the state still shows this session well after that claim (see retakeStale).
          const stuck = await states.findOne({ _id: userId, participantSid });
          if (!stuck || !(await retakeStale(key, at))) return null;
        }
        const before = await states.findOne({ _id: userId, participantSid });
        if (before) {
          await states.updateOne({ _id: userId, participantSid }, { $set: { ...INACTIVE, endedJoinedAtMs: joinedAtMs, updatedAt: at } });
          const record = toRecord(before);
          return isActive(record) ? record : null;
        }
        // Not the current session (it never started here, or a later one replaced it): remember that it ended so a
        // late "joined" for it can't bring it back.
        await states.updateOne({ _id: userId, endedJoinedAtMs: { $lt: joinedAtMs } }, { $set: { endedJoinedAtMs: joinedAtMs } });
        return null;
      });
    },

    async admit(userId, channelId, at) {
      return stateLock.withLock(userId, async () => {
        await ensureDoc(userId, at);
        await states.updateOne({ _id: userId }, { $set: { admittedChannelId: channelId, admittedAt: at, updatedAt: at } });
      });
    },

    async pruneClaims(before) {
      const result = await claims.deleteMany({ at: { $lt: before } });
      return result.deletedCount;
    },

    async setModeration(guildId, userId, patch, at) {
      const $set: Partial<ModerationDoc> = { updatedAt: at };
      const setOnInsert: Partial<ModerationDoc> = { guildId, userId };
      for (const name of FLAG_NAMES) {
        const value = patch[name];
        if (value !== undefined) $set[name] = value;
        else setOnInsert[name] = false;
      }
      const id = `${guildId}:${userId}`;
      let doc: ModerationDoc | null;
      try {
        doc = await moderation.findOneAndUpdate(
          { _id: id },
          { $set, $setOnInsert: setOnInsert },
          { upsert: true, returnDocument: 'after' },
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        doc = await moderation.findOneAndUpdate({ _id: id }, { $set }, { returnDocument: 'after' });
      }
      const flags = flagsOf(doc);
      await stateLock.withLock(userId, () => states.updateOne({ _id: userId, guildId }, { $set: { ...flags, updatedAt: at } }));
      return flags;
    },

    async getModeration(guildId, userId) {
      return flagsOf(await moderation.findOne({ _id: `${guildId}:${userId}` }));
    },

    async setMedia(userId, participantSid, patch, at, unlessWrittenAfter) {
      return stateLock.withLock(userId, async () => {
        const doc = await states.findOne({ _id: userId, participantSid });
        if (!doc) return null;
        const before = toRecord(doc);
        if (!isActive(before)) return null;
        if (unlessWrittenAfter && before.mediaAt && before.mediaAt.getTime() > unlessWrittenAfter.getTime()) return null;
        const after: ActiveVoiceState = {
          ...before,
          selfVideo: patch.selfVideo ?? before.selfVideo,
          selfStream: patch.selfStream ?? before.selfStream,
          mediaAt: at,
          updatedAt: at,
        };
        if (after.selfVideo === before.selfVideo && after.selfStream === before.selfStream) return null;
        // Under the state lock, so the filter on the session is enough: no other write of this document interleaves.
        const $set = { selfVideo: after.selfVideo, selfStream: after.selfStream, mediaAt: at, updatedAt: at };
        const result = await states.updateOne({ _id: userId, participantSid }, { $set });
        return result.matchedCount > 0 ? after : null;
      });
    },

    async claimSeat(claim) {
      const { channelId, userId, at } = claim;
      for (let pass = 0; pass < SEAT_CLAIM_PASSES; pass++) {
        const present = await seats.find({ channelId }).toArray();
        const taken = new Set<number>();
        for (const seat of present) {
          if (seat.userId === userId && seat.holdUntil !== null && seat.holdUntil.getTime() < at.getTime()) {
            // Our own seat whose hold ran out: others may be about to reap it, so don't revive it — claim afresh.
            await seats.deleteOne({ _id: seat._id });
          } else if (seat.userId === userId) {
            await seats.updateOne({ _id: seat._id }, { $set: { holdUntil: claim.holdUntil, touchedAt: at } });
            return toSeat({ ...seat, holdUntil: claim.holdUntil, touchedAt: at });
          } else if (isSeatExpired(seat, at)) {
            await seats.deleteOne({ _id: seat._id });
          } else {
            taken.add(seat.slot);
          }
        }
        const free = Array.from({ length: claim.limit }, (_, slot) => slot).filter((slot) => !taken.has(slot));
        if (free.length === 0) return null;
        for (const slot of free) {
          const doc: SeatDoc = {
            _id: new ObjectId().toHexString(),
            channelId,
            guildId: claim.guildId,
            slot,
            userId,
            holdUntil: claim.holdUntil,
            touchedAt: at,
          };
          try {
            await seats.insertOne(doc);
            return toSeat(doc);
          } catch (err) {
            // Someone claimed this slot since we looked (or this user's other request got a seat): try the next one,
            // then look again.
            if (!isDuplicateKey(err)) throw err;
          }
        }
      }
      return null;
    },

    async findSeat(channelId, userId) {
      const doc = await seats.findOne({ channelId, userId });
      return doc ? toSeat(doc) : null;
    },

    async listSeats(userId) {
      const docs = await seats.find(userId === undefined ? {} : { userId }).toArray();
      return docs.map(toSeat);
    },

    async releaseSeat(seatId) {
      const result = await seats.deleteOne({ _id: seatId });
      return result.deletedCount > 0;
    },
  };
}
