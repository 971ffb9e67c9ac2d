import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createRoomServiceClient } from './livekit/room-client';
import { createApp } from './app';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { connectDatabase, type Database } from './db/mongo';
import { prepareDatabase } from './db/prepare';
import { cachedPermissionReads, createRepos, type Repos } from './db/repos';
import { localCacheSync, redisCacheSync, type CacheSync } from './permissions/cache-sync';
import { createPermissionCache } from './permissions/permission-cache';
import { createGateway, type Gateway } from './gateway/gateway';
import { createHealthCheck } from './health';
import { createRequireAuth } from './http/auth.middleware';
import { expressHttpClasses } from './http/express-http-classes';
import { createApiRouter } from './http/api-router';
import { buildOpenApi } from './http/openapi';
import { createActionRateLimit, createAuthRateLimits } from './http/rate-limit';
import { createRouteRateLimits } from './http/route-rate-limits';
import { createLogger, moduleLogger, type Logger } from './logger';
import { createAuditService } from './modules/audit/audit.service';
import type { ModuleContext, ModuleFactory, ServerModule } from './modules/context';
import { coreModules, extensionModules } from './modules/index';
import { createAccessTokens } from './modules/auth/tokens';
import { createPermissionService } from './permissions/permission.service';
import { ClientEvents } from '@shared/api/gateway';
import { observeMongoCommands, observeRedisCommands } from './metrics/dependency-metrics';
import { createMetrics, type MetricsExposition, type ParleyMetrics } from './metrics/metrics';
import { gatewayEventLabel } from './metrics/route-label';

export interface RunningServer {
  /** The port actually bound (useful with PORT=0). */
  port: number;
  /** http://HOST:port */
  url: string;
  http: HttpServer;
  gateway: Gateway;
  repos: Repos;
  database: Database;
  log: Logger;
  /** This instance's metrics (GET /metrics serves them when METRICS_TOKEN is set). */
  metrics: ParleyMetrics;
  /** Stop accepting, finish in-flight requests, stop modules, close gateway, Redis and the database. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  clock?: Clock;
  /** Replace the module list (tests). Defaults to core + extension modules from modules/index.ts. */
  modules?: readonly ModuleFactory[];
  /** Defaults to a fresh registry per server with the process metrics. */
  metrics?: ParleyMetrics;
  /** What GET /metrics serves; defaults to `metrics` (node:cluster workers serve every worker's, see metrics/cluster.ts). */
  metricsExposition?: () => Promise<MetricsExposition>;
}

/** Only a safety net: writes invalidate entries on every instance at once; this bounds staleness if a message is lost. */
const PERMISSION_CACHE_TTL_MS = 10_000;
const PERMISSION_CACHE_MAX_ENTRIES = 20_000;

/** Client event names become metric labels; any other name a client sends is counted as `unknown`. */
const KNOWN_CLIENT_EVENTS: ReadonlySet<string> = new Set(Object.keys(ClientEvents));

/**
 * Every Redis call answers within this or fails (→ 503 DEPENDENCY_UNAVAILABLE, see errors.ts). A stalled Redis keeps
 * its connections open and answers nothing, which no reconnect logic notices; healthy, it answers in under a millisecond.
 */
const REDIS_COMMAND_TIMEOUT_MS = 1_000;

/**
 * A command client has no offline queue: while Redis is disconnected a call fails at once (health → down, auth rate
 * limits → 503) instead of piling up until a reconnect. A subscriber keeps its queue: its SUBSCRIBEs are issued before
 * it is connected and must go out once it is (after a reconnect ioredis re-subscribes by itself). Either way each call
 * is bounded by the command timeout, and a command that lost its connection is retried at most once.
 */
function redisClient(url: string, log: Logger, name: string, kind: 'commands' | 'subscriber'): Redis {
  const client = new Redis(url, {
    connectionName: name,
    lazyConnect: kind === 'commands',
    enableOfflineQueue: kind === 'subscriber',
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
  });
  client.on('error', (err: Error) => log.warn({ err: err.message, client: name }, 'redis error'));
  return client;
}

/** Run the server in-process: connect, create indexes, init modules, listen on config.HOST:config.PORT. */
export async function start(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? createMetrics({ log: moduleLogger(log, 'metrics') });
  await prepareDatabase(config, log);
  const database = await connectDatabase(config, log, { monitorCommands: true });
  observeMongoCommands(database.client, metrics);
  // Guild/member/role/channel/user records for permission checks, cleared on every such write here and, through Redis,
  // on the other instances (see permissions/permission-cache.ts and cache-sync.ts).
  const permissionCache = createPermissionCache({ ttlMs: PERMISSION_CACHE_TTL_MS, maxEntries: PERMISSION_CACHE_MAX_ENTRIES });
  let cacheSync: CacheSync = localCacheSync(permissionCache);
  const repos = createRepos(database.db, { afterPermissionWrite: () => cacheSync.invalidate('*') });
  const cachedReads = cachedPermissionReads(repos, permissionCache);

  const redis = config.REDIS_URL ? redisClient(config.REDIS_URL, log, 'parley', 'commands') : null;
  // Pub/sub for the Socket.IO adapter: a subscriber connection cannot run other commands, so it gets its own clients.
  const redisPubSub = config.REDIS_URL
    ? {
        pub: redisClient(config.REDIS_URL, log, 'parley-pub', 'commands'),
        sub: redisClient(config.REDIS_URL, log, 'parley-sub', 'subscriber'),
      }
    : null;
  if (redis) observeRedisCommands(redis, 'parley', metrics);
  if (redisPubSub) observeRedisCommands(redisPubSub.pub, 'parley-pub', metrics);
  // Command clients are connected before anything publishes (without an offline queue, a call before then would fail).
  await Promise.all(
    [redis, redisPubSub?.pub].map((client) => client?.connect().catch((err: unknown) => log.warn({ err }, 'redis not reachable at boot'))),
  );
  if (config.REDIS_URL && redisPubSub) {
    cacheSync = await redisCacheSync({
      cache: permissionCache,
      subscriber: redisClient(config.REDIS_URL, log, 'parley-cache-sub', 'subscriber'),
      publisher: redisPubSub.pub,
      channel: `parley:${config.MONGODB_DB}:record-cache`,
      log: moduleLogger(log, 'cache'),
    });
  }

  const livekit = createRoomServiceClient({
    url: config.LIVEKIT_URL,
    apiKey: config.LIVEKIT_API_KEY,
    apiSecret: config.LIVEKIT_API_SECRET,
  });
  const tokens = createAccessTokens(config.JWT_SECRET, clock);
  const requireAuth = createRequireAuth(tokens);
  const permissions = createPermissionService({
    guilds: cachedReads.guilds,
    roles: cachedReads.roles,
    channels: cachedReads.channels,
    privateChannels: repos.privateChannels,
    log: moduleLogger(log, 'permissions'),
  });
  // Guild events as published, for modules that react to all of them in one place (outbound webhooks).
  const guildEventListeners: ((guildId: string, event: string, payload: unknown) => void)[] = [];
  // Permission changes as the gateway resyncs them, for modules that hold live sessions to them (voice).
  const accessListeners: ((guildId: string, userId?: string) => void)[] = [];
  const gateway = createGateway({
    log: moduleLogger(log, 'gateway'),
    repos,
    cachedReads,
    permissions,
    tokens,
    redis: redisPubSub,
    redisKey: `parley:${config.MONGODB_DB}:gateway`,
    corsOrigins: config.CORS_ORIGINS,
    apiTokenRecheckMs: config.GATEWAY_RECHECK_MS,
    onGuildEvent: (guildId, event, payload) => {
      for (const listener of guildEventListeners) listener(guildId, event, payload);
    },
    onGuildResync: (guildId, userId) => {
      for (const listener of accessListeners) listener(guildId, userId);
    },
    onEvent: (event, direction) =>
      metrics.gateway.events.inc({ event: direction === 'in' ? gatewayEventLabel(event, KNOWN_CLIENT_EVENTS) : event, direction }),
    eventRateLimit: {
      limit: createActionRateLimit({
        redis,
        namespace: `parley:${config.MONGODB_DB}`,
        name: 'gateway-events',
        points: config.RATE_LIMITS.gateway.points,
        durationSeconds: config.RATE_LIMITS.gateway.seconds,
      }),
      // Twice the budget dropped on one connection: no client of ours does that, a flooding script does.
      disconnectAfter: 2 * config.RATE_LIMITS.gateway.points,
    },
  });
  const audit = createAuditService({ repo: repos.audit, clock, log: moduleLogger(log, 'audit') });
  const rateLimits = createAuthRateLimits({
    redis,
    namespace: `parley:${config.MONGODB_DB}`,
    perIpPerMinute: config.AUTH_RATE_LIMIT_PER_IP,
    perAccountPer15Min: config.AUTH_RATE_LIMIT_PER_ACCOUNT,
    accountMaxDelaySeconds: config.AUTH_LOGIN_DELAY_MAX_SECONDS,
    ipMaxDelaySeconds: config.AUTH_LOGIN_IP_DELAY_MAX_SECONDS,
  });
  // Every write route's budget, applied by the ApiRouter itself (see http/route-rate-limits.ts).
  const routeRateLimits = createRouteRateLimits({ redis, namespace: `parley:${config.MONGODB_DB}`, budgets: config.RATE_LIMITS });

  const validateResponses = config.NODE_ENV !== 'production';
  const baseContext = (name: string): ModuleContext => ({
    config,
    log: moduleLogger(log, name),
    db: database.db,
    clock,
    repos,
    cachedReads,
    recordCache: { read: (key, load) => permissionCache.read(key, load), invalidate: (keys) => cacheSync.invalidate(keys) },
    redis,
    livekit,
    requireAuth,
    permissions,
    gateway: gateway.publisher,
    onGuildEvent: (listener) => guildEventListeners.push(listener),
    onAccessChange: (listener) => accessListeners.push(listener),
    audit,
    metrics,
    createApiRouter: () => createApiRouter(requireAuth, validateResponses, routeRateLimits),
  });
  const factories = options.modules ?? [...coreModules({ tokens, rateLimits }), ...extensionModules];
  const modules: ServerModule[] = factories.map((factory) => factory(baseContext(factory.name.replace(/Module$/, '') || 'module')));
  for (const m of modules) await m.init?.();

  const health = createHealthCheck({ db: database.db, livekit, redis });
  let openApiDoc: unknown = null;
  const app = createApp({
    config,
    log,
    modules,
    health,
    metrics,
    metricsExposition: options.metricsExposition,
    openApi: () =>
      (openApiDoc ??= buildOpenApi(
        modules.flatMap((m) => m.api?.contracts ?? []),
        { version: '1', serverUrl: `${config.PUBLIC_URL ?? ''}/api/v1` },
      )),
  });

  const http = createServer(expressHttpClasses(app), app);
  gateway.attach(http);
  metrics.gateway.setConnectionSource(() => gateway.io()?.of('/').sockets.size ?? 0);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.PORT, config.HOST, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  log.info({ url }, 'server listening');

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('shutting down');
      // Stop accepting; in-flight requests finish, idle keep-alive sockets are closed so close() can resolve.
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      await gateway.close();
      const force = setTimeout(() => http.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(force);
      for (const m of [...modules].reverse()) {
        await m.stop?.().catch((err: unknown) => log.error({ err, module: m.name }, 'module stop failed'));
      }
      await Promise.all([
        redis?.quit().catch(() => redis.disconnect()),
        redisPubSub?.pub.quit().catch(() => redisPubSub.pub.disconnect()),
        redisPubSub?.sub.quit().catch(() => redisPubSub.sub.disconnect()),
        cacheSync.close(),
      ]);
      await database.close();
      log.info('stopped');
    })());

  return { port, url, http, gateway, repos, database, log, metrics, stop };
}
