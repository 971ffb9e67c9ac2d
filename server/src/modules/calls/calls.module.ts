import type { WebhookEvent } from 'livekit-server-sdk';
import { callIdFromRoom, callRoutes } from '@shared/api/calls';
import { AppError } from '../../errors';
import { publicUserView, deletedUser } from '../../http/views';
import { createVoiceRoomService } from '../../livekit/room-service';
import { createVoiceTokenIssuer } from '../../livekit/tokens';
import { livekitWebhookBus } from '../../livekit/webhooks';
import { isPrivateChannel } from '../channels/channels.repo';
import { createPrivateChannelsService } from '../private-channels/private-channels.service';
import { onRecipientLeft } from '../private-channels/recipient-events';
import type { ModuleContext, ServerModule } from '../context';
import { canContact } from '../relationships/contact';
import { createVoiceRepo, isActive } from '../voice/voice.repo';
import { createCallsRepo } from './calls.repo';
import type { CallAccess, CallRoomFact, CallRooms, CallService } from './calls.service';
import { createCallService, createTimerScheduler } from './calls.service';

/** A LiveKit webhook about a call room, as the call service needs it; null for everything else. */
export function callFactFromWebhook(event: WebhookEvent): CallRoomFact | null {
  const callId = callIdFromRoom(event.room?.name ?? '');
  if (!callId) return null;
  if (event.event === 'room_finished') return { kind: 'finished', callId };
  const p = event.participant;
  if (!p?.identity || !p.sid) return null;
  if (event.event === 'participant_joined') return { kind: 'joined', callId, identity: p.identity, sid: p.sid };
  if (event.event === 'participant_left' || event.event === 'participant_connection_aborted') {
    return { kind: 'left', callId, identity: p.identity, sid: p.sid };
  }
  return null;
}

/**
 * DM calls (issue 16 items 3 and 4): the routes of `callRoutes`, the READY provider, the gateway session hook (ringing
 * on every session), LiveKit webhooks for call rooms (verified by the voice module, received from its webhook bus) and
 * the sweep, on the voice reconciler's interval.
 */
export function callsModule(ctx: ModuleContext): ServerModule {
  const { config, log } = ctx;
  const repo = createCallsRepo(ctx.db);
  const voice = createVoiceRepo(ctx.db);

  // The DM's own rules for a closed 1:1 DM (the same ones a message follows).
  const dmHooks = createPrivateChannelsService(ctx).sendHooks;
  const access: CallAccess = {
    async channelMembers(userId, channelId) {
      const channel = await ctx.cachedReads.channels.find(channelId);
      const seen = channel ? await ctx.permissions.channelAccess(userId, channel) : null;
      if (!channel || !seen) throw AppError.notFound('Channel');
      // A guild channel the user can see: say what is wrong with it (voice channels have their own rooms).
      if (!isPrivateChannel(channel)) throw new AppError('WRONG_CHANNEL_TYPE', 'Calls are for DMs and group DMs');
      const audience = await ctx.permissions.viewersOfChannel(channelId);
      if (!audience || audience.guildId !== null) throw AppError.notFound('Channel');
      return { channelId, recipientIds: audience.viewers };
    },
    async canCall(from, to) {
      const decision = await canContact(
        { relationships: ctx.repos.relationships, users: ctx.repos.users, guilds: ctx.cachedReads.guilds },
        from,
        to,
      );
      if (!decision.allowed) log.info({ from, to, reason: decision.reason }, 'call refused by contact rules');
      return decision.allowed;
    },
    async inVoice(userId) {
      return isActive(await voice.findByUser(userId));
    },
    async surfaceChannel(channelId) {
      const channel = await ctx.cachedReads.channels.find(channelId);
      if (channel && isPrivateChannel(channel)) await dmHooks.afterSend(channel);
    },
    async busyPreference(userId) {
      // Read fresh (not the cached user): a setting just changed applies to the next call.
      return (await ctx.repos.users.findById(userId))?.callWaiting ? 'call-waiting' : 'busy';
    },
    async users(ids) {
      const found = new Map((await ctx.cachedReads.users.findManyByIds(ids)).map((u) => [u.id, publicUserView(u)]));
      return ids.map((id) => found.get(id) ?? deletedUser(id));
    },
    async displayName(userId) {
      return (await ctx.cachedReads.users.findById(userId))?.displayName ?? null;
    },
  };

  // The voice room service's handling of LiveKit's answers (a room or participant not there, one who left mid-call).
  const live = createVoiceRoomService(ctx.livekit);
  const rooms: CallRooms = {
    listParticipants: async (room) => (await live.listParticipants(room)).map((p) => ({ sid: p.sid, identity: p.identity })),
    removeParticipant: (room, identity) => live.removeParticipant(room, identity),
    async deleteRoom(room) {
      await live.deleteRoom(room);
    },
  };

  const service = createCallService({
    repo,
    access,
    gateway: {
      toUser: (userId, event, payload) => ctx.gateway.publishToUser(userId, event, payload),
      sessionsOf: (userId) => ctx.gateway.sessionsOf(userId),
    },
    rooms,
    // LiveKit checks the token against its own wall clock, so it is signed with real time (as voice's are), not ctx.clock.
    tokens: createVoiceTokenIssuer({
      apiKey: config.LIVEKIT_API_KEY,
      apiSecret: config.LIVEKIT_API_SECRET,
      ttlSeconds: config.VOICE_TOKEN_TTL_SECONDS,
    }),
    publicUrl: config.LIVEKIT_PUBLIC_URL,
    clock: ctx.clock,
    scheduler: createTimerScheduler(ctx.clock),
    log,
  });

  const api = ctx.createApiRouter();
  api.handle(callRoutes.startCall, ({ userId, params, body }) => service.start(userId, params.channelId, body ?? {}));
  api.handle(callRoutes.getChannelCall, ({ userId, params }) => service.channelCall(userId, params.channelId));
  api.handle(callRoutes.acceptCall, ({ userId, params, body }) => service.accept(userId, params.callId, body ?? {}));
  api.handle(callRoutes.declineCall, ({ userId, params }) => service.decline(userId, params.callId));
  api.handle(callRoutes.connectCall, ({ userId, params }) => service.connect(userId, params.callId));
  api.handle(callRoutes.leaveCall, ({ userId, params }) => service.leave(userId, params.callId));
  api.handle(callRoutes.listCallHistory, ({ userId, query }) => service.history(userId, query));
  api.handle(callRoutes.ackMissedCalls, ({ userId }) => service.ackMissed(userId));

  let timer: NodeJS.Timeout | null = null;
  let sweeping: Promise<unknown> = Promise.resolve();
  let unsubscribe: (() => void) | null = null;
  let stopListening: (() => void) | null = null;
  const sweep = () => {
    sweeping = service.sweepOnce().catch((err: unknown) => log.warn({ err }, 'call sweep failed; will retry'));
  };

  instances.set(ctx.gateway, service);

  return {
    name: 'calls',
    api,
    async init() {
      await repo.ensureIndexes();
      ctx.gateway.setCallsProvider((userId) => service.readyFor(userId));
      ctx.gateway.setSessionObserver({
        opened: (userId, sessionId) => service.sessionOpened(userId, sessionId),
        closed: (userId, sessionId) => service.sessionGone(userId, sessionId),
      });
      stopListening = onRecipientLeft(ctx.gateway, (channelId, userId) =>
        service
          .leftChannel(channelId, userId)
          .catch((err: unknown) => log.warn({ err, channelId, userId }, 'hanging up a member who left failed')),
      );
      unsubscribe = livekitWebhookBus(ctx.gateway).subscribe(async (event) => {
        const fact = callFactFromWebhook(event);
        if (fact) await service.applyRoomFact(fact);
      });
      // At boot (no ghost calls after a crash) and then with the voice reconciler's period.
      sweep();
      if (config.VOICE_RECONCILE_INTERVAL_MS > 0) {
        timer = setInterval(sweep, config.VOICE_RECONCILE_INTERVAL_MS);
        timer.unref();
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      unsubscribe?.();
      stopListening?.();
      service.stop();
      await sweeping;
    },
  };
}

const instances = new WeakMap<object, CallService>();

/** The call service of a running server, by its gateway publisher: tests run `sweepOnce()` after moving the clock. */
export function callsOf(gateway: object): CallService | undefined {
  return instances.get(gateway);
}
