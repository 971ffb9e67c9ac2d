import { AppError } from '../../errors';
import { createVoiceReconciler } from '../../livekit/reconciler';
import { createVoiceRoomService } from '../../livekit/room-service';
import { createVoiceTokenIssuer } from '../../livekit/tokens';
import { createWebhookVerifier, livekitWebhookBus } from '../../livekit/webhooks';
import { channelIdFromRoom, voiceRoomName } from '@shared/api/voice';
import { isGuildChannel, type GuildChannelRecord } from '../channels/channels.repo';
import { createChannelsService } from '../channels/channels.service';
import { recordingsOf } from '../recordings/recordings.module';
import { createTempVoiceRepo } from './temp-voice.repo';
import { createTempVoiceService } from './temp-voice.service';
import type { ModuleContext, RecordCache, ServerModule } from '../context';
import { createVoiceRepo, isActive, type VoiceRepo } from './voice.repo';
import { createLivekitWebhookRouter, registerVoiceRoutes } from './voice.routes';
import type { VoiceAccess, VoiceChannelInfo, VoiceEvents, VoiceService } from './voice.service';
import type { VoiceReconciler } from '../../livekit/reconciler';
import { SEAT_HOLD_SLACK_MS, createVoiceService, toVoiceState } from './voice.service';

const CLAIM_RETENTION_MS = 60 * 60 * 1000;

/**
 * A user's voice state and moderation flags are read on every voice join, and a guild's voice states on every READY;
 * they are served from the record cache, and every write through this repository drops the keys it touched (the
 * user's, and the voice lists of the guilds involved) here and on the other instances before it returns. Writes by
 * another instance reach this one within a Redis round trip: a join that reads a stale "not connected" in that window
 * is caught when the new session starts (observeSession removes the user from their previous room).
 */
export function withRecordCache(repo: VoiceRepo, cache: RecordCache): VoiceRepo {
  const stateKey = (userId: string) => `voice:${userId}`;
  const moderationKey = (guildId: string, userId: string) => `voice-moderation:${guildId}:${userId}`;
  const guildKey = (guildId: string) => `voice-guild:${guildId}`;
  const seatsKey = (userId: string) => `voice-seats:${userId}`;
  /** Guilds whose voice lists this instance has cached: all are dropped when a write fails half-way. */
  const cachedGuilds = new Set<string>();
  async function thenDrop<T>(
    write: Promise<T>,
    userId: string,
    touched: (result: T) => readonly (string | null | undefined)[],
    extra: string[] = [],
  ): Promise<T> {
    let result: T;
    try {
      result = await write;
    } catch (err) {
      await cache.invalidate([stateKey(userId), ...extra, ...[...cachedGuilds].map(guildKey)]);
      throw err;
    }
    const guilds = touched(result).filter((g): g is string => typeof g === 'string');
    await cache.invalidate([stateKey(userId), ...extra, ...guilds.map(guildKey)]);
    return result;
  }
  return {
    ...repo,
    findByUser: (userId) => cache.read(stateKey(userId), () => repo.findByUser(userId)),
    getModeration: (guildId, userId) => cache.read(moderationKey(guildId, userId), () => repo.getModeration(guildId, userId)),
    // Every READY lists each guild's voice states; FerretDB would scan every user's voice document for it.
    listActiveInGuild: (guildId) => {
      cachedGuilds.add(guildId);
      return cache.read(guildKey(guildId), () => repo.listActiveInGuild(guildId));
    },
    setSelfState: (userId, patch, at) => thenDrop(repo.setSelfState(userId, patch, at), userId, (r) => [r.guildId]),
    startSession: (start) => thenDrop(repo.startSession(start), start.userId, (r) => [start.guildId, r?.before?.guildId]),
    endSession: (userId, sid, joinedAtMs, at) => thenDrop(repo.endSession(userId, sid, joinedAtMs, at), userId, (r) => [r?.guildId]),
    setMedia: (userId, sid, patch, at, unlessWrittenAfter) =>
      thenDrop(repo.setMedia(userId, sid, patch, at, unlessWrittenAfter), userId, (r) => [r?.guildId]),
    admit: (userId, channelId, at) => thenDrop(repo.admit(userId, channelId, at), userId, () => []),
    setModeration: (guildId, userId, patch, at) =>
      thenDrop(repo.setModeration(guildId, userId, patch, at), userId, () => [guildId], [moderationKey(guildId, userId)]),
    // A user's seats are read on every join (to give back seats held elsewhere). Every seat is created through
    // claimSeat for its user, which drops that user's entry: so a cached list can only hold too many seats (ones
    // released or reaped since), never miss one, and releasing a seat that is already gone is a no-op.
    listSeats: (userId) => (userId === undefined ? repo.listSeats() : cache.read(seatsKey(userId), () => repo.listSeats(userId))),
    claimSeat: async (claim) => {
      try {
        return await repo.claimSeat(claim);
      } finally {
        await cache.invalidate([seatsKey(claim.userId)]);
      }
    },
  };
}

/** The limit voice enforces: the channel's own, or the server's cap (VOICE_MAX_PARTICIPANTS, 0 = none) when lower. */
export function effectiveLimit(userLimit: number, serverCap: number): { userLimit: number; serverCapped: boolean } {
  if (serverCap > 0 && (userLimit <= 0 || serverCap <= userLimit)) return { userLimit: serverCap, serverCapped: true };
  return { userLimit, serverCapped: false };
}

const channelInfo = (c: GuildChannelRecord, serverCap: number): VoiceChannelInfo => ({
  id: c.id,
  guildId: c.guildId,
  type: c.type,
  ...effectiveLimit(c.userLimit ?? 0, serverCap),
  joinToCreate: c.type === 'voice' && c.joinToCreate === true,
  temporary: c.tempOwnerId !== undefined,
});

/**
 * What deleting a voice channel does besides the channel itself (wired into the channels service): the sessions in it
 * end at once and a running recording stops.
 */
export function voiceChannelCleanup(ctx: ModuleContext): (channel: GuildChannelRecord) => Promise<void> {
  return async (channel) => {
    await voiceOf(ctx.gateway)?.service.endChannel(channel.id);
    const recordings = recordingsOf(ctx.gateway);
    if (recordings) {
      try {
        await recordings.stopForDeletedChannel(channel.id);
      } catch (err) {
        // The room is closed already, so Egress finishes on its own; the recordings reconciler settles the record.
        ctx.log.warn({ err, channelId: channel.id }, 'recording of a deleted channel not stopped');
      }
    }
  };
}

/**
 * Voice: LiveKit tokens, voice state from webhooks + reconciler, moderation. Wires the voice service to the core
 * services through the narrow ports it declares, so the service itself stays testable without HTTP or a database.
 */
export function voiceModule(ctx: ModuleContext): ServerModule {
  const { config, log } = ctx;
  const repo = withRecordCache(createVoiceRepo(ctx.db), ctx.recordCache);
  const rooms = createVoiceRoomService(ctx.livekit);
  const cap = config.VOICE_MAX_PARTICIPANTS;
  const tokens = createVoiceTokenIssuer({
    apiKey: config.LIVEKIT_API_KEY,
    apiSecret: config.LIVEKIT_API_SECRET,
    ttlSeconds: config.VOICE_TOKEN_TTL_SECONDS,
  });
  const channels = createChannelsService({
    repos: ctx.repos,
    permissions: ctx.permissions,
    gateway: ctx.gateway,
    audit: ctx.audit,
    clock: ctx.clock,
    onVoiceChannelDeleted: voiceChannelCleanup(ctx),
  });
  const tempRepo = createTempVoiceRepo(ctx.db);
  const temp = createTempVoiceService({
    repo: tempRepo,
    async lobby(channelId) {
      const c = await ctx.repos.channels.find(channelId);
      if (!c || !isGuildChannel(c) || c.type !== 'voice' || c.joinToCreate !== true) return null;
      return {
        id: c.id,
        guildId: c.guildId,
        name: c.name,
        parentId: c.parentId,
        position: c.position,
        bitrate: c.bitrate,
        overwrites: c.overwrites,
      };
    },
    async displayName(userId) {
      return (await ctx.cachedReads.users.findById(userId))?.displayName ?? null;
    },
    async createChannel(input) {
      await channels.createTemp(input);
    },
    deleteChannel: (channelId) => channels.removeBySystem(channelId),
    activeInRoom: async (room) => (await repo.listActiveInRoom(room)).length,
    livekitParticipants: async (room) => (await rooms.listParticipants(room)).map((p) => ({ identity: p.identity, sid: p.sid })),
    holdMs: tokens.ttlSeconds * 1000 + SEAT_HOLD_SLACK_MS,
    clock: () => ctx.clock.now(),
    log,
  });

  const access: VoiceAccess = {
    async channelFor(userId, channelId) {
      const channel = await ctx.cachedReads.channels.find(channelId);
      if (!channel) return null;
      const seen = await ctx.permissions.guildChannelAccess(userId, channel);
      return seen ? { channel: channelInfo(seen.channel, cap), permissions: seen.permissions } : null;
    },
    async channelById(channelId) {
      const channel = await ctx.repos.channels.find(channelId);
      // A DM's calls are not voice channels (issue 16 item 3 has its own rooms).
      return channel && isGuildChannel(channel) ? channelInfo(channel, cap) : null;
    },
    async guildPermissions(userId, guildId) {
      try {
        return (await ctx.permissions.requireGuildMember(userId, guildId)).permissions;
      } catch (err) {
        if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
        throw err;
      }
    },
    async isBanned(userId, guildId) {
      return (await ctx.repos.guilds.findBan(guildId, userId)) !== null;
    },
    async displayName(userId) {
      return (await ctx.cachedReads.users.findById(userId))?.displayName ?? null;
    },
  };

  const events: VoiceEvents = {
    async toChannelViewers(guildId, channelId, event, payload) {
      try {
        await ctx.gateway.publishToGuild(guildId, event, payload, { channelId });
      } catch (err) {
        // The state change is stored; clients catch up from READY or GET /guilds/:id/voice-states.
        log.warn({ err, event, channelId }, 'voice event not published');
      }
    },
    async toUser(userId, event, payload) {
      ctx.gateway.publishToUser(userId, event, payload);
    },
  };

  const service = createVoiceService({
    repo,
    rooms,
    tokens,
    access,
    temp,
    events,
    audit: ctx.audit,
    publicUrl: config.LIVEKIT_PUBLIC_URL,
    clock: () => ctx.clock.now(),
    log,
    onJoin: (source) => ctx.metrics.voice.joins.inc({ source }),
  });

  const reconciler = createVoiceReconciler({
    target: {
      listActiveRooms: () => repo.listActiveRooms(),
      activeRoomOf: async (userId, guildId) => {
        const state = await repo.findByUser(userId);
        return isActive(state) && state.guildId === guildId ? voiceRoomName(state.channelId) : null;
      },
      listActiveRoomsInGuild: async (guildId) => [
        ...new Set((await repo.listActiveInGuild(guildId)).map((s) => voiceRoomName(s.channelId))),
      ],
      listActiveInRoom: (room) => repo.listActiveInRoom(room),
      observeSession: (input, source) => service.observeSession(input, source),
      observeSessionEnd: (input, source) => service.observeSessionEnd(input, source),
      observeMedia: (input, listedAt, source) => service.observeMedia(input, listedAt, source),
      mayStay: (identity, channelId) => service.mayStay(identity, channelId),
      evict: (input, reason) => service.evict(input, reason),
      syncRights: (input) => service.syncRights(input),
      sweepSeats: (live, listedAt) => service.sweepSeats(live, listedAt),
      // Claims only guard against replays, which LiveKit stops after a few minutes (its webhook JWTs live 5 min).
      housekeeping: async () => {
        await repo.pruneClaims(new Date(ctx.clock.now().getTime() - CLAIM_RETENTION_MS));
        // Temporary channels whose leave was missed (or whose last join never connected) go once empty.
        await temp.sweep();
      },
    },
    rooms,
    intervalMs: config.VOICE_RECONCILE_INTERVAL_MS,
    log,
    clock: () => ctx.clock.now(),
  });

  const webhooks = createLivekitWebhookRouter({
    verifier: createWebhookVerifier({ apiKey: config.LIVEKIT_API_KEY, apiSecret: config.LIVEKIT_API_SECRET }),
    service,
    bus: livekitWebhookBus(ctx.gateway),
    log,
  });

  instances.set(ctx.gateway, { service, reconciler });
  // A token is only checked when it connects: when who may do what in a guild changes (a role's permissions, a
  // member's roles, a channel's overwrites, the owner), hold the people in its voice channels to it now, not at the
  // next reconcile.
  ctx.onAccessChange((guildId, userId) => {
    reconciler
      .enforceAccess(guildId, userId)
      .catch((err: unknown) => log.warn({ err, guildId }, 'voice access not enforced after a permission change; the reconciler will'));
  });
  // LiveKit closes a room some time after its last participant left: a temporary channel still there then goes too.
  const unsubscribe = livekitWebhookBus(ctx.gateway).subscribe(async (event) => {
    const channelId = event.event === 'room_finished' && event.room ? channelIdFromRoom(event.room.name) : null;
    if (!channelId) return;
    try {
      await temp.deleteIfEmpty(channelId, 'webhook:room_finished');
    } catch (err) {
      log.warn({ err, channelId }, 'temporary voice channel not checked; the reconciler will');
    }
  });

  return {
    name: 'voice',
    api: registerVoiceRoutes(ctx.createApiRouter(), service),
    raw: webhooks,
    async init() {
      await repo.ensureIndexes();
      await tempRepo.ensureIndexes();
      ctx.gateway.setVoiceStateProvider(async (guildId) => (await repo.listActiveInGuild(guildId)).map(toVoiceState));
      ctx.metrics.voice.setParticipantSource(() => repo.countActiveByRoom());
      reconciler.start();
    },
    async stop() {
      unsubscribe();
      await reconciler.stop();
    },
  };
}

const instances = new WeakMap<object, { service: VoiceService; reconciler: VoiceReconciler }>();

/**
 * The voice service and reconciler of a running server, by its gateway publisher (`running.gateway.publisher`):
 * for tests that call `reconcileOnce()`, and for core modules that must drop a kicked/banned member from voice
 * (`voiceOf(ctx.gateway)?.service.removeFromGuildVoice(guildId, userId, actorId)`).
 */
export function voiceOf(gateway: object): { service: VoiceService; reconciler: VoiceReconciler } | undefined {
  return instances.get(gateway);
}
