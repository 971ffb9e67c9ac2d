import { routes } from '@shared/api/routes';
import type { ModuleContext, ServerModule } from '../context';
import { voiceChannelCleanup } from '../voice/voice.module';
import { createChannelsService } from './channels.service';

export function channelsModule(ctx: ModuleContext): ServerModule {
  const service = createChannelsService({ ...ctx, onVoiceChannelDeleted: voiceChannelCleanup(ctx) });
  const api = ctx.createApiRouter();
  api.handle(routes.listChannels, ({ userId, params }) => service.list(userId, params.guildId));
  api.handle(routes.createChannel, ({ userId, params, body }) => service.create(userId, params.guildId, body));
  api.handle(routes.reorderChannels, ({ userId, params, body }) => service.reorder(userId, params.guildId, body));
  api.handle(routes.getChannel, ({ userId, params }) => service.get(userId, params.channelId));
  api.handle(routes.updateChannel, ({ userId, params, body }) => service.update(userId, params.channelId, body));
  api.handle(routes.deleteChannel, ({ userId, params }) => service.remove(userId, params.channelId));
  return { name: 'channels', api };
}
