/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field */
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../server/src/clock';
import { collect, connectGateway, registerUser, startTestServer, type TestServer, type TestUser } from './server-helpers';

/**
 * Nothing acknowledged is lost when many people write at once (issue 13): every send that got a 2xx is in history
 * exactly once, in id order, and reachable by id; a nonce stores one message however many sends carry it.
 */
describe('message sends under concurrency, on the real MongoDB-wire server', () => {
  let t: TestServer;
  let senders: TestUser[];
  let guildId: string;
  let textId: string;
  const sockets: Socket[] = [];
  // The server's clock, which one test moves forward.
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

  beforeAll(async () => {
    t = await startTestServer({}, { clock });
    senders = [];
    for (let i = 0; i < 10; i++) senders.push(await registerUser(t.api, 'sender'));
    const [owner, ...members] = senders;
    guildId = (await t.api.post('/guilds', { name: 'Busy guild' }, owner!.token)).body.id;
    textId = (await t.api.get(`/guilds/${guildId}/channels`, owner!.token)).body.items.find((c: { type: string }) => c.type === 'text').id;
    const invite = (await t.api.post(`/guilds/${guildId}/invites`, {}, owner!.token)).body;
    for (const m of members) expect((await t.api.post(`/invites/${invite.code}`, undefined, m.token)).status).toBe(200);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  /** The channel's whole history of members' messages (not the join notices), newest first, paging back with `before`. */
  async function wholeHistory(token: string): Promise<any[]> {
    const all: any[] = [];
    let before: string | undefined;
    for (;;) {
      const res = await t.api.get(`/channels/${textId}/messages?limit=100${before ? `&before=${before}` : ''}`, token);
      expect(res.status).toBe(200);
      all.push(...res.body.items.filter((m: { type: string }) => m.type === 'default'));
      if (res.body.items.length < 100) return all;
      before = res.body.items.at(-1).id;
    }
  }

  async function burst(total: number, label: string): Promise<{ status: number; body: any }[]> {
    return Promise.all(
      Array.from({ length: total }, (_, i) => {
        const sender = senders[i % senders.length]!;
        return t.api.post(`/channels/${textId}/messages`, { content: `${label} ${i}` }, sender.token);
      }),
    );
  }

  // Races are a matter of timing: the small bursts run several rounds so that each round is another chance to lose one.
  for (const [total, rounds] of [
    [2, 20],
    [50, 2],
    [200, 1],
  ] as const) {
    it(`when ${total} messages are sent at once by 10 senders (${rounds}×), then every acknowledged one is in history exactly once, in id order`, async () => {
      const watcher = connectGateway(t.url, senders[0]!.token);
      sockets.push(watcher);
      await new Promise<void>((resolve) => watcher.once('READY', () => resolve()));
      const events = collect(watcher, 'MESSAGE_CREATE');
      const label = `burst${total}`;

      const acked: string[] = [];
      for (let round = 0; round < rounds; round++) {
        const results = await burst(total, `${label} r${round}`);
        for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(201);
        acked.push(...results.map((r) => r.body.id as string));
      }
      expect(new Set(acked).size).toBe(total * rounds);

      const history = (await wholeHistory(senders[1]!.token)).filter((m) => m.content.startsWith(`${label} `));
      const counts = new Map<string, number>();
      for (const m of history) counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
      for (const id of acked) expect(counts.get(id), `message ${id} in history`).toBe(1);
      expect(history).toHaveLength(total * rounds);
      // Newest first: ids strictly decreasing, and creation times agree with id order.
      for (let i = 1; i < history.length; i++) {
        expect(history[i].id < history[i - 1].id).toBe(true);
        expect(Date.parse(history[i].createdAt)).toBeLessThanOrEqual(Date.parse(history[i - 1].createdAt));
      }
      // Each is reachable by id, and each went out over the gateway once.
      for (const id of acked) expect((await t.api.get(`/channels/${textId}/messages/${id}`, senders[2]!.token)).status).toBe(200);
      await expect.poll(() => events.filter((e) => e.content.startsWith(`${label} `)).length).toBe(total * rounds);
      const announced = events.filter((e) => e.content.startsWith(`${label} `)).map((e) => e.id);
      expect(new Set(announced).size).toBe(total * rounds);
      watcher.disconnect();
    });
  }

  it('when 50 sends carry one nonce at once (5 rounds), then one message is stored per nonce, every answer is 2xx with its id, and it is announced once', async () => {
    const watcher = connectGateway(t.url, senders[0]!.token);
    sockets.push(watcher);
    await new Promise<void>((resolve) => watcher.once('READY', () => resolve()));
    const events = collect(watcher, 'MESSAGE_CREATE');

    for (let round = 0; round < 5; round++) {
      const nonce = `same-nonce-${round}`;
      const sender = senders[3]!;
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          t.api.post(`/channels/${textId}/messages`, { content: `only once ${round}`, nonce }, sender.token),
        ),
      );
      for (const r of results) expect([200, 201], JSON.stringify(r.body)).toContain(r.status);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      const stored = (await wholeHistory(sender.token)).filter((m) => m.nonce === nonce);
      expect(stored.map((m) => m.id)).toEqual([results[0]!.body.id]);
      // A later retry still gets the same message back, with 200.
      const retry = await t.api.post(`/channels/${textId}/messages`, { content: `only once ${round}`, nonce }, sender.token);
      expect(retry.status).toBe(200);
      expect(retry.body.id).toBe(results[0]!.body.id);
    }
    await expect.poll(() => events.filter((e) => e.nonce?.startsWith('same-nonce-')).length).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.filter((e) => e.nonce?.startsWith('same-nonce-'))).toHaveLength(5);
    watcher.disconnect();
  });

  it('when the message of a nonce was deleted, then a late retry with that nonce is refused instead of bringing it back', async () => {
    const sender = senders[4]!;
    const sent = await t.api.post(`/channels/${textId}/messages`, { content: 'regretted', nonce: 'deleted-nonce' }, sender.token);
    expect(sent.status).toBe(201);
    expect((await t.api.del(`/channels/${textId}/messages/${sent.body.id}`, sender.token)).status).toBe(204);
    offsetMs += 15_000;
    const retry = await t.api.post(`/channels/${textId}/messages`, { content: 'regretted', nonce: 'deleted-nonce' }, sender.token);
    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe('CONFLICT');
    expect((await t.api.get(`/channels/${textId}/messages/${sent.body.id}`, sender.token)).status).toBe(404);
  });
});
