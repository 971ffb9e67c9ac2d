import type { WebhookEventType } from '@shared/api/webhooks';
import type { Db, Filter, ObjectId } from 'mongodb';
import { oid } from '../../db/ids';
import { isDuplicateKey } from '../../db/errors';
import { ensureCollectionIndexes } from '../../db/indexes';

/**
 * Three collections:
 * - `webhooks`: the subscriptions, with their signing secret;
 * - `webhook_events`: one document per (webhook, event) — the Standard Webhooks "message", whose id is the
 *   `webhook-id` header of every attempt — holding the exact body that is signed, so a redelivery sends the same bytes;
 * - `webhook_deliveries`: the delivery log, one document per attempt.
 * (And `webhook_voice_calls`, the voice channels' open calls: see VoiceCallDoc.)
 */
interface WebhookDoc {
  _id: ObjectId;
  guildId: string;
  name: string;
  url: string;
  events: WebhookEventType[];
  secret: string;
  enabled: boolean;
  disabledReason: 'manual' | 'failures' | null;
  consecutiveFailures: number;
  createdBy: string;
  createdAt: Date;
}
export interface WebhookRecord extends Omit<WebhookDoc, '_id'> {
  id: string;
}

interface EventDoc {
  _id: ObjectId;
  webhookId: string;
  guildId: string;
  type: WebhookEventType;
  body: string;
  createdAt: Date;
}
export interface WebhookEventRecord extends Omit<EventDoc, '_id'> {
  id: string;
}

interface DeliveryDoc {
  _id: ObjectId;
  webhookId: string;
  eventId: string;
  eventType: WebhookEventType;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  ok: boolean;
  durationMs: number;
  at: Date;
}
export interface DeliveryRecord extends Omit<DeliveryDoc, '_id'> {
  id: string;
}

const strip = <T extends { _id: ObjectId }>({ _id, ...rest }: T): Omit<T, '_id'> & { id: string } => ({ id: _id.toHexString(), ...rest });

/**
 * A voice channel's LiveKit room while it is open (`webhook_voice_calls`), keyed by the room's sid: written by
 * room_started, taken by room_finished, so each call sends call.started and call.ended once even when LiveKit retries a
 * webhook, and call.ended knows its guild after the channel is gone.
 */
interface VoiceCallDoc {
  _id: string;
  guildId: string;
  channelId: string;
  startedAt: Date;
}
export interface VoiceCallRecord {
  callId: string;
  guildId: string;
  channelId: string;
  startedAt: Date;
}

export type WebhooksRepo = ReturnType<typeof createWebhooksRepo>;

export function createWebhooksRepo(db: Db) {
  const hooks = db.collection<WebhookDoc>('webhooks');
  const events = db.collection<EventDoc>('webhook_events');
  const deliveries = db.collection<DeliveryDoc>('webhook_deliveries');
  const calls = db.collection<VoiceCallDoc>('webhook_voice_calls');
  return {
    /** Records an open call; false when it already was (a retried room_started): claimed by its unique _id. */
    async openCall(c: VoiceCallRecord): Promise<boolean> {
      try {
        await calls.insertOne({ _id: c.callId, guildId: c.guildId, channelId: c.channelId, startedAt: c.startedAt });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    /** Takes an open call away; null when it was not open (never seen, or already closed by an earlier delivery). */
    async closeCall(callId: string): Promise<VoiceCallRecord | null> {
      const doc = await calls.findOneAndDelete({ _id: callId });
      return doc ? { callId: doc._id, guildId: doc.guildId, channelId: doc.channelId, startedAt: doc.startedAt } : null;
    },
    /** Ids of the calls still open that started before `before` (the sweep's candidates; a few at most in practice). */
    async openCallIds(before: Date, limit: number): Promise<string[]> {
      const docs = await calls
        .find({ startedAt: { $lt: before } }, { projection: { _id: 1 } })
        .limit(limit)
        .toArray();
      return docs.map((d) => d._id);
    },

    async ensureIndexes(): Promise<void> {
      await ensureCollectionIndexes(db, 'webhooks', [{ key: { guildId: 1, _id: 1 }, name: 'guild_id' }]);
      await ensureCollectionIndexes(db, 'webhook_events', [{ key: { webhookId: 1, _id: -1 }, name: 'webhook_id' }]);
      await ensureCollectionIndexes(db, 'webhook_deliveries', [
        { key: { webhookId: 1, _id: -1 }, name: 'webhook_id' },
        { key: { eventId: 1, _id: 1 }, name: 'event_id' },
      ]);
    },

    async insert(w: WebhookRecord): Promise<void> {
      const { id, ...rest } = w;
      await hooks.insertOne({ _id: oid(id), ...rest });
    },
    async get(guildId: string, id: string): Promise<WebhookRecord | null> {
      const doc = await hooks.findOne({ _id: oid(id), guildId });
      return doc ? strip(doc) : null;
    },
    async byId(id: string): Promise<WebhookRecord | null> {
      const doc = await hooks.findOne({ _id: oid(id) });
      return doc ? strip(doc) : null;
    },
    async listByGuild(guildId: string): Promise<WebhookRecord[]> {
      return (await hooks.find({ guildId }).sort({ guildId: 1, _id: 1 }).toArray()).map(strip);
    },
    /** Enabled webhooks of a guild subscribed to `type`. */
    async subscribers(guildId: string, type: WebhookEventType): Promise<WebhookRecord[]> {
      return (await hooks.find({ guildId, enabled: true, events: type }).toArray()).map(strip);
    },
    async update(guildId: string, id: string, set: Partial<Omit<WebhookRecord, 'id' | 'guildId'>>): Promise<WebhookRecord | null> {
      const doc = await hooks.findOneAndUpdate({ _id: oid(id), guildId }, { $set: set }, { returnDocument: 'after' });
      return doc ? strip(doc) : null;
    },
    async delete(guildId: string, id: string): Promise<boolean> {
      const res = await hooks.deleteOne({ _id: oid(id), guildId });
      if (res.deletedCount === 0) return false;
      await Promise.all([events.deleteMany({ webhookId: id }), deliveries.deleteMany({ webhookId: id })]);
      return true;
    },
    /**
     * Count one more event that failed every attempt, and return the new count. Read-then-write (FerretDB's $inc is
     * not atomic): under concurrent failures the count can lag by one, which only delays the auto-disable by an event.
     */
    async recordEventFailure(id: string): Promise<number> {
      const doc = await hooks.findOne({ _id: oid(id) });
      if (!doc) return 0;
      const next = doc.consecutiveFailures + 1;
      await hooks.updateOne({ _id: oid(id) }, { $set: { consecutiveFailures: next } });
      return next;
    },
    async resetFailures(id: string): Promise<void> {
      await hooks.updateOne({ _id: oid(id), consecutiveFailures: { $ne: 0 } }, { $set: { consecutiveFailures: 0 } });
    },

    async insertEvent(e: WebhookEventRecord): Promise<void> {
      const { id, ...rest } = e;
      await events.insertOne({ _id: oid(id), ...rest });
    },
    async getEvent(webhookId: string, id: string): Promise<WebhookEventRecord | null> {
      const doc = await events.findOne({ _id: oid(id), webhookId });
      return doc ? strip(doc) : null;
    },

    async insertDelivery(d: DeliveryRecord): Promise<void> {
      const { id, ...rest } = d;
      await deliveries.insertOne({ _id: oid(id), ...rest });
    },
    async attemptsOf(eventId: string): Promise<number> {
      return deliveries.countDocuments({ eventId });
    },
    async listDeliveries(webhookId: string, q: { before?: string; limit: number }): Promise<DeliveryRecord[]> {
      const filter: Filter<DeliveryDoc> = { webhookId };
      if (q.before) filter._id = { $lt: oid(q.before) };
      return (await deliveries.find(filter).sort({ webhookId: 1, _id: -1 }).limit(q.limit).toArray()).map(strip);
    },
  };
}
