import { AppError } from '../../errors';
import { createVoiceReconciler } from '../../livekit/reconciler';
import { createVoiceRoomService } from '../../livekit/room-service';
import { createVoiceTokenIssuer } from '../../livekit/tokens';
import { createWebhookVerifier, livekitWebhookBus } from '../../livekit/webhooks';
import { isGuildChannel, type GuildChannelRecord } from '../channels/channels.repo';
import type { ModuleContext, RecordCache, ServerModule } from '../context';
import { createVoiceRepo, type VoiceRepo } from './voice.repo';
import { createLivekitWebhookRouter, registerVoiceRoutes } from './voice.routes';
import type { VoiceAccess, VoiceChannelInfo, VoiceEvents, VoiceService } from './voice.service';
import type { VoiceReconciler } from '../../livekit/reconciler';
import { createVoiceService, toVoiceState } from './voice.service';

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

const channelInfo = (c: GuildChannelRecord): VoiceChannelInfo => ({
  id: c.id,
  guildId: c.guildId,
  type: c.type,
  userLimit: c.userLimit ?? 0,
});

/**
 * Voice: LiveKit tokens, voice state from webhooks + reconciler, moderation. Wires the voice service to the core
 * services through the narrow ports it declares, so the service itself stays testable without HTTP or a database.
 */
export function voiceModule(ctx: ModuleContext): ServerModule {
  const { config, log } = ctx;
  const repo = withRecordCache(createVoiceRepo(ctx.db), ctx.recordCache);
  const rooms = createVoiceRoomService(ctx.livekit);

  const access: VoiceAccess = {
    async channelFor(userId, channelId) {
      const channel = await ctx.cachedReads.channels.find(channelId);
      if (!channel) return null;
      const seen = await ctx.permissions.guildChannelAccess(userId, channel);
      return seen ? { channel: channelInfo(seen.channel), permissions: seen.permissions } : null;
    },
    async channelById(channelId) {
      const channel = await ctx.repos.channels.find(channelId);
      // A DM's calls are not voice channels (issue 16 item 3 has its own rooms).
      return channel && isGuildChannel(channel) ? channelInfo(channel) : null;
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
    tokens: createVoiceTokenIssuer({ apiKey: config.LIVEKIT_API_KEY, apiSecret: config.LIVEKIT_API_SECRET }),
    access,
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
      listActiveInRoom: (room) => repo.listActiveInRoom(room),
      observeSession: (input, source) => service.observeSession(input, source),
      observeSessionEnd: (input, source) => service.observeSessionEnd(input, source),
      observeMedia: (input, listedAt, source) => service.observeMedia(input, listedAt, source),
      mayStay: (identity, channelId) => service.mayStay(identity, channelId),
      evict: (input, reason) => service.evict(input, reason),
      sweepSeats: (live, listedAt) => service.sweepSeats(live, listedAt),
      // Claims only guard against replays, which LiveKit stops after a few minutes (its webhook JWTs live 5 min).
      housekeeping: async () => {
        await repo.pruneClaims(new Date(ctx.clock.now().getTime() - CLAIM_RETENTION_MS));
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

  return {
    name: 'voice',
    api: registerVoiceRoutes(ctx.createApiRouter(), service),
    raw: webhooks,
    async init() {
      await repo.ensureIndexes();
      ctx.gateway.setVoiceStateProvider(async (guildId) => (await repo.listActiveInGuild(guildId)).map(toVoiceState));
      ctx.metrics.voice.setParticipantSource(() => repo.countActiveByRoom());
      reconciler.start();
    },
    async stop() {
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
