import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors';

/**
 * Login/register throttles: per IP (all attempts), progressive waits after failed logins (per account and per IP), and
 * failed registrations of one username (counted apart so they cannot hold up that account's logins). Redis-backed when
 * REDIS_URL is set, so the limits hold across instances; in memory otherwise. When Redis is down or stalled the limits
 * cannot be checked, and login/register answer 503 DEPENDENCY_UNAVAILABLE (the Redis client's error, translated in
 * errors.ts) within the client's command timeout: neither a hang nor a silent fallback to per-instance limits, which with
 * N instances would let N times the attempts through — exactly while an attacker may be the reason Redis is struggling.
 *
 * Why waits and not a lockout: a lockout after N failures let anyone lock the owner out by typing wrong passwords. Here
 * each failure beyond the free ones makes the account's next attempt wait longer (1 s, doubling), capped so its owner is
 * never held up longer than `accountMaxDelaySeconds`, from any IP; the attacker's IP waits far longer (its own cap),
 * across every account it tries, so one IP cannot keep an account's wait running.
 */
export interface AuthRateLimits {
  /** Counts one attempt from this IP; throws RATE_LIMITED with Retry-After when over. */
  hitIp(ip: string): Promise<void>;
  /** Throws RATE_LIMITED (Retry-After: the wait left) while this account, or this IP when given, must wait after failures. */
  checkAccount(username: string, ip?: string): Promise<void>;
  /** A failed login (or password check): the account's, and the IP's when given, next attempt waits longer. */
  failAccount(username: string, ip?: string): Promise<void>;
  /** A successful login: the account's failures are forgotten (the IP's are not: it may be guessing other accounts). */
  resetAccount(username: string): Promise<void>;
  /** Throws RATE_LIMITED while registering this username has failed too often (probing for taken names). */
  checkRegistration(username: string): Promise<void>;
  failRegistration(username: string): Promise<void>;
}

export function limiter(opts: { redis: Redis | null; keyPrefix: string; points: number; duration: number }): RateLimiterAbstract {
  const { keyPrefix, points, duration } = opts;
  if (!opts.redis) return new RateLimiterMemory({ keyPrefix, points, duration });
  // While the client is not connected, fail at once rather than send a command that cannot be answered.
  return new RateLimiterRedis({ storeClient: opts.redis, keyPrefix, points, duration, rejectIfRedisNotReady: true });
}

/** Whole seconds until `res` frees a point, at least 1 (a Retry-After of 0 invites an immediate retry). */
export const retryAfterSeconds = (res: RateLimiterRes): number => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/** RATE_LIMITED with Retry-After for a limiter's refusal; anything else (a Redis error) is rethrown as it is. */
export function rateLimited(res: unknown, message = 'Too many attempts, try again later', headers: Record<string, string> = {}): AppError {
  if (res instanceof RateLimiterRes) {
    const seconds = retryAfterSeconds(res);
    return new AppError('RATE_LIMITED', message, { retryAfterSeconds: seconds }, { ...headers, 'Retry-After': String(seconds) });
  }
  throw res;
}

/** Seconds the next attempt waits after the `failures`-th failure: none for the first `free`, then 1 s doubling, at most `max`. */
export function progressiveDelaySeconds(failures: number, free: number, max: number): number {
  if (failures <= free) return 0;
  return Math.min(max, 2 ** Math.min(30, failures - free - 1));
}

/** Failures within a 15-minute window (from the first one) and the wait they impose on the key's next attempt. */
export interface ProgressiveDelay {
  /** Throws RATE_LIMITED while the key must wait. */
  check(key: string): Promise<void>;
  fail(key: string): Promise<void>;
  reset(key: string): Promise<void>;
  /** Milliseconds the key must still wait (0: none). */
  waitMs(key: string): Promise<number>;
}

export const FAILURE_WINDOW_SECONDS = 15 * 60;

export function createProgressiveDelay(opts: {
  redis: Redis | null;
  keyPrefix: string;
  free: number;
  maxSeconds: number;
}): ProgressiveDelay {
  const failures = limiter({
    redis: opts.redis,
    keyPrefix: `${opts.keyPrefix}:failures`,
    points: 1_000_000,
    duration: FAILURE_WINDOW_SECONDS,
  });
  // A wait is a block of this one-point limiter for the wait's length (blocked = more points consumed than it has).
  const wait = limiter({ redis: opts.redis, keyPrefix: `${opts.keyPrefix}:wait`, points: 1, duration: opts.maxSeconds });
  const waitMs = async (key: string) => {
    const res = await wait.get(key);
    return res && res.consumedPoints > 1 ? res.msBeforeNext : 0;
  };
  return {
    waitMs,
    async check(key) {
      const res = await wait.get(key);
      if (res && res.consumedPoints > 1) throw rateLimited(res, 'Too many failed sign-ins; wait before trying again');
    },
    async fail(key) {
      const res = await failures.penalty(key, 1);
      const seconds = progressiveDelaySeconds(res.consumedPoints, opts.free, opts.maxSeconds);
      if (seconds > 0) await wait.block(key, seconds);
    },
    async reset(key) {
      await Promise.all([failures.delete(key), wait.delete(key)]);
    },
  };
}

export function createAuthRateLimits(opts: {
  redis: Redis | null;
  namespace: string;
  perIpPerMinute: number;
  /** Failed logins of an account without a wait; also failed registrations of one username per 15 minutes. */
  perAccountPer15Min: number;
  accountMaxDelaySeconds: number;
  ipMaxDelaySeconds: number;
}): AuthRateLimits {
  const ip = limiter({ redis: opts.redis, keyPrefix: `${opts.namespace}:rl:auth-ip`, points: opts.perIpPerMinute, duration: 60 });
  const accountDelay = createProgressiveDelay({
    redis: opts.redis,
    keyPrefix: `${opts.namespace}:rl:login-account`,
    free: opts.perAccountPer15Min,
    maxSeconds: opts.accountMaxDelaySeconds,
  });
  const ipDelay = createProgressiveDelay({
    redis: opts.redis,
    keyPrefix: `${opts.namespace}:rl:login-ip`,
    // One address may be a whole office's: it gets as many free failures per 15 minutes as attempts per minute.
    free: opts.perIpPerMinute,
    maxSeconds: opts.ipMaxDelaySeconds,
  });
  const registration = limiter({
    redis: opts.redis,
    keyPrefix: `${opts.namespace}:rl:auth-register`,
    points: opts.perAccountPer15Min,
    duration: FAILURE_WINDOW_SECONDS,
  });
  return {
    async hitIp(key) {
      await ip.consume(key).catch((res: unknown) => {
        throw rateLimited(res);
      });
    },
    async checkAccount(username, fromIp) {
      const [account, byIp] = await Promise.all([
        accountDelay.waitMs(username.toLowerCase()),
        fromIp === undefined ? 0 : ipDelay.waitMs(fromIp),
      ]);
      const ms = Math.max(account, byIp);
      if (ms > 0) throw rateLimited(new RateLimiterRes(0, ms, 0), 'Too many failed sign-ins; wait before trying again');
    },
    async failAccount(username, fromIp) {
      await Promise.all([accountDelay.fail(username.toLowerCase()), fromIp === undefined ? undefined : ipDelay.fail(fromIp)]);
    },
    async resetAccount(username) {
      await accountDelay.reset(username.toLowerCase());
    },
    async checkRegistration(username) {
      const res = await registration.get(username.toLowerCase());
      if (res && res.consumedPoints >= opts.perAccountPer15Min) throw rateLimited(res);
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
