import type { Logger } from 'pino';
import { channelIdFromRoom } from '@shared/api/voice';
import type { VoiceRoomService } from './room-service';
import { mediaPresenceOf } from './room-service';

/**
 * Webhooks can be lost (our server was down, LiveKit crashed, a network blip). The reconciler makes LiveKit's own
 * participant lists the source of truth again: at boot and then periodically it lists every voice room we think is
 * active plus every room LiveKit has, ends stored sessions LiveKit doesn't know and starts the ones we missed.
 *
 * It only ever ends a session by its participant sid, so a user who rejoined while the reconciler was looking is never
 * removed by mistake; several server instances reconciling at once converge on the same state.
 *
 * Seats of limited channels are swept last, against the same LiveKit lists: a seat whose session ended here went back
 * with the session, so the sweep only frees seats that outlived every trace of their user (a lost write, a token never
 * used) and gives one to people found in a limited room without one.
 */
export interface ReconcileTarget {
  listActiveRooms(): Promise<string[]>;
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
  /** Seats of limited channels freed because nobody in LiveKit used them (leave webhook lost, token never used). */
  seatsFreed: number;
}

export interface VoiceReconciler {
  reconcileOnce(): Promise<ReconcileResult>;
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

  async function reconcileOnce(): Promise<ReconcileResult> {
    const result: ReconcileResult = { rooms: 0, removed: 0, added: 0, media: 0, evicted: 0, seatsFreed: 0 };
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
        if (target.mayStay && target.evict && !(await target.mayStay(p.identity, channelId))) {
          await target.evict({ room, identity: p.identity, sid: p.sid, joinedAtMs: p.joinedAtMs }, 'access revoked');
          result.evicted++;
        } else {
          participants.push(p);
        }
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
    if (result.removed || result.added || result.media || result.evicted || result.seatsFreed) log.info(result, 'voice state reconciled');
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
    },
  };
}
