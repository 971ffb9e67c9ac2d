import { routes } from '@shared/api/routes';
import type { ModuleContext, ServerModule } from '../context';
import { createGuildsService } from './guilds.service';

/** Guilds, members, bans. */
export function guildsModule(ctx: ModuleContext): ServerModule {
  const service = createGuildsService(ctx);
  const api = ctx.createApiRouter();
  api.handle(routes.createGuild, ({ userId, body }) => service.create(userId, body.name));
  api.handle(routes.listMyGuilds, async ({ userId }) => ({ items: await service.listMine(userId) }));
  api.handle(routes.getGuild, ({ userId, params }) => service.get(userId, params.guildId));
  api.handle(routes.updateGuild, ({ userId, params, body }) => service.update(userId, params.guildId, body));
  api.handle(routes.deleteGuild, ({ userId, params }) => service.remove(userId, params.guildId));
  api.handle(routes.leaveGuild, ({ userId, params }) => service.leave(userId, params.guildId));
  api.handle(routes.listMembers, ({ userId, params, query }) => service.listMembers(userId, params.guildId, query));
  api.handle(routes.getMember, ({ userId, params }) => service.getMember(userId, params.guildId, params.userId));
  api.handle(routes.updateMember, ({ userId, params, body }) => service.updateMember(userId, params.guildId, params.userId, body));
  api.handle(routes.kickMember, ({ userId, params }) => service.kick(userId, params.guildId, params.userId));
  api.handle(routes.listBans, ({ userId, params }) => service.listBans(userId, params.guildId));
  api.handle(routes.banMember, ({ userId, params, body }) => service.ban(userId, params.guildId, params.userId, body));
  api.handle(routes.purgeMemberMessages, ({ userId, params, query }) =>
    service.purgeMessages(userId, params.guildId, params.userId, query.sinceSeconds ?? null),
  );
  api.handle(routes.unbanMember, ({ userId, params }) => service.unban(userId, params.guildId, params.userId));
  return { name: 'guilds', api };
}
