import { privateChannelRoutes as routes } from '@shared/api/private-channels';
import type { ModuleContext, ServerModule } from '../context';
import { createPrivateChannelsService } from './private-channels.service';

/**
 * DMs and group DMs (issue 16 item 2): the six `/users/@me/channels` routes and READY's `privateChannels`. Their
 * membership lives in core repositories (`ctx.repos.privateChannels`), which the permission service reads to let
 * recipients through the ordinary message routes.
 */
export function privateChannelsModule(ctx: ModuleContext): ServerModule {
  const service = createPrivateChannelsService(ctx);
  const api = ctx.createApiRouter();
  api.handle(routes.listPrivateChannels, ({ userId }) => service.list(userId));
  api.handle(routes.openPrivateChannel, ({ userId, body }) => service.open(userId, body));
  api.handle(routes.updatePrivateChannel, ({ userId, params, body }) => service.rename(userId, params.channelId, body));
  api.handle(routes.addPrivateChannelRecipient, ({ userId, params }) => service.addRecipient(userId, params.channelId, params.userId));
  api.handle(routes.removePrivateChannelRecipient, ({ userId, params }) =>
    service.removeRecipient(userId, params.channelId, params.userId),
  );
  api.handle(routes.closePrivateChannel, ({ userId, params }) => service.close(userId, params.channelId));
  return {
    name: 'private-channels',
    api,
    async init() {
      ctx.gateway.setPrivateChannelsProvider(async (userId) => (await service.list(userId)).items);
    },
  };
}
