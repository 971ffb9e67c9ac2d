import type { Logger } from 'pino';
import { channelIdFromRoom } from '@shared/api/voice';
import type { LiveParticipant, VoiceRoomService } from './room-service';
import { grantsExactly, mediaPresenceOf } from './room-service';
import type { VoiceMediaRights } from './tokens';

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
 * the rooms we have sessions in, and runs when permissions change (server.ts), so a change applies at once rather than
 * at the next pass.
 *
 * Seats of limited channels are swept last, against the same LiveKit lists: a seat whose session ended here went back
 * with the session, so the sweep only frees seats that outlived every trace of their user (a lost write, a token never
 * used) and gives one to people found in a limited room without one.
 */
export interface ReconcileTarget {
  listActiveRooms(): Promise<string[]>;
  /** The rooms of a guild's voice channels we have sessions in (enforceAccess for one guild). */
  listActiveRoomsInGuild?(guildId: string): Promise<string[]>;
  listActiveInRoom(
    room: string,
  ): Promise<{ userId: string; participantSid: string; currentJoinedAtMs: number; selfVideo?: boolean; selfStream?: boolean }[]>;
  observeSession(
    input: { room: string; channelId: string; identity: string; sid: string; joinedAtMs: number },
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
   * The media rights a participant allowed to stay should have now (channel permissions and moderation flags); null
   * when the identity or room is not ours to judge (guests, recorders, other deployments' rooms).
   */
  rightsNow?(identity: string, channelId: string): Promise<VoiceMediaRights | null>;
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
   * Holds everyone in the rooms we have sessions in (of one guild, or all) to their access now: evictions and rights
   * only, sessions are left to reconcileOnce. One pass runs at a time and at most one waits, taking every guild asked
   * for meanwhile, so a burst of permission changes costs two passes.
   */
  enforceAccess(guildId?: string): Promise<AccessResult>;
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

  /** Two rights alike (what applyRights would grant for each is the same). */
  const sameRights = (a: VoiceMediaRights, b: VoiceMediaRights) =>
    a.microphone === b.microphone && a.camera === b.camera && a.screenShare === b.screenShare && a.canSubscribe === b.canSubscribe;

  /**
   * Updates LiveKit's permission for `p` when it differs from the rights they have now. The rights are read again
   * after each update: a moderator's mute (or a permission write) that landed meanwhile is applied over ours rather
   * than undone by it.
   */
  async function enforceRights(room: string, channelId: string, p: LiveParticipant): Promise<boolean> {
    if (!target.rightsNow) return false;
    let rights = await target.rightsNow(p.identity, channelId);
    if (!rights || grantsExactly(p.permission, rights)) return false;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!(await rooms.applyRights(room, p.identity, rights))) return false;
      const again = await target.rightsNow(p.identity, channelId);
      if (!again || sameRights(again, rights)) break;
      rights = again;
    }
    log.info({ identity: p.identity, room, rights }, 'voice rights updated to the permissions in force');
    return true;
  }

  /** Evicts `p` when they may no longer be in the room, else brings their rights up to date. */
  async function checkAccess(room: string, channelId: string, p: LiveParticipant): Promise<'evicted' | 'rights' | 'ok'> {
    if (target.mayStay && target.evict && !(await target.mayStay(p.identity, channelId))) {
      await target.evict({ room, identity: p.identity, sid: p.sid, joinedAtMs: p.joinedAtMs }, 'access revoked');
      return 'evicted';
    }
    return (await enforceRights(room, channelId, p)) ? 'rights' : 'ok';
  }

  /** The rooms of these guilds (null: every guild) that we have sessions in. */
  async function activeRooms(guilds: ReadonlySet<string> | null): Promise<string[]> {
    const byGuild = target.listActiveRoomsInGuild;
    if (!guilds || !byGuild) return target.listActiveRooms();
    return (await Promise.all([...guilds].map((g) => byGuild(g)))).flat();
  }

  async function enforceAccessOnce(guilds: ReadonlySet<string> | null): Promise<AccessResult> {
    const result: AccessResult = { evicted: 0, rights: 0 };
    for (const room of new Set(await activeRooms(guilds))) {
      const channelId = channelIdFromRoom(room);
      if (!channelId) continue;
      for (const p of await rooms.listParticipants(room)) {
        const outcome = await checkAccess(room, channelId, p);
        if (outcome === 'evicted') result.evicted++;
        else if (outcome === 'rights') result.rights++;
      }
    }
    if (result.evicted || result.rights) log.info(result, 'voice access enforced');
    return result;
  }

  let accessRunning: Promise<unknown> = Promise.resolve();
  /** The pass waiting to run, and the guilds it will cover (null: all). */
  let accessPending: { promise: Promise<AccessResult>; guilds: Set<string> | null } | null = null;

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
        if (await target.observeSession({ room, channelId, identity: p.identity, sid: p.sid, joinedAtMs: p.joinedAtMs }, 'reconciler')) {
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
    enforceAccess(guildId) {
      if (stopped) return Promise.resolve({ evicted: 0, rights: 0 });
      if (accessPending) {
        if (guildId === undefined) accessPending.guilds = null;
        else accessPending.guilds?.add(guildId);
        return accessPending.promise;
      }
      const pending: { promise: Promise<AccessResult>; guilds: Set<string> | null } = {
        guilds: guildId === undefined ? null : new Set([guildId]),
        promise: accessRunning.then(() => {
          accessPending = null;
          return enforceAccessOnce(pending.guilds);
        }),
      };
      accessPending = pending;
      accessRunning = pending.promise.catch(() => undefined);
      return pending.promise;
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
      while (accessPending) await accessPending.promise.catch(() => undefined);
      await accessRunning;
    },
  };
}
