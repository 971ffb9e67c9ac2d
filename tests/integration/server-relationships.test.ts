/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field */
import { ReadyEvent, ServerEvents } from '@shared/api/gateway';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/src/clock';
import { createLogger } from '../../server/src/logger';
import { canContact, type ContactDeps } from '../../server/src/modules/relationships/contact';
import type { RelationshipsRepo } from '../../server/src/modules/relationships/relationships.repo';
import { createRelationshipsService } from '../../server/src/modules/relationships/relationships.service';
import {
  collect,
  connectGateway,
  guildWithMember,
  nextEvent,
  registerUser,
  startTestServer,
  type TestServer,
  type TestUser,
} from './server-helpers';

/**
 * Friends, friend requests and blocks (issue 16 item 1) on the real stack: each change reaches both users' sessions,
 * a block refuses requests without saying so, concurrent mutual requests end as one friendship, and `canContact`
 * (which DMs and calls will use) follows blocks and the privacy setting.
 */
describe('relationships', () => {
  let t: TestServer;
  const sockets: Socket[] = [];

  const session = async (user: TestUser) => {
    const s = connectGateway(t.url, user.token);
    sockets.push(s);
    await nextEvent(s, 'READY');
    return s;
  };
  const ask = (from: TestUser, body: unknown) => t.api.post('/users/@me/relationships', body, from.token);
  const accept = (me: TestUser, other: TestUser) => t.api.post(`/users/@me/relationships/${other.id}/accept`, undefined, me.token);
  const remove = (me: TestUser, other: TestUser) => t.api.del(`/users/@me/relationships/${other.id}`, me.token);
  const block = (me: TestUser, other: TestUser) => t.api.put(`/users/@me/blocks/${other.id}`, undefined, me.token);
  const unblock = (me: TestUser, other: TestUser) => t.api.del(`/users/@me/blocks/${other.id}`, me.token);
  const list = async (me: TestUser) => {
    const res = await t.api.get('/users/@me/relationships', me.token);
    expect(res.status).toBe(200);
    return (res.body.items as any[]).map((r) => ({ id: r.user.id as string, type: r.type as string }));
  };
  const addOrRemove = (socket: Socket, userId: string, type: string | null) =>
    type === null
      ? nextEvent(socket, 'RELATIONSHIP_REMOVE', (p) => p.userId === userId)
      : nextEvent(socket, 'RELATIONSHIP_ADD', (p) => p.user.id === userId && p.type === type);
  const befriend = async (a: TestUser, b: TestUser) => {
    expect((await ask(a, { userId: b.id })).status).toBe(200);
    expect((await accept(b, a)).body.type).toBe('friend');
  };
  const docsOf = (userId: string) =>
    t.server.database.db
      .collection('relationships')
      .find({ $or: [{ from: userId }, { to: userId }] })
      .toArray();

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  it('when A asks B by username and B accepts, then both list each other as friends and both sessions of each hear every step', async () => {
    const a = await registerUser(t.api, 'relA');
    const b = await registerUser(t.api, 'relB');
    const [a1, a2, b1, b2] = await Promise.all([session(a), session(a), session(b), session(b)]);

    const heard = [
      addOrRemove(a1, b.id, 'outgoing'),
      addOrRemove(a2, b.id, 'outgoing'),
      addOrRemove(b1, a.id, 'incoming'),
      addOrRemove(b2, a.id, 'incoming'),
    ];
    const sent = await ask(a, { username: b.username.toUpperCase() });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ type: 'outgoing', user: { id: b.id, username: b.username } });
    for (const p of await Promise.all(heard)) expect(() => ServerEvents.RELATIONSHIP_ADD.parse(p)).not.toThrow();
    expect(await list(a)).toEqual([{ id: b.id, type: 'outgoing' }]);
    expect(await list(b)).toEqual([{ id: a.id, type: 'incoming' }]);

    const friends = [
      addOrRemove(a1, b.id, 'friend'),
      addOrRemove(a2, b.id, 'friend'),
      addOrRemove(b1, a.id, 'friend'),
      addOrRemove(b2, a.id, 'friend'),
    ];
    const accepted = await accept(b, a);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ type: 'friend', user: { id: a.id } });
    await Promise.all(friends);
    expect(await list(a)).toEqual([{ id: b.id, type: 'friend' }]);
    expect(await list(b)).toEqual([{ id: a.id, type: 'friend' }]);

    // Asking a friend again, or accepting twice, changes nothing.
    expect((await ask(a, { userId: b.id })).body.type).toBe('friend');
    expect((await accept(b, a)).body.type).toBe('friend');
    expect(await docsOf(a.id)).toHaveLength(2);
  });

  it('when a session connects, then READY carries its relationships, as the list route has them, and its privacy settings', async () => {
    const a = await registerUser(t.api, 'readyA');
    const b = await registerUser(t.api, 'readyB');
    const c = await registerUser(t.api, 'readyC');
    await befriend(a, b);
    await block(a, c);
    await t.api.put('/users/@me/privacy-settings', { dmsAndCallsFrom: 'friends' }, a.token);
    const s = connectGateway(t.url, a.token);
    sockets.push(s);
    const ready = ReadyEvent.parse(await nextEvent(s, 'READY'));
    expect(ready.relationships).toEqual((await t.api.get('/users/@me/relationships', a.token)).body.items);
    expect(ready.relationships?.map((r) => [r.user.id, r.type]).sort()).toEqual(
      [
        [b.id, 'friend'],
        [c.id, 'blocked'],
      ].sort(),
    );
    expect(ready.privacySettings).toEqual({ dmsAndCallsFrom: 'friends' });
  });

  it('when B declines, or A cancels, then the request is gone for both and both hear RELATIONSHIP_REMOVE', async () => {
    const a = await registerUser(t.api, 'relA');
    const b = await registerUser(t.api, 'relB');
    const [sa, sb] = await Promise.all([session(a), session(b)]);

    expect((await ask(a, { userId: b.id })).body.type).toBe('outgoing');
    let gone = [addOrRemove(sa, b.id, null), addOrRemove(sb, a.id, null)];
    expect((await remove(b, a)).status).toBe(204);
    for (const p of await Promise.all(gone)) expect(() => ServerEvents.RELATIONSHIP_REMOVE.parse(p)).not.toThrow();
    expect(await list(a)).toEqual([]);
    expect(await list(b)).toEqual([]);
    // Declined: nothing is left to accept.
    const late = await accept(b, a);
    expect(late.status).toBe(404);
    expect(late.body.error.code).toBe('NOT_FOUND');

    expect((await ask(a, { userId: b.id })).body.type).toBe('outgoing');
    gone = [addOrRemove(sa, b.id, null), addOrRemove(sb, a.id, null)];
    expect((await remove(a, b)).status).toBe(204);
    await Promise.all(gone);
    expect(await list(b)).toEqual([]);
    // Cancelled: B's stale "Accept" does not turn into a request of B's.
    expect((await accept(b, a)).status).toBe(404);
    expect(await list(a)).toEqual([]);
    expect(await docsOf(a.id)).toEqual([]);
    const again = await remove(a, b);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('NOT_FOUND');
  });

  it('when A blocks a friend, then the friendship ends, B cannot ask again (without learning why), and unblocking brings nothing back', async () => {
    const a = await registerUser(t.api, 'relA');
    const b = await registerUser(t.api, 'relB');
    await befriend(a, b);
    const [sa, sb] = await Promise.all([session(a), session(b)]);

    const heard = [addOrRemove(sa, b.id, 'blocked'), addOrRemove(sb, a.id, null)];
    const blocked = await block(a, b);
    expect(blocked.status).toBe(200);
    expect(blocked.body).toMatchObject({ type: 'blocked', user: { id: b.id } });
    await Promise.all(heard);
    expect(await list(a)).toEqual([{ id: b.id, type: 'blocked' }]);
    expect(await list(b)).toEqual([]);
    expect((await docsOf(a.id)).map((d) => d._id)).toEqual([`block:${a.id}:${b.id}`]);
    expect((await block(a, b)).body.type).toBe('blocked');

    const refused = await ask(b, { username: a.username });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect(refused.body.error.message).not.toMatch(/block/i);
    expect((await ask(b, { userId: a.id })).status).toBe(403);
    expect((await ask(a, { userId: b.id })).status).toBe(403);
    expect(await list(a)).toEqual([{ id: b.id, type: 'blocked' }]);
    expect(await list(b)).toEqual([]);

    const lifted = addOrRemove(sa, b.id, null);
    expect((await unblock(a, b)).status).toBe(204);
    await lifted;
    expect(await list(a)).toEqual([]);
    expect(await list(b)).toEqual([]);
    const twice = await unblock(a, b);
    expect(twice.status).toBe(404);
    expect(twice.body.error.code).toBe('NOT_FOUND');
    expect((await ask(b, { userId: a.id })).body.type).toBe('outgoing');
  });

  it('when someone blocks a stranger, then the stranger hears nothing of it', async () => {
    const a = await registerUser(t.api, 'relA');
    const b = await registerUser(t.api, 'relB');
    const c = await registerUser(t.api, 'relC');
    const sa = await session(a);
    const added = collect(sa, 'RELATIONSHIP_ADD');
    const removed = collect(sa, 'RELATIONSHIP_REMOVE');
    expect((await block(b, a)).status).toBe(200);
    // A marker: A's own request to C reaches A after anything the block could have sent A.
    const marker = addOrRemove(sa, c.id, 'outgoing');
    await ask(a, { userId: c.id });
    await marker;
    expect(added.map((p) => p.user.id)).toEqual([c.id]);
    expect(removed).toEqual([]);
  });

  it('when B blocks A while A is asking, then the block wins: no request survives, in any order', async () => {
    for (let round = 0; round < 4; round++) {
      const a = await registerUser(t.api, 'raceA');
      const b = await registerUser(t.api, 'raceB');
      const [asked, blocked] = await Promise.all([ask(a, { userId: b.id }), block(b, a)]);
      expect([200, 403]).toContain(asked.status);
      expect(blocked.status).toBe(200);
      expect(await list(b)).toEqual([{ id: a.id, type: 'blocked' }]);
      expect(await list(a)).toEqual([]);
      expect((await docsOf(a.id)).map((d) => d._id)).toEqual([`block:${b.id}:${a.id}`]);
    }
  });

  /**
   * The service on the server's own repository and gateway, with `before(kind)` run just before each insert of that
   * kind: a deterministic way to land another change between a check and its write.
   */
  function gatedService(
    before: Partial<Record<'friend' | 'block', () => Promise<unknown>>>,
    afterPairRead?: { call: number; run: () => Promise<unknown> },
  ) {
    const repo = t.server.repos.relationships;
    const pending = { ...before };
    let pairReads = 0;
    const gated: RelationshipsRepo = {
      ...repo,
      async insert(kind, from, to, now) {
        const hook = pending[kind];
        delete pending[kind];
        await hook?.();
        return repo.insert(kind, from, to, now);
      },
      async pair(me, other) {
        const read = await repo.pair(me, other);
        if (++pairReads === afterPairRead?.call) await afterPairRead.run();
        return read;
      },
    };
    const deps = { users: t.server.repos.users, gateway: t.server.gateway.publisher, clock: systemClock, log: createLogger('silent') };
    return createRelationshipsService({ repo: gated, ...deps });
  }

  it("when a block lands between a request's check and its insert, or a request lands before a block, then only the block remains", async () => {
    const a = await registerUser(t.api, 'gateA');
    const b = await registerUser(t.api, 'gateB');
    // B blocks A after A's request passed its block check, before A's document is written.
    const late = gatedService({ friend: () => block(b, a) });
    await expect(late.request(a.id, { userId: b.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await docsOf(a.id)).map((d) => d._id)).toEqual([`block:${b.id}:${a.id}`]);
    expect(await list(a)).toEqual([]);

    const c = await registerUser(t.api, 'gateC');
    // C's request is written after D read the pair and before D's block is: the block still removes it.
    const d = await registerUser(t.api, 'gateD');
    const early = gatedService({ block: () => ask(c, { userId: d.id }) });
    expect((await early.block(d.id, c.id)).type).toBe('blocked');
    expect((await docsOf(c.id)).map((x) => x._id)).toEqual([`block:${d.id}:${c.id}`]);
    expect(await list(d)).toEqual([{ id: c.id, type: 'blocked' }]);
    expect(await list(c)).toEqual([]);
  });

  it("when the requester cancels between an accept's check and its insert, then the accept answers 404 and sends no request back", async () => {
    const a = await registerUser(t.api, 'gateA');
    const b = await registerUser(t.api, 'gateB');
    expect((await ask(a, { userId: b.id })).body.type).toBe('outgoing');
    const service = gatedService({ friend: () => remove(a, b) });
    await expect(service.accept(b.id, a.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await docsOf(a.id)).toEqual([]);
    expect(await list(a)).toEqual([]);
    expect(await list(b)).toEqual([]);
  });

  it('when the other user asks back and publishes first while a request is announcing, then every session still ends on friend', async () => {
    const a = await registerUser(t.api, 'lastA');
    const b = await registerUser(t.api, 'lastB');
    const [markA, markB] = [await registerUser(t.api, 'markA'), await registerUser(t.api, 'markB')];
    const [sa, sb] = await Promise.all([session(a), session(b)]);
    const heardA = collect(sa, 'RELATIONSHIP_ADD');
    const heardB = collect(sb, 'RELATIONSHIP_ADD');
    // A's request reads the pair after its insert (outgoing); before it publishes that, B asks back and publishes friend.
    const service = gatedService({}, { call: 2, run: () => ask(b, { userId: a.id }) });
    expect((await service.request(a.id, { userId: b.id })).type).toBe('outgoing');
    // Markers: events reach a socket in the order they were sent.
    const marked = [addOrRemove(sa, markA.id, 'outgoing'), addOrRemove(sb, markB.id, 'outgoing')];
    await ask(a, { userId: markA.id });
    await ask(b, { userId: markB.id });
    await Promise.all(marked);
    const last = (heard: any[], id: string) => heard.filter((p) => p.user.id === id).at(-1)?.type;
    expect(last(heardA, b.id)).toBe('friend');
    expect(last(heardB, a.id)).toBe('friend');
    expect(await list(a)).toContainEqual({ id: b.id, type: 'friend' });
  });

  it('when two users ask each other at the same moment, then they end as one friendship, every round', async () => {
    for (let round = 0; round < 6; round++) {
      const a = await registerUser(t.api, 'mutualA');
      const b = await registerUser(t.api, 'mutualB');
      const [ab, ba] = await Promise.all([ask(a, { userId: b.id }), ask(b, { username: a.username })]);
      expect([ab.status, ba.status]).toEqual([200, 200]);
      // At least the later of the two saw the other's request.
      expect([ab.body.type, ba.body.type]).toContain('friend');
      expect(await list(a)).toEqual([{ id: b.id, type: 'friend' }]);
      expect(await list(b)).toEqual([{ id: a.id, type: 'friend' }]);
      expect((await docsOf(a.id)).map((d) => d._id).sort()).toEqual([`friend:${a.id}:${b.id}`, `friend:${b.id}:${a.id}`].sort());
    }
  });

  it('canContact: a guild co-member may reach a user whose privacy allows guild members, not one who allows friends only; a friend may; a block refuses both ways', async () => {
    const owner = await registerUser(t.api, 'ctOwner');
    const member = await registerUser(t.api, 'ctMember');
    const stranger = await registerUser(t.api, 'ctStranger');
    await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Contact');
    const deps: ContactDeps = { relationships: t.server.repos.relationships, users: t.server.repos.users, guilds: t.server.repos.guilds };
    const check = (from: TestUser, to: TestUser) => canContact(deps, from.id, to.id);

    expect((await t.api.get('/users/@me/privacy-settings', member.token)).body).toEqual({ dmsAndCallsFrom: 'friends-and-guild-members' });
    expect(await check(owner, member)).toEqual({ allowed: true, via: 'guild' });
    expect(await check(stranger, member)).toEqual({ allowed: false, reason: 'privacy' });
    expect(await check(member, member)).toEqual({ allowed: false, reason: 'self' });

    const other = await session(member);
    const update = nextEvent(other, 'PRIVACY_SETTINGS_UPDATE', (p) => p.dmsAndCallsFrom === 'friends');
    const set = await t.api.put('/users/@me/privacy-settings', { dmsAndCallsFrom: 'friends' }, member.token);
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ dmsAndCallsFrom: 'friends' });
    expect(ServerEvents.PRIVACY_SETTINGS_UPDATE.parse(await update)).toEqual({ dmsAndCallsFrom: 'friends' });
    expect((await t.api.get('/users/@me/privacy-settings', member.token)).body).toEqual({ dmsAndCallsFrom: 'friends' });
    expect(await check(owner, member)).toEqual({ allowed: false, reason: 'privacy' });
    // The recipient's setting decides: the owner still allows guild members.
    expect(await check(member, owner)).toEqual({ allowed: true, via: 'guild' });

    await befriend(owner, member);
    expect(await check(owner, member)).toEqual({ allowed: true, via: 'friend' });

    expect((await block(member, owner)).status).toBe(200);
    expect(await check(owner, member)).toEqual({ allowed: false, reason: 'blocked' });
    expect(await check(member, owner)).toEqual({ allowed: false, reason: 'blocked' });

    expect((await unblock(member, owner)).status).toBe(204);
    expect(await check(owner, member)).toEqual({ allowed: false, reason: 'privacy' });
    await t.api.put('/users/@me/privacy-settings', { dmsAndCallsFrom: 'friends-and-guild-members' }, member.token);
    expect(await check(owner, member)).toEqual({ allowed: true, via: 'guild' });
    expect(await check(stranger, member)).toEqual({ allowed: false, reason: 'privacy' });
  });

  it('when a user deletes their account, then every friendship, request and block with it ends, and only those who could see one hear of it', async () => {
    const gone = await registerUser(t.api, 'delGone');
    const friend = await registerUser(t.api, 'delFriend');
    const asker = await registerUser(t.api, 'delAsker');
    const blocker = await registerUser(t.api, 'delBlocker');
    const blocked = await registerUser(t.api, 'delBlocked');
    await befriend(gone, friend);
    expect((await ask(asker, { userId: gone.id })).status).toBe(200);
    expect((await block(blocker, gone)).status).toBe(200);
    expect((await block(gone, blocked)).status).toBe(200);
    const [friendS, askerS, blockerS, blockedS] = await Promise.all([session(friend), session(asker), session(blocker), session(blocked)]);
    const heardByBlocked = collect(blockedS, 'RELATIONSHIP_REMOVE');
    const heard = [friendS, askerS, blockerS].map((s) => addOrRemove(s, gone.id, null));

    const res = await t.api.request('delete', '/users/@me', { token: gone.token, body: { password: 'correct horse battery' } });
    expect(res.status).toBe(204);
    await Promise.all(heard);
    expect(await docsOf(gone.id)).toEqual([]);
    for (const u of [friend, asker, blocker, blocked]) expect(await list(u)).toEqual([]);
    // The blocked user never saw the block, so its end is not news to them either.
    await new Promise((r) => setTimeout(r, 300));
    expect(heardByBlocked.filter((p: any) => p.userId === gone.id)).toEqual([]);
  });

  it('when the input is bad, then 4xx with its code and nothing is stored', async () => {
    const a = await registerUser(t.api, 'badA');
    const b = await registerUser(t.api, 'badB');
    const cases: [Promise<any>, number, string][] = [
      [ask(a, { username: 'nobody_here_at_all' }), 404, 'NOT_FOUND'],
      [ask(a, { userId: 'f'.repeat(24) }), 404, 'NOT_FOUND'],
      [ask(a, { username: a.username }), 400, 'VALIDATION_FAILED'],
      [ask(a, { userId: a.id }), 400, 'VALIDATION_FAILED'],
      [ask(a, { username: b.username, userId: b.id }), 400, 'VALIDATION_FAILED'],
      [ask(a, {}), 400, 'VALIDATION_FAILED'],
      [ask(a, { username: 'a b' }), 400, 'VALIDATION_FAILED'],
      [t.api.post('/users/@me/relationships/not-an-id/accept', undefined, a.token), 400, 'VALIDATION_FAILED'],
      [accept(a, b), 404, 'NOT_FOUND'],
      [accept(a, a), 400, 'VALIDATION_FAILED'],
      [remove(a, b), 404, 'NOT_FOUND'],
      [t.api.put(`/users/@me/blocks/${'f'.repeat(24)}`, undefined, a.token), 404, 'NOT_FOUND'],
      [block(a, a), 400, 'VALIDATION_FAILED'],
      [unblock(a, b), 404, 'NOT_FOUND'],
      [t.api.put('/users/@me/privacy-settings', { dmsAndCallsFrom: 'everyone' }, a.token), 400, 'VALIDATION_FAILED'],
      [t.api.put('/users/@me/privacy-settings', { dmsAndCallsFrom: 'friends', extra: 1 }, a.token), 400, 'VALIDATION_FAILED'],
      [t.api.get('/users/@me/relationships'), 401, 'UNAUTHENTICATED'],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    }
    expect(await docsOf(a.id)).toEqual([]);
    expect((await t.api.get('/users/@me/privacy-settings', a.token)).body).toEqual({ dmsAndCallsFrom: 'friends-and-guild-members' });
  });
});
