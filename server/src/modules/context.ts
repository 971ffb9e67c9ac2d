import type { Redis } from 'ioredis';
import type { RoomServiceClient } from 'livekit-server-sdk';
import type { Db } from 'mongodb';
import type { RequestHandler, Router } from 'express';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { CachedReads, Repos } from '../db/repos';
import type { PermissionCache } from '../permissions/permission-cache';
import type { GatewayPublisher } from '../gateway/gateway';
import type { ApiRouter } from '../http/api-router';
import type { Logger } from '../logger';
import type { ParleyMetrics } from '../metrics/metrics';
import type { PermissionService } from '../permissions/permission.service';
import type { AuditService } from './audit/audit.service';

/**
 * Everything a server module may use. Built once per server instance by server.ts and handed to each module factory.
 */
export interface RecordCache {
  read: PermissionCache['read'];
  invalidate(keys: readonly string[]): Promise<void>;
}

export interface ModuleContext {
  config: Config;
  /** Child logger named after the module. */
  log: Logger;
  db: Db;
  clock: Clock;
  /** Core repositories (users, guilds/members/bans, roles, channels, messages, invites, audit). Read-only use outside core. */
  repos: Repos;
  /**
   * Cached reads of guild, member, roles, channel and user records (cleared on every write to them, on every instance).
   * For hot permission-like paths only; the records are shared, never mutate them.
   */
  cachedReads: CachedReads;
  /**
   * The same short-lived record cache for a module's own hot reads. Whoever writes a cached record must
   * `await invalidate([key])` after the write (it also clears that key on the other instances) before answering.
   */
  recordCache: RecordCache;
  /** Shared ioredis client (rate limits, health); null without REDIS_URL. Do not SUBSCRIBE on it — `duplicate()` it. */
  redis: Redis | null;
  /** LiveKit RoomService client, configured from LIVEKIT_URL / keys. */
  livekit: RoomServiceClient;
  /** Express middleware: 401 without a valid access token, else sets `req.auth.userId`. ApiRouter applies it for `auth: true`. */
  requireAuth: RequestHandler;
  /** `requireChannelPermission(userId, channelId, 'CONNECT')` etc.: 404 when invisible, 403 when not allowed. */
  permissions: PermissionService;
  /** `publishToGuild(guildId, event, payload, { channelId })`, `publishToUser(userId, event, payload)`. */
  gateway: GatewayPublisher;
  /**
   * Every guild event `gateway.publishToGuild` sends, after it was sent (outbound webhooks listen here). A listener
   * must not throw and must not hold up the publisher: do slow work without awaiting it in the listener.
   */
  onGuildEvent(listener: (guildId: string, event: string, payload: unknown) => void): void;
  /**
   * After a change of who may see or do what in a guild was written (a role's permissions, a member's roles, a
   * channel's overwrites or parent, the owner; `userId` when it concerns one member): for holding live sessions to
   * it. Same rules as onGuildEvent's listeners.
   */
  onAccessChange(listener: (guildId: string, userId?: string) => void): void;
  /** `audit.record({ guildId, action, actorId, targetId, details })`. */
  audit: AuditService;
  /** This instance's Prometheus metrics (served at /metrics); count into them, never into prom-client's global registry. */
  metrics: ParleyMetrics;
  /** Make an ApiRouter bound to this server's auth (validates input against the contract). */
  createApiRouter(): ApiRouter;
}

/**
 * A feature module. Return any of:
 * - `api`: an ApiRouter whose contracts are mounted at /api/v1 (after the JSON body parser) and listed in OpenAPI;
 * - `raw`: a plain Express router mounted at /api/v1 + `path` BEFORE any body parsing — for routes that need the raw
 *   body, e.g. LiveKit webhooks (`express.raw({ type: 'application/webhook+json' })`); not in OpenAPI. Only requests
 *   under `path` enter it, so other requests do not pay for walking it.
 * - `init()`: runs at boot before listening (create indexes, register the voice state provider, start timers);
 * - `stop()`: runs on shutdown before the gateway and database close (clear timers, flush).
 */
export interface ServerModule {
  name: string;
  api?: ApiRouter;
  raw?: { path: string; router: Router };
  /** A router mounted at the app's root under `path` (outside /api/v1 and OpenAPI), e.g. an HTML page; helmet's headers apply. */
  page?: { path: string; router: Router };
  init?(): Promise<void>;
  stop?(): Promise<void>;
}

export type ModuleFactory = (ctx: ModuleContext) => ServerModule;
