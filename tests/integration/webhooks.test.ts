/* eslint-disable @typescript-eslint/no-explicit-any -- API bodies are checked field by field */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Permission } from '@shared/permissions/permissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait';
import { guildWithMember, registerUser, startTestServer, type TestServer, type TestUser } from './server-helpers';

/**
 * Outbound webhooks on the real stack (MongoDB-wire database, Redis with BullMQ), with a receiver on loopback:
 * a signed delivery arrives and its signature verifies with the documented scheme (checked here with node:crypto,
 * not with the server's code), a 500 is retried with growing delays until the attempts run out and the webhook is
 * disabled, a redelivery sends the same message again, a private target is refused where it is not allowed, and
 * only members with MANAGE_WEBHOOKS may manage webhooks.
 */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A loopback receiver: `/ok/*` answers 204, `/fail/*` answers 500; it keeps everything it was sent. */
function startReceiver(): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.statusCode = req.url?.startsWith('/fail/') ? 500 : 204;
      res.end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, received })),
  );
}

/** The Standard Webhooks check, written from the spec: HMAC-SHA256 keyed with the base64 after `whsec_`. */
function verifiesIndependently(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = `v1,${createHmac('sha256', key)
    .update(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${body}`)
    .digest('base64')}`;
  return String(headers['webhook-signature'])
    .split(' ')
    .some((sig) => sig.length === expected.length && timingSafeEqual(Buffer.from(sig), Buffer.from(expected)));
}

const BACKOFF_MS = 400;

const METRICS_TOKEN = 'webhooks-test-metrics-token-0123';

/** The server's Prometheus samples, `name{labels}` → value. */
async function scrapeMetrics(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

describe('outbound webhooks', () => {
  let t: TestServer;
  let strict: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: TestUser;
  let member: TestUser;
  let guildId: string;
  let textId: string;
  const base = () => `http://127.0.0.1:${receiver.port}`;

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestServer({
      METRICS_TOKEN,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_MAX_ATTEMPTS: '3',
      WEBHOOK_BACKOFF_BASE_MS: String(BACKOFF_MS),
      WEBHOOK_DISABLE_AFTER_FAILURES: '1',
    });
    strict = await startTestServer();
    owner = await registerUser(t.api, 'whowner');
    member = await registerUser(t.api, 'whmember');
    ({ guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Hooks'));
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    await strict?.stop();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it('when a member without MANAGE_WEBHOOKS manages webhooks, then 403; once a role grants it, they may', async () => {
    const body = { name: 'Theirs', url: `${base()}/ok/member`, events: ['message.created'] };
    expect((await t.api.get(`/guilds/${guildId}/webhooks`, member.token)).status).toBe(403);
    const refused = await t.api.post(`/guilds/${guildId}/webhooks`, body, member.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');

    const role = await t.api.post(
      `/guilds/${guildId}/roles`,
      { name: 'Integrations', permissions: Permission.MANAGE_WEBHOOKS },
      owner.token,
    );
    expect(role.status).toBe(201);
    expect((await t.api.put(`/guilds/${guildId}/members/${member.id}/roles/${role.body.id}`, undefined, owner.token)).status).toBe(204);
    const created = await t.api.post(`/guilds/${guildId}/webhooks`, body, member.token);
    expect(created.status).toBe(201);
    expect((await t.api.del(`/guilds/${guildId}/webhooks/${created.body.id}`, member.token)).status).toBe(204);
    // Both are in the audit log, by the member, without the secret.
    const audit = (await t.api.get(`/guilds/${guildId}/audit-log`, owner.token)).body.items as any[];
    const made = audit.find((e) => e.action === 'webhook.create' && e.targetId === created.body.id);
    expect(made).toMatchObject({ actorId: member.id, details: { name: 'Theirs', url: body.url } });
    expect(JSON.stringify(made)).not.toContain(created.body.secret);
    expect(audit.some((e) => e.action === 'webhook.delete' && e.targetId === created.body.id)).toBe(true);
    expect((await t.api.get(`/guilds/${guildId}/webhooks`, member.token)).body.items).toEqual([]);
  });

  it('when a message is sent and a member joins, then signed deliveries arrive that verify with the documented scheme, and the log shows them', async () => {
    const created = await t.api.post(
      `/guilds/${guildId}/webhooks`,
      { name: 'Receiver', url: `${base()}/ok/main`, events: ['message.created', 'member.joined'] },
      owner.token,
    );
    expect(created.status).toBe(201);
    const secret: string = created.body.secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    // The secret is shown once: lists never carry it.
    const listed = await t.api.get(`/guilds/${guildId}/webhooks`, owner.token);
    expect(listed.body.items.find((w: any) => w.id === created.body.id)).not.toHaveProperty('secret');

    const sent = await t.api.post(`/channels/${textId}/messages`, { content: 'hello hooks' }, owner.token);
    expect(sent.status).toBe(201);
    const joiner = await registerUser(t.api, 'whjoiner');
    const invite = (await t.api.post(`/guilds/${guildId}/invites`, {}, owner.token)).body;
    expect((await t.api.post(`/invites/${invite.code}`, undefined, joiner.token)).status).toBe(200);

    const mine = () => receiver.received.filter((r) => r.path === '/ok/main');
    // Three: the message, the join, and the join's "joined the server." system message in the system channel (also a
    // message.created, posted right after the join).
    await waitFor('three deliveries', async () => (mine().length >= 3 ? true : undefined), 15_000);
    const bodies = mine().map((r) => ({ r, body: JSON.parse(r.body) }));
    const message = bodies.find((b) => b.body.type === 'message.created' && b.body.data?.content === 'hello hooks')!.r;
    const welcome = bodies.find((b) => b.body.type === 'message.created' && b.body.data?.type === 'member_join');
    expect(welcome?.body.data).toMatchObject({ author: { id: joiner.id } });
    const payload = JSON.parse(message.body);
    expect(payload).toMatchObject({
      type: 'message.created',
      guildId,
      data: { id: sent.body.id, content: 'hello hooks', channelId: textId },
    });
    expect(message.headers['content-type']).toBe('application/json');
    expect(message.headers['webhook-id']).toMatch(/^[0-9a-f]{24}$/);
    expect(Math.abs(Number(message.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
    expect(verifiesIndependently(secret, message.headers, message.body)).toBe(true);
    // A changed byte, or another secret, does not verify.
    expect(verifiesIndependently(secret, message.headers, message.body.replace('hello', 'hellO'))).toBe(false);
    expect(verifiesIndependently(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, message.headers, message.body)).toBe(false);
    const joined = bodies.find((b) => b.body.type === 'member.joined')!.r;
    expect(JSON.parse(joined.body)).toMatchObject({ type: 'member.joined', data: { user: { id: joiner.id } } });
    expect(verifiesIndependently(secret, joined.headers, joined.body)).toBe(true);

    const log = await waitFor(
      'three log lines',
      async () => {
        const res = await t.api.get(`/guilds/${guildId}/webhooks/${created.body.id}/deliveries`, owner.token);
        return res.body.items.length >= 3 ? (res.body.items as any[]) : undefined;
      },
      10_000,
    );
    for (const line of log) expect(line).toMatchObject({ webhookId: created.body.id, attempt: 1, statusCode: 204, ok: true, error: null });
    expect(log.map((l) => l.eventId).sort()).toEqual(
      mine()
        .map((r) => String(r.headers['webhook-id']))
        .sort(),
    );

    // Redelivery: the same message id and body again, logged as attempt 2.
    const eventId = String(message.headers['webhook-id']);
    const again = await t.api.post(`/guilds/${guildId}/webhooks/${created.body.id}/events/${eventId}/redeliver`, undefined, owner.token);
    expect(again.status).toBe(204);
    const resent = await waitFor('the redelivery', async () => mine().filter((r) => r.headers['webhook-id'] === eventId)[1], 10_000);
    expect(resent.body).toBe(message.body);
    expect(verifiesIndependently(secret, resent.headers, resent.body)).toBe(true);
    await waitFor(
      'the redelivery in the log',
      async () => {
        const res = await t.api.get(`/guilds/${guildId}/webhooks/${created.body.id}/deliveries`, owner.token);
        return res.body.items.find((l: any) => l.eventId === eventId && l.attempt === 2);
      },
      10_000,
    );

    // After rotating, deliveries are signed with the new secret only.
    const rotated = await t.api.post(`/guilds/${guildId}/webhooks/${created.body.id}/rotate-secret`, undefined, owner.token);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);
    await t.api.post(`/channels/${textId}/messages`, { content: 'after rotation' }, owner.token);
    const afterRotation = await waitFor(
      'a delivery after rotation',
      async () => mine().find((r) => JSON.parse(r.body).data?.content === 'after rotation'),
      15_000,
    );
    expect(verifiesIndependently(rotated.body.secret, afterRotation.headers, afterRotation.body)).toBe(true);
    expect(verifiesIndependently(secret, afterRotation.headers, afterRotation.body)).toBe(false);
  });

  it('when the receiver answers 500, then the event is retried with growing delays until the attempts run out, and the webhook is disabled', async () => {
    const created = await t.api.post(
      `/guilds/${guildId}/webhooks`,
      { name: 'Broken', url: `${base()}/fail/one`, events: ['message.created'] },
      owner.token,
    );
    expect(created.status).toBe(201);
    await t.api.post(`/channels/${textId}/messages`, { content: 'retry me' }, owner.token);

    const log = await waitFor(
      'three failed attempts',
      async () => {
        const res = await t.api.get(`/guilds/${guildId}/webhooks/${created.body.id}/deliveries`, owner.token);
        return res.body.items.length >= 3 ? (res.body.items as any[]) : undefined;
      },
      30_000,
    );
    const attempts = [...log].reverse();
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // The metrics count the failed attempts, and the queue gauge reads the shared queue's states.
    const metrics = await scrapeMetrics(t.url);
    expect(metrics.get('parley_webhook_deliveries_total{outcome="retry"}') ?? 0).toBeGreaterThanOrEqual(2);
    for (const state of ['waiting', 'active', 'delayed', 'failed'])
      expect(metrics.has(`parley_webhook_queue_jobs{state="${state}"}`), state).toBe(true);
    for (const a of attempts) expect(a).toMatchObject({ statusCode: 500, ok: false });
    expect(new Set(attempts.map((a) => a.eventId)).size).toBe(1);
    const at = attempts.map((a) => Date.parse(a.at));
    // BullMQ waits at least base × 2^(n-1) before attempt n+1: the first gap is ≥ base, the second ≥ 2 × base.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(BACKOFF_MS);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(2 * BACKOFF_MS);
    // Every attempt carried the same webhook-id; the receiver saw exactly three.
    const seen = receiver.received.filter((r) => r.path === '/fail/one');
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((r) => r.headers['webhook-id'])).size).toBe(1);

    // WEBHOOK_DISABLE_AFTER_FAILURES=1: one event that failed every attempt turns the webhook off.
    const off = await waitFor(
      'the webhook disabled',
      async () => {
        const res = await t.api.get(`/guilds/${guildId}/webhooks`, owner.token);
        const w = res.body.items.find((x: any) => x.id === created.body.id);
        return w && !w.enabled ? w : undefined;
      },
      10_000,
    );
    expect(off).toMatchObject({ disabledReason: 'failures', consecutiveFailures: 1 });
    // Redelivering to a disabled webhook is refused until it is enabled again (which resets the count).
    const redeliver = await t.api.post(
      `/guilds/${guildId}/webhooks/${created.body.id}/events/${attempts[0].eventId}/redeliver`,
      undefined,
      owner.token,
    );
    expect(redeliver.status).toBe(409);
    const enabled = await t.api.patch(`/guilds/${guildId}/webhooks/${created.body.id}`, { enabled: true }, owner.token);
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
  });

  it('when private targets are not allowed, then loopback, private, link-local, CGNAT and IPv4-mapped URLs are refused with 400 WEBHOOK_URL_REFUSED', async () => {
    const o = await registerUser(strict.api, 'whstrict');
    const g = (await strict.api.post('/guilds', { name: 'Strict' }, o.token)).body.id as string;
    for (const url of [
      `${base()}/ok/x`,
      'http://localhost:8080/',
      'http://10.1.2.3/',
      'http://192.168.1.10/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[fe80::1]/',
      'http://0.0.0.0/',
    ]) {
      const res = await strict.api.post(`/guilds/${g}/webhooks`, { name: 'Inside', url, events: ['message.created'] }, o.token);
      expect(res.status, url).toBe(400);
      expect(res.body.error.code, url).toBe('WEBHOOK_URL_REFUSED');
    }
    expect((await strict.api.get(`/guilds/${g}/webhooks`, o.token)).body.items).toEqual([]);
  });

  it('when the server runs without Redis, then the webhook routes answer 503 WEBHOOKS_DISABLED', async () => {
    const bare = await startTestServer({ REDIS_URL: '' });
    try {
      const o = await registerUser(bare.api, 'whbare');
      const g = (await bare.api.post('/guilds', { name: 'No Redis' }, o.token)).body.id as string;
      const listed = await bare.api.get(`/guilds/${g}/webhooks`, o.token);
      expect(listed.status).toBe(503);
      expect(listed.body.error.code).toBe('WEBHOOKS_DISABLED');
      const created = await bare.api.post(
        `/guilds/${g}/webhooks`,
        { name: 'x', url: 'https://93.184.216.34/', events: ['message.created'] },
        o.token,
      );
      expect(created.status).toBe(503);
    } finally {
      await bare.stop();
    }
  });
});
