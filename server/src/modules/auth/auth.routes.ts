import { routes } from '@shared/api/routes';
import type { AuthRateLimits } from '../../http/rate-limit';
import { AppError } from '../../errors';
import { userView } from '../../http/views';
import { profileAnnouncer } from '../users/announce-profile';
import type { ModuleContext, ServerModule } from '../context';
import { createAuthService } from './auth.service';
import type { AccessTokens } from './tokens';

/** Accounts and sessions: register, login, refresh, logout, /users/@me. */
export function createAuthModule(deps: { tokens: AccessTokens; rateLimits: AuthRateLimits }) {
  return function authModule(ctx: ModuleContext): ServerModule {
    const announceProfile = profileAnnouncer({ guilds: ctx.repos.guilds, gateway: ctx.gateway });
    const service = createAuthService({ users: ctx.repos.users, refreshTokens: ctx.repos.refreshTokens, tokens: deps.tokens, rateLimits: deps.rateLimits, clock: ctx.clock, log: ctx.log, announceProfile });
    const api = ctx.createApiRouter();
    // Disabled and deleted accounts: their still-unexpired access tokens are refused on REST, at the gateway handshake
    // and on AUTH_REFRESH. The user record comes through the record cache, which every user write clears on every
    // instance (through Redis) before it answers; the admin CLI broadcasts the same clearing. At worst (a lost Redis
    // message) a change takes the cache TTL (10 s) to apply. A gateway session already open stays until its token
    // expires (≤ 15 min), since renewing it goes through this check.
    deps.tokens.setAccountCheck(async (userId) => {
      const user = await ctx.cachedReads.users.findById(userId);
      if (user?.deletedAt) throw new AppError('UNAUTHENTICATED', 'Account deleted');
      if (user?.disabledAt) throw new AppError('UNAUTHENTICATED', 'Account disabled');
    });
    const ipOf = (req: { ip?: string; socket: { remoteAddress?: string } }) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

    api.handle(routes.register, ({ body, req }) => service.register(ipOf(req), body));
    api.handle(routes.login, ({ body, req }) => service.login(ipOf(req), body.username, body.password));
    api.handle(routes.refresh, ({ body }) => service.refresh(body.refreshToken));
    api.handle(routes.logout, ({ body }) => service.logout(body.refreshToken));
    api.handle(routes.getMe, async ({ userId }) => userView(await service.me(userId)));
    api.handle(routes.patchMe, async ({ userId, body }) => userView(await service.updateMe(userId, body)));
    return { name: 'auth', api };
  };
}
