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

describe('voice channel calls', () => {
  function callSetup() {
    const open = new Map<string, { callId: string; guildId: string; channelId: string; startedAt: Date }>();
    const sent: { type: string; body: string }[] = [];
    const repo = {
      openCall: async (c: { callId: string; guildId: string; channelId: string; startedAt: Date }) => {
        if (open.has(c.callId)) return false;
        open.set(c.callId, c);
        return true;
      },
      closeCall: async (id: string) => {
        const c = open.get(id) ?? null;
        open.delete(id);
        return c;
      },
      openCallIds: async (before: Date) => [...open.values()].filter((c) => c.startedAt < before).map((c) => c.callId),
      subscribers: async () => [{ id: HOOK }],
      insertEvent: async (e: { type: string; body: string }) => void sent.push(e),
    } as unknown as WebhooksRepo;
    const service = createWebhooksService({
      repo,
      guard: createUrlGuard({ requireHttps: false, allowPrivate: true }),
      clock: { now: () => new Date() },
      log: createLogger('silent'),
      queue: () => ({ enqueue: async () => undefined }) as unknown as DeliveryQueue,
      timeoutMs: 1_000,
      disableAfterFailures: 1,
    });
    return { service, sent };
  }

  it('when LiveKit stamps the end (whole seconds) before the start (milliseconds), then the call ends when it started, never earlier', async () => {
    const { service, sent } = callSetup();
    const started = new Date('2026-12-06T10:00:00.700Z');
    await service.voiceRoom({ kind: 'started', guildId: GUILD, channelId: EVENT, callId: 'RM_x', at: started });
    await service.voiceRoom({ kind: 'finished', callId: 'RM_x', at: new Date('2026-12-06T10:00:00.000Z') });
    const ended = JSON.parse(sent.find((e) => e.type === 'call.ended')!.body);
    expect(ended.data).toMatchObject({ startedAt: started.toISOString(), endedAt: started.toISOString(), durationMs: 0 });
  });

  it('when room_started and room_finished come twice, then each event is sent once; an end without a start sends nothing', async () => {
    const { service, sent } = callSetup();
    const at = new Date('2026-12-06T10:00:00.000Z');
    await service.voiceRoom({ kind: 'started', guildId: GUILD, channelId: EVENT, callId: 'RM_y', at });
    await service.voiceRoom({ kind: 'started', guildId: GUILD, channelId: EVENT, callId: 'RM_y', at });
    await service.voiceRoom({ kind: 'finished', callId: 'RM_y', at: new Date(at.getTime() + 65_000) });
    await service.voiceRoom({ kind: 'finished', callId: 'RM_y', at: new Date(at.getTime() + 66_000) });
    await service.voiceRoom({ kind: 'finished', callId: 'RM_never', at });
    expect(sent.map((e) => e.type)).toEqual(['call.started', 'call.ended']);
    expect(JSON.parse(sent[1]!.body).data.durationMs).toBe(65_000);
  });

  it('when a room is gone but its room_finished never came, then the sweep ends that call once, at the listing time; live and young calls stay', async () => {
    const { service, sent } = callSetup();
    const listedAt = new Date('2026-12-06T10:10:00.000Z');
    const minutesAgo = (m: number) => new Date(listedAt.getTime() - m * 60_000);
    for (const [callId, at] of [
      ['RM_gone', minutesAgo(5)],
      ['RM_live', minutesAgo(5)],
      ['RM_young', new Date(listedAt.getTime() - 10_000)],
    ] as const)
      await service.voiceRoom({ kind: 'started', guildId: GUILD, channelId: EVENT, callId, at });
    sent.length = 0;

    expect(await service.sweepCalls(new Set(['RM_live']), listedAt)).toBe(1);
    expect(sent.map((e) => JSON.parse(e.body).data)).toEqual([
      expect.objectContaining({ callId: 'RM_gone', endedAt: listedAt.toISOString(), durationMs: 5 * 60_000 }),
    ]);
    // Neither a second sweep nor a late room_finished sends it again; the live call still ends normally.
    expect(await service.sweepCalls(new Set(['RM_live']), listedAt)).toBe(0);
    await service.voiceRoom({ kind: 'finished', callId: 'RM_gone', at: listedAt });
    await service.voiceRoom({ kind: 'finished', callId: 'RM_live', at: listedAt });
    expect(sent.map((e) => JSON.parse(e.body).data.callId)).toEqual(['RM_gone', 'RM_live']);
  });
});
