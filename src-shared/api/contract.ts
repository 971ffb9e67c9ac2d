import type { z } from 'zod';
import type { ApiScope } from './bots';

/**
 * Which rate-limit budget a route spends (server config RATE_LIMITS sets each one's size). Every write route
 * (post/put/patch/delete) is limited: by default in its own `write` bucket per user (per IP when unauthenticated); a
 * route named here spends a shared, tighter budget instead (`message`: per user per channel). `webhook` is reserved for
 * outbound-webhook management routes.
 */
export const RATE_LIMIT_CLASSES = ['write', 'message', 'invite', 'voice-join', 'call', 'friend-request', 'webhook'] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];

/**
 * One REST route: path, auth and zod schemas for everything that crosses the wire. The server registers handlers
 * against these (validation happens in one place), the OpenAPI document is generated from them, and the client
 * types its calls with them.
 */
export interface RouteContract {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path under /api/v1, e.g. `/guilds/:guildId`. */
  path: string;
  summary: string;
  /** true: `Authorization: Bearer <accessToken>` required. */
  auth: boolean;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Response body schema; absent for 204. */
  response?: z.ZodType;
  /** Success status: 200 by default, 201 for creations, 204 when there is no body. */
  status?: 200 | 201 | 204;
  tag: string;
  /** A body that is not JSON: the raw bytes of one of `mediaTypes`, at most `maxBytes` (`body` is then absent). */
  upload?: { mediaTypes: readonly string[]; maxBytes: number };
  /** A success body that is not JSON (e.g. `image/webp`; a wildcard such as `application/*` or any-type for files); `response` is then absent. */
  produces?: string;
  /** The rate-limit budget this write route spends; absent: its own `write` bucket (reads are not limited here). */
  rateLimit?: RateLimitClass;
  /**
   * A stored file, sent with HTTP Range and conditional GETs (206, 304, 412, 416), or from object storage by a 302 to
   * a short-lived signed URL.
   */
  ranges?: boolean;
  /**
   * The API-token scope this route needs (bots.ts API_SCOPES). Without one, bot and personal tokens are refused
   * (403 MISSING_SCOPE); with one, a personal token must hold it (a bot's token holds every scope).
   */
  scope?: ApiScope;
  /**
   * A create that answers 200 with what it made before when it is retried (the same nonce): when that happens. The
   * OpenAPI document lists the 200 next to the contract's status.
   */
  replayed?: string;
  /** Error statuses this route adds to the ones every route has, status → `CODE: when`. */
  errors?: Readonly<Record<string, string>>;
}

export function defineRoute<const C extends RouteContract>(contract: C): C {
  return contract;
}

/** Fill `:params` of a contract path, e.g. `buildPath(routes.getGuild.path, { guildId })` → `/guilds/abc…`. */
export function buildPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

/**
 * A route as the client holds it (route-table.ts): method and path at run time, its whole contract only as a type, so
 * RouteBody and RouteResponse work on it while the zod schemas stay out of the client's bundle.
 */
export interface RouteRef<C extends RouteContract = RouteContract> {
  readonly method: C['method'];
  readonly path: C['path'];
  /** Type-level only: never present at run time. */
  readonly contract?: C;
}

type ContractOf<R> = R extends RouteContract ? R : R extends RouteRef<infer C> ? C : never;

export type RouteBody<R extends RouteContract | RouteRef> = ContractOf<R> extends { body: infer B extends z.ZodType } ? z.input<B> : never;
export type RouteResponse<R extends RouteContract | RouteRef> =
  ContractOf<R> extends { response: infer S extends z.ZodType } ? z.infer<S> : void;
