import { embedRoutes, VOICE_GUEST_UPDATE } from '@shared/api/embed';
import { channelIdFromRoom } from '@shared/api/voice';
import { createVoiceRoomService } from '../../livekit/room-service';
import { createVoiceTokenIssuer } from '../../livekit/tokens';
import { livekitWebhookBus } from '../../livekit/webhooks';
import { isGuildChannel } from '../channels/channels.repo';
import { effectiveLimit } from '../voice/voice.module';
import type { ModuleContext, ServerModule } from '../context';
import { createGuestPresence, type GuestPresence } from './embed-guests.service';
import { createEmbedPageRouter } from './embed-page';
import { createEmbedRepo } from './embed.repo';
import { createEmbedService, guestRightsOf } from './embed.service';

/**
 * The embeddable voice widget (issue 18 part 4): per-guild embed settings, guest tokens, and the widget page at
 * /embed/voice/:channelId with a per-guild frame-ancestors.
 */
export function embedModule(ctx: ModuleContext): ServerModule {
  const repo = createEmbedRepo(ctx.db);
  const rooms = createVoiceRoomService(ctx.livekit);
  const service = createEmbedService({
    repo,
    reads: ctx.cachedReads,
    permissions: ctx.permissions,
    audit: ctx.audit,
    tokens: createVoiceTokenIssuer({
      apiKey: ctx.config.LIVEKIT_API_KEY,
      apiSecret: ctx.config.LIVEKIT_API_SECRET,
      ttlSeconds: ctx.config.VOICE_TOKEN_TTL_SECONDS,
    }),
    countInRoom: async (room) => (await rooms.listParticipants(room)).length,
    limitOf: (userLimit) => effectiveLimit(userLimit, ctx.config.VOICE_MAX_PARTICIPANTS).userLimit,
    livekitPublicUrl: ctx.config.LIVEKIT_PUBLIC_URL,
    requireHttps: ctx.config.NODE_ENV === 'production',
    log: ctx.log,
  });
  const guests = createGuestPresence({
    repo,
    rooms,
    async guildOfVoiceChannel(channelId) {
      const channel = await ctx.cachedReads.channels.find(channelId);
      return channel && isGuildChannel(channel) && channel.type === 'voice' ? channel.guildId : null;
    },
    async channelPermissions(userId, channelId) {
      const channel = await ctx.cachedReads.channels.find(channelId);
      const seen = channel ? await ctx.permissions.guildChannelAccess(userId, channel) : null;
      return seen ? seen.permissions : null;
    },
    async guestRights(channelId) {
      const a = await service.access(channelId);
      return a ? guestRightsOf(a) : null;
    },
    requireMember: async (userId, guildId) => void (await ctx.permissions.requireGuildMember(userId, guildId)),
    audit: ctx.audit,
    async publish(event) {
      try {
        await ctx.gateway.publishToGuild(event.guildId, VOICE_GUEST_UPDATE, event, { channelId: event.channelId });
      } catch (err) {
        // Stored; clients catch up from READY or GET /guilds/:id/voice-guests.
        ctx.log.warn({ err, channelId: event.channelId }, 'voice guest event not published');
      }
    },
    log: ctx.log,
  });
  // Guests' joins and leaves come from the same signed LiveKit webhooks as members' (after voice has applied them).
  const unsubscribe = livekitWebhookBus(ctx.gateway).subscribe(async (event) => {
    const p = event.participant;
    const channelId = event.room ? channelIdFromRoom(event.room.name) : null;
    if (!p || !channelId) return;
    if (event.event === 'participant_joined') {
      const joinedAtMs = p.joinedAtMs > 0n ? Number(p.joinedAtMs) : Number(p.joinedAt) * 1000;
      await guests.observeJoin({ identity: p.identity, name: p.name, sid: p.sid, channelId, joinedAtMs });
    } else if (event.event === 'participant_left' || event.event === 'participant_connection_aborted') {
      await guests.observeLeave({ identity: p.identity, sid: p.sid });
    }
  });
  instances.set(ctx.gateway, guests);
  // What guests may do follows @everyone's permissions and the channels' overwrites: hold connected guests to a change
  // of those now (as for a settings change below), not at the next interval.
  let stopped = false;
  ctx.onAccessChange((guildId, userId) => {
    // One member's roles say nothing about guests.
    if (stopped || userId !== undefined) return;
    void (async () => {
      // The sweep covers every guild: not worth it for a guild with guests off and none recorded (a guest whose join
      // went unrecorded there is the interval's to find).
      if ((await repo.find(guildId)).guestAccess === 'off' && (await repo.listGuestsInGuild(guildId)).length === 0) return;
      await guests.sweep();
    })().catch((err: unknown) => ctx.log.warn({ err, guildId }, 'voice guest sweep after a permission change failed'));
  });
  let sweeper: NodeJS.Timeout | null = null;

  const api = ctx.createApiRouter();
  api.handle(embedRoutes.getEmbedSettings, ({ userId, params }) => service.settings(userId, params.guildId));
  api.handle(embedRoutes.updateEmbedSettings, async ({ userId, params, body }) => {
    const settings = await service.updateSettings(userId, params.guildId, body);
    // Guests already connected keep their tokens' rights until someone looks: look now, not at the next interval (a
    // guild that turns guests off or to listen-only expects it at once). Not awaited: the settings are saved either way.
    guests.sweep().catch((err: unknown) => ctx.log.warn({ err }, 'voice guest sweep after an embed settings change failed'));
    return settings;
  });
  api.handle(embedRoutes.createEmbedGuestToken, ({ params }) => service.guestToken(params.channelId));
  api.handle(embedRoutes.listGuildVoiceGuests, async ({ userId, params }) => ({ items: await guests.list(userId, params.guildId) }));
  api.handle(embedRoutes.moderateVoiceGuest, ({ userId, params, body }) => guests.moderate(userId, params.guildId, params.identity, body));
  api.handle(embedRoutes.disconnectVoiceGuest, ({ userId, params }) => guests.disconnect(userId, params.guildId, params.identity));
  return {
    name: 'embed',
    api,
    page: { path: '/embed', router: createEmbedPageRouter({ webDir: ctx.config.WEB_DIR, access: service.access, log: ctx.log }) },
    async init() {
      await repo.ensureIndexes();
      ctx.gateway.setVoiceGuestProvider((guildId) => guests.listInGuild(guildId));
      // Guests whose participant_left was missed go on voice's reconcile interval (0 = off, as in the tests).
      const every = ctx.config.VOICE_RECONCILE_INTERVAL_MS;
      if (every > 0)
        sweeper = setInterval(() => {
          guests.sweep().catch((err: unknown) => ctx.log.warn({ err }, 'voice guest sweep failed'));
        }, every);
      sweeper?.unref();
    },
    async stop() {
      stopped = true;
      unsubscribe();
      if (sweeper) clearInterval(sweeper);
      await guests.idle();
    },
  };
}

const instances = new WeakMap<object, GuestPresence>();

/** The guest presence of a running server, by its gateway publisher: for tests that call `sweep()`. */
export function guestsOf(gateway: object): GuestPresence | undefined {
  return instances.get(gateway);
}
