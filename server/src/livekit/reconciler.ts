import type { Logger } from 'pino';
import { channelIdFromRoom } from '@shared/api/voice';
import type { LiveParticipant, VoiceRoomService } from './room-service';
import { mediaPresenceOf } from './room-service';
import { serialPasses } from '../serial-passes';

/**
 * Webhooks can be lost (our server was down, LiveKit crashed, a network blip). The reconciler makes LiveKit's own
 * participant lists the source of truth again: at boot and then periodically it lists every voice room we think is
 * active plus every room LiveKit has, ends stored sessions LiveKit doesn't know and starts the ones we missed.
 *
 * It only ever ends a session by its participant sid, so a user who rejoined while the reconciler was looking is never
 * removed by mistake; several server instances reconciling at once converge on the same state.
 *
 * Tokens are only checked when a participant connects, so each pass also holds everyone LiveKit lists to their access
 * now: people who may no longer be in the room are evicted, and people whose media rights changed (a role lost SPEAK,
 * an overwrite granted VIDEO) get LiveKit's permission updated in place. `enforceAccess()` does just that part, over
 * the rooms we have sessions in (of a guild, or of one member), and the voice module runs it whenever a guild's
 * permissions change, so a change applies at once rather than at the next pass.
 *
 * Seats of limited channels are swept last, against the same LiveKit lists: a seat whose session ended here went back
 * with the session, so the sweep only frees seats that outlived every trace of their user (a lost write, a token never
 * used) and gives one to people found in a limited room without one.
 */
export interface ReconcileTarget {
  listActiveRooms(): Promise<string[]>;
  /** The rooms of a guild's voice channels we have sessions in (enforceAccess for one guild). */
  listActiveRoomsInGuild?(guildId: string): Promise<string[]>;
  /** The room of the user's active session in a voice channel of the guild, or null (enforceAccess for one member). */
  activeRoomOf?(userId: string, guildId: string): Promise<string | null>;
  listActiveInRoom(
    room: string,
  ): Promise<{ userId: string; participantSid: string; currentJoinedAtMs: number; selfVideo?: boolean; selfStream?: boolean }[]>;
  observeSession(
    input: { room: string; channelId: string; identity: string; sid: string; joinedAtMs: number; granted?: LiveParticipant['permission'] },
    source: string,
  ): Promise<boolean>;
  observeSessionEnd(input: { identity: string; sid: string; joinedAtMs: number }, source: string): Promise<boolean>;
  /**
   * Camera / screen share presence of a listed participant, when it differs from ours (a track webhook was lost).
   * `listedAt` is when LiveKit was asked: a webhook recorded after it is newer and wins.
   */
  observeMedia?(
    input: { identity: string; sid: string; selfVideo: boolean; selfStream: boolean },
    listedAt: Date,
    source: string,
  ): Promise<boolean>;
  /**
   * Access check for participants LiveKit lists: kicked, banned, lost CONNECT/VIEW, channel deleted → false.
   * Tokens are only checked when connecting, so this is what removes people whose access changed while connected.
   */
  mayStay?(identity: string, channelId: string): Promise<boolean>;
  evict?(input: { room: string; identity: string; sid: string; joinedAtMs: number }, reason: string): Promise<void>;
  /**
   * Brings a participant allowed to stay to the media rights in force (channel permissions and moderation flags) when
   * LiveKit's `granted` permission differs; true when it updated LiveKit. Identities and rooms that are not ours to
   * judge (guests, recorders, other deployments' rooms) are left alone.
   */
  syncRights?(input: { room: string; identity: string; channelId: string; granted: LiveParticipant['permission'] }): Promise<boolean>;
  /**
   * Seat upkeep after each pass, with who LiveKit had in every room it listed (rooms missing from `live` had nobody)
   * and when the listing began.
   */
  sweepSeats?(live: ReadonlyMap<string, ReadonlySet<string>>, listedAt: Date): Promise<{ freed: number; adopted: number }>;
  /** Periodic cleanup to run after each pass (e.g. forgetting old idempotency claims). */
  housekeeping?(): Promise<void>;
}

export interface ReconcileResult {
  rooms: number;
  /** Stored sessions LiveKit no longer has. */
  removed: number;
  /** LiveKit participants we had no session for. */
  added: number;
  /** Sessions whose camera / screen share presence we had wrong. */
  media: number;
  /** Participants removed from LiveKit because they may no longer be there. */
  evicted: number;
  /** Participants whose LiveKit permission was updated to the media rights they have now. */
  rights: number;
  /** Seats of limited channels freed because nobody in LiveKit used them (leave webhook lost, token never used). */
  seatsFreed: number;
}

/** What one enforceAccess pass did. */
export interface AccessResult {
  evicted: number;
  rights: number;
}

export interface VoiceReconciler {
  reconcileOnce(): Promise<ReconcileResult>;
  /**
   * Holds the people in the rooms we have sessions in to their access now: evictions and rights only, sessions are
   * left to reconcileOnce. All rooms; a guild's (`guildId`); or one member's session there (`guildId`, `userId`: their
   * roles changed). One pass runs at a time and at most one waits, taking in everything asked for meanwhile, so a
   * burst of permission changes costs two passes.
   */
  enforceAccess(guildId?: string, userId?: string): Promise<AccessResult>;
  /** Runs once now, then every `intervalMs` (0 = only once). */
  start(): void;
  stop(): Promise<void>;
}

export function createVoiceReconciler(deps: {
  target: ReconcileTarget;
  rooms: VoiceRoomService;
  intervalMs: number;
  log: Logger;
  clock?: () => Date;
}): VoiceReconciler {
  const { target, rooms, log } = deps;
  const clock = deps.clock ?? (() => new Date());
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = false;

  /**
   * Evicts `p` when they may no longer be in the room, else brings their rights up to date. A failure (LiveKit or the
   * database) is logged and leaves `p` as they are: one participant must not stop the rest of a pass.
   */
  async function checkAccess(room: string, channelId: string, p: LiveParticipant): Promise<'evicted' | 'rights' | 'ok'> {
    try {
      if (target.mayStay && target.evict && !(await target.mayStay(p.identity, channelId))) {
        await target.evict({ room, identity: p.identity, sid: p.sid, joinedAtMs: p.joinedAtMs }, 'access revoked');
        return 'evicted';
      }
      const synced = await target.syncRights?.({ room, identity: p.identity, channelId, granted: p.permission });
      return synced ? 'rights' : 'ok';
    } catch (err) {
      log.warn({ err, room, identity: p.identity }, 'voice access of a participant not checked; the next pass will');
      return 'ok';
    }
  }

  /**
   * What a pass covers: every room we have sessions in, or per guild its rooms (null) or only some members' sessions.
   * Passes asked for while one waits widen its scope.
   */
  interface AccessScope {
    all: boolean;
    guilds: Map<string, Set<string> | null>;
  }
  /** Adds `member` under `key` (or the whole of `key`: null, which no member narrows again). */
  function include(map: Map<string, Set<string> | null>, key: string, member?: string): void {
    const known = map.get(key);
    if (member === undefined) map.set(key, null);
    else if (known === undefined) map.set(key, new Set([member]));
    else known?.add(member);
  }
  function widen(scope: AccessScope, guildId?: string, userId?: string): void {
    if (guildId === undefined) scope.all = true;
    else include(scope.guilds, guildId, userId);
  }

  /** The rooms a scope covers, each with the identities to check there (null: everyone in it). */
  async function roomsOf(scope: AccessScope): Promise<Map<string, Set<string> | null>> {
    const rooms = new Map<string, Set<string> | null>();
    const add = (room: string, identity?: string) => include(rooms, room, identity);
    const byGuild = target.listActiveRoomsInGuild;
    const ofUser = target.activeRoomOf;
    if (scope.all || !byGuild) {
      for (const room of await target.listActiveRooms()) add(room);
      return rooms;
    }
    for (const [guildId, users] of scope.guilds) {
      if (users === null || !ofUser) for (const room of await byGuild(guildId)) add(room);
      else
        for (const userId of users) {
          const room = await ofUser(userId, guildId);
          if (room) add(room, userId);
        }
    }
    return rooms;
  }

  async function enforceAccessOnce(scope: AccessScope): Promise<AccessResult> {
    const result: AccessResult = { evicted: 0, rights: 0 };
    for (const [room, only] of await roomsOf(scope)) {
      const channelId = channelIdFromRoom(room);
      if (!channelId) continue;
      for (const p of await rooms.listParticipants(room)) {
        if (only && !only.has(p.identity)) continue;
        const outcome = await checkAccess(room, channelId, p);
        if (outcome === 'evicted') result.evicted++;
        else if (outcome === 'rights') result.rights++;
      }
    }
    if (result.evicted || result.rights) log.info(result, 'voice access enforced');
    return result;
  }

  const NOTHING_DONE: AccessResult = { evicted: 0, rights: 0 };
  const accessPasses = serialPasses<AccessScope, AccessResult>(
    () => ({ all: false, guilds: new Map() }),
    async (scope) => (stopped ? { ...NOTHING_DONE } : enforceAccessOnce(scope)),
  );

  async function reconcileOnce(): Promise<ReconcileResult> {
    const result: ReconcileResult = { rooms: 0, removed: 0, added: 0, media: 0, evicted: 0, rights: 0, seatsFreed: 0 };
    const listedAt = clock();
    const liveByRoom = new Map<string, Set<string>>();
    const stored = await target.listActiveRooms();
    // If LiveKit can't be reached this throws before anything is removed: an outage must not look like an empty SFU.
    const live = (await rooms.listRooms()).filter((r) => channelIdFromRoom(r) !== null);
    for (const room of new Set([...stored, ...live])) {
      const channelId = channelIdFromRoom(room);
      if (!channelId) continue;
      result.rooms++;
      // Snapshot ours first, then LiveKit's: a session that starts in between is in LiveKit's list, never wrongly removed.
      const ours = await target.listActiveInRoom(room);
      const roomListedAt = clock();
      const listed = await rooms.listParticipants(room);
      const participants = [];
      for (const p of listed) {
        const outcome = await checkAccess(room, channelId, p);
        if (outcome === 'evicted') {
          result.evicted++;
          continue;
        }
        if (outcome === 'rights') result.rights++;
        participants.push(p);
      }
      liveByRoom.set(room, new Set(participants.map((p) => p.identity)));
      const liveSids = new Set(participants.map((p) => p.sid));
      // Missed joins first: a user who reconnected under a new sid then simply moves to it, without a leave in between.
      const ourSids = new Set(ours.map((s) => s.participantSid));
      for (const p of participants) {
        if (ourSids.has(p.sid)) continue;
        if (
          await target.observeSession(
            { room, channelId, identity: p.identity, sid: p.sid, joinedAtMs: p.joinedAtMs, granted: p.permission },
            'reconciler',
          )
        ) {
          result.added++;
        }
      }
      if (target.observeMedia) {
        const oursBySid = new Map(ours.map((s) => [s.participantSid, s]));
        for (const p of participants) {
          const presence = mediaPresenceOf(p.tracks);
          const stored = oursBySid.get(p.sid);
          if (stored && stored.selfVideo === presence.selfVideo && stored.selfStream === presence.selfStream) continue;
          // A session just added starts with nothing published, so only a listed camera or stream needs writing.
          if (!stored && !presence.selfVideo && !presence.selfStream) continue;
          if (await target.observeMedia({ identity: p.identity, sid: p.sid, ...presence }, roomListedAt, 'reconciler')) result.media++;
        }
      }
      for (const s of ours) {
        if (liveSids.has(s.participantSid)) continue;
        if (await target.observeSessionEnd({ identity: s.userId, sid: s.participantSid, joinedAtMs: s.currentJoinedAtMs }, 'reconciler')) {
          result.removed++;
        }
      }
    }
    if (target.sweepSeats) result.seatsFreed = (await target.sweepSeats(liveByRoom, listedAt)).freed;
    await target.housekeeping?.();
    if (result.removed || result.added || result.media || result.evicted || result.rights || result.seatsFreed)
      log.info(result, 'voice state reconciled');
    return result;
  }

  function tick(): void {
    if (running || stopped) return;
    running = reconcileOnce()
      .catch((err: unknown) => log.warn({ err }, 'voice reconcile failed; will retry'))
      .finally(() => {
        running = null;
      });
  }

  return {
    reconcileOnce,
    enforceAccess(guildId, userId) {
      if (stopped) return Promise.resolve({ ...NOTHING_DONE });
      return accessPasses.request((scope) => widen(scope, guildId, userId));
    },
    start() {
      stopped = false;
      tick();
      if (deps.intervalMs > 0 && !timer) {
        timer = setInterval(tick, deps.intervalMs);
        timer.unref();
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await running;
      await accessPasses.idle();
    },
  };
}
