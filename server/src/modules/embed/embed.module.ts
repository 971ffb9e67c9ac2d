import { embedRoutes } from '@shared/api/embed';
import { createVoiceRoomService } from '../../livekit/room-service';
import { createVoiceTokenIssuer } from '../../livekit/tokens';
import { effectiveLimit } from '../voice/voice.module';
import type { ModuleContext, ServerModule } from '../context';
import { createEmbedPageRouter } from './embed-page';
import { createEmbedRepo } from './embed.repo';
import { createEmbedService } from './embed.service';

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
  const api = ctx.createApiRouter();
  api.handle(embedRoutes.getEmbedSettings, ({ userId, params }) => service.settings(userId, params.guildId));
  api.handle(embedRoutes.updateEmbedSettings, ({ userId, params, body }) => service.updateSettings(userId, params.guildId, body));
  api.handle(embedRoutes.createEmbedGuestToken, ({ params }) => service.guestToken(params.channelId));
  return {
    name: 'embed',
    api,
    page: { path: '/embed', router: createEmbedPageRouter({ webDir: ctx.config.WEB_DIR, access: service.access, log: ctx.log }) },
    init: () => repo.ensureIndexes(),
  };
}
