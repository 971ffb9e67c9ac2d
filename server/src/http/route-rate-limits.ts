import type { RouteContract } from '@shared/api/contract';
import type { Redis } from 'ioredis';
import type { Request, RequestHandler, Response } from 'express';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { limiter, rateLimited } from './rate-limit';
import { BUDGET_NAMES, type BudgetName, type RateLimitBudgets } from './rate-limit-budgets';

/** Is this route rate limited here? Every write is; reads are not (the few costly ones limit themselves, e.g. search). */
export const isRateLimited = (contract: Pick<RouteContract, 'method'>): boolean => contract.method !== 'get';

/** The budget a limited route spends: its contract's class, else its own `write` bucket. */
export const budgetOf = (contract: Pick<RouteContract, 'rateLimit'>): BudgetName => contract.rateLimit ?? 'write';

export const RATE_LIMIT_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'] as const;

/**
 * The two middlewares of one limited route. `beforeAuth` counts the request against its IP's budget before the token is
 * even checked (requests with bad tokens count too); `afterAuth` counts it against the route's budget (per user, per IP
 * when the route is public) and, signed in, against the user's budget for all writes.
 */
export interface RouteGates {
  beforeAuth: RequestHandler;
  afterAuth: RequestHandler;
}

export interface RouteRateLimits {
  /** The gates of one route, or null when the route is not limited. */
  gatesFor(contract: RouteContract): RouteGates | null;
}

/** One limiter's answer, as the X-RateLimit-* headers describe it. */
interface Standing {
  limit: number;
  remaining: number;
  msBeforeNext: number;
}

const STANDING = Symbol('rate-limit standing');
type WithStanding = Response & { [STANDING]?: Standing };

/** `X-RateLimit-Reset` is the Unix time (seconds) the window ends, as GitHub's API sends it. */
function setHeaders(res: Response, s: Standing): void {
  res.setHeader('X-RateLimit-Limit', String(s.limit));
  res.setHeader('X-RateLimit-Remaining', String(Math.max(0, s.remaining)));
  res.setHeader('X-RateLimit-Reset', String(Math.ceil((Date.now() + s.msBeforeNext) / 1000)));
}

/** The headers describe the tightest budget the request passed through: the one with the fewest requests left. */
function report(res: Response, s: Standing): void {
  const current = (res as WithStanding)[STANDING];
  if (current && current.remaining < s.remaining) return;
  (res as WithStanding)[STANDING] = s;
  setHeaders(res, s);
}

/** A key part from a raw request value: bounded, so a long path cannot make long keys (it is validated later). */
const keyPart = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 64) : '');

/**
 * Per-route rate limits, applied by the ApiRouter to every write route it registers (a route cannot opt out), with the
 * same storage and failure rule as the auth throttles (rate-limit.ts): Redis-backed when configured, in memory
 * otherwise, and a Redis that does not answer makes the request 503 DEPENDENCY_UNAVAILABLE within the command timeout.
 * Answers carry X-RateLimit-Limit/-Remaining/-Reset; a refusal is 429 RATE_LIMITED with Retry-After too.
 *
 *   const limits = createRouteRateLimits({ redis, namespace: 'parley:db', budgets: config.RATE_LIMITS });
 *   const gates = limits.gatesFor(routes.sendMessage); // → [gates.beforeAuth, requireAuth, gates.afterAuth, handler]
 */
export function createRouteRateLimits(opts: { redis: Redis | null; namespace: string; budgets: RateLimitBudgets }): RouteRateLimits {
  const limiters = new Map<BudgetName, RateLimiterAbstract>(
    BUDGET_NAMES.map((name) => [
      name,
      limiter({
        redis: opts.redis,
        keyPrefix: `${opts.namespace}:rl:route:${name}`,
        points: opts.budgets[name].points,
        duration: opts.budgets[name].seconds,
      }),
    ]),
  );
  const limiterOf = (name: BudgetName): RateLimiterAbstract => {
    const l = limiters.get(name);
    if (!l) throw new Error(`no limiter for budget ${name}`);
    return l;
  };

  /** Consume one point of each (budget, key); 429 with the refusing budget's headers when any is spent. */
  async function spend(res: Response, hits: readonly { name: BudgetName; key: string }[]): Promise<void> {
    const results = await Promise.allSettled(hits.map((h) => limiterOf(h.name).consume(h.key)));
    let refusal: { res: RateLimiterRes; limit: number } | null = null;
    for (const [i, r] of results.entries()) {
      const hit = hits[i];
      if (!hit) continue;
      const limit = opts.budgets[hit.name].points;
      if (r.status === 'fulfilled') report(res, { limit, remaining: r.value.remainingPoints, msBeforeNext: r.value.msBeforeNext });
      else if (r.reason instanceof RateLimiterRes) {
        if (!refusal || r.reason.msBeforeNext > refusal.res.msBeforeNext) refusal = { res: r.reason, limit };
      } else throw r.reason;
    }
    if (refusal) {
      const s = { limit: refusal.limit, remaining: 0, msBeforeNext: refusal.res.msBeforeNext };
      (res as WithStanding)[STANDING] = s;
      setHeaders(res, s);
      throw rateLimited(refusal.res, "You're doing that too fast; try again later");
    }
  }

  const ipOf = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

  return {
    gatesFor(contract) {
      if (!isRateLimited(contract)) return null;
      const name = budgetOf(contract);
      const route = `${contract.method} ${contract.path}`;
      return {
        async beforeAuth(req, res, next) {
          await spend(res, [{ name: 'ip', key: ipOf(req) }]);
          next();
        },
        async afterAuth(req, res, next) {
          const userId = req.auth?.userId;
          // A personal API token spends its own budgets (and its owner's budget for all writes); a bot is its own user.
          const tokenId = req.auth?.apiToken?.id;
          const subject = tokenId ? `t:${tokenId}` : userId ? `u:${userId}` : `ip:${ipOf(req)}`;
          // A `write` route has its own bucket; a class is shared by its routes (messages: per channel as well).
          const key =
            name === 'write' ? `${route}|${subject}` : name === 'message' ? `${subject}|${keyPart(req.params.channelId)}` : subject;
          await spend(res, [{ name, key }, ...(userId ? [{ name: 'user' as const, key: userId }] : [])]);
          next();
        },
      };
    },
  };
}

const headerDocs = {
  'X-RateLimit-Limit': { description: 'Requests the tightest budget this request spends allows per window', schema: { type: 'integer' } },
  'X-RateLimit-Remaining': { description: 'Requests left in that budget’s window', schema: { type: 'integer' } },
  'X-RateLimit-Reset': { description: 'When that window ends, Unix time in seconds', schema: { type: 'integer' } },
} as const;

/**
 * The OpenAPI side of the limits: for a limited route, the X-RateLimit-* headers its answers carry and its 429 (body:
 * the ErrorBody schema given, code RATE_LIMITED, with Retry-After). Null for a route that is not limited here.
 */
export function rateLimitDocs(contract: RouteContract, errorSchema: unknown): { headers: typeof headerDocs; response429: unknown } | null {
  if (!isRateLimited(contract)) return null;
  return {
    headers: headerDocs,
    response429: {
      description: `RATE_LIMITED: past the route's \`${budgetOf(contract)}\` budget (per user, per IP when public), the user's budget for all writes, or the IP's`,
      headers: {
        'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
        ...headerDocs,
      },
      content: { 'application/json': { schema: errorSchema } },
    },
  };
}
