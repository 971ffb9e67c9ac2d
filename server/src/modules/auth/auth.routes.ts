import { routes } from '@shared/api/routes';
import type { AuthRateLimits } from '../../http/rate-limit';
import { sessionIdOf } from '../../http/auth.middleware';
import { AppError } from '../../errors';
import { userView } from '../../http/views';
import type { UserRecord } from '../users/users.repo';
import { profileAnnouncer } from '../users/announce-profile';
import type { ModuleContext, ServerModule } from '../context';
import { createAuthService } from './auth.service';
import type { AccessTokens } from './tokens';

/** Accounts and sessions: register, login, refresh, logout, /users/@me. */
export function createAuthModule(deps: { tokens: AccessTokens; rateLimits: AuthRateLimits }) {
  return function authModule(ctx: ModuleContext): ServerModule {
    const announceProfile = profileAnnouncer({ guilds: ctx.repos.guilds, gateway: ctx.gateway });
    // The user's own sessions learn of a status change (USER_UPDATE); everyone else through presence.
    const announceSelf = (user: UserRecord) => ctx.gateway.publishToUser(user.id, 'USER_UPDATE', userView(user));
    const service = createAuthService({
      users: ctx.repos.users,
      refreshTokens: ctx.repos.refreshTokens,
      tokens: deps.tokens,
      rateLimits: deps.rateLimits,
      clock: ctx.clock,
      log: ctx.log,
      announceProfile,
      announceStatus: async (user) => {
        announceSelf(user);
        await ctx.gateway.refreshPresence(user.id);
      },
      closeSessions: (userId, matches) => ctx.gateway.closeSessions(userId, matches, 'You were logged out from another device'),
    });
    const api = ctx.createApiRouter();
    // Disabled and deleted accounts: their still-unexpired access tokens are refused on REST, at the gateway handshake
    // and on AUTH_REFRESH. The user record comes through the record cache, which every user write clears on every
    // instance (through Redis) before it answers; the admin CLI broadcasts the same clearing. At worst (a lost Redis
    // message) a change takes the cache TTL (10 s) to apply. A gateway session already open stays until its token
    // expires (≤ 15 min), since renewing it goes through this check.
    // Logged-out sessions (logout, "log out other sessions", a password change, refresh-token reuse): the token's `sid`
    // names its refresh-token family, read through the same cache, which every revocation clears on every instance
    // before it answers. So a revoked session's access tokens are refused from the next request on, or at worst (a lost
    // Redis message) after the cache TTL of 10 s; its open gateway connections are closed by the revocation itself.
    deps.tokens.setAccountCheck(async ({ userId, sessionId }) => {
      const [user, live] = await Promise.all([
        ctx.cachedReads.users.findById(userId),
        sessionId ? ctx.cachedReads.sessions.isLive(sessionId) : true,
      ]);
      if (user?.deletedAt) throw new AppError('UNAUTHENTICATED', 'Account deleted');
      if (user?.disabledAt) throw new AppError('UNAUTHENTICATED', 'Account disabled');
      if (!live) throw new AppError('UNAUTHENTICATED', 'Session logged out');
    });
    const ipOf = (req: { ip?: string; socket: { remoteAddress?: string } }) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

    api.handle(routes.register, ({ body, req }) => service.register(ipOf(req), body, req.get('user-agent')));
    api.handle(routes.login, ({ body, req }) => service.login(ipOf(req), body.username, body.password, req.get('user-agent')));
    api.handle(routes.refresh, ({ body }) => service.refresh(body.refreshToken));
    api.handle(routes.logout, ({ body }) => service.logout(body.refreshToken));
    api.handle(routes.getMe, async ({ userId }) => userView(await service.me(userId)));
    api.handle(routes.patchMe, async ({ userId, body, req }) => userView(await service.updateMe(userId, body, sessionIdOf(req))));
    api.handle(routes.listSessions, async ({ userId, req }) => ({ items: await service.listSessions(userId, sessionIdOf(req)) }));
    api.handle(routes.revokeSession, ({ userId, params }) => service.revokeSession(userId, params.sessionId));
    api.handle(routes.revokeOtherSessions, ({ userId, req }) => service.revokeOtherSessions(userId, sessionIdOf(req)));
    return { name: 'auth', api };
  };
}
