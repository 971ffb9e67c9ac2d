import type { LiveParticipant, VoiceRoomService } from '../../livekit/room-service';
import { trackSourceName } from '../../livekit/room-service';
import type { VoiceMediaRights, VoiceTokenIssuer } from '../../livekit/tokens';
import { voiceParticipantPermission } from '../../livekit/tokens';
import type { ActiveVoiceState, ModerationFlags, VoiceRepo, VoiceSeat, VoiceStateRecord } from './voice.repo';
import { isActive, isSeatExpired } from './voice.repo';
import type { VoiceAccess, VoiceAudit, VoiceAuditAction, VoiceChannelInfo, VoiceEvents } from './voice.service';

/**
 * Test doubles for the voice service (unit tests only). The in-memory repo follows the same rules as voice.repo.ts
 * (documented there); the shared rule suite in voice.rules.ts runs against both, so the fake can't drift silently.
 */

const NO_FLAGS: ModerationFlags = { serverMute: false, serverDeaf: false, serverVideoOff: false, serverStreamOff: false };

export function createMemoryVoiceRepo(): VoiceRepo {
  const states = new Map<string, VoiceStateRecord>();
  const moderation = new Map<string, ModerationFlags>();
  /** By claim id, like the `voice_seats` documents; the unique keys are checked by hand in claimSeat. */
  const seats = new Map<string, VoiceSeat>();
  let seatCounter = 0;
  const ensure = (userId: string, at: Date): VoiceStateRecord => {
    let doc = states.get(userId);
    if (!doc) {
      doc = {
        userId,
        guildId: null,
        channelId: null,
        room: null,
        participantSid: null,
        currentJoinedAtMs: 0,
        endedJoinedAtMs: 0,
        joinedAt: null,
        selfMute: false,
        selfDeaf: false,
        serverMute: false,
        serverDeaf: false,
        serverVideoOff: false,
        serverStreamOff: false,
        selfVideo: false,
        selfStream: false,
        mediaAt: null,
        watching: [],
        admittedChannelId: null,
        admittedAt: null,
        updatedAt: at,
      };
      states.set(userId, doc);
    }
    return doc;
  };
  const active = () => [...states.values()].filter(isActive).map((s) => ({ ...s }));
  return {
    async ensureIndexes() {},
    async findByUser(userId) {
      const doc = states.get(userId);
      return doc ? { ...doc } : null;
    },
    async listActiveInGuild(guildId) {
      return active().filter((s) => s.guildId === guildId);
    },
    async listActiveInGuilds(guildIds) {
      return active().filter((s) => guildIds.includes(s.guildId));
    },
    async listActiveInRoom(room) {
      return active().filter((s) => s.room === room);
    },
    async listActiveRooms() {
      return [...new Set(active().map((s) => s.room))];
    },
    async countActiveByRoom() {
      const counts = new Map<string, number>();
      for (const { room } of active()) counts.set(room, (counts.get(room) ?? 0) + 1);
      return counts;
    },
    async setSelfState(userId, patch, at) {
      const doc = ensure(userId, at);
      if (patch.selfMute !== undefined) doc.selfMute = patch.selfMute;
      if (patch.selfDeaf !== undefined) doc.selfDeaf = patch.selfDeaf;
      if (patch.watching !== undefined) doc.watching = [...patch.watching];
      doc.updatedAt = at;
      return { ...doc };
    },
    async startSession(start) {
      const doc = ensure(start.userId, start.at);
      if (!(doc.currentJoinedAtMs < start.joinedAtMs && doc.endedJoinedAtMs < start.joinedAtMs)) return undefined;
      const before = { ...doc };
      Object.assign(doc, {
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
        selfVideo: false,
        selfStream: false,
        mediaAt: null,
        watching: [],
        updatedAt: start.at,
      });
      return { before };
    },
    async endSession(userId, participantSid, joinedAtMs, at) {
      const doc = ensure(userId, at);
      if (doc.participantSid === participantSid) {
        const before = { ...doc };
        Object.assign(doc, {
          guildId: null,
          channelId: null,
          room: null,
          participantSid: null,
          joinedAt: null,
          selfVideo: false,
          selfStream: false,
          mediaAt: null,
          watching: [],
          endedJoinedAtMs: joinedAtMs,
          updatedAt: at,
        });
        return isActive(before) ? before : null;
      }
      if (doc.endedJoinedAtMs < joinedAtMs) doc.endedJoinedAtMs = joinedAtMs;
      return null;
    },
    async pruneClaims() {
      return 0;
    },
    async admit(userId, channelId, at) {
      Object.assign(ensure(userId, at), { admittedChannelId: channelId, admittedAt: at, updatedAt: at });
    },
    async setModeration(guildId, userId, patch, at) {
      const key = `${guildId}:${userId}`;
      const flags: ModerationFlags = { ...NO_FLAGS, ...moderation.get(key) };
      for (const name of Object.keys(NO_FLAGS) as (keyof ModerationFlags)[]) {
        const value = patch[name];
        if (value !== undefined) flags[name] = value;
      }
      moderation.set(key, flags);
      const doc = states.get(userId);
      if (doc && doc.guildId === guildId) Object.assign(doc, flags, { updatedAt: at });
      return { ...flags };
    },
    async getModeration(guildId, userId) {
      return { ...NO_FLAGS, ...moderation.get(`${guildId}:${userId}`) };
    },
    async setMedia(userId, participantSid, patch, at, unlessWrittenAfter) {
      const doc = states.get(userId);
      if (!doc || doc.participantSid !== participantSid || !isActive(doc)) return null;
      if (unlessWrittenAfter && doc.mediaAt && doc.mediaAt.getTime() > unlessWrittenAfter.getTime()) return null;
      const changed =
        (patch.selfVideo !== undefined && patch.selfVideo !== doc.selfVideo) ||
        (patch.selfStream !== undefined && patch.selfStream !== doc.selfStream);
      if (!changed) return null;
      Object.assign(doc, { ...patch, mediaAt: at, updatedAt: at });
      return { ...doc };
    },
    async claimSeat(claim) {
      const inChannel = [...seats.values()].filter((s) => s.channelId === claim.channelId);
      const mine = inChannel.find((s) => s.userId === claim.userId);
      if (mine && mine.holdUntil !== null && mine.holdUntil.getTime() < claim.at.getTime()) {
        seats.delete(mine.id);
      } else if (mine) {
        Object.assign(mine, { holdUntil: claim.holdUntil, touchedAt: claim.at });
        return { ...mine };
      }
      const taken = new Set<number>();
      for (const s of inChannel) {
        if (s.userId === claim.userId) continue;
        if (isSeatExpired(s, claim.at)) seats.delete(s.id);
        else taken.add(s.slot);
      }
      for (let slot = 0; slot < claim.limit; slot++) {
        if (taken.has(slot)) continue;
        seatCounter += 1;
        const seat: VoiceSeat = {
          id: `seat-${seatCounter}`,
          channelId: claim.channelId,
          guildId: claim.guildId,
          slot,
          userId: claim.userId,
          holdUntil: claim.holdUntil,
          touchedAt: claim.at,
        };
        seats.set(seat.id, seat);
        return { ...seat };
      }
      return null;
    },
    async findSeat(channelId, userId) {
      const seat = [...seats.values()].find((s) => s.channelId === channelId && s.userId === userId);
      return seat ? { ...seat } : null;
    },
    async listSeats(userId) {
      return [...seats.values()].filter((s) => userId === undefined || s.userId === userId).map((s) => ({ ...s }));
    },
    async releaseSeat(seatId) {
      return seats.delete(seatId);
    },
  };
}

export interface FakeRooms extends VoiceRoomService {
  participants: Map<string, LiveParticipant[]>;
  removed: { room: string; identity: string }[];
  deletedRooms: string[];
  rights: { room: string; identity: string; rights: VoiceMediaRights }[];
  /** When set, every call fails with this, as an unreachable LiveKit's calls do. */
  down: Error | null;
  /** When set, removals fail with this while ping still answers: LiveKit stopping between a check and a removal. */
  failRemovals: Error | null;
}

export function createFakeRooms(): FakeRooms {
  const participants = new Map<string, LiveParticipant[]>();
  const removed: FakeRooms['removed'] = [];
  const rights: FakeRooms['rights'] = [];
  const deletedRooms: string[] = [];
  const rooms: FakeRooms = {
    participants,
    removed,
    deletedRooms,
    rights,
    down: null,
    failRemovals: null,
    async ping() {
      if (rooms.down) throw rooms.down;
    },
    async deleteRoom(room) {
      deletedRooms.push(room);
      return participants.delete(room);
    },
    async listRooms() {
      return [...participants.keys()];
    },
    async listParticipants(room) {
      return participants.get(room) ?? [];
    },
    async removeParticipant(room, identity) {
      if (rooms.down) throw rooms.down;
      if (rooms.failRemovals) throw rooms.failRemovals;
      removed.push({ room, identity });
      const list = participants.get(room) ?? [];
      const next = list.filter((p) => p.identity !== identity);
      participants.set(room, next);
      return next.length !== list.length;
    },
    async removeConnection(room, identity, sid) {
      if (rooms.down) throw rooms.down;
      if (!(participants.get(room) ?? []).some((p) => p.identity === identity && p.sid === sid)) return false;
      return rooms.removeParticipant(room, identity);
    },
    async applyRights(room, identity, r) {
      if (rooms.down) throw rooms.down;
      rights.push({ room, identity, rights: r });
      const list = participants.get(room) ?? [];
      // As LiveKit does: the participant's permission is the one applied from now on.
      const { canPublish, canSubscribe, canPublishSources } = voiceParticipantPermission(r);
      const permission = { canPublish, canSubscribe, canPublishSources: canPublishSources.map(trackSourceName) };
      participants.set(
        room,
        list.map((p) => (p.identity === identity ? { ...p, permission } : p)),
      );
      return list.some((p) => p.identity === identity);
    },
  };
  return rooms;
}

export interface FakeAccess extends VoiceAccess {
  channels: Map<string, VoiceChannelInfo>;
  /** `${userId}:${channelId}` → permissions; absent = can't view. */
  channelPerms: Map<string, number>;
  /** `${userId}:${guildId}` → permissions; absent = not a member. */
  guildPerms: Map<string, number>;
  /** `${userId}:${guildId}` of banned users. */
  bans: Set<string>;
}

export function createFakeAccess(): FakeAccess {
  const channels = new Map<string, VoiceChannelInfo>();
  const channelPerms = new Map<string, number>();
  const guildPerms = new Map<string, number>();
  const bans = new Set<string>();
  return {
    channels,
    channelPerms,
    guildPerms,
    bans,
    async channelFor(userId, channelId) {
      const channel = channels.get(channelId);
      const permissions = channelPerms.get(`${userId}:${channelId}`);
      return channel && permissions !== undefined ? { channel, permissions } : null;
    },
    async channelById(channelId) {
      return channels.get(channelId) ?? null;
    },
    async guildPermissions(userId, guildId) {
      return guildPerms.get(`${userId}:${guildId}`) ?? null;
    },
    async isBanned(userId, guildId) {
      return bans.has(`${userId}:${guildId}`);
    },
    async displayName(userId) {
      return `name-${userId}`;
    },
  };
}

export interface RecordedEvent {
  to: string;
  event: string;
  payload: unknown;
}

export function createFakeEvents(): VoiceEvents & { sent: RecordedEvent[] } {
  const sent: RecordedEvent[] = [];
  return {
    sent,
    async toChannelViewers(guildId, channelId, event, payload) {
      sent.push({ to: `channel:${channelId}`, event, payload });
    },
    toUser(userId, event, payload) {
      sent.push({ to: `user:${userId}`, event, payload });
    },
  };
}

export function createFakeAudit(): VoiceAudit & { entries: { action: VoiceAuditAction; actorId: string | null; targetId: string }[] } {
  const entries: { action: VoiceAuditAction; actorId: string | null; targetId: string }[] = [];
  return {
    entries,
    async record(entry) {
      entries.push({ action: entry.action, actorId: entry.actorId, targetId: entry.targetId });
    },
  };
}

export function createFakeTokens(): VoiceTokenIssuer & { issued: { userId: string; room: string; rights: VoiceMediaRights }[] } {
  const issued: { userId: string; room: string; rights: VoiceMediaRights }[] = [];
  return {
    ttlSeconds: 60,
    issued,
    async issue(req) {
      issued.push({ userId: req.userId, room: req.room, rights: req.rights });
      return `token-${issued.length}`;
    },
  };
}

export type { ActiveVoiceState };
