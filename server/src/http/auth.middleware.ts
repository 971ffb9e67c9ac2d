import type { RequestHandler, Request } from 'express';
import { AppError } from '../errors';
import type { RouteContract } from '@shared/api/contract';
import type { AccessTokens, ApiTokenClaims } from '../modules/auth/tokens';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by requireAuth: the authenticated user, and the login session its token belongs to (null: an older token). */
    auth?: { userId: string; sessionId: string | null; apiToken?: ApiTokenClaims };
  }
}

/**
 * `Authorization: Bearer <token>` → `req.auth.userId`, else 401 UNAUTHENTICATED / TOKEN_EXPIRED. The token is a
 * session's access token, or a bot's (`pbt_…`) or personal API token (`ppt_…`): then `req.auth.apiToken` says which,
 * and requireScope decides what it may reach.
 */
export function createRequireAuth(tokens: AccessTokens): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header) : null;
    if (!match?.[1]) return next(new AppError('UNAUTHENTICATED', 'Missing bearer token'));
    try {
      const claims = await tokens.verify(match[1]);
      req.auth = { userId: claims.userId, sessionId: claims.sessionId, ...(claims.apiToken ? { apiToken: claims.apiToken } : {}) };
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The authenticated user id of a request that went through requireAuth. */
export function userIdOf(req: Request): string {
  if (!req.auth) throw new AppError('UNAUTHENTICATED', 'Not authenticated');
  return req.auth.userId;
}

/** The login session (refresh-token family) of a request that went through requireAuth; null for older tokens. */
export function sessionIdOf(req: Request): string | null {
  return req.auth?.sessionId ?? null;
}

/**
 * After requireAuth: a request made with an API token reaches only routes that declare a scope, and a personal token
 * only those whose scope it holds (a bot's token holds all); otherwise 403 MISSING_SCOPE. Session tokens pass.
 */
export function requireScope(contract: Pick<RouteContract, 'scope' | 'method' | 'path'>): RequestHandler {
  return (req, _res, next) => {
    const token = req.auth?.apiToken;
    if (!token) return next();
    if (!contract.scope) return next(new AppError('MISSING_SCOPE', 'API tokens cannot use this route'));
    if (token.kind === 'personal' && !token.scopes.includes(contract.scope)) {
      return next(new AppError('MISSING_SCOPE', `This token lacks the ${contract.scope} scope`));
    }
    next();
  };
}
