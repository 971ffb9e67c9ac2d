import { describe, expect, it } from 'vitest';
import { createLogger } from '../../logger';
import { createUrlGuard } from './url-guard';
import type { DeliveryQueue } from './webhooks.queue';
import type { DeliveryRecord, WebhookEventRecord, WebhookRecord, WebhooksRepo } from './webhooks.repo';
import { createWebhooksService } from './webhooks.service';

const GUILD = 'a'.repeat(24);
const HOOK = 'b'.repeat(24);
const EVENT = 'c'.repeat(24);
const USER = 'd'.repeat(24);

/** Just enough of the repository for one delivery, in memory. */
function fakeRepo(hook: WebhookRecord, event: WebhookEventRecord) {
  const deliveries: DeliveryRecord[] = [];
  const repo = {
    byId: async (id: string) => (id === hook.id ? hook : null),
    getEvent: async (_w: string, id: string) => (id === event.id ? event : null),
    attemptsOf: async () => deliveries.length,
    insertDelivery: async (d: DeliveryRecord) => void deliveries.push(d),
    resetFailures: async () => void (hook.consecutiveFailures = 0),
    recordEventFailure: async () => ++hook.consecutiveFailures,
    update: async (_g: string, _id: string, set: Partial<WebhookRecord>) => Object.assign(hook, set),
  } as unknown as WebhooksRepo;
  return { repo, deliveries };
}

function setup(url: string) {
  const hook: WebhookRecord = {
    id: HOOK,
    guildId: GUILD,
    name: 'h',
    url,
    events: ['message.created'],
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    enabled: true,
    disabledReason: null,
    consecutiveFailures: 0,
    createdBy: USER,
    createdAt: new Date(0),
  };
  const event: WebhookEventRecord = {
    id: EVENT,
    webhookId: HOOK,
    guildId: GUILD,
    type: 'message.created',
    body: '{}',
    createdAt: new Date(0),
  };
  const { repo, deliveries } = fakeRepo(hook, event);
  // The name resolved to a public address when the webhook was saved; now it resolves inside (DNS rebinding).
  const guard = createUrlGuard({ requireHttps: false, allowPrivate: false, resolve: async () => [{ address: '10.0.0.7', family: 4 }] });
  const service = createWebhooksService({
    repo,
    guard,
    clock: { now: () => new Date() },
    log: createLogger('silent'),
    queue: () => ({}) as DeliveryQueue,
    timeoutMs: 1_000,
    disableAfterFailures: 1,
  });
  return { service, hook, deliveries };
}

describe('webhook delivery', () => {
  it('when the name now resolves to a private address, then the attempt is refused without a request, logged, not retried, and counts as a failed event', async () => {
    const { service, hook, deliveries } = setup('https://hooks.example.com/in');
    const outcome = await service.deliver({ webhookId: HOOK, eventId: EVENT, manual: false }, { final: false });
    expect(outcome).toBe('refused');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ attempt: 1, statusCode: null, ok: false });
    expect(deliveries[0]!.error).toMatch(/^REFUSED_ADDRESS/);
    // WEBHOOK_DISABLE_AFTER_FAILURES=1 here: the refused event turns the webhook off.
    expect(hook).toMatchObject({ enabled: false, disabledReason: 'failures', consecutiveFailures: 1 });
  });

  it('when the webhook was disabled meanwhile, then a queued retry is dropped without a request or a log line', async () => {
    const { service, hook, deliveries } = setup('https://hooks.example.com/in');
    hook.enabled = false;
    expect(await service.deliver({ webhookId: HOOK, eventId: EVENT, manual: false }, { final: false })).toBe('skipped');
    expect(deliveries).toEqual([]);
  });
});
