import { routes } from '@shared/api/routes';
import type { ModuleContext, ServerModule } from '../context';
import { createNotificationSettingsRepo } from './notification-settings.repo';
import { createNotificationSettingsService } from './notification-settings.service';

/** Notification settings on the server (`notification_settings`): per guild and per channel, in READY, synced live. */
export function notificationSettingsModule(ctx: ModuleContext): ServerModule {
  const repo = createNotificationSettingsRepo(ctx.db);
  const service = createNotificationSettingsService({ ...ctx, repo });
  const api = ctx.createApiRouter();
  api.handle(routes.updateGuildNotificationSettings, ({ userId, params, body }) => service.updateGuild(userId, params.guildId, body));
  api.handle(routes.updateChannelNotificationSettings, ({ userId, params, body }) => service.updateChannel(userId, params.channelId, body));
  return {
    name: 'notificationSettings',
    api,
    async init() {
      await repo.ensureIndexes();
      ctx.gateway.setNotificationSettingsProvider((userId, guildId, channelIds) => service.snapshot(userId, guildId, channelIds));
    },
  };
}
