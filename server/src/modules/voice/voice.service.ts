import type { Logger } from 'pino';
import { Permission, hasPermission } from '@shared/permissions/permissions';
import { VOICE_DISCONNECT, VOICE_MOVE, VOICE_STATE_UPDATE, channelIdFromRoom, voiceRoomName } from '@shared/api/voice';
import type {
  VoiceJoinBody,
  VoiceDisconnectEvent,
  VoiceJoinResponse,
  VoiceModerationBody,
  VoiceMoveEvent,
  VoiceModerationState,
  VoiceSelfState,
  VoiceSelfStateBody,
  VoiceState,
  VoiceStateUpdateEvent,
} from '@shared/api/voice';
import { Id } from '@shared/api/common';
import { AppError } from '../../errors';
import type { LiveParticipant, VoiceRoomService } from '../../livekit/room-service';
import { grantsExactly } from '../../livekit/room-service';
import type { VoiceTokenIssuer } from '../../livekit/tokens';
import { sameRights, voiceMediaRights } from '../../livekit/tokens';
import type { VoiceMediaRights } from '../../livekit/tokens';
import type { VoiceWebhookFact } from '../../livekit/webhooks';
import type { TempVoiceService } from './temp-voice.service';
import type { ActiveVoiceState, MediaPresence, ModerationFlags, VoiceRepo, VoiceSeat, VoiceStateRecord } from './voice.repo';
import { isActive, isSeatExpired } from './voice.repo';

/** A channel as voice needs it. */
export interface VoiceChannelInfo {
  id: string;
  guildId: string;
  type: string;
  /** 0 = no limit. The channel's own limit, or the server's cap (VOICE_MAX_PARTICIPANTS) when that is lower. */
  userLimit: number;
  /** The limit is the server's cap: nobody is exempt from it (not even MOVE_MEMBERS). */
  serverCapped?: boolean;
  /** A join-to-create channel: a join creates the joiner's own temporary channel. */
  joinToCreate?: boolean;
  /** A temporary channel (deleted once empty). */
  temporary?: boolean;
}

/**
 * What voice needs from the rest of the server, as narrow ports (wired to the real guild/channel/permission services in
 * voice.module.ts, faked in unit tests).
 */
export interface VoiceAccess {
  /** The channel and `userId`'s effective permissions in it; null when it doesn't exist or they can't view it. */
  channelFor(userId: string, channelId: string): Promise<{ channel: VoiceChannelInfo; permissions: number } | null>;
  /** The channel regardless of who asks (webhooks and the reconciler act for the system). */
  channelById(channelId: string): Promise<VoiceChannelInfo | null>;
  /** Guild-level permissions of a member; null when `userId` is not a member of the guild. */
  guildPermissions(userId: string, guildId: string): Promise<number | null>;
  /** Whether the guild has banned the user (the ban is written before the membership is removed). */
  isBanned(userId: string, guildId: string): Promise<boolean>;
  displayName(userId: string): Promise<string | null>;
}

export interface VoiceEvents {
  /** Send to every member of the guild who can view `channelId` (the channel the event is about). */
  toChannelViewers(guildId: string, channelId: string, event: string, payload: unknown): Promise<void>;
  toUser(userId: string, event: string, payload: unknown): void;
}

export type VoiceAuditAction =
  | 'voice.join'
  | 'voice.leave'
  | 'voice.move'
  | 'voice.mute'
  | 'voice.unmute'
  | 'voice.deafen'
  | 'voice.undeafen'
  | 'voice.video_off'
  | 'voice.video_on'
  | 'voice.stream_off'
  | 'voice.stream_on'
  | 'voice.disconnect';

export interface VoiceAudit {
  /** actorId null = the system (e.g. the reconciler noticed a session that LiveKit no longer has). */
  record(entry: {
    guildId: string;
    actorId: string | null;
    targetId: string;
    action: VoiceAuditAction;
    details?: Record<string, unknown>;
  }): Promise<void>;
}

export interface VoiceServiceDeps {
  repo: VoiceRepo;
  rooms: VoiceRoomService;
  tokens: VoiceTokenIssuer;
  access: VoiceAccess;
  events: VoiceEvents;
  audit: VoiceAudit;
  /** What clients connect to (LIVEKIT_PUBLIC_URL). */
  publicUrl: string;
  /** Join-to-create channels; without it a join-to-create channel is joined like any other. */
  temp?: TempVoiceService;
  clock: () => Date;
  log: Logger;
  /** Told once per voice join (a new session in a channel the user was not in), by what reported it: metrics. */
  onJoin?: (source: 'webhook' | 'reconciler') => void;
}

export interface VoiceService {
  join(userId: string, channelId: string, body: VoiceJoinBody): Promise<VoiceJoinResponse>;
  /** Leaves voice on request (the client normally just disconnects and the webhook does the rest). */
  leave(userId: string): Promise<void>;
  setSelfState(userId: string, body: VoiceSelfStateBody): Promise<VoiceSelfState>;
  listGuild(userId: string, guildId: string): Promise<VoiceState[]>;
  /** Voice states of these guilds visible to `userId`, for the gateway's READY snapshot. */
  snapshotFor(userId: string, guildIds: readonly string[]): Promise<VoiceState[]>;
  moderate(actorId: string, guildId: string, targetId: string, body: VoiceModerationBody): Promise<VoiceModerationState>;
  disconnect(actorId: string, guildId: string, targetId: string): Promise<void>;
  /**
   * For the channels service: a voice channel is being deleted. Ends every session in it at once (LiveKit closes the
   * room), announces the leaves and frees its seats.
   */
  endChannel(channelId: string): Promise<void>;
  /** For other modules: a member was kicked/banned or left the guild, or lost access. Removes them from its voice. */
  removeFromGuildVoice(guildId: string, userId: string, actorId: string): Promise<void>;
  applyWebhook(fact: VoiceWebhookFact): Promise<void>;
  /** Starts a session LiveKit reports (webhook or reconciler); true when it changed the state. */
  observeSession(
    input: {
      room: string;
      channelId: string;
      identity: string;
      sid: string;
      joinedAtMs: number;
      /** LiveKit's permission for the connection (the token's grant, or a later update), when the report carries it. */
      granted?: LiveParticipant['permission'];
    },
    source: string,
  ): Promise<boolean>;
  /**
   * What a session LiveKit listed publishes (the reconciler). A track webhook written after `listedAt` wins over this
   * older listing. True when it changed the state (and VOICE_STATE_UPDATE went out).
   */
  observeMedia(input: { identity: string; sid: string } & MediaPresence, listedAt: Date, source: string): Promise<boolean>;
  /** Ends a session LiveKit no longer has; true when it changed the state. */
  observeSessionEnd(input: { identity: string; sid: string; joinedAtMs: number }, source: string): Promise<boolean>;
  /**
   * Whether a Parley user in a voice room may still be there (member, can view, CONNECT, channel still a voice
   * channel). Identities that are not Parley user ids (e.g. an Egress recorder) are not ours to judge: true.
   */
  mayStay(identity: string, channelId: string): Promise<boolean>;
  /**
   * Brings a Parley user in a guild voice room to the media rights in force (channel permissions and moderation flags:
   * what a token issued now would grant). With `granted` (LiveKit's permission for them, as listed) only when that
   * differs, and never when it is unknown (null); without it, always. The rights are read again after each update, so a
   * change that lands meanwhile (a moderator's mute, a role) is applied over this one rather than undone by it. True
   * when LiveKit was updated. Identities that are not Parley user ids, rooms that are not guild voice channels and users
   * who cannot view the channel (mayStay's business) are left alone.
   */
  syncRights(input: { room: string; identity: string; channelId: string; granted?: LiveParticipant['permission'] }): Promise<boolean>;
  /** Removes a participant who may not stay, from LiveKit and from voice state; audited as a system disconnect. */
  evict(input: { room: string; identity: string; sid: string; joinedAtMs: number }, reason: string): Promise<void>;
  /**
   * The reconciler's seat pass. `live` maps every room LiveKit had when listed (from `listedAt` on) to the identities
   * in it. Frees seats nobody uses (no live participant, hold over, untouched since before the snapshot's grace) and
   * gives a seat to live participants of limited channels that have none (sessions from before seats, lost writes).
   */
  sweepSeats(live: ReadonlyMap<string, ReadonlySet<string>>, listedAt: Date): Promise<{ freed: number; adopted: number }>;
}

/**
 * A seat claimed with a join token is held for the token's lifetime plus this: a client may connect at the last
 * moment, and LiveKit's participant_joined webhook (which turns the hold into a seat in use) can arrive late.
 */
export const SEAT_HOLD_SLACK_MS = 30_000;

/**
 * The reconciler frees a seat without a live participant only if nothing touched it in this long before its LiveKit
 * snapshot: a session that started just after LiveKit was listed must not lose its seat to that stale list.
 */
export const SEAT_JOIN_GRACE_MS = 15_000;

/**
 * A moderator's move exempts the moved user from the target channel's limit for this long (the move's token lives 60 s;
 * the rest is slack for a reconnect through a fresh join).
 */
export const ADMIT_WINDOW_MS = 2 * 60_000;

/** Why a participant is refused or evicted; logged, and recorded as the reason of the system disconnect. */
type Refusal = 'banned' | 'not a member' | 'cannot view the channel' | 'not a voice channel' | 'no CONNECT' | 'channel full';

export function toVoiceState(s: ActiveVoiceState): VoiceState {
  return {
    userId: s.userId,
    guildId: s.guildId,
    channelId: s.channelId,
    selfMute: s.selfMute,
    selfDeaf: s.selfDeaf,
    serverMute: s.serverMute,
    serverDeaf: s.serverDeaf,
    selfVideo: s.selfVideo,
    selfStream: s.selfStream,
    serverVideoOff: s.serverVideoOff,
    serverStreamOff: s.serverStreamOff,
    watching: s.watching,
    joinedAt: s.joinedAt.toISOString(),
  };
}

function joinEvent(s: ActiveVoiceState, previousChannelId: string | null): VoiceStateUpdateEvent {
  return { ...toVoiceState(s), previousChannelId };
}

function leaveEvent(s: VoiceStateRecord & { guildId: string; channelId: string }): VoiceStateUpdateEvent {
  return {
    guildId: s.guildId,
    userId: s.userId,
    channelId: null,
    previousChannelId: s.channelId,
    selfMute: s.selfMute,
    selfDeaf: s.selfDeaf,
    serverMute: s.serverMute,
    serverDeaf: s.serverDeaf,
    // Gone from the room: nothing published any more.
    selfVideo: false,
    selfStream: false,
    serverVideoOff: s.serverVideoOff,
    serverStreamOff: s.serverStreamOff,
    watching: [],
    joinedAt: null,
  };
}

/** Media rights from channel permissions and moderation flags. */
export function rightsFor(permissions: number, flags: ModerationFlags): VoiceMediaRights {
  return voiceMediaRights({
    speak: hasPermission(permissions, Permission.SPEAK),
    video: hasPermission(permissions, Permission.VIDEO),
    stream: hasPermission(permissions, Permission.STREAM),
    ...flags,
  });
}

/** The moderation flags a PATCH may set, the permission each needs and the audit actions for true / false. */
const MODERATION_FLAGS = [
  { flag: 'serverMute', bit: Permission.MUTE_MEMBERS, name: 'MUTE_MEMBERS', on: 'voice.mute', off: 'voice.unmute' },
  { flag: 'serverDeaf', bit: Permission.DEAFEN_MEMBERS, name: 'DEAFEN_MEMBERS', on: 'voice.deafen', off: 'voice.undeafen' },
  { flag: 'serverVideoOff', bit: Permission.MUTE_MEMBERS, name: 'MUTE_MEMBERS', on: 'voice.video_off', off: 'voice.video_on' },
  { flag: 'serverStreamOff', bit: Permission.MUTE_MEMBERS, name: 'MUTE_MEMBERS', on: 'voice.stream_off', off: 'voice.stream_on' },
] as const satisfies readonly { flag: keyof ModerationFlags; bit: number; name: string; on: VoiceAuditAction; off: VoiceAuditAction }[];

export function createVoiceService(deps: VoiceServiceDeps): VoiceService {
  const { repo, rooms, tokens, access, events, audit, clock, log } = deps;

  // Awaited so that a leave and the join that follows reach clients in that order.
  async function publishJoin(s: ActiveVoiceState, previousChannelId: string | null): Promise<void> {
    await events.toChannelViewers(s.guildId, s.channelId, VOICE_STATE_UPDATE, joinEvent(s, previousChannelId));
  }
  async function publishLeave(s: ActiveVoiceState): Promise<void> {
    await events.toChannelViewers(s.guildId, s.channelId, VOICE_STATE_UPDATE, leaveEvent(s));
  }

  /** A session that ended: its leave goes to the channel's viewers, and the audit log records who ended it and why. */
  async function announceEnd(
    ended: ActiveVoiceState,
    actorId: string | null,
    action: 'voice.leave' | 'voice.disconnect' | 'voice.move',
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await publishLeave(ended);
    await safeAudit({
      guildId: ended.guildId,
      actorId,
      targetId: ended.userId,
      action,
      details: { channelId: ended.channelId, ...details },
    });
  }

  async function safeAudit(entry: Parameters<VoiceAudit['record']>[0]): Promise<void> {
    try {
      await audit.record(entry);
    } catch (err) {
      // The voice action already happened; losing its audit line is bad, failing the request for it is worse.
      log.error({ err, action: entry.action }, 'audit record failed');
    }
  }

  /** Moderation flags and display name: what a token needs besides the permission check. */
  function tokenInputs(userId: string, guildId: string) {
    return Promise.all([repo.getModeration(guildId, userId), access.displayName(userId)]);
  }

  async function issueToken(
    userId: string,
    channel: VoiceChannelInfo,
    permissions: number,
    inputs = tokenInputs(userId, channel.guildId),
  ): Promise<VoiceJoinResponse> {
    const [flags, name] = await inputs;
    const rights = rightsFor(permissions, flags);
    const displayName = name ?? userId;
    const room = voiceRoomName(channel.id);
    const token = await tokens.issue({ userId, displayName, room, rights });
    const expiresAt = new Date(clock().getTime() + tokens.ttlSeconds * 1000).toISOString();
    log.info({ userId, channelId: channel.id, room, ...rights }, 'voice token issued');
    return { url: deps.publicUrl, token, room, channelId: channel.id, guildId: channel.guildId, expiresAt };
  }

  /**
   * Ends the user's current session here and in LiveKit; publishes and audits the leave. Once the session is ended here
   * the change stands: a LiveKit that does not answer the removal is logged, not thrown, so the rest of the change (a
   * leave, a join elsewhere, a move, a kick, a disconnect) completes and nothing is left half-written. The user's own
   * client leaves on a leave, a join or a move; any other connection we ended is removed by the reconciler once LiveKit
   * answers again (removeIfOver). A moderator's disconnect asks LiveKit first (ping), so an outage is a 503 before this.
   */
  async function endCurrent(
    state: ActiveVoiceState,
    actorId: string,
    action: 'voice.leave' | 'voice.disconnect' | 'voice.move',
    details: Record<string, unknown> | undefined,
  ) {
    // End it here first: LiveKit's participant_left webhook can arrive before removeParticipant even returns, and the
    // session must be recorded as ended by this action (move/disconnect), not as the user leaving on their own.
    const ended = await repo.endSession(state.userId, state.participantSid, state.currentJoinedAtMs, clock());
    if (ended) {
      await announceEnd(ended, actorId, action, details);
      await releaseAfterEnd(ended.userId, ended.channelId, action);
    }
    await removeQuietly(state.room, state.userId, action);
    if (ended) await deleteTempIfEmpty(ended.channelId, action, ended.participantSid);
  }

  /** After a session in a channel ended: a temporary channel left empty goes (failures wait for the reconciler). */
  async function deleteTempIfEmpty(channelId: string, reason: string, endedSid: string): Promise<void> {
    if (!deps.temp) return;
    try {
      await deps.temp.deleteIfEmpty(channelId, reason, endedSid);
    } catch (err) {
      log.warn({ err, channelId, reason }, 'temporary voice channel not checked; the reconciler will');
    }
  }

  /**
   * A connection LiveKit still lists that we recorded as over: ended by a leave, a move, a disconnect or an eviction
   * whose removal from LiveKit failed (LiveKit not answering then), or older than the user's current session (one voice
   * channel per user). It is removed now. Only the reconciler's listing says such a connection is still there; a webhook
   * about it may be a late replay.
   */
  async function removeIfOver(input: { room: string; identity: string; sid: string; joinedAtMs: number }): Promise<void> {
    const state = await repo.findByUser(input.identity);
    if (!state || (isActive(state) && state.participantSid === input.sid)) return;
    if (input.joinedAtMs > state.endedJoinedAtMs && input.joinedAtMs >= state.currentJoinedAtMs) return;
    if (await rooms.removeConnection(input.room, input.identity, input.sid))
      log.info({ userId: input.identity, room: input.room, sid: input.sid }, 'connection already over removed from LiveKit');
  }

  /** Removes a participant from a LiveKit room; failure is logged, not thrown (the state change already happened). */
  async function removeQuietly(room: string, identity: string, reason: string): Promise<void> {
    try {
      await rooms.removeParticipant(room, identity);
    } catch (err) {
      log.warn({ err, room, identity, reason }, 'could not remove participant from LiveKit');
    }
  }

  /**
   * Exempt from a channel's user limit: members with MOVE_MEMBERS there, users a moderator just moved in, and a user
   * whose current session is already in that channel (a reconnect replaces it, so the room does not grow). Exempt users
   * still take a free seat, so the limit counts them; they are only let in past it.
   */
  function isExempt(state: VoiceStateRecord | null, channelId: string, permissions: number): boolean {
    if (hasPermission(permissions, Permission.MOVE_MEMBERS)) return true;
    if (isActive(state) && state.channelId === channelId) return true;
    return (
      !!state &&
      state.admittedChannelId === channelId &&
      !!state.admittedAt &&
      state.admittedAt.getTime() >= clock().getTime() - ADMIT_WINDOW_MS
    );
  }

  /** A seat for a token being issued now: held until the token expires, plus slack. */
  function claimForToken(userId: string, channel: VoiceChannelInfo): Promise<VoiceSeat | null> {
    const at = clock();
    return repo.claimSeat({
      channelId: channel.id,
      guildId: channel.guildId,
      userId,
      limit: channel.userLimit,
      at,
      holdUntil: new Date(at.getTime() + tokens.ttlSeconds * 1000 + SEAT_HOLD_SLACK_MS),
    });
  }

  /** Seat bookkeeping never fails the action around it: a seat left behind is freed by the reconciler's next pass. */
  async function releaseSeat(seat: VoiceSeat, reason: string): Promise<void> {
    try {
      if (await repo.releaseSeat(seat.id))
        log.info({ userId: seat.userId, channelId: seat.channelId, slot: seat.slot, reason }, 'voice seat released');
    } catch (err) {
      log.warn({ err, userId: seat.userId, channelId: seat.channelId, reason }, 'voice seat not released; the reconciler will free it');
    }
  }

  /**
   * Frees the user's seat in a channel whose session just ended, unless a token issued since holds it for a reconnect
   * (LiveKit may report the old connection's leave before the new one's join).
   */
  async function releaseAfterEnd(userId: string, channelId: string, reason: string): Promise<void> {
    let seat: VoiceSeat | null;
    try {
      seat = await repo.findSeat(channelId, userId);
    } catch (err) {
      log.warn({ err, userId, channelId, reason }, 'voice seat not looked up; the reconciler will free it');
      return;
    }
    if (!seat || (seat.holdUntil !== null && seat.holdUntil.getTime() > clock().getTime())) return;
    await releaseSeat(seat, reason);
  }

  /**
   * Why a Parley user may not be in this voice channel (not a member, banned, can't view it or lacks CONNECT), or null.
   * Tokens are checked by LiveKit only at connect, and a token outlives a kick or ban by up to its TTL.
   */
  async function accessRefusal(userId: string, channel: VoiceChannelInfo): Promise<{ reason: Refusal | null; permissions: number }> {
    const [seen, banned] = await Promise.all([access.channelFor(userId, channel.id), access.isBanned(userId, channel.guildId)]);
    if (banned) return { reason: 'banned', permissions: 0 };
    if (!seen) {
      const member = (await access.guildPermissions(userId, channel.guildId)) !== null;
      return { reason: member ? 'cannot view the channel' : 'not a member', permissions: 0 };
    }
    if (seen.channel.type !== 'voice') return { reason: 'not a voice channel', permissions: seen.permissions };
    if (!hasPermission(seen.permissions, Permission.CONNECT)) return { reason: 'no CONNECT', permissions: seen.permissions };
    return { reason: null, permissions: seen.permissions };
  }

  /**
   * Admission of a session LiveKit reports as new: access as above, and in a limited channel a seat — the one claimed
   * with the token, or a free one (the hold expired, or the token predates seats). null = admitted.
   */
  async function admissionRefusal(userId: string, channel: VoiceChannelInfo, state: VoiceStateRecord | null): Promise<Refusal | null> {
    const verdict = await accessRefusal(userId, channel);
    if (verdict.reason) return verdict.reason;
    if (channel.userLimit <= 0) return null;
    const seat = await repo.claimSeat({
      channelId: channel.id,
      guildId: channel.guildId,
      userId,
      limit: channel.userLimit,
      at: clock(),
      holdUntil: null,
    });
    if (!seat && (channel.serverCapped || !isExempt(state, channel.id, verdict.permissions))) return 'channel full';
    return null;
  }

  /** The rights a user has in a guild voice channel now, or null when they cannot view it (or it is not ours). */
  async function rightsNow(identity: string, channelId: string): Promise<VoiceMediaRights | null> {
    if (!Id.safeParse(identity).success) return null;
    const theirs = await access.channelFor(identity, channelId);
    if (!theirs) return null;
    return rightsFor(theirs.permissions, await repo.getModeration(theirs.channel.guildId, identity));
  }

  async function syncRights(input: {
    room: string;
    identity: string;
    channelId: string;
    granted?: LiveParticipant['permission'];
  }): Promise<boolean> {
    const { room, identity, channelId, granted } = input;
    let rights = await rightsNow(identity, channelId);
    if (!rights || granted === null || (granted !== undefined && grantsExactly(granted, rights))) return false;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!(await rooms.applyRights(room, identity, rights))) return false;
      const again = await rightsNow(identity, channelId);
      if (!again || sameRights(again, rights)) break;
      rights = again;
    }
    if (granted !== undefined) log.info({ userId: identity, room, rights }, 'voice rights updated to the permissions in force');
    return true;
  }

  async function requireVoiceChannel(userId: string, channelId: string) {
    const found = await access.channelFor(userId, channelId);
    if (!found) throw AppError.notFound('Channel');
    if (found.channel.type !== 'voice') throw new AppError('WRONG_CHANNEL_TYPE', 'Not a voice channel');
    return found;
  }

  const service: VoiceService = {
    async join(userId, requestedId, body) {
      let { channel, permissions } = await requireVoiceChannel(userId, requestedId);
      if (!hasPermission(permissions, Permission.CONNECT)) {
        log.info({ userId, channelId: requestedId }, 'voice join denied: no CONNECT');
        throw AppError.forbidden('Missing CONNECT permission');
      }
      if (deps.temp && channel.joinToCreate) {
        // Join to create: the answer is for the joiner's own channel (made now, or theirs already), held for this join.
        const own = await access.channelFor(userId, await deps.temp.channelForJoin(userId, channel.id));
        if (!own) throw AppError.notFound('Channel');
        ({ channel, permissions } = own);
      } else if (deps.temp && channel.temporary && !(await deps.temp.hold(channel.id, userId))) {
        // Being deleted as empty: it is gone for everyone a moment later.
        throw AppError.notFound('Channel');
      }
      const channelId = channel.id;
      // Independent reads, in parallel: this is the hot path of every voice join. The token inputs are read before a
      // possible leave of the old channel, which changes neither moderation flags nor the display name.
      const [current, inputs, seats] = await Promise.all([
        repo.findByUser(userId),
        tokenInputs(userId, channel.guildId),
        repo.listSeats(userId),
      ]);
      if (channel.userLimit > 0) {
        // The seat is claimed before the token exists: with N places, at most N users hold a way in at once.
        const seat = await claimForToken(userId, channel);
        if (!seat && (channel.serverCapped || !isExempt(current, channel.id, permissions))) {
          log.info(
            { userId, channelId, limit: channel.userLimit, serverCapped: !!channel.serverCapped },
            'voice join denied: channel full',
          );
          throw new AppError(
            'CHANNEL_FULL',
            channel.serverCapped
              ? `This voice channel is full: this server allows ${channel.userLimit} people per voice channel`
              : 'This voice channel is full',
          );
        }
      }
      // A seat elsewhere (held for an unused token, or in use by the session ended below) is given back now.
      for (const seat of seats) if (seat.channelId !== channel.id) await releaseSeat(seat, 'joined another channel');
      // One voice channel per user: leaving the old room is the server's job, so a second client (or a stuck one) can't
      // keep the user in two rooms (where LiveKit does not answer now, the reconciler removes that connection later).
      if (isActive(current) && current.channelId !== channel.id) {
        await endCurrent(current, userId, 'voice.leave', { reason: 'joined another channel' });
      }
      if (body.selfMute !== undefined || body.selfDeaf !== undefined) {
        await repo.setSelfState(userId, body, clock());
      }
      return issueToken(userId, channel, permissions, Promise.resolve(inputs));
    },

    async leave(userId) {
      const [current, seats] = await Promise.all([repo.findByUser(userId), repo.listSeats(userId)]);
      if (isActive(current)) await endCurrent(current, userId, 'voice.leave', { reason: 'left' });
      // Also a seat held for a token that was never used: the user said they are not coming.
      for (const seat of seats) await releaseSeat(seat, 'left');
      // Likewise a temporary channel held for them: empty without them, it goes now.
      await deps.temp?.left(userId);
    },

    async setSelfState(userId, body) {
      const { watching, ...flags } = body;
      // Whose streams one watches belongs to a session: none to keep while in no voice channel (a report still in flight
      // when the user left). A session that starts after this check starts with none anyway (repo.startSession).
      // Watching oneself is what the streamer's own preview is, not a viewer.
      const inVoice = watching !== undefined && isActive(await repo.findByUser(userId));
      const patch = inVoice ? { ...flags, watching: watching.filter((id) => id !== userId) } : flags;
      const updated = await repo.setSelfState(userId, patch, clock());
      if (isActive(updated)) await publishJoin(updated, updated.channelId);
      const active = isActive(updated);
      return {
        selfMute: updated.selfMute,
        selfDeaf: updated.selfDeaf,
        channelId: active ? updated.channelId : null,
        watching: active ? updated.watching : [],
      };
    },

    async listGuild(userId, guildId) {
      if ((await access.guildPermissions(userId, guildId)) === null) throw AppError.notFound('Guild');
      return service.snapshotFor(userId, [guildId]);
    },

    async snapshotFor(userId, guildIds) {
      const states = await repo.listActiveInGuilds(guildIds);
      const visible: VoiceState[] = [];
      const canView = new Map<string, boolean>();
      for (const s of states) {
        let ok = canView.get(s.channelId);
        if (ok === undefined) {
          // channelFor is null for channels the user can't view: those voice states don't exist for them.
          ok = (await access.channelFor(userId, s.channelId)) !== null;
          canView.set(s.channelId, ok);
        }
        if (ok) visible.push(toVoiceState(s));
      }
      return visible;
    },

    async moderate(actorId, guildId, targetId, body) {
      const actorGuildPerms = await access.guildPermissions(actorId, guildId);
      if (actorGuildPerms === null) throw AppError.notFound('Guild');
      if ((await access.guildPermissions(targetId, guildId)) === null) throw AppError.notFound('Member');
      const current = await repo.findByUser(targetId);
      const inVoice = isActive(current) && current.guildId === guildId ? current : null;

      // Permissions are checked where the target is (channel overwrites can grant or deny moderation per channel),
      // or guild-wide when they are not in voice — or are in a channel the actor cannot see, which must not leak.
      let actorPerms = actorGuildPerms;
      const seen = inVoice ? await access.channelFor(actorId, inVoice.channelId) : null;
      if (seen) actorPerms = seen.permissions;
      const need = (bit: number, name: string) => {
        if (!hasPermission(actorPerms, bit)) {
          log.info({ actorId, targetId, guildId, missing: name }, 'voice moderation denied');
          throw AppError.forbidden(`Missing ${name} permission`);
        }
      };
      const flagged = MODERATION_FLAGS.filter((f) => body[f.flag] !== undefined);
      for (const f of flagged) need(f.bit, f.name);
      let moveTo: { channel: VoiceChannelInfo; permissions: number } | null = null;
      if (body.channelId !== undefined) {
        need(Permission.MOVE_MEMBERS, 'MOVE_MEMBERS');
        if (!inVoice || !seen) throw new AppError('CONFLICT', 'The member is not connected to voice in this guild');
        const target = await requireVoiceChannel(actorId, body.channelId);
        if (target.channel.guildId !== guildId) throw AppError.notFound('Channel');
        // Nobody is ever in a join-to-create channel: joining it makes a channel of one's own.
        if (target.channel.joinToCreate) throw new AppError('WRONG_CHANNEL_TYPE', 'Members cannot be moved into a join-to-create channel');
        if (!hasPermission(target.permissions, Permission.MOVE_MEMBERS))
          throw AppError.forbidden('Missing MOVE_MEMBERS permission in the target channel');
        const theirs = await access.channelFor(targetId, body.channelId);
        if (!theirs || !hasPermission(theirs.permissions, Permission.CONNECT)) {
          throw AppError.forbidden('The member cannot connect to the target channel');
        }
        moveTo = theirs;
      }
      if (inVoice && (flagged.length > 0 || (moveTo && moveTo.channel.id !== inVoice.channelId))) {
        // What follows is written here first and told to LiveKit after: a LiveKit that is down or stalled fails the
        // request now (503), with nothing written, rather than after the write. One that fails between this and the
        // call after the write still answers 503; the reconciler then carries the write out (rights in force, a
        // connection that is over) once LiveKit answers.
        await rooms.ping(inVoice.room);
      }
      // A temporary channel must not be deleted as empty before the moved member arrives.
      if (moveTo?.channel.temporary && deps.temp && !(await deps.temp.hold(moveTo.channel.id, targetId)))
        throw AppError.notFound('Channel');
      if (moveTo && inVoice && moveTo.channel.id !== inVoice.channelId) {
        // A moderator may move someone into a full channel; their session there must not be evicted for the limit.
        await repo.admit(targetId, moveTo.channel.id, clock());
      }

      if (flagged.length > 0) {
        const patch: Partial<ModerationFlags> = {};
        for (const f of flagged) patch[f.flag] = body[f.flag];
        const flags = await repo.setModeration(guildId, targetId, patch, clock());
        if (inVoice) {
          // LiveKit refuses the sources the new permission leaves out and unpublishes live ones of those sources. The
          // rights are read now (the flags just set, the permissions in force) and again after, so a permission change
          // landing meanwhile is not undone by this update.
          await syncRights({ room: inVoice.room, identity: targetId, channelId: inVoice.channelId });
        }
        for (const f of flagged) {
          await safeAudit({
            guildId,
            actorId,
            targetId,
            action: body[f.flag] ? f.on : f.off,
            details: { channelId: inVoice?.channelId ?? null },
          });
        }
        log.info({ actorId, targetId, guildId, ...flags }, 'voice moderation applied');
      }

      if (moveTo && inVoice) {
        if (moveTo.channel.id !== inVoice.channelId) {
          // Moved users are exempt from the limit (admitted above) but take a free seat, so the limit counts them.
          if (moveTo.channel.userLimit > 0) await claimForToken(targetId, moveTo.channel);
          const joinInfo = await issueToken(targetId, moveTo.channel, moveTo.permissions);
          const move: VoiceMoveEvent = { ...joinInfo, fromChannelId: inVoice.channelId, movedBy: actorId };
          // Tell the client where to go before cutting it off, so it reconnects instead of reporting a dropped call.
          events.toUser(targetId, VOICE_MOVE, move);
          await endCurrent(inVoice, actorId, 'voice.move', { toChannelId: moveTo.channel.id });
        }
      } else if (flagged.length > 0) {
        const after = await repo.findByUser(targetId);
        if (isActive(after) && after.guildId === guildId) await publishJoin(after, after.channelId);
      }
      return { guildId, userId: targetId, ...(await repo.getModeration(guildId, targetId)) };
    },

    async disconnect(actorId, guildId, targetId) {
      if ((await access.guildPermissions(actorId, guildId)) === null) throw AppError.notFound('Guild');
      const current = await repo.findByUser(targetId);
      // In a channel the actor can't see counts as not connected: its existence must not leak.
      const seen = isActive(current) && current.guildId === guildId ? await access.channelFor(actorId, current.channelId) : null;
      if (!isActive(current) || !seen) {
        throw new AppError('CONFLICT', 'The member is not connected to voice in this guild');
      }
      if (!hasPermission(seen.permissions, Permission.MOVE_MEMBERS)) {
        log.info({ actorId, targetId, guildId }, 'voice disconnect denied');
        throw AppError.forbidden('Missing MOVE_MEMBERS permission');
      }
      // Fail before ending the session when LiveKit cannot be told to drop them (moderate() says why). Should it stop
      // answering between this and the removal, the disconnect stands and the reconciler drops the connection.
      await rooms.ping(current.room);
      await endCurrent(current, actorId, 'voice.disconnect', undefined);
    },

    async endChannel(channelId) {
      const room = voiceRoomName(channelId);
      for (const s of await repo.listActiveInRoom(room)) {
        const ended = await repo.endSession(s.userId, s.participantSid, s.currentJoinedAtMs, clock());
        if (ended) await announceEnd(ended, null, 'voice.disconnect', { reason: 'channel deleted' });
      }
      // Closing the room disconnects everyone in it at once, including sessions voice state has not recorded yet.
      try {
        await rooms.deleteRoom(room);
      } catch (err) {
        log.warn({ err, room }, 'could not close the room of a deleted channel; the reconciler evicts its participants');
      }
      for (const seat of await repo.listSeats()) if (seat.channelId === channelId) await releaseSeat(seat, 'channel deleted');
      await deps.temp?.forget(channelId);
      log.info({ channelId, room }, 'voice channel deleted: sessions ended');
    },

    async removeFromGuildVoice(guildId, userId, actorId) {
      const current = await repo.findByUser(userId);
      if (isActive(current) && current.guildId === guildId)
        await endCurrent(current, actorId, 'voice.disconnect', { reason: 'membership' });
      // Including seats held for tokens not used yet: those tokens are refused when they connect anyway.
      for (const seat of await repo.listSeats(userId)) if (seat.guildId === guildId) await releaseSeat(seat, 'membership');
    },

    async applyWebhook(fact) {
      if (fact.kind === 'ignored') {
        log.debug({ eventId: fact.id, event: fact.event, reason: fact.reason }, 'webhook ignored');
        return;
      }
      const { participant } = fact;
      if (fact.kind === 'participant_left') {
        await service.observeSessionEnd(
          { identity: participant.identity, sid: participant.sid, joinedAtMs: participant.joinedAtMs },
          `webhook:${fact.kind}`,
        );
        return;
      }
      // participant_joined, and track events too: they carry the participant, so a lost or late "joined" still shows up.
      await service.observeSession(
        {
          room: fact.room,
          channelId: fact.channelId,
          identity: participant.identity,
          sid: participant.sid,
          joinedAtMs: participant.joinedAtMs,
          granted: participant.granted,
        },
        `webhook:${fact.kind}`,
      );
      const source = fact.track?.source;
      if ((fact.kind === 'track_published' || fact.kind === 'track_unpublished') && (source === 'camera' || source === 'screen_share')) {
        const on = fact.kind === 'track_published';
        const patch: Partial<MediaPresence> = source === 'camera' ? { selfVideo: on } : { selfStream: on };
        const after = await repo.setMedia(participant.identity, participant.sid, patch, clock());
        if (after) {
          await publishJoin(after, after.channelId);
          log.info({ userId: after.userId, channelId: after.channelId, ...patch, source: `webhook:${fact.kind}` }, 'voice media changed');
        }
      }
    },

    async observeMedia(input, listedAt, source) {
      if (!Id.safeParse(input.identity).success) return false;
      const patch = { selfVideo: input.selfVideo, selfStream: input.selfStream };
      const after = await repo.setMedia(input.identity, input.sid, patch, clock(), listedAt);
      if (!after) return false;
      await publishJoin(after, after.channelId);
      log.info({ userId: after.userId, channelId: after.channelId, ...patch, source }, 'voice media changed');
      return true;
    },

    async observeSession(input, source) {
      if (!Id.safeParse(input.identity).success) return false;
      const channel = await access.channelById(input.channelId);
      if (!channel || channel.type !== 'voice') {
        log.warn({ room: input.room, identity: input.identity, source }, 'participant in a room without a voice channel');
        return false;
      }
      const [flags, state] = await Promise.all([repo.getModeration(channel.guildId, input.identity), repo.findByUser(input.identity)]);
      // Only a session that would become the user's current one is judged; replays, track events of a session already
      // admitted, and late webhooks of older sessions go on to startSession, which ignores them.
      const isNew =
        !state ||
        (state.participantSid !== input.sid && state.currentJoinedAtMs < input.joinedAtMs && state.endedJoinedAtMs < input.joinedAtMs);
      if (isNew) {
        const refusal = await admissionRefusal(input.identity, channel, state);
        if (refusal) {
          log.info({ userId: input.identity, channelId: channel.id, sid: input.sid, source, reason: refusal }, 'voice participant refused');
          if (refusal === 'channel full') {
            const event: VoiceDisconnectEvent = { channelId: channel.id, reason: 'CHANNEL_FULL' };
            events.toUser(input.identity, VOICE_DISCONNECT, event);
          }
          await service.evict({ room: input.room, identity: input.identity, sid: input.sid, joinedAtMs: input.joinedAtMs }, refusal);
          return false;
        }
      }
      const at = clock();
      const result = await repo.startSession({
        userId: input.identity,
        guildId: channel.guildId,
        channelId: channel.id,
        room: input.room,
        participantSid: input.sid,
        joinedAtMs: input.joinedAtMs,
        ...flags,
        at,
      });
      if (!result) {
        if (source === 'reconciler') await removeIfOver(input);
        return false;
      }
      const now = await repo.findByUser(input.identity);
      if (!isActive(now) || now.participantSid !== input.sid) return false;
      const before = result.before;
      const replaced = isActive(before) ? before : null;
      if (replaced && replaced.channelId !== now.channelId) {
        // Members who see the old channel but not the new one must still see the user leave it.
        await publishLeave(replaced);
        await safeAudit({
          guildId: replaced.guildId,
          actorId: replaced.userId,
          targetId: replaced.userId,
          action: 'voice.leave',
          details: { channelId: replaced.channelId, reason: 'switched' },
        });
        // One voice channel per user. The join normally ended the old session already; this catches a join that could
        // not see it (another instance had just recorded it) and a second client joining elsewhere.
        await removeQuietly(replaced.room, replaced.userId, 'replaced by a newer session');
      }
      // The join never names the old channel: some viewers of the new one may not be able to view it. Those who can
      // got the leave above.
      await publishJoin(now, replaced && replaced.channelId === now.channelId ? now.channelId : null);
      if (!replaced || replaced.channelId !== now.channelId) {
        await safeAudit({
          guildId: now.guildId,
          actorId: now.userId,
          targetId: now.userId,
          action: 'voice.join',
          details: { channelId: now.channelId },
        });
        deps.onJoin?.(source.startsWith('webhook') ? 'webhook' : 'reconciler');
      }
      log.info({ userId: now.userId, channelId: now.channelId, sid: input.sid, source }, 'voice session started');
      if (channel.temporary) await deps.temp?.sessionStarted(channel.id, now.userId);
      if (replaced && replaced.channelId !== now.channelId)
        await deleteTempIfEmpty(replaced.channelId, 'switched', replaced.participantSid);
      if (isNew) {
        // Access again, now that the session is recorded: an access pass (a permission change) that listed the guild's
        // sessions between the check above and the record missed this one, but the change it enforces was stored before
        // that listing, so this read sees it.
        const { reason } = await accessRefusal(input.identity, channel);
        if (reason) {
          await service.evict({ room: input.room, identity: input.identity, sid: input.sid, joinedAtMs: input.joinedAtMs }, reason);
          return false;
        }
      }
      // The token's grant may be stale: moderated, or permissions changed, between its issue and this connect (an
      // access pass that listed the room before the connect missed it). Where LiveKit's grant is known only a difference
      // is applied; where it is not, a moderation flag is (the update replaces the grant wholesale, with the
      // permissions in force).
      const known = input.granted ?? undefined;
      if (known || flags.serverMute || flags.serverDeaf || flags.serverVideoOff || flags.serverStreamOff)
        await syncRights({ room: input.room, identity: input.identity, channelId: channel.id, granted: known });
      return true;
    },

    async mayStay(identity, channelId) {
      if (!Id.safeParse(identity).success) return true;
      const channel = await access.channelById(channelId);
      if (!channel) {
        // No such channel here: deleted (evict if we had them there), or a room of another deployment sharing this
        // LiveKit (several test servers do) — not ours to touch.
        const state = await repo.findByUser(identity);
        return !(isActive(state) && state.channelId === channelId);
      }
      const { reason } = await accessRefusal(identity, channel);
      if (reason) log.info({ userId: identity, channelId, reason }, 'voice participant may not stay');
      return reason === null;
    },

    syncRights: (input) => syncRights(input),

    async evict(input, reason) {
      // Ending the sid first also records it as over, so a late webhook for this connection cannot bring it back.
      const ended = await repo.endSession(input.identity, input.sid, input.joinedAtMs, clock());
      if (ended) await announceEnd(ended, null, 'voice.disconnect', { reason });
      await rooms.removeParticipant(input.room, input.identity);
      log.info({ userId: input.identity, room: input.room, reason }, 'voice participant evicted');
      const channelId = channelIdFromRoom(input.room);
      const seat = channelId ? await repo.findSeat(channelId, input.identity) : null;
      if (seat) await releaseSeat(seat, reason);
      if (ended) await deleteTempIfEmpty(ended.channelId, reason, input.sid);
    },

    async sweepSeats(live, listedAt) {
      const at = clock();
      let freed = 0;
      let adopted = 0;
      const held = new Set<string>();
      for (const seat of await repo.listSeats()) {
        const inRoom = live.get(voiceRoomName(seat.channelId))?.has(seat.userId) ?? false;
        const holding = seat.holdUntil !== null && !isSeatExpired(seat, at);
        if (inRoom || holding || seat.touchedAt.getTime() > listedAt.getTime() - SEAT_JOIN_GRACE_MS) {
          held.add(`${seat.channelId}:${seat.userId}`);
          continue;
        }
        if (await repo.releaseSeat(seat.id)) {
          freed++;
          log.info({ userId: seat.userId, channelId: seat.channelId, slot: seat.slot }, 'voice seat freed: nobody in LiveKit uses it');
        }
      }
      for (const [room, identities] of live) {
        const channelId = channelIdFromRoom(room);
        const channel = channelId ? await access.channelById(channelId) : null;
        if (!channel || channel.userLimit <= 0) continue;
        for (const identity of identities) {
          if (!Id.safeParse(identity).success || held.has(`${channel.id}:${identity}`)) continue;
          // Best effort, never an eviction: people already in the room stay even when the seats are gone.
          const seat = await repo.claimSeat({
            channelId: channel.id,
            guildId: channel.guildId,
            userId: identity,
            limit: channel.userLimit,
            at,
            holdUntil: null,
          });
          if (seat) adopted++;
        }
      }
      return { freed, adopted };
    },

    async observeSessionEnd(input, source) {
      if (!Id.safeParse(input.identity).success) return false;
      const ended = await repo.endSession(input.identity, input.sid, input.joinedAtMs, clock());
      if (!ended) return false;
      await announceEnd(ended, source === 'reconciler' ? null : ended.userId, 'voice.leave', { source });
      await releaseAfterEnd(ended.userId, ended.channelId, source);
      log.info({ userId: ended.userId, channelId: ended.channelId, sid: input.sid, source }, 'voice session ended');
      await deleteTempIfEmpty(ended.channelId, source, input.sid);
      return true;
    },
  };
  return service;
}
