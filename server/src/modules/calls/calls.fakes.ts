import type { PublicUser } from '@shared/api/users';
import type { Clock } from '../../clock';
import type { VoiceTokenIssuer, VoiceTokenRequest } from '../../livekit/tokens';
import { createLogger } from '../../logger';
import { AppError } from '../../errors';
import type { Call } from './call-machine';
import type { CallHead, CallHistoryRow, CallsRepo, ClaimResult } from './calls.repo';
import type { CallAccess, CallGateway, CallRooms, CallScheduler, CallService } from './calls.service';
import { createCallService } from './calls.service';

/** Unit-test stand-ins for the call service's ports (the integration tests use the real ones). */

let seqCounter = 0;
const nextSeq = () => (++seqCounter).toString(16).padStart(24, '0');

/** The calls repository in memory, with the same claim semantics; `beforeInsertVersion` lets a test land a race. */
export function createMemoryCallsRepo() {
  const versions = new Map<string, Call>();
  const heads = new Map<string, CallHead>();
  const claims = new Map<string, string>();
  const claimedAt = new Map<string, Date>();
  const history = new Map<string, CallHistoryRow>();
  const seen = new Map<string, string>();
  const hooks: { beforeInsertVersion: ((call: Call) => Promise<void>) | null } = { beforeInsertVersion: null };
  const claim = (key: string, callId: string, at: Date): ClaimResult => {
    const held = claims.get(key);
    if (held !== undefined) return { claimed: false, heldBy: held, at: claimedAt.get(key) ?? null };
    claims.set(key, callId);
    claimedAt.set(key, at);
    return { claimed: true };
  };
  const repo: CallsRepo = {
    async ensureIndexes() {},
    async latest(callId) {
      let best: Call | null = null;
      for (const c of versions.values()) if (c.id === callId && (!best || c.version > best.version)) best = c;
      return best ? structuredClone(best) : null;
    },
    async insertVersion(call) {
      const hook = hooks.beforeInsertVersion;
      if (hook) {
        hooks.beforeInsertVersion = null;
        await hook(call);
      }
      const key = `${call.id}:${call.version}`;
      if (versions.has(key)) return false;
      versions.set(key, structuredClone(call));
      return true;
    },
    async pruneVersions(callId, finalVersion) {
      for (const [k, c] of versions) if (c.id === callId && c.version < finalVersion) versions.delete(k);
    },
    async createHead(h) {
      heads.set(h.id, { ...h, active: true });
    },
    async findHead(callId) {
      return heads.get(callId) ?? null;
    },
    async markInactive(callId) {
      const h = heads.get(callId);
      if (h) h.active = false;
    },
    async listActive() {
      return [...heads.values()].filter((h) => h.active);
    },
    async listActiveOf(userId) {
      return [...heads.values()].filter((h) => h.active && h.userIds.includes(userId));
    },
    claimChannel: async (channelId, callId, at) => claim(`channel:${channelId}`, callId, at),
    claimUser: async (userId, callId, at) => claim(`user:${userId}`, callId, at),
    channelClaim: async (channelId) => claims.get(`channel:${channelId}`) ?? null,
    userClaim: async (userId) => claims.get(`user:${userId}`) ?? null,
    async releaseChannel(channelId, callId) {
      if (claims.get(`channel:${channelId}`) === callId) claims.delete(`channel:${channelId}`);
    },
    async releaseUser(userId, callId) {
      if (claims.get(`user:${userId}`) === callId) claims.delete(`user:${userId}`);
    },
    async addHistory(rows) {
      return rows.map((row) => {
        const id = `${row.callId}:${row.userId}`;
        if (!history.has(id)) history.set(id, { ...structuredClone(row), seq: nextSeq() });
        return structuredClone(history.get(id)!);
      });
    },
    async listHistory(userId, before, limit) {
      return [...history.values()]
        .filter((r) => r.userId === userId && (!before || r.callId < before))
        .sort((a, b) => (a.callId < b.callId ? 1 : -1))
        .slice(0, limit)
        .map((r) => structuredClone(r));
    },
    async newestSeq(userId) {
      const mine = [...history.values()].filter((r) => r.userId === userId).map((r) => r.seq);
      return mine.length ? mine.sort().at(-1)! : null;
    },
    seenUpTo: async (userId) => seen.get(userId) ?? '',
    async markSeen(userId, seq) {
      if ((seen.get(userId) ?? '') < seq) seen.set(userId, seq);
    },
    async countUnseenMissed(userId, after) {
      return [...history.values()].filter(
        (r) => r.userId === userId && r.direction === 'incoming' && r.outcome === 'missed' && r.seq > after,
      ).length;
    },
  };
  return { repo, versions, heads, claims, history, hooks };
}

export class ManualClock implements Clock {
  constructor(private t = Date.parse('2026-01-01T10:00:00Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Timers that fire only when the test says so (`due()` runs those whose time has come on the manual clock). */
export function createManualScheduler(clock: Clock) {
  const timers = new Map<string, { at: Date; fn: () => Promise<void> }>();
  const scheduler: CallScheduler = {
    schedule: (key, at, fn) => void timers.set(key, { at, fn }),
    cancel: (key) => void timers.delete(key),
    cancelAll: () => timers.clear(),
  };
  return {
    scheduler,
    timers,
    /** Fires the due timers and waits for the steps they run. */
    async fireDue(): Promise<number> {
      let fired = 0;
      for (const [key, t] of [...timers]) {
        if (t.at.getTime() <= clock.now().getTime()) {
          timers.delete(key);
          await t.fn();
          fired++;
        }
      }
      return fired;
    },
  };
}

export interface SentEvent {
  userId: string;
  event: string;
  payload: unknown;
}

export function setupCalls() {
  const clock = new ManualClock();
  const memory = createMemoryCallsRepo();
  const timers = createManualScheduler(clock);
  const sent: SentEvent[] = [];
  const sessions = new Map<string, string[]>();
  const gateway: CallGateway = {
    toUser: (userId, event, payload) => void sent.push({ userId, event, payload: structuredClone(payload) }),
    sessionsOf: async (userId) => sessions.get(userId) ?? [],
  };
  /** channelId → members. */
  const channels = new Map<string, string[]>();
  const guildChannels = new Set<string>();
  const noContact = new Set<string>();
  const voice = new Set<string>();
  const callWaiting = new Set<string>();
  const surfaced: string[] = [];
  const access: CallAccess = {
    async channelMembers(userId, channelId) {
      if (guildChannels.has(channelId)) throw new AppError('WRONG_CHANNEL_TYPE', 'guild channel');
      const members = channels.get(channelId);
      if (!members || !members.includes(userId)) throw AppError.notFound('Channel');
      return { channelId, recipientIds: [...members] };
    },
    canCall: async (from, to) => !noContact.has(`${from}>${to}`),
    inVoice: async (userId) => voice.has(userId),
    busyPreference: async (userId) => (callWaiting.has(userId) ? 'call-waiting' : 'busy'),
    surfaceChannel: async (channelId) => void surfaced.push(channelId),
    users: async (ids): Promise<PublicUser[]> =>
      ids.map((id) => ({ id, username: `u${id.slice(-2)}`, displayName: `U${id.slice(-2)}`, avatar: null })),
    displayName: async (userId) => `U${userId.slice(-2)}`,
  };
  const roomState = new Map<string, { sid: string; identity: string }[]>();
  const removed: { room: string; identity: string }[] = [];
  const deleted: string[] = [];
  const rooms: CallRooms = {
    listParticipants: async (room) => [...(roomState.get(room) ?? [])],
    async removeParticipant(room, identity) {
      removed.push({ room, identity });
      const list = roomState.get(room) ?? [];
      roomState.set(
        room,
        list.filter((p) => p.identity !== identity),
      );
      return list.some((p) => p.identity === identity);
    },
    async deleteRoom(room) {
      deleted.push(room);
      roomState.delete(room);
    },
  };
  const issued: VoiceTokenRequest[] = [];
  const tokens: VoiceTokenIssuer = {
    ttlSeconds: 60,
    async issue(request) {
      issued.push(request);
      return `token:${request.userId}:${request.room}`;
    },
  };
  const service: CallService = createCallService({
    repo: memory.repo,
    access,
    gateway,
    rooms,
    tokens,
    publicUrl: 'ws://livekit.test',
    clock,
    scheduler: timers.scheduler,
    log: createLogger('silent'),
  });
  return {
    service,
    clock,
    memory,
    timers,
    sent,
    sessions,
    channels,
    guildChannels,
    noContact,
    voice,
    callWaiting,
    surfaced,
    roomState,
    removed,
    deleted,
    issued,
  };
}
