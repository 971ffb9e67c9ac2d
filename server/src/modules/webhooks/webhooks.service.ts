import type { Webhook, WebhookDelivery, WebhookEventType, WebhookWithSecret } from '@shared/api/webhooks';
import type { Clock } from '../../clock';
import { newId } from '../../db/ids';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import { postSigned } from './deliver';
import { generateSecret, signedHeaders } from './signing';
import { WebhookUrlRefused, type UrlGuard } from './url-guard';
import { webhookEventsOf } from './webhook-events';
import type { DeliveryJob, DeliveryOutcome, DeliveryQueue } from './webhooks.queue';
import type { DeliveryRecord, WebhookRecord, WebhooksRepo } from './webhooks.repo';

export interface WebhooksServiceDeps {
  repo: WebhooksRepo;
  guard: UrlGuard;
  clock: Clock;
  log: Logger;
  /** Null without REDIS_URL: every route then answers 503 WEBHOOKS_DISABLED and no event is queued. */
  queue: () => DeliveryQueue | null;
  timeoutMs: number;
  disableAfterFailures: number;
}

/** A call this young is never swept: its room_started may have arrived after LiveKit's room list was taken. */
export const CALL_SWEEP_GRACE_MS = 60_000;
/** At most this many open calls are looked at per sweep; the next sweep takes the rest. */
const CALL_SWEEP_BATCH = 500;

const view = (w: WebhookRecord): Webhook => ({
  id: w.id,
  guildId: w.guildId,
  name: w.name,
  url: w.url,
  events: w.events,
  enabled: w.enabled,
  disabledReason: w.disabledReason,
  consecutiveFailures: w.consecutiveFailures,
  createdBy: w.createdBy,
  createdAt: w.createdAt.toISOString(),
});
const deliveryView = (d: DeliveryRecord): WebhookDelivery => ({ ...d, at: d.at.toISOString() });

export function createWebhooksService(deps: WebhooksServiceDeps) {
  const { repo, clock, log } = deps;

  function queueOrOff(): DeliveryQueue {
    const q = deps.queue();
    if (!q) throw new AppError('WEBHOOKS_DISABLED', 'Webhooks need Redis (REDIS_URL); this server runs without it');
    return q;
  }
  async function vetOrRefuse(url: string): Promise<void> {
    try {
      await deps.guard.vet(url);
    } catch (err) {
      if (err instanceof WebhookUrlRefused) {
        log.info({ reason: err.reason }, 'webhook URL refused');
        throw new AppError('WEBHOOK_URL_REFUSED', `Webhook URL refused: ${err.message}`, { reason: err.reason });
      }
      throw err;
    }
  }
  async function mustGet(guildId: string, webhookId: string): Promise<WebhookRecord> {
    const w = await repo.get(guildId, webhookId);
    if (!w) throw AppError.notFound('Webhook');
    return w;
  }

  /** One attempt of a queued delivery; the delivery log gets one line whatever happens. */
  async function deliver(job: DeliveryJob, { final }: { final: boolean }): Promise<DeliveryOutcome> {
    const webhook = await repo.byId(job.webhookId);
    // Deleted or disabled since: stop retrying, quietly.
    if (!webhook || (!webhook.enabled && !job.manual)) return 'skipped';
    const event = await repo.getEvent(job.webhookId, job.eventId);
    if (!event) return 'skipped';
    const attempt = (await repo.attemptsOf(event.id)) + 1;
    const startedAt = clock.now();
    let result: { statusCode: number | null; error: string | null; durationMs: number };
    let refused = false;
    try {
      // Checked again at every attempt: the name may resolve elsewhere now, and the connection goes to what was checked.
      const target = await deps.guard.vet(webhook.url);
      const timestamp = Math.floor(clock.now().getTime() / 1000);
      result = await postSigned(target, signedHeaders(webhook.secret, event.id, timestamp, event.body), event.body, deps.timeoutMs);
    } catch (err) {
      if (!(err instanceof WebhookUrlRefused)) throw err;
      refused = true;
      result = { statusCode: null, error: `${err.reason}: ${err.message}`, durationMs: clock.now().getTime() - startedAt.getTime() };
    }
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    await repo.insertDelivery({
      id: newId(),
      webhookId: webhook.id,
      eventId: event.id,
      eventType: event.type,
      attempt,
      statusCode: result.statusCode,
      error: result.error,
      ok,
      durationMs: Math.max(0, Math.round(result.durationMs)),
      at: startedAt,
    });
    if (ok) {
      await repo.resetFailures(webhook.id);
      return 'delivered';
    }
    if ((final || refused) && !job.manual) {
      const failures = await repo.recordEventFailure(webhook.id);
      if (deps.disableAfterFailures > 0 && failures >= deps.disableAfterFailures) {
        await repo.update(webhook.guildId, webhook.id, { enabled: false, disabledReason: 'failures' });
        log.warn({ webhookId: webhook.id, guildId: webhook.guildId, failures }, 'webhook disabled after consecutive failed events');
      }
    }
    return refused ? 'refused' : 'retry';
  }

  return {
    deliver,

    async list(guildId: string): Promise<{ items: Webhook[] }> {
      queueOrOff();
      return { items: (await repo.listByGuild(guildId)).map(view) };
    },

    async create(
      guildId: string,
      actorId: string,
      body: { name: string; url: string; events: WebhookEventType[]; enabled: boolean },
    ): Promise<WebhookWithSecret> {
      queueOrOff();
      await vetOrRefuse(body.url);
      const record: WebhookRecord = {
        id: newId(),
        guildId,
        name: body.name,
        url: body.url,
        events: [...new Set(body.events)],
        secret: generateSecret(),
        enabled: body.enabled,
        disabledReason: body.enabled ? null : 'manual',
        consecutiveFailures: 0,
        createdBy: actorId,
        createdAt: clock.now(),
      };
      await repo.insert(record);
      log.info({ guildId, webhookId: record.id, actorId }, 'webhook created');
      return { ...view(record), secret: record.secret };
    },

    async update(
      guildId: string,
      webhookId: string,
      body: { name?: string; url?: string; events?: WebhookEventType[]; enabled?: boolean },
    ): Promise<Webhook> {
      queueOrOff();
      const current = await mustGet(guildId, webhookId);
      if (body.url !== undefined && body.url !== current.url) await vetOrRefuse(body.url);
      const set: Partial<WebhookRecord> = {};
      if (body.name !== undefined) set.name = body.name;
      if (body.url !== undefined) set.url = body.url;
      if (body.events !== undefined) set.events = [...new Set(body.events)];
      if (body.enabled === true) Object.assign(set, { enabled: true, disabledReason: null, consecutiveFailures: 0 });
      if (body.enabled === false) Object.assign(set, { enabled: false, disabledReason: 'manual' });
      const updated = Object.keys(set).length ? await repo.update(guildId, webhookId, set) : current;
      if (!updated) throw AppError.notFound('Webhook');
      return view(updated);
    },

    async remove(guildId: string, webhookId: string): Promise<void> {
      queueOrOff();
      if (!(await repo.delete(guildId, webhookId))) throw AppError.notFound('Webhook');
    },

    async rotateSecret(guildId: string, webhookId: string): Promise<WebhookWithSecret> {
      queueOrOff();
      await mustGet(guildId, webhookId);
      const secret = generateSecret();
      const updated = await repo.update(guildId, webhookId, { secret });
      if (!updated) throw AppError.notFound('Webhook');
      return { ...view(updated), secret };
    },

    async deliveries(guildId: string, webhookId: string, q: { before?: string; limit: number }) {
      queueOrOff();
      await mustGet(guildId, webhookId);
      const items = await repo.listDeliveries(webhookId, q);
      return { items: items.map(deliveryView), nextCursor: items.length === q.limit ? (items.at(-1)?.id ?? null) : null };
    },

    async redeliver(guildId: string, webhookId: string, eventId: string): Promise<void> {
      const queue = queueOrOff();
      const webhook = await mustGet(guildId, webhookId);
      if (!webhook.enabled) throw new AppError('CONFLICT', 'The webhook is disabled; enable it first');
      if (!(await repo.getEvent(webhookId, eventId))) throw AppError.notFound('Event');
      await queue.enqueue({ webhookId, eventId, manual: true });
    },

    /** A guild event was published: queue it for every enabled webhook of the guild subscribed to its type. */
    async dispatch(guildId: string, gatewayEvent: string, payload: unknown): Promise<void> {
      await send(guildId, webhookEventsOf(gatewayEvent, payload));
    },

    /**
     * A voice channel's LiveKit room opened (room_started) or closed (room_finished): call.started / call.ended, each
     * once per room however often LiveKit delivers the webhook. A call whose start was never seen (webhooks were off,
     * or it began before this server version) ends without a call.ended.
     */
    async voiceRoom(
      change:
        { kind: 'started'; guildId: string; channelId: string; callId: string; at: Date } | { kind: 'finished'; callId: string; at: Date },
    ): Promise<void> {
      if (!deps.queue()) return;
      if (change.kind === 'started') {
        const { guildId, channelId, callId, at } = change;
        if (await repo.openCall({ callId, guildId, channelId, startedAt: at })) {
          await send(guildId, [{ type: 'call.started', data: { guildId, channelId, callId, startedAt: at.toISOString() } }]);
        }
        return;
      }
      await endCall(change.callId, change.at);
    },

    /**
     * Ends the open calls whose LiveKit room is gone although no room_finished came (every server was down or
     * unreachable when LiveKit sent it, and its retries ran out): their call.ended goes out now, ended at `listedAt`,
     * when the room was seen gone. `liveRoomSids` is LiveKit's room list taken at `listedAt`; calls younger than
     * CALL_SWEEP_GRACE_MS are left alone, as their room_started may have raced the listing. Safe on several instances
     * at once: closing a call is an atomic take, so one of them sends it. Returns how many calls it ended.
     */
    async sweepCalls(liveRoomSids: ReadonlySet<string>, listedAt: Date): Promise<number> {
      if (!deps.queue()) return 0;
      const candidates = await repo.openCallIds(new Date(listedAt.getTime() - CALL_SWEEP_GRACE_MS), CALL_SWEEP_BATCH);
      let ended = 0;
      for (const callId of candidates) {
        if (liveRoomSids.has(callId)) continue;
        if (await endCall(callId, listedAt)) ended += 1;
      }
      return ended;
    },
  };

  /** Takes an open call and sends its call.ended; false when it was not open (already ended elsewhere). */
  async function endCall(id: string, at: Date): Promise<boolean> {
    const call = await repo.closeCall(id);
    if (!call) return false;
    const { guildId, channelId, callId, startedAt } = call;
    // Never before it started (the two times come from different clocks and precisions).
    const endedAt = new Date(Math.max(at.getTime(), startedAt.getTime()));
    await send(guildId, [
      {
        type: 'call.ended',
        data: {
          guildId,
          channelId,
          callId,
          startedAt: startedAt.toISOString(),
          endedAt: endedAt.toISOString(),
          durationMs: endedAt.getTime() - startedAt.getTime(),
        },
      },
    ]);
    return true;
  }

  /** Queues each event for every enabled webhook of the guild subscribed to its type. */
  async function send(guildId: string, typed: { type: WebhookEventType; data: unknown }[]): Promise<void> {
    const queue = deps.queue();
    if (!queue) return;
    for (const { type, data } of typed) {
      const hooks = await repo.subscribers(guildId, type);
      for (const hook of hooks) {
        const id = newId();
        const createdAt = clock.now();
        const body = JSON.stringify({ type, timestamp: createdAt.toISOString(), guildId, data });
        await repo.insertEvent({ id, webhookId: hook.id, guildId, type, body, createdAt });
        await queue.enqueue({ webhookId: hook.id, eventId: id, manual: false });
      }
    }
  }
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
