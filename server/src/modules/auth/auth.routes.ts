import { routes } from '@shared/api/routes';
import type { AuthRateLimits } from '../../http/rate-limit';
import { userView } from '../../http/views';
import type { ModuleContext, ServerModule } from '../context';
import { createAuthService } from './auth.service';
import type { AccessTokens } from './tokens';

/** Accounts and sessions: register, login, refresh, logout, /users/@me. */
export function createAuthModule(deps: { tokens: AccessTokens; rateLimits: AuthRateLimits }) {
  return function authModule(ctx: ModuleContext): ServerModule {
    const service = createAuthService({ users: ctx.repos.users, refreshTokens: ctx.repos.refreshTokens, tokens: deps.tokens, rateLimits: deps.rateLimits, clock: ctx.clock, log: ctx.log });
    const api = ctx.createApiRouter();
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
