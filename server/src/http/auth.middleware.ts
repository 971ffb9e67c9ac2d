import type { RequestHandler, Request } from 'express';
import { AppError } from '../errors';
import type { AccessTokens } from '../modules/auth/tokens';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by requireAuth: the authenticated user, and the login session its token belongs to (null: an older token). */
    auth?: { userId: string; sessionId: string | null };
  }
}

/** `Authorization: Bearer <accessToken>` → `req.auth.userId`, else 401 UNAUTHENTICATED / TOKEN_EXPIRED. */
export function createRequireAuth(tokens: AccessTokens): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header) : null;
    if (!match?.[1]) return next(new AppError('UNAUTHENTICATED', 'Missing bearer token'));
    try {
      const claims = await tokens.verify(match[1]);
      req.auth = { userId: claims.userId, sessionId: claims.sessionId };
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
