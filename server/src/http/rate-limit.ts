import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors';

/**
 * Login/register throttles: per IP (all attempts) and per account (failed logins; failed registrations of one
 * username, counted apart so they cannot lock that account's logins). Redis-backed when REDIS_URL is set,
 * so the limits hold across instances; in memory otherwise. When Redis is down or stalled the limits cannot be checked,
 * and login/register answer 503 DEPENDENCY_UNAVAILABLE (the Redis client's error, translated in errors.ts) within the
 * client's command timeout: neither a hang nor a silent fallback to per-instance limits, which with N instances would
 * let N times the attempts through — exactly while an attacker may be the reason Redis is struggling.
 */
export interface AuthRateLimits {
  /** Counts one attempt from this IP; throws RATE_LIMITED with Retry-After when over. */
  hitIp(ip: string): Promise<void>;
  /** Throws RATE_LIMITED while this account is locked out by failed logins. */
  checkAccount(username: string): Promise<void>;
  failAccount(username: string): Promise<void>;
  resetAccount(username: string): Promise<void>;
  /** Throws RATE_LIMITED while registering this username has failed too often (probing for taken names). */
  checkRegistration(username: string): Promise<void>;
  failRegistration(username: string): Promise<void>;
}

function limiter(opts: { redis: Redis | null; keyPrefix: string; points: number; duration: number }): RateLimiterAbstract {
  const { keyPrefix, points, duration } = opts;
  if (!opts.redis) return new RateLimiterMemory({ keyPrefix, points, duration });
  // While the client is not connected, fail at once rather than send a command that cannot be answered.
  return new RateLimiterRedis({ storeClient: opts.redis, keyPrefix, points, duration, rejectIfRedisNotReady: true });
}

function rateLimited(res: unknown): AppError {
  if (res instanceof RateLimiterRes) {
    const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return new AppError(
      'RATE_LIMITED',
      'Too many attempts, try again later',
      { retryAfterSeconds: seconds },
      { 'Retry-After': String(seconds) },
    );
  }
  throw res;
}

export function createAuthRateLimits(opts: {
  redis: Redis | null;
  namespace: string;
  perIpPerMinute: number;
  perAccountPer15Min: number;
}): AuthRateLimits {
  const ip = limiter({ redis: opts.redis, keyPrefix: `${opts.namespace}:rl:auth-ip`, points: opts.perIpPerMinute, duration: 60 });
  const account = limiter({
    redis: opts.redis,
    keyPrefix: `${opts.namespace}:rl:auth-account`,
    points: opts.perAccountPer15Min,
    duration: 15 * 60,
  });
  const registration = limiter({
    redis: opts.redis,
    keyPrefix: `${opts.namespace}:rl:auth-register`,
    points: opts.perAccountPer15Min,
    duration: 15 * 60,
  });
  /** Throws RATE_LIMITED while a username's failures have used up its window (failures only count, never consume). */
  const refuseWhenSpent = async (l: RateLimiterAbstract, username: string) => {
    const res = await l.get(username.toLowerCase());
    if (res && res.consumedPoints >= opts.perAccountPer15Min) throw rateLimited(res);
  };
  return {
    async hitIp(key) {
      await ip.consume(key).catch((res: unknown) => {
        throw rateLimited(res);
      });
    },
    async checkAccount(username) {
      await refuseWhenSpent(account, username);
    },
    async failAccount(username) {
      await account.penalty(username.toLowerCase(), 1);
    },
    async resetAccount(username) {
      await account.delete(username.toLowerCase());
    },
    async checkRegistration(username) {
      await refuseWhenSpent(registration, username);
    },
    async failRegistration(username) {
      await registration.penalty(username.toLowerCase(), 1);
    },
  };
}

/** A per-key action throttle (e.g. reactions per user), Redis-backed when REDIS_URL is set, with the same 503 rule as above. */
export interface ActionRateLimit {
  /** Counts one action of `key`; throws RATE_LIMITED with Retry-After when over. */
  hit(key: string): Promise<void>;
}

export function createActionRateLimit(opts: {
  redis: Redis | null;
  namespace: string;
  name: string;
  points: number;
  durationSeconds: number;
}): ActionRateLimit {
  const l = limiter({
    redis: opts.redis,
    keyPrefix: `${opts.namespace}:rl:${opts.name}`,
    points: opts.points,
    duration: opts.durationSeconds,
  });
  return {
    async hit(key) {
      await l.consume(key).catch((res: unknown) => {
        throw rateLimited(res);
      });
    },
  };
}
