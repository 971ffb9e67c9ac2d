import { createHash, randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { BOT_TOKEN_PREFIX, PERSONAL_TOKEN_PREFIX, type ApiScope } from '@shared/api/bots';
import { AppError } from '../../errors';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;
const ISSUER = 'parley';
const AUDIENCE = 'parley-api';

export interface AccessClaims {
  userId: string;
  /**
   * The session (refresh-token family) the token was issued to, from its `sid` claim; null for tokens issued before
   * sessions were named (they expire within 15 minutes of the upgrade).
   */
  sessionId: string | null;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Set when a bot or personal API token (not a session's access token) authenticated the request. */
  apiToken?: ApiTokenClaims;
}

/** What a verified bot or personal API token grants (see modules/bots). */
export interface ApiTokenClaims {
  id: string;
  kind: 'bot' | 'personal';
  scopes: readonly ApiScope[];
}

/** Verifies a `pbt_`/`ppt_` token; throws AppError UNAUTHENTICATED / TOKEN_EXPIRED. */
export type ApiTokenVerifier = (token: string) => Promise<AccessClaims>;

/** Throws (AppError UNAUTHENTICATED) when the account or session behind a valid token may no longer act. */
export type AccountCheck = (claims: AccessClaims) => Promise<void>;

/** How many verified access tokens are remembered (a few MB at most). */
const VERIFIED_MEMO_SIZE = 10_000;

/**
 * HS256 access tokens (jose). Short-lived so a stolen one is of little use; refresh tokens carry the session.
 *
 * Every API request verifies one, and jose verifies through WebCrypto (an asynchronous job per call: about a tenth of
 * a voice join's CPU). A token is immutable and stateless, so one that verified stays valid until its `exp`: verified
 * tokens are remembered by their exact text and re-checked only against the clock. Any other string (a forged or
 * altered token) is a miss and goes through full verification.
 */
export function createAccessTokens(secret: string, clock: { now(): Date } = { now: () => new Date() }) {
  const key = new TextEncoder().encode(secret);
  const verified = new Map<string, AccessClaims>();
  let accountCheck: AccountCheck = async () => undefined;
  let apiTokenVerifier: ApiTokenVerifier | null = null;
  function remember(token: string, claims: AccessClaims): void {
    if (verified.size >= VERIFIED_MEMO_SIZE) {
      // Oldest first (insertion order); expired ones go first in practice since tokens are verified soon after issue.
      const oldest = verified.keys().next();
      if (!oldest.done) verified.delete(oldest.value);
    }
    verified.set(token, claims);
  }
  async function verifySignature(token: string): Promise<AccessClaims> {
    const known = verified.get(token);
    if (known) {
      if (known.exp * 1000 > clock.now().getTime()) return known;
      verified.delete(token);
      throw new AppError('TOKEN_EXPIRED', 'Access token expired');
    }
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: clock.now(),
      });
      if (typeof payload.sub !== 'string' || !/^[0-9a-f]{24}$/.test(payload.sub) || typeof payload.exp !== 'number') {
        throw new AppError('UNAUTHENTICATED', 'Invalid access token');
      }
      const sid = payload.sid;
      const claims = {
        userId: payload.sub,
        sessionId: typeof sid === 'string' && /^[0-9a-f]{24}$/.test(sid) ? sid : null,
        exp: payload.exp,
      };
      remember(token, claims);
      return claims;
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new AppError('TOKEN_EXPIRED', 'Access token expired');
      throw new AppError('UNAUTHENTICATED', 'Invalid access token');
    }
  }

  return {
    /** `sessionId`: the refresh-token family, as the `sid` claim, so logging that session out refuses the token. */
    async sign(userId: string, sessionId?: string): Promise<{ token: string; expiresAt: Date }> {
      const iat = Math.floor(clock.now().getTime() / 1000);
      const exp = iat + ACCESS_TOKEN_TTL_SECONDS;
      const token = await new SignJWT(sessionId ? { sid: sessionId } : {})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(key);
      return { token, expiresAt: new Date(exp * 1000) };
    },
    /**
     * The auth module registers how to tell that a token's account or session may no longer act (disabled, deleted,
     * logged out). It runs on every verification, remembered tokens included, and throws to refuse.
     */
    setAccountCheck(check: AccountCheck): void {
      accountCheck = check;
    },
    /**
     * The bots module registers how bot and personal API tokens are checked. They are read from the database on every
     * verification (never remembered like access tokens), so a revoked one is refused from the next request on.
     */
    setApiTokenVerifier(verifier: ApiTokenVerifier): void {
      apiTokenVerifier = verifier;
    },
    /** Throws AppError UNAUTHENTICATED (bad, or its account disabled or deleted) or TOKEN_EXPIRED (expired). */
    async verify(token: string): Promise<AccessClaims> {
      const isApiToken = token.startsWith(BOT_TOKEN_PREFIX) || token.startsWith(PERSONAL_TOKEN_PREFIX);
      if (isApiToken && !apiTokenVerifier) throw new AppError('UNAUTHENTICATED', 'Invalid access token');
      const claims = isApiToken && apiTokenVerifier ? await apiTokenVerifier(token) : await verifySignature(token);
      await accountCheck(claims);
      return claims;
    },
  };
}
export type AccessTokens = ReturnType<typeof createAccessTokens>;

/** Opaque refresh token: 32 random bytes; only its sha256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
