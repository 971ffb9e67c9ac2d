import type { AuditAction } from '@shared/api/audit';
import { channelIdFromRoom } from '@shared/api/voice';
import { webhookRoutes } from '@shared/api/webhooks';
import { livekitWebhookBus } from '../../livekit/webhooks';
import type { ModuleContext, ServerModule } from '../context';
import { createUrlGuard } from './url-guard';
import { createDeliveryQueue, type DeliveryQueue } from './webhooks.queue';
import { createWebhooksRepo } from './webhooks.repo';
import { createWebhooksService } from './webhooks.service';

/**
 * Outbound webhooks (issue 18 part 2): per-guild subscriptions managed with MANAGE_WEBHOOKS, fed by every guild event
 * the gateway publishes (`ctx.onGuildEvent`), delivered signed from a BullMQ queue on REDIS_URL. Without Redis the
 * module stays off: its routes answer 503 WEBHOOKS_DISABLED and no event is recorded.
 */
export function webhooksModule(ctx: ModuleContext): ServerModule {
  const { config, log } = ctx;
  const repo = createWebhooksRepo(ctx.db);
  const guard = createUrlGuard({
    requireHttps: config.NODE_ENV === 'production',
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
  });
  let queue: DeliveryQueue | null = null;
  let unsubscribe: (() => void) | null = null;
  let sweeper: NodeJS.Timeout | null = null;
  const service = createWebhooksService({
    repo,
    guard,
    clock: ctx.clock,
    log,
    queue: () => queue,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    disableAfterFailures: config.WEBHOOK_DISABLE_AFTER_FAILURES,
  });

  const api = ctx.createApiRouter();
  // Never the secret: the audit log is readable by MANAGE_GUILD, who may not manage webhooks.
  const audit = (guildId: string, action: AuditAction, actorId: string, targetId: string, details?: Record<string, unknown>) =>
    ctx.audit.record({ guildId, action, actorId, targetId, details: details ?? null });
  const manage = (userId: string, guildId: string) => ctx.permissions.requireGuildPermission(userId, guildId, 'MANAGE_WEBHOOKS');
  api.handle(webhookRoutes.listWebhooks, async ({ userId, params }) => {
    await manage(userId, params.guildId);
    return service.list(params.guildId);
  });
  api.handle(webhookRoutes.createWebhook, async ({ userId, params, body }) => {
    await manage(userId, params.guildId);
    const created = await service.create(params.guildId, userId, body);
    await audit(params.guildId, 'webhook.create', userId, created.id, { name: created.name, url: created.url, events: created.events });
    return created;
  });
  api.handle(webhookRoutes.updateWebhook, async ({ userId, params, body }) => {
    await manage(userId, params.guildId);
    const updated = await service.update(params.guildId, params.webhookId, body);
    await audit(params.guildId, 'webhook.update', userId, updated.id, { name: updated.name, ...body });
    return updated;
  });
  api.handle(webhookRoutes.deleteWebhook, async ({ userId, params }) => {
    await manage(userId, params.guildId);
    await service.remove(params.guildId, params.webhookId);
    await audit(params.guildId, 'webhook.delete', userId, params.webhookId);
  });
  api.handle(webhookRoutes.rotateWebhookSecret, async ({ userId, params }) => {
    await manage(userId, params.guildId);
    const rotated = await service.rotateSecret(params.guildId, params.webhookId);
    await audit(params.guildId, 'webhook.rotate_secret', userId, rotated.id, { name: rotated.name });
    return rotated;
  });
  api.handle(webhookRoutes.listWebhookDeliveries, async ({ userId, params, query }) => {
    await manage(userId, params.guildId);
    return service.deliveries(params.guildId, params.webhookId, query);
  });
  api.handle(webhookRoutes.redeliverWebhookEvent, async ({ userId, params }) => {
    await manage(userId, params.guildId);
    await service.redeliver(params.guildId, params.webhookId, params.eventId);
  });

  async function sweepCalls(): Promise<void> {
    try {
      const listedAt = ctx.clock.now();
      const live = new Set((await ctx.livekit.listRooms()).map((room) => room.sid));
      const ended = await service.sweepCalls(live, listedAt);
      if (ended > 0) log.info({ ended }, 'ended voice calls whose room_finished never arrived');
    } catch (err) {
      // LiveKit or the database is unreachable: the next interval tries again.
      log.warn({ err }, 'voice call sweep failed');
    }
  }

  return {
    name: 'webhooks',
    api,
    async init() {
      await repo.ensureIndexes();
      if (!config.REDIS_URL) {
        log.info('webhooks are off: REDIS_URL is not set');
        return;
      }
      queue = createDeliveryQueue({
        redisUrl: config.REDIS_URL,
        prefix: `parley:${config.MONGODB_DB}:bull`,
        maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
        backoffBaseMs: config.WEBHOOK_BACKOFF_BASE_MS,
        log,
        process: async (job, attempt) => {
          try {
            const outcome = await service.deliver(job, attempt);
            ctx.metrics.webhooks.deliveries.inc({ outcome });
            return outcome;
          } catch (err) {
            ctx.metrics.webhooks.deliveries.inc({ outcome: 'error' });
            throw err;
          }
        },
      });
      const running = queue;
      ctx.metrics.webhooks.setQueueSource(() => running.counts());
      ctx.onGuildEvent((guildId, event, payload) => {
        service.dispatch(guildId, event, payload).catch((err: unknown) => log.error({ err, event, guildId }, 'webhook event not queued'));
      });
      // A voice channel's call: its LiveKit room opening and closing (awaited: a failure makes LiveKit retry the webhook).
      unsubscribe = livekitWebhookBus(ctx.gateway).subscribe(async (event) => {
        if (event.event !== 'room_started' && event.event !== 'room_finished') return;
        const room = event.room;
        const channelId = room ? channelIdFromRoom(room.name) : null;
        if (!room?.sid || !channelId) return;
        // LiveKit stamps a webhook in whole seconds: take the time it arrived, unless it is a late retry (then LiveKit's).
        const now = ctx.clock.now();
        const stampedMs = Number(event.createdAt) * 1000;
        const sentAt = stampedMs > 0 && now.getTime() - stampedMs > 2_000 ? new Date(stampedMs) : now;
        if (event.event === 'room_finished') {
          await service.voiceRoom({ kind: 'finished', callId: room.sid, at: sentAt });
          return;
        }
        // Only guild voice channels (a DM call's room has no guild, and no webhook sees it).
        const channel = await ctx.repos.channels.find(channelId);
        if (!channel?.guildId || channel.type !== 'voice') return;
        const openedMs = room.creationTimeMs > 0n ? Number(room.creationTimeMs) : Number(room.creationTime) * 1000;
        await service.voiceRoom({
          kind: 'started',
          guildId: channel.guildId,
          channelId,
          callId: room.sid,
          at: openedMs > 0 ? new Date(openedMs) : sentAt,
        });
      });
      // A call whose room_finished never reached any server ends once its room is seen gone, on voice's reconcile
      // interval (0 = off, as in most tests).
      const every = config.VOICE_RECONCILE_INTERVAL_MS;
      if (every > 0) {
        sweeper = setInterval(() => {
          void sweepCalls();
        }, every);
        sweeper.unref();
      }
    },
    async stop() {
      unsubscribe?.();
      if (sweeper) clearInterval(sweeper);
      await queue?.close();
    },
  };
}
