import type { Server as HttpServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-adapter';
import {
  AuthRefreshPayload,
  GATEWAY_PATH,
  PresenceSetPayload,
  type GatewayAck,
  type GuildSnapshot,
  type PresenceStatus,
  type ServerEventName,
} from '@shared/api/gateway';
import type { GuildNotificationSettings } from '@shared/api/notification-settings';
import type { ReadState } from '@shared/api/read-states';
import type { PrivateChannel } from '@shared/api/private-channels';
import type { Call } from '@shared/api/calls';
import type { PrivacySettings, Relationship } from '@shared/api/relationships';
import type { VoiceState } from '@shared/api/voice';
import type { VoiceGuest } from '@shared/api/embed';
import type { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import type { CachedReads, Repos } from '../db/repos';
import { toAppError } from '../errors';
import { channelView, deletedUser, guildView, memberView, publicUserView, roleView, userView } from '../http/views';
import type { Logger } from '../logger';
import type { ActionRateLimit } from '../http/rate-limit';
import { adapterClient } from './adapter-clients';
import { aggregatePresence, type SessionActivity } from './presence';
import type { AccessTokens } from '../modules/auth/tokens';
import type { PermissionService } from '../permissions/permission.service';

/** Who is in voice in one guild. Registered by the VOICE module; until then READY carries no voice states. */
export type VoiceStateProvider = (guildId: string) => Promise<VoiceState[]>;
export type VoiceGuestProvider = (guildId: string) => Promise<VoiceGuest[]>;
/**
 * A user's read states in one guild for READY / GUILD_CREATE, given the channels they see (`guildId` null: of their
 * private channels). Registered by the READ STATES module.
 */
export type ReadStateProvider = (
  userId: string,
  guildId: string | null,
  roleIds: readonly string[],
  channels: readonly { id: string; lastMessageId: string | null }[],
) => Promise<ReadState[]>;
/** A user's notification settings of one guild for READY / GUILD_CREATE. Registered by the NOTIFICATION SETTINGS module. */
export type NotificationSettingsProvider = (
  userId: string,
  guildId: string,
  visibleChannelIds: readonly string[],
) => Promise<GuildNotificationSettings>;

/** A user's relationships and privacy settings for READY. Registered by the RELATIONSHIPS module. */
export type RelationshipsProvider = (userId: string) => Promise<{ relationships: Relationship[]; privacySettings: PrivacySettings }>;

/** A user's DMs and group DMs for READY. Registered by the PRIVATE CHANNELS module. */
export type PrivateChannelsProvider = (userId: string) => Promise<PrivateChannel[]>;
/** The calls a user is part of and their unseen missed calls, for READY. Registered by the CALLS module. */
export type CallsProvider = (userId: string) => Promise<{ calls: Call[]; unseenMissedCalls: number }>;

/** Told when a user's gateway session opens (after its READY) or closes. Registered by the CALLS module (ringing). */
export interface SessionObserver {
  opened(userId: string, sessionId: string): Promise<void>;
  closed(userId: string, sessionId: string): Promise<void>;
}

/**
 * What other modules call to push realtime events. Typical use:
 *   ctx.gateway.publishToGuild(guildId, 'VOICE_STATE_UPDATE', payload, { channelId });  // only viewers of channelId
 *   ctx.gateway.publishToGuild(guildId, 'GUILD_UPDATE', guild);                         // every member
 *   ctx.gateway.publishToUser(userId, 'VOICE_MOVE', payload);                            // every session of one user
 * With `channelId`, members who cannot VIEW that channel never receive the event (nor learn it exists).
 * Works across instances when REDIS_URL is set (Socket.IO Redis adapter).
 */
export interface GatewayPublisher {
  /**
   * `guildId` null: an event of a private channel (DM, issue 16), which needs `channelId`: it reaches that channel's
   * recipients' sessions (their user rooms), never a guild room.
   */
  publishToGuild(
    guildId: string | null,
    event: ServerEventName | (string & {}),
    payload: unknown,
    opts?: { channelId?: string },
  ): Promise<void>;
  publishToUser(userId: string, event: ServerEventName | (string & {}), payload: unknown): void;
  /** Make the user's connected sessions receive guild events (after joining) or stop them (after leaving). */
  addUserToGuild(userId: string, guildId: string): void;
  removeUserFromGuild(userId: string, guildId: string): void;
  /** The VOICE module registers how to list a guild's voice states for READY / GUILD_CREATE. */
  setVoiceStateProvider(provider: VoiceStateProvider): void;
  /** The EMBED module registers how to list a guild's voice widget guests for READY / GUILD_CREATE. */
  setVoiceGuestProvider(provider: VoiceGuestProvider): void;
  /** The READ STATES module registers how READY / GUILD_CREATE learn the user's read states. */
  setReadStateProvider(provider: ReadStateProvider): void;
  /** The NOTIFICATION SETTINGS module registers how READY / GUILD_CREATE learn the user's notification settings. */
  setNotificationSettingsProvider(provider: NotificationSettingsProvider): void;
  /** The RELATIONSHIPS module registers how READY learns the user's friends, requests, blocks and privacy settings. */
  setRelationshipsProvider(provider: RelationshipsProvider): void;
  /** The PRIVATE CHANNELS module registers how READY learns the user's DMs and group DMs. */
  setPrivateChannelsProvider(provider: PrivateChannelsProvider): void;
  /** The CALLS module registers how READY learns my calls and unseen missed calls. */
  setCallsProvider(provider: CallsProvider): void;
  /** The CALLS module registers who hears of sessions opening and closing. */
  setSessionObserver(observer: SessionObserver): void;
  /** The user's open sessions (READY's sessionId), on every instance. */
  sessionsOf(userId: string): Promise<string[]>;
  /** Snapshot of one guild as `userId` sees it (READY entry, GUILD_CREATE payload). */
  guildSnapshot(userId: string, guildId: string): Promise<GuildSnapshot | null>;
  /** Aggregated presence of users (across sessions and instances), as others see it (invisible is offline). */
  presenceOf(userIds: readonly string[]): Promise<Map<string, PresenceStatus>>;
  /** Tell the user's guilds their presence again, after their chosen status changed. */
  refreshPresence(userId: string): Promise<void>;
  /**
   * Close the user's gateway connections whose session (refresh-token family, null for tokens without one) `matches`,
   * on every instance, after telling each one SESSION_EXPIRED with code SESSION_REVOKED.
   */
  closeSessions(userId: string, matches: (sessionId: string | null) => boolean, message: string): Promise<void>;
  /**
   * Re-send GUILD_CREATE (a fresh snapshot) to connected members — to `userId` only when given — after a change that
   * can alter which channels they see (roles, overwrites, parents). Clients replace their copy of the guild.
   */
  resyncGuild(guildId: string, userId?: string): Promise<void>;
}

interface SocketData {
  userId: string;
  exp: number;
  /** What this connection last said of its user's activity (PRESENCE_SET). */
  status: SessionActivity;
  /** This connection (READY's sessionId). */
  sessionId: string;
  /** The login session (refresh-token family) of its access token, so logging that session out can close it. */
  authSession: string | null;
}

type GatewaySocket = Socket<Record<string, never>, Record<string, (...args: unknown[]) => void>, Record<string, never>, SocketData>;

const ADAPTER_REQUESTS_TIMEOUT_MS = 1_000;

const userRoom = (id: string) => `user:${id}`;
const guildRoom = (id: string) => `guild:${id}`;

export interface Gateway {
  publisher: GatewayPublisher;
  attach(server: HttpServer): void;
  close(): Promise<void>;
  /** Socket.IO server, for tests and benchmarks. */
  io(): Server | null;
}

export function createGateway(deps: {
  log: Logger;
  repos: Repos;
  /** Guild, member, role, channel and user records for READY snapshots (see permissions/permission-cache.ts). */
  cachedReads: CachedReads;
  permissions: PermissionService;
  tokens: AccessTokens;
  redis: { pub: Redis; sub: Redis } | null;
  /** Redis channel prefix: instances of one deployment (same database) share it, other deployments don't hear them. */
  redisKey?: string;
  /** Origins besides our own allowed to open the gateway (the desktop renderer); see CORS_ORIGINS. */
  corsOrigins?: readonly string[];
  /** Told of every event a client sends (`in`) and every event published to clients (`out`, once per publish): metrics. */
  onEvent?: (event: string, direction: 'in' | 'out') => void;
  /** Every guild event published (not DM events), before it is sent: outbound webhooks listen here. Must not throw. */
  onGuildEvent?: (guildId: string, event: string, payload: unknown) => void;
  /**
   * Every resyncGuild (a change of who may see or do what in the guild: roles, a member's roles, overwrites, parents,
   * the owner), after the change was written, `userId` when it concerns one member only. Must not throw.
   */
  onGuildResync?: (guildId: string, userId?: string) => void;
  /**
   * Client events per user (every session counts): an event over the budget is dropped and answered RATE_LIMITED (its
   * ack, or a GATEWAY_ERROR event when it has none); a connection with `disconnectAfter` such drops is closed.
   */
  eventRateLimit?: { limit: ActionRateLimit; disconnectAfter: number };
  /**
   * A connection opened with a bot or personal API token is checked again this often (ms; 0 = never): the token may
   * live a day, and its owner may be disabled meanwhile by the admin CLI, which has no gateway to close it with.
   */
  apiTokenRecheckMs?: number;
}): Gateway {
  const { log, repos, cachedReads, permissions, tokens } = deps;
  let io: Server<Record<string, never>, Record<string, (...args: unknown[]) => void>, Record<string, never>, SocketData> | null = null;
  let voiceStates: VoiceStateProvider = async () => [];
  let voiceGuests: VoiceGuestProvider | null = null;
  let readStates: ReadStateProvider | null = null;
  let notificationSettings: NotificationSettingsProvider | null = null;
  let relationships: RelationshipsProvider | null = null;
  let privateChannels: PrivateChannelsProvider | null = null;
  let callsProvider: CallsProvider | null = null;
  let sessionObserver: SessionObserver | null = null;

  /** Each user's sessions' activity and chosen status → what others see; users without a session are left out. */
  async function aggregate(sockets: readonly { data: SocketData }[]): Promise<Map<string, PresenceStatus>> {
    const activity = new Map<string, SessionActivity[]>();
    for (const s of sockets) {
      const list = activity.get(s.data.userId) ?? [];
      list.push(s.data.status);
      activity.set(s.data.userId, list);
    }
    const users = await cachedReads.users.findManyByIds([...activity.keys()]);
    const chosen = new Map(users.map((u) => [u.id, u.status]));
    return new Map([...activity].map(([id, sessions]) => [id, aggregatePresence(chosen.get(id) ?? 'online', sessions)]));
  }

  async function presenceOf(userIds: readonly string[]): Promise<Map<string, PresenceStatus>> {
    const result = new Map<string, PresenceStatus>(userIds.map((id) => [id, 'offline']));
    if (!io || userIds.length === 0) return result;
    const wanted = new Set(userIds);
    const sockets = (await io.in(userIds.map(userRoom)).fetchSockets()).filter((s) => wanted.has(s.data.userId));
    for (const [id, status] of await aggregate(sockets)) result.set(id, status);
    return result;
  }

  /** Members others can see online (online, idle, dnd) in one guild: invisible users are left out. */
  async function onlineUserIdsInGuild(guildId: string): Promise<Map<string, PresenceStatus>> {
    if (!io) return new Map();
    const all = await aggregate(await io.in(guildRoom(guildId)).fetchSockets());
    return new Map([...all].filter(([, status]) => status !== 'offline'));
  }

  async function guildSnapshot(userId: string, guildId: string): Promise<GuildSnapshot | null> {
    const [guild, member, roles, channels] = await Promise.all([
      cachedReads.guilds.findGuild(guildId),
      cachedReads.guilds.findMember(guildId, userId),
      cachedReads.roles.listByGuild(guildId),
      cachedReads.channels.listByGuild(guildId),
    ]);
    if (!guild || !member) return null;
    const visible = permissions.visibleChannels({ guild, member, roles }, channels);
    const visibleIds = new Set(visible.map((v) => v.channel.id));
    const online = await onlineUserIdsInGuild(guildId);
    const onlineIds = [...online.keys()];
    const [onlineMembers, users, voice, guests, lastIds] = await Promise.all([
      cachedReads.guilds.membersByUserIds(guildId, onlineIds),
      cachedReads.users.findManyByIds([userId, ...onlineIds]),
      voiceStates(guildId).catch((err: unknown) => {
        log.warn({ err, guildId }, 'voice state provider failed; READY carries none');
        return [] as VoiceState[];
      }),
      voiceGuests
        ? voiceGuests(guildId).catch((err: unknown) => {
            log.warn({ err, guildId }, 'voice guest provider failed; READY carries none');
            return undefined;
          })
        : undefined,
      repos.messages.lastIds([...visibleIds]),
    ]);
    const userById = new Map(users.map((u) => [u.id, publicUserView(u)]));
    const view = (m: typeof member) => memberView(m, userById.get(m.userId) ?? deletedUser(m.userId));
    const channelViews = visible.map((v) => channelView(v.channel, lastIds.get(v.channel.id) ?? null));
    const textChannels = channelViews.filter((c) => c.type !== 'category');
    // Both read one user's documents of one guild: in parallel, so READY waits for one round trip, not two.
    const [myReadStates, myNotificationSettings] = await Promise.all([
      readStates
        ? readStates(userId, guildId, member.roleIds, textChannels).catch((err: unknown) => {
            log.warn({ err, guildId }, 'read state provider failed; the snapshot carries none');
            return undefined;
          })
        : undefined,
      notificationSettings
        ? notificationSettings(userId, guildId, [...visibleIds]).catch((err: unknown) => {
            log.warn({ err, guildId }, 'notification settings provider failed; the snapshot carries none');
            return undefined;
          })
        : undefined,
    ]);
    return {
      guild: guildView(guild),
      channels: channelViews,
      roles: roles.map(roleView),
      me: view(member),
      onlineMembers: onlineMembers.map(view),
      presences: [...online.entries()].map(([id, status]) => ({ userId: id, status })),
      voiceStates: voice.filter((v) => visibleIds.has(v.channelId)),
      ...(guests ? { voiceGuests: guests.filter((v) => visibleIds.has(v.channelId)) } : {}),
      ...(myReadStates ? { readStates: myReadStates } : {}),
      ...(myNotificationSettings ? { notificationSettings: myNotificationSettings } : {}),
    };
  }

  async function broadcastPresence(userId: string): Promise<void> {
    const status = (await presenceOf([userId])).get(userId) ?? 'offline';
    const memberships = await cachedReads.guilds.membershipsOf(userId);
    if (!io || memberships.length === 0) return;
    io.to(memberships.map((m) => guildRoom(m.guildId))).emit('PRESENCE_UPDATE', { userId, status });
  }

  const publisher: GatewayPublisher = {
    async publishToGuild(guildId, event, payload, opts) {
      if (guildId !== null) deps.onGuildEvent?.(guildId, event, payload);
      if (!io) return;
      deps.onEvent?.(event, 'out');
      if (!opts?.channelId) {
        if (guildId !== null) io.to(guildRoom(guildId)).emit(event, payload);
        else log.warn({ event }, 'a private channel event without its channel reaches no one');
        return;
      }
      const audience = await permissions.viewersOfChannel(opts.channelId);
      if (!audience || audience.guildId !== guildId) return;
      if (audience.viewers === 'everyone') {
        if (audience.guildId !== null) io.to(guildRoom(audience.guildId)).emit(event, payload);
      } else if (audience.viewers.length > 0) io.to(audience.viewers.map(userRoom)).emit(event, payload);
    },
    publishToUser(userId, event, payload) {
      if (io) deps.onEvent?.(event, 'out');
      io?.to(userRoom(userId)).emit(event, payload);
    },
    addUserToGuild(userId, guildId) {
      io?.in(userRoom(userId)).socketsJoin(guildRoom(guildId));
    },
    removeUserFromGuild(userId, guildId) {
      io?.in(userRoom(userId)).socketsLeave(guildRoom(guildId));
    },
    setVoiceStateProvider(provider) {
      voiceStates = provider;
    },
    setVoiceGuestProvider(provider) {
      voiceGuests = provider;
    },
    setReadStateProvider(provider) {
      readStates = provider;
    },
    setNotificationSettingsProvider(provider) {
      notificationSettings = provider;
    },
    setRelationshipsProvider(provider) {
      relationships = provider;
    },
    setPrivateChannelsProvider(provider) {
      privateChannels = provider;
    },
    setCallsProvider(provider) {
      callsProvider = provider;
    },
    setSessionObserver(observer) {
      sessionObserver = observer;
    },
    async sessionsOf(userId) {
      if (!io) return [];
      return (await io.in(userRoom(userId)).fetchSockets()).filter((s) => s.data.userId === userId).map((s) => s.data.sessionId);
    },
    guildSnapshot,
    presenceOf,
    refreshPresence: (userId) => broadcastPresence(userId),
    async closeSessions(userId, matches, message) {
      if (!io) return;
      for (const s of await io.in(userRoom(userId)).fetchSockets()) {
        if (!matches(s.data.authSession)) continue;
        s.emit('SESSION_EXPIRED', { code: 'SESSION_REVOKED', message });
        s.disconnect(true);
      }
    },
    async resyncGuild(guildId, userId) {
      deps.onGuildResync?.(guildId, userId);
      if (!io) return;
      const sockets = await io.in(userId ? userRoom(userId) : guildRoom(guildId)).fetchSockets();
      const userIds = [...new Set(sockets.map((s) => s.data.userId))];
      await Promise.all(
        userIds.map(async (id) => {
          const snapshot = await guildSnapshot(id, guildId);
          if (snapshot) io?.to(userRoom(id)).emit('GUILD_CREATE', snapshot);
        }),
      );
    },
  };

  function scheduleExpiry(socket: Socket, exp: number): NodeJS.Timeout {
    const ms = Math.max(0, exp * 1000 - Date.now());
    // setTimeout caps at ~24.8 days; access tokens live 15 minutes.
    return setTimeout(() => {
      socket.emit('SESSION_EXPIRED', { code: 'TOKEN_EXPIRED', message: 'Access token expired; reconnect with a fresh one' });
      socket.disconnect(true);
    }, ms);
  }

  /**
   * While a connection is authenticated with an API token: verify its current token again every `apiTokenRecheckMs`,
   * and close the connection once it is refused (revoked elsewhere, expired, its account or the bot's owner disabled or
   * deleted). A database that does not answer only skips a round. Access-token connections are left alone: their token
   * expires within 15 minutes. (The token stays in the caller's closure: socket.data travels to the other instances
   * through the Redis adapter.)
   */
  function scheduleApiTokenRecheck(socket: GatewaySocket, token: () => string): NodeJS.Timeout | null {
    const every = deps.apiTokenRecheckMs ?? 0;
    if (every <= 0) return null;
    return setInterval(() => {
      if (!socket.data.authSession?.startsWith('token:')) return;
      tokens.verify(token()).then(
        () => undefined,
        (err: unknown) => {
          const code = toAppError(err)?.code;
          if (code !== 'UNAUTHENTICATED' && code !== 'TOKEN_EXPIRED') return;
          log.info({ userId: socket.data.userId, code }, 'gateway connection closed: its API token is refused now');
          socket.emit('SESSION_EXPIRED', { code: 'SESSION_REVOKED', message: 'This token can no longer be used' });
          socket.disconnect(true);
        },
      );
    }, every);
  }

  async function onConnection(socket: GatewaySocket) {
    const { userId } = socket.data;
    let expiry = scheduleExpiry(socket, socket.data.exp);
    // The handshake checked it is a non-empty string.
    let currentToken = String((socket.handshake.auth as Record<string, unknown>).token);
    const recheck = scheduleApiTokenRecheck(socket, () => currentToken);
    if (deps.onEvent) socket.onAny((event: string) => deps.onEvent?.(event, 'in'));
    const eventLimit = deps.eventRateLimit;
    if (eventLimit) {
      let drops = 0;
      socket.use((packet, next) => {
        const [event] = packet;
        const last: unknown = packet[packet.length - 1];
        eventLimit.limit.hit(userId).then(
          () => next(),
          (err: unknown) => {
            // Dropped: RATE_LIMITED past the budget, DEPENDENCY_UNAVAILABLE when Redis cannot say.
            const appError = toAppError(err);
            const code = appError?.code ?? 'INTERNAL';
            const retryAfterSeconds = (appError?.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
            const answer = { ok: false as const, code, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) };
            if (typeof last === 'function') (last as (r: GatewayAck) => void)(answer);
            else socket.emit('GATEWAY_ERROR', { event: String(event).slice(0, 64), ...answer });
            if (code !== 'RATE_LIMITED') return;
            drops += 1;
            if (drops === 1 || drops >= eventLimit.disconnectAfter) log.info({ userId, drops }, 'gateway events rate limited');
            if (drops >= eventLimit.disconnectAfter) socket.disconnect(true);
          },
        );
      });
    }
    socket.on('disconnect', () => {
      clearTimeout(expiry);
      if (recheck) clearInterval(recheck);
      void broadcastPresence(userId).catch((err: unknown) => log.warn({ err }, 'presence broadcast failed'));
      void sessionObserver?.closed(userId, socket.data.sessionId).catch((err: unknown) => log.warn({ err }, 'session observer failed'));
    });
    socket.on('AUTH_REFRESH', async (raw: unknown, ack?: unknown) => {
      const reply = (r: GatewayAck) => (typeof ack === 'function' ? (ack as (r: GatewayAck) => void)(r) : undefined);
      const parsed = AuthRefreshPayload.safeParse(raw);
      if (!parsed.success) return reply({ ok: false, code: 'VALIDATION_FAILED' });
      try {
        const claims = await tokens.verify(parsed.data.token);
        if (claims.userId !== userId) return reply({ ok: false, code: 'FORBIDDEN' });
        clearTimeout(expiry);
        currentToken = parsed.data.token;
        socket.data.exp = claims.exp;
        socket.data.authSession = claims.apiToken ? `token:${claims.apiToken.id}` : claims.sessionId;
        expiry = scheduleExpiry(socket, claims.exp);
        reply({ ok: true });
      } catch (err) {
        reply({ ok: false, code: toAppError(err)?.code ?? 'UNAUTHENTICATED' });
      }
    });
    socket.on('PRESENCE_SET', async (raw: unknown, ack?: unknown) => {
      const reply = (r: GatewayAck) => (typeof ack === 'function' ? (ack as (r: GatewayAck) => void)(r) : undefined);
      const parsed = PresenceSetPayload.safeParse(raw);
      if (!parsed.success) return reply({ ok: false, code: 'VALIDATION_FAILED' });
      socket.data.status = parsed.data.status;
      reply({ ok: true });
      await broadcastPresence(userId).catch((err: unknown) => log.warn({ err }, 'presence broadcast failed'));
    });

    try {
      const [user, memberships] = await Promise.all([cachedReads.users.findById(userId), cachedReads.guilds.membershipsOf(userId)]);
      if (!user) {
        socket.disconnect(true);
        return;
      }
      await socket.join([userRoom(userId), ...memberships.map((m) => guildRoom(m.guildId))]);
      const [snapshots, social, dms, calls] = await Promise.all([
        Promise.all(memberships.map((m) => guildSnapshot(userId, m.guildId))),
        // Without them READY still goes out: the client can list them with GET /users/@me/relationships.
        relationships?.(userId).catch((err: unknown) => {
          log.warn({ err, userId }, 'relationships provider failed; READY carries none');
          return undefined;
        }),
        // Likewise: GET /users/@me/channels lists them. (DM events reach the user room joined above: nothing to join.)
        privateChannels?.(userId).catch((err: unknown) => {
          log.warn({ err, userId }, 'private channels provider failed; READY carries none');
          return undefined;
        }),
        // Likewise: GET /channels/:id/call and /users/@me/call-history answer without READY.
        callsProvider?.(userId).catch((err: unknown) => {
          log.warn({ err, userId }, 'calls provider failed; READY carries none');
          return undefined;
        }),
      ]);
      const dmReadStates =
        dms && readStates
          ? await readStates(userId, null, [], dms).catch((err: unknown) => {
              log.warn({ err, userId }, 'read state provider failed for private channels; READY carries none');
              return undefined;
            })
          : undefined;
      socket.emit('READY', {
        user: userView(user),
        sessionId: socket.data.sessionId,
        guilds: snapshots.filter((s) => s !== null),
        ...social,
        ...(dms ? { privateChannels: dms } : {}),
        ...(dmReadStates ? { privateReadStates: dmReadStates } : {}),
        ...calls,
      });
      // After READY, so a call ringing for this user rings on this session too (READY listed it already).
      if (socket.connected) {
        void sessionObserver?.opened(userId, socket.data.sessionId).catch((err: unknown) => log.warn({ err }, 'session observer failed'));
      }
      await broadcastPresence(userId);
    } catch (err) {
      log.error({ err, userId }, 'gateway session setup failed');
      socket.disconnect(true);
    }
  }

  return {
    publisher,
    io: () => io,
    attach(server) {
      io = new Server(server, {
        path: GATEWAY_PATH,
        serveClient: false,
        // The web client is served from the same origin; the desktop renderer connects from its own origin.
        cors: { origin: [...(deps.corsOrigins ?? [])], credentials: false },
        maxHttpBufferSize: 64 * 1024,
      });
      if (deps.redis) {
        const pub = adapterClient(deps.redis.pub, log, 'parley-pub');
        const sub = adapterClient(deps.redis.sub, log, 'parley-sub');
        // requestsTimeout bounds fetchSockets & co. waiting for the other instances' answers over Redis (default 5 s):
        // a healthy instance answers in milliseconds, and a request must answer within 2 s when one does not.
        io.adapter(createAdapter(pub, sub, { key: deps.redisKey ?? 'socket.io', requestsTimeout: ADAPTER_REQUESTS_TIMEOUT_MS }));
      }
      io.use((socket, next) => {
        const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
        if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
          const err = new Error('UNAUTHENTICATED') as Error & { data?: unknown };
          err.data = { code: 'UNAUTHENTICATED' };
          return next(err);
        }
        tokens.verify(token).then(
          (claims) => {
            // The gateway carries messages: a personal API token needs messages:read to open it (a bot's holds all).
            const apiToken = claims.apiToken;
            if (apiToken?.kind === 'personal' && !apiToken.scopes.includes('messages:read')) {
              log.info({ code: 'MISSING_SCOPE' }, 'gateway handshake rejected');
              const err = new Error('MISSING_SCOPE') as Error & { data?: unknown };
              err.data = { code: 'MISSING_SCOPE' };
              return next(err);
            }
            socket.data = {
              userId: claims.userId,
              exp: claims.exp,
              status: 'online',
              sessionId: randomUUID(),
              // Opened with an API token: revoking that token closes it (closeSessions matching `token:<id>`).
              authSession: apiToken ? `token:${apiToken.id}` : claims.sessionId,
            };
            next();
          },
          (e: unknown) => {
            // A database or Redis that did not answer while the account was checked is DEPENDENCY_UNAVAILABLE (the
            // client retries), not UNAUTHENTICATED (the client would renew its session or sign out).
            const code = toAppError(e)?.code ?? 'UNAUTHENTICATED';
            log.info({ code }, 'gateway handshake rejected');
            const err = new Error(code) as Error & { data?: unknown };
            err.data = { code };
            next(err);
          },
        );
      });
      io.on('connection', (socket) => void onConnection(socket));
    },
    async close() {
      if (!io) return;
      const server = io;
      io = null;
      server.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        // io.close() also closes the attached HTTP server; the caller owns that, so only close engine + adapter.
        server.engine.close();
        void Promise.resolve(server.of('/').adapter.close?.()).finally(() => resolve());
      });
    },
  };
}
