import type { DeviceSession, PatchMeBody, RegisterBody, Session } from '@shared/api/users';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Clock } from '../../clock';
import { newId } from '../../db/ids';
import { AppError } from '../../errors';
import { userView } from '../../http/views';
import type { AuthRateLimits } from '../../http/rate-limit';
import type { Logger } from '../../logger';
import type { UserRecord, UsersRepo } from '../users/users.repo';
import type { RefreshTokensRepo } from './refresh-tokens.repo';
import { clientLabel } from './client-label';
import { hashRefreshToken, newRefreshToken, REFRESH_TOKEN_TTL_SECONDS, type AccessTokens } from './tokens';

/**
 * OWASP's argon2id baseline (m=19 MiB, t=2, p=1): strong, and fast enough on 2 cores. @node-rs/argon2's default
 * algorithm is argon2id (its `Algorithm` is an ambient const enum, which isolatedModules cannot reference). We use it
 * rather than `argon2`, whose linux-x64 prebuild segfaults on our Debian machines and would need a node-gyp build.
 */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => argon2Hash(password, ARGON2);
/** False for a deleted account's emptied hash too (argon2 would throw on it). */
export const verifyPassword = async (hash: string, password: string): Promise<boolean> =>
  hash !== '' && (await argon2Verify(hash, password));

export type AuthService = ReturnType<typeof createAuthService>;

/** Taken: the same name in any case, or one that looks the same (see username-skeleton.ts). */
const USERNAME_TAKEN_MESSAGE = 'That username is taken, or looks the same as one that is';

export function createAuthService(deps: {
  users: UsersRepo;
  refreshTokens: RefreshTokensRepo;
  tokens: AccessTokens;
  rateLimits: AuthRateLimits;
  clock: Clock;
  log: Logger;
  /** Tells everyone who can see the user that their profile (display name, username) changed. */
  announceProfile?: (user: UserRecord) => Promise<void>;
  /** Tells the user's guilds their presence after their chosen status changed. */
  announceStatus?: (user: UserRecord) => Promise<void>;
  /** Closes the user's gateway connections of the sessions `matches` picks (they are told they were logged out). */
  closeSessions?: (userId: string, matches: (sessionId: string | null) => boolean) => Promise<void>;
}) {
  const { users, refreshTokens, tokens, rateLimits, clock, log } = deps;
  // Verifying against a real hash for unknown usernames keeps login timing from revealing which accounts exist.
  const dummyHash = argon2Hash('parley-timing-equalizer', ARGON2);

  /**
   * `family`: a new login (`label` from its User-Agent; its first token gets the family's id, see refresh-tokens.repo),
   * or the family a refresh continues.
   */
  async function issueSession(user: UserRecord, family: { id: string; createdAt: Date | null; label: string | null }): Promise<Session> {
    const now = clock.now();
    const access = await tokens.sign(user.id, family.id);
    const refresh = newRefreshToken();
    const refreshExpiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000);
    await refreshTokens.insert({
      id: family.createdAt ? newId() : family.id,
      userId: user.id,
      familyId: family.id,
      tokenHash: refresh.hash,
      createdAt: now,
      expiresAt: refreshExpiresAt,
      familyCreatedAt: family.createdAt ?? now,
      clientLabel: family.label,
    });
    return {
      user: userView(user),
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refreshExpiresAt.toISOString(),
    };
  }

  return {
    async register(ip: string, body: RegisterBody, userAgent?: string): Promise<Session> {
      await rateLimits.hitIp(ip);
      await rateLimits.checkRegistration(body.username);
      const taken = async () => {
        await rateLimits.failRegistration(body.username);
        return new AppError('USERNAME_TAKEN', USERNAME_TAKEN_MESSAGE);
      };
      if (await users.findByUsername(body.username)) throw await taken();
      const passwordHash = await hashPassword(body.password);
      // Two registrations of one name at once: the unique index lets one through, the other gets null.
      const user = await users.insert({
        id: newId(),
        username: body.username,
        displayName: body.displayName ?? body.username,
        passwordHash,
        createdAt: clock.now(),
      });
      if (!user) throw await taken();
      log.info({ userId: user.id }, 'account registered');
      return issueSession(user, { id: newId(), createdAt: null, label: clientLabel(userAgent) });
    },

    async login(ip: string, username: string, password: string, userAgent?: string): Promise<Session> {
      await rateLimits.hitIp(ip);
      await rateLimits.checkAccount(username, ip);
      const found = await users.findByUsername(username);
      const user = found?.deletedAt ? null : found;
      const ok = user ? await verifyPassword(user.passwordHash, password) : (await argon2Verify(await dummyHash, password), false);
      if (!user || !ok) {
        await rateLimits.failAccount(username, ip);
        log.info({ reason: user ? 'bad password' : 'unknown user' }, 'login rejected');
        throw new AppError('INVALID_CREDENTIALS', 'Wrong username or password');
      }
      await rateLimits.resetAccount(username);
      // Told only to someone who knows the password: it reveals nothing to a guesser.
      if (user.disabledAt) {
        log.info({ userId: user.id }, 'login refused: account disabled');
        throw new AppError('FORBIDDEN', 'This account is disabled; ask the server admin');
      }
      return issueSession(user, { id: newId(), createdAt: null, label: clientLabel(userAgent) });
    },

    /**
     * Rotate: the presented token becomes used, a new one of the same family is issued. Presenting a token that was
     * already rotated means it leaked (or a client bug): the whole family is revoked, logging out every holder.
     */
    async refresh(refreshToken: string): Promise<Session> {
      const now = clock.now();
      const hash = hashRefreshToken(refreshToken);
      const rotated = await refreshTokens.markRotated(hash, now);
      if (!rotated) {
        const existing = await refreshTokens.findByHash(hash);
        if (existing?.rotatedAt && !existing.revokedAt) {
          await refreshTokens.revokeFamily(existing.familyId, now);
          log.warn({ userId: existing.userId, familyId: existing.familyId }, 'refresh token reuse: family revoked');
        }
        throw new AppError('UNAUTHENTICATED', 'Invalid refresh token');
      }
      if (rotated.expiresAt <= now) throw new AppError('UNAUTHENTICATED', 'Refresh token expired');
      const user = await users.findById(rotated.userId);
      // Disabling and deleting revoke refresh tokens; this also covers a token rotated while that was under way.
      if (!user || user.disabledAt || user.deletedAt) throw new AppError('UNAUTHENTICATED', 'Invalid refresh token');
      return issueSession(user, { id: rotated.familyId, createdAt: rotated.familyCreatedAt, label: rotated.clientLabel });
    },

    async logout(refreshToken: string): Promise<void> {
      const existing = await refreshTokens.findByHash(hashRefreshToken(refreshToken));
      // Unknown tokens are accepted silently: logout must be idempotent and must not reveal which tokens exist.
      if (existing) await refreshTokens.revokeFamily(existing.familyId, clock.now());
    },

    async me(userId: string): Promise<UserRecord> {
      const user = await users.findById(userId);
      if (!user || user.deletedAt) throw new AppError('UNAUTHENTICATED', 'Account no longer exists');
      return user;
    },

    /**
     * Display name, status, and — with the current password — username and password, in one document write. A new
     * username is unique ignoring case, as at registration (a case change of one's own name is allowed).
     */
    async updateMe(userId: string, body: PatchMeBody, currentSessionId: string | null = null): Promise<UserRecord> {
      const user = await users.findById(userId);
      if (!user || user.deletedAt) throw new AppError('UNAUTHENTICATED', 'Account no longer exists');
      const set: { displayName?: string; passwordHash?: string; status?: UserRecord['status'] } = {};
      if (body.displayName !== undefined) set.displayName = body.displayName;
      if (body.status !== undefined) set.status = body.status;
      const renaming = body.username !== undefined && body.username !== user.username;
      if (body.password !== undefined || renaming) {
        // Counted with failed logins: a stolen access token must not become a way to guess the password.
        await rateLimits.checkAccount(user.username);
        if (!body.currentPassword || !(await verifyPassword(user.passwordHash, body.currentPassword))) {
          await rateLimits.failAccount(user.username);
          throw new AppError('INVALID_CREDENTIALS', 'Current password is wrong');
        }
      }
      if (body.password !== undefined) set.passwordHash = await hashPassword(body.password);
      let updated: UserRecord | null = user;
      if (renaming && body.username !== undefined) {
        const renamed = await users.rename(userId, body.username, set);
        if (renamed === 'taken') throw new AppError('USERNAME_TAKEN', USERNAME_TAKEN_MESSAGE);
        updated = renamed;
        log.info({ userId }, 'username changed');
      } else if (Object.keys(set).length > 0) {
        updated = await users.update(userId, set);
      }
      if (!updated) throw new AppError('UNAUTHENTICATED', 'Account no longer exists');
      // A password change ends every session (the client signs in again with the new one); the other devices' open
      // connections close now and say why.
      if (set.passwordHash) {
        await refreshTokens.revokeAllForUser(userId, clock.now());
        await deps.closeSessions?.(userId, (sid) => sid !== currentSessionId);
      }
      if ((set.displayName !== undefined && set.displayName !== user.displayName) || updated.username !== user.username)
        await deps.announceProfile?.(updated);
      if (set.status !== undefined && set.status !== user.status) await deps.announceStatus?.(updated);
      return updated;
    },

    /** The user's signed-in devices, most recently used first. */
    async listSessions(userId: string, currentSessionId: string | null): Promise<DeviceSession[]> {
      const heads = await refreshTokens.liveHeads(userId, clock.now());
      return heads
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .map((t) => ({
          id: t.familyId,
          clientLabel: t.clientLabel ?? 'Unknown device',
          createdAt: t.familyCreatedAt.toISOString(),
          lastUsedAt: t.createdAt.toISOString(),
          current: t.familyId === currentSessionId,
        }));
    },

    /**
     * Logs one session out: its refresh token stops working at once, its access tokens from the next request on (the
     * session check, see auth.routes.ts) and its gateway connections close, told SESSION_REVOKED.
     */
    async revokeSession(userId: string, sessionId: string): Promise<void> {
      if (!(await refreshTokens.revokeFamilyOf(userId, sessionId, clock.now()))) throw AppError.notFound('Session');
      log.info({ userId, sessionId }, 'session logged out by its user');
      await deps.closeSessions?.(userId, (sid) => sid === sessionId);
    },

    /** "Log out all other sessions": every session but the caller's. */
    async revokeOtherSessions(userId: string, currentSessionId: string | null): Promise<void> {
      if (!currentSessionId) throw new AppError('CONFLICT', 'Sign in again first: this session predates session management');
      await refreshTokens.revokeAllForUserExcept(userId, currentSessionId, clock.now());
      log.info({ userId }, 'other sessions logged out');
      await deps.closeSessions?.(userId, (sid) => sid !== currentSessionId);
    },
  };
}
