import type { PatchMeBody, RegisterBody, Session } from '@shared/api/users';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import type { Clock } from '../../clock';
import { newId } from '../../db/ids';
import { AppError } from '../../errors';
import { userView } from '../../http/views';
import type { AuthRateLimits } from '../../http/rate-limit';
import type { Logger } from '../../logger';
import type { UserRecord, UsersRepo } from '../users/users.repo';
import type { RefreshTokensRepo } from './refresh-tokens.repo';
import { hashRefreshToken, newRefreshToken, REFRESH_TOKEN_TTL_SECONDS, type AccessTokens } from './tokens';

/**
 * OWASP's argon2id baseline (m=19 MiB, t=2, p=1): strong, and fast enough on 2 cores. @node-rs/argon2's default
 * algorithm is argon2id (its `Algorithm` is an ambient const enum, which isolatedModules cannot reference). We use it
 * rather than `argon2`, whose linux-x64 prebuild segfaults on our Debian machines and would need a node-gyp build.
 */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => argon2Hash(password, ARGON2);
/** False for a deleted account's emptied hash too (argon2 would throw on it). */
export const verifyPassword = async (hash: string, password: string): Promise<boolean> => hash !== '' && (await argon2Verify(hash, password));

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(deps: {
  users: UsersRepo;
  refreshTokens: RefreshTokensRepo;
  tokens: AccessTokens;
  rateLimits: AuthRateLimits;
  clock: Clock;
  log: Logger;
  /** Tells everyone who can see the user that their profile (display name) changed. */
  announceProfile?: (user: UserRecord) => Promise<void>;
}) {
  const { users, refreshTokens, tokens, rateLimits, clock, log } = deps;
  // Verifying against a real hash for unknown usernames keeps login timing from revealing which accounts exist.
  const dummyHash = argon2Hash('parley-timing-equalizer', ARGON2);

  async function issueSession(user: UserRecord, familyId: string): Promise<Session> {
    const now = clock.now();
    const access = await tokens.sign(user.id);
    const refresh = newRefreshToken();
    const refreshExpiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000);
    await refreshTokens.insert({ id: newId(), userId: user.id, familyId, tokenHash: refresh.hash, createdAt: now, expiresAt: refreshExpiresAt });
    return {
      user: userView(user),
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refreshExpiresAt.toISOString(),
    };
  }

  return {
    async register(ip: string, body: RegisterBody): Promise<Session> {
      await rateLimits.hitIp(ip);
      await rateLimits.checkRegistration(body.username);
      const taken = async () => {
        await rateLimits.failRegistration(body.username);
        return new AppError('USERNAME_TAKEN', 'That username is taken');
      };
      if (await users.findByUsername(body.username)) throw await taken();
      const passwordHash = await hashPassword(body.password);
      // Two registrations of one name at once: the unique index lets one through, the other gets null.
      const user = await users.insert({ id: newId(), username: body.username, displayName: body.displayName ?? body.username, passwordHash, createdAt: clock.now() });
      if (!user) throw await taken();
      log.info({ userId: user.id }, 'account registered');
      return issueSession(user, newId());
    },

    async login(ip: string, username: string, password: string): Promise<Session> {
      await rateLimits.hitIp(ip);
      await rateLimits.checkAccount(username);
      const found = await users.findByUsername(username);
      const user = found?.deletedAt ? null : found;
      const ok = user ? await verifyPassword(user.passwordHash, password) : (await argon2Verify(await dummyHash, password), false);
      if (!user || !ok) {
        await rateLimits.failAccount(username);
        log.info({ reason: user ? 'bad password' : 'unknown user' }, 'login rejected');
        throw new AppError('INVALID_CREDENTIALS', 'Wrong username or password');
      }
      await rateLimits.resetAccount(username);
      // Told only to someone who knows the password: it reveals nothing to a guesser.
      if (user.disabledAt) {
        log.info({ userId: user.id }, 'login refused: account disabled');
        throw new AppError('FORBIDDEN', 'This account is disabled; ask the server admin');
      }
      return issueSession(user, newId());
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
      return issueSession(user, rotated.familyId);
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

    async updateMe(userId: string, body: PatchMeBody): Promise<UserRecord> {
      const user = await users.findById(userId);
      if (!user || user.deletedAt) throw new AppError('UNAUTHENTICATED', 'Account no longer exists');
      const set: { displayName?: string; passwordHash?: string } = {};
      if (body.displayName !== undefined) set.displayName = body.displayName;
      if (body.password !== undefined) {
        if (!body.currentPassword || !(await verifyPassword(user.passwordHash, body.currentPassword))) {
          throw new AppError('INVALID_CREDENTIALS', 'Current password is wrong');
        }
        set.passwordHash = await hashPassword(body.password);
      }
      const updated = Object.keys(set).length > 0 ? await users.update(userId, set) : user;
      if (!updated) throw new AppError('UNAUTHENTICATED', 'Account no longer exists');
      // A password change ends every other session.
      if (set.passwordHash) await refreshTokens.revokeAllForUser(userId, clock.now());
      if (set.displayName !== undefined && set.displayName !== user.displayName) await deps.announceProfile?.(updated);
      return updated;
    },
  };
}
