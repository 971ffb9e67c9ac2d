import { z } from 'zod';
import { GuildIdParams, Id, IsoDate } from './common';
import { defineRoute } from './contract';
import { safeName } from './text';

/**
 * Outbound webhooks (issue 18 part 2): a guild's subscriptions to its events, delivered as signed HTTP POSTs in the
 * Standard Webhooks format (docs/self-hosting.md "Webhooks"). Managing them needs MANAGE_WEBHOOKS.
 */
export const WEBHOOK_EVENT_TYPES = [
  'message.created',
  'member.joined',
  'member.left',
  'voice.joined',
  'voice.left',
  'recording.finished',
  'call.started',
  'call.ended',
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** A webhook as listed: never its secret (shown once, on creation and on rotation). */
export const Webhook = z.object({
  id: Id,
  guildId: Id,
  name: z.string(),
  url: z.string(),
  events: z.array(WebhookEventType),
  enabled: z.boolean(),
  /** Why it is off: `manual`, or `failures` after WEBHOOK_DISABLE_AFTER_FAILURES events in a row failed. */
  disabledReason: z.enum(['manual', 'failures']).nullable(),
  /** Events in a row whose every attempt failed (0 after any success). */
  consecutiveFailures: z.number().int().min(0),
  createdBy: Id,
  createdAt: IsoDate,
});
export type Webhook = z.infer<typeof Webhook>;

/** A webhook with its signing secret (`whsec_` + base64 of 32 random bytes): only in the create and rotate answers. */
export const WebhookWithSecret = Webhook.extend({ secret: z.string() });
export type WebhookWithSecret = z.infer<typeof WebhookWithSecret>;

const WebhookUrl = z.url({ protocol: /^https?$/ }).max(2048);
const WebhookName = safeName().trim().min(1).max(80);
const EventList = z.array(WebhookEventType).min(1).max(WEBHOOK_EVENT_TYPES.length);

export const CreateWebhookBody = z.strictObject({
  name: WebhookName,
  url: WebhookUrl,
  events: EventList,
  enabled: z.boolean().default(true),
});
export const UpdateWebhookBody = z.strictObject({
  name: WebhookName.optional(),
  url: WebhookUrl.optional(),
  events: EventList.optional(),
  enabled: z.boolean().optional(),
});

export const WebhookParams = z.strictObject({ guildId: Id, webhookId: Id });
export const WebhookEventParams = z.strictObject({ guildId: Id, webhookId: Id, eventId: Id });

/** One delivery attempt. `statusCode` null: no answer (`error` says why: TIMEOUT, REFUSED_ADDRESS, NETWORK…). */
export const WebhookDelivery = z.object({
  id: Id,
  webhookId: Id,
  /** The Standard Webhooks message id (header `webhook-id`): the same for every attempt of one event. */
  eventId: Id,
  eventType: WebhookEventType,
  /** 1 for the first attempt; retries and manual redeliveries count on. */
  attempt: z.number().int().min(1),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  ok: z.boolean(),
  durationMs: z.number().int().min(0),
  at: IsoDate,
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveriesQuery = z.strictObject({
  before: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
const REFUSED =
  'Invalid input (VALIDATION_FAILED, INVALID_CHARACTERS), or WEBHOOK_URL_REFUSED: not https while NODE_ENV=production, credentials in the URL, a name that does not resolve, or an address that is private, loopback, link-local, CGNAT, multicast, unspecified or IPv4-mapped (unless WEBHOOK_ALLOW_PRIVATE_TARGETS=true)';

/**
 * REST routes of webhooks (under /api/v1); writes spend the `webhook` rate-limit budget. On a server without Redis
 * every one answers 503 WEBHOOKS_DISABLED (the 503 every route documents).
 */
export const webhookRoutes = {
  listWebhooks: defineRoute({
    tag: 'webhooks',
    method: 'get',
    path: '/guilds/:guildId/webhooks',
    summary: "The guild's webhooks, oldest first, without their secrets (MANAGE_WEBHOOKS)",
    auth: true,
    params: GuildIdParams,
    response: list(Webhook),
  }),
  createWebhook: defineRoute({
    tag: 'webhooks',
    method: 'post',
    path: '/guilds/:guildId/webhooks',
    summary: 'Create a webhook; the answer carries its signing secret, the only time it is shown (MANAGE_WEBHOOKS)',
    auth: true,
    params: GuildIdParams,
    body: CreateWebhookBody,
    response: WebhookWithSecret,
    status: 201,
    rateLimit: 'webhook',
    errors: { '400': REFUSED },
  }),
  updateWebhook: defineRoute({
    tag: 'webhooks',
    method: 'patch',
    path: '/guilds/:guildId/webhooks/:webhookId',
    summary: 'Change name, URL, events or enabled; enabling resets the failure count (MANAGE_WEBHOOKS)',
    auth: true,
    params: WebhookParams,
    body: UpdateWebhookBody,
    response: Webhook,
    rateLimit: 'webhook',
    errors: { '400': REFUSED },
  }),
  deleteWebhook: defineRoute({
    tag: 'webhooks',
    method: 'delete',
    path: '/guilds/:guildId/webhooks/:webhookId',
    summary: 'Delete a webhook; queued deliveries of it are dropped (MANAGE_WEBHOOKS)',
    auth: true,
    params: WebhookParams,
    status: 204,
    rateLimit: 'webhook',
  }),
  rotateWebhookSecret: defineRoute({
    tag: 'webhooks',
    method: 'post',
    path: '/guilds/:guildId/webhooks/:webhookId/rotate-secret',
    summary: 'Replace the signing secret; the answer carries the new one, the only time it is shown (MANAGE_WEBHOOKS)',
    auth: true,
    params: WebhookParams,
    response: WebhookWithSecret,
    rateLimit: 'webhook',
  }),
  listWebhookDeliveries: defineRoute({
    tag: 'webhooks',
    method: 'get',
    path: '/guilds/:guildId/webhooks/:webhookId/deliveries',
    summary: 'Delivery log of a webhook, newest attempt first (MANAGE_WEBHOOKS)',
    auth: true,
    params: WebhookParams,
    query: WebhookDeliveriesQuery,
    response: z.object({ items: z.array(WebhookDelivery), nextCursor: Id.nullable() }),
  }),
  redeliverWebhookEvent: defineRoute({
    tag: 'webhooks',
    method: 'post',
    path: '/guilds/:guildId/webhooks/:webhookId/events/:eventId/redeliver',
    summary: 'Send an event again now, once, with the same webhook-id and body (MANAGE_WEBHOOKS)',
    auth: true,
    params: WebhookEventParams,
    status: 204,
    rateLimit: 'webhook',
    errors: { '409': 'CONFLICT: the webhook is disabled' },
  }),
} as const;
