import type { WebhookEventType } from '@shared/api/webhooks';
import type { Db, Filter, ObjectId } from 'mongodb';
import { oid } from '../../db/ids';
import { ensureCollectionIndexes } from '../../db/indexes';

/**
 * Three collections:
 * - `webhooks`: the subscriptions, with their signing secret;
 * - `webhook_events`: one document per (webhook, event) — the Standard Webhooks "message", whose id is the
 *   `webhook-id` header of every attempt — holding the exact body that is signed, so a redelivery sends the same bytes;
 * - `webhook_deliveries`: the delivery log, one document per attempt.
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

export type WebhooksRepo = ReturnType<typeof createWebhooksRepo>;

export function createWebhooksRepo(db: Db) {
  const hooks = db.collection<WebhookDoc>('webhooks');
  const events = db.collection<EventDoc>('webhook_events');
  const deliveries = db.collection<DeliveryDoc>('webhook_deliveries');
  return {
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
