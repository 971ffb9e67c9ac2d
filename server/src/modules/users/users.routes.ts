import { routes } from '@shared/api/routes';
import type { AuthRateLimits } from '../../http/rate-limit';
import type { ModuleContext, ServerModule } from '../context';
import { createGuildsService } from '../guilds/guilds.service';
import type { AccountHooks } from './account-hooks';
import { createUsersService } from './users.service';

/** The account's lifecycle: DELETE /users/@me, GET /users/@me/export. */
export function createUsersModule(deps: { rateLimits: AuthRateLimits; accountHooks: AccountHooks }) {
  return function usersModule(ctx: ModuleContext): ServerModule {
    const service = createUsersService({
      repos: ctx.repos,
      guilds: createGuildsService(ctx),
      gateway: ctx.gateway,
      audit: ctx.audit,
      rateLimits: deps.rateLimits,
      endOwned: (userId) => deps.accountHooks.runDelete(userId),
      clock: ctx.clock,
      log: ctx.log,
    });
    const api = ctx.createApiRouter();
    api.handle(routes.deleteMe, ({ userId, body }) => service.deleteAccount(userId, body.password));
    api.handle(routes.exportMe, async ({ userId, res }) => {
      const data = await service.exportData(userId);
      const day = data.exportedAt.slice(0, 10);
      // The username is [A-Za-z0-9_.-] only (contract), so it needs no quoting beyond the quotes.
      res.setHeader('Content-Disposition', `attachment; filename="parley-${data.user.username}-${day}.json"`);
      res.setHeader('Cache-Control', 'no-store');
      return data;
    });
    return { name: 'users', api };
  };
}
