import { routes } from '@shared/api/routes';
import type { AccessTokens } from '../auth/tokens';
import type { ModuleContext, ServerModule } from '../context';
import { createGuildsService } from '../guilds/guilds.service';
import type { AccountHooks } from '../users/account-hooks';
import { createApiTokensRepo } from './api-tokens.repo';
import { createBotsService } from './bots.service';

/**
 * Bot accounts and personal API tokens: their management routes, and the check of `pbt_`/`ppt_` tokens that
 * AccessTokens.verify hands over (so the REST middleware and the gateway handshake accept them alike).
 */
export function createBotsModule(deps: { tokens: AccessTokens; accountHooks: AccountHooks }) {
  return function botsModule(ctx: ModuleContext): ServerModule {
    const repo = createApiTokensRepo(ctx.db);
    const guilds = createGuildsService(ctx);
    const service = createBotsService({
      repos: ctx.repos,
      tokens: repo,
      permissions: ctx.permissions,
      gateway: ctx.gateway,
      audit: ctx.audit,
      clock: ctx.clock,
      log: ctx.log,
      findUserCached: (id) => ctx.cachedReads.users.findById(id),
      removeMember: (guildId, userId, actorId) => guilds.removeMember(guildId, userId, actorId),
    });
    deps.tokens.setApiTokenVerifier((token) => service.verify(token));
    deps.accountHooks.onDelete((userId) => service.endAccount(userId));

    const api = ctx.createApiRouter();
    api.handle(routes.listBots, async ({ userId }) => ({ items: await service.listBots(userId) }));
    api.handle(routes.createBot, ({ userId, body }) => service.createBot(userId, body.name));
    api.handle(routes.updateBot, ({ userId, params, body }) => service.renameBot(userId, params.botId, body.name));
    api.handle(routes.deleteBot, ({ userId, params }) => service.deleteBot(userId, params.botId));
    api.handle(routes.resetBotToken, ({ userId, params }) => service.resetBotToken(userId, params.botId));
    api.handle(routes.addGuildBot, ({ userId, params }) => service.addToGuild(userId, params.guildId, params.botId));
    api.handle(routes.removeGuildBot, ({ userId, params }) => service.removeFromGuild(userId, params.guildId, params.botId));
    api.handle(routes.listApiTokens, async ({ userId }) => ({ items: await service.listTokens(userId) }));
    api.handle(routes.createApiToken, ({ userId, body }) => service.createToken(userId, body));
    api.handle(routes.revokeApiToken, ({ userId, params }) => service.revokeToken(userId, params.tokenId));
    return { name: 'bots', api, init: () => repo.ensureIndexes() };
  };
}
