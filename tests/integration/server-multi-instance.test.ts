import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueDbName } from '../support/env';
import {
  connectGateway,
  guildWithMember,
  nextEvent,
  registerUser,
  startTestServer,
  type TestServer,
  type TestUser,
} from './server-helpers';

describe('two server instances sharing MongoDB and Redis', () => {
  let a: TestServer;
  let b: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let guildId: string;
  let textId: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const db = uniqueDbName('parley_test_multi');
    a = await startTestServer({ MONGODB_DB: db });
    b = await startTestServer({ MONGODB_DB: db });
    alice = await registerUser(a.api, 'alice');
    bob = await registerUser(b.api, 'bob');
    ({ guildId, textId } = await guildWithMember({ api: a.api, user: alice }, { api: b.api, user: bob }, 'Multi'));
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await b?.server.stop();
    await a?.stop();
  });

  it('when a message is sent through instance B, then a client connected to instance A receives it', async () => {
    const onA = connectGateway(a.url, alice.token);
    sockets.push(onA);
    await nextEvent(onA, 'READY');
    const got = nextEvent(onA, 'MESSAGE_CREATE', (m: { content: string }) => m.content === 'from B');
    const sent = await b.api.post(`/channels/${textId}/messages`, { content: 'from B' }, bob.token);
    expect(sent.status).toBe(201);
    expect((await got).id).toBe(sent.body.id);
  });

  it('when a user connects to instance B, then members on instance A see them online, and offline after they leave', async () => {
    const onA = connectGateway(a.url, alice.token);
    sockets.push(onA);
    await nextEvent(onA, 'READY');
    const online = nextEvent(
      onA,
      'PRESENCE_UPDATE',
      (p: { userId: string; status: string }) => p.userId === bob.id && p.status === 'online',
    );
    const onB = connectGateway(b.url, bob.token);
    sockets.push(onB);
    const ready = await nextEvent(onB, 'READY');
    await online;
    // Bob's READY (built on B) lists Alice as online although her session lives on A.
    expect(ready.guilds[0].presences).toEqual(expect.arrayContaining([{ userId: alice.id, status: 'online' }]));
    const offline = nextEvent(
      onA,
      'PRESENCE_UPDATE',
      (p: { userId: string; status: string }) => p.userId === bob.id && p.status === 'offline',
    );
    onB.disconnect();
    await offline;
  });

  it('when a member joins through instance A, then their sockets on instance B start receiving guild events', async () => {
    const carol = await registerUser(a.api, 'carol');
    const onB = connectGateway(b.url, carol.token);
    sockets.push(onB);
    const ready = await nextEvent(onB, 'READY');
    expect(ready.guilds).toEqual([]);
    const created = nextEvent(onB, 'GUILD_CREATE', (g: { guild: { id: string } }) => g.guild.id === guildId);
    const invite = (await a.api.post(`/guilds/${guildId}/invites`, {}, alice.token)).body;
    expect((await a.api.post(`/invites/${invite.code}`, undefined, carol.token)).status).toBe(200);
    await created;
    const msg = nextEvent(onB, 'MESSAGE_CREATE', (m: { content: string }) => m.content === 'welcome carol');
    await a.api.post(`/channels/${textId}/messages`, { content: 'welcome carol' }, alice.token);
    await msg;
  });

  it('when a session is logged out through instance A, then its gateway on instance B closes saying so and instance B refuses its access token', async () => {
    const dave = await registerUser(a.api, 'dave');
    const other = await b.api.post('/auth/login', { username: dave.username, password: 'correct horse battery' });
    expect(other.status).toBe(200);
    // Instance B has checked (and cached) the other session before it is logged out.
    expect((await b.api.get('/users/@me', other.body.accessToken)).status).toBe(200);
    const onB = connectGateway(b.url, other.body.accessToken);
    sockets.push(onB);
    await nextEvent(onB, 'READY');
    const told = nextEvent(onB, 'SESSION_EXPIRED');
    expect((await a.api.del('/users/@me/sessions', dave.token)).status).toBe(204);
    expect(await told).toMatchObject({ code: 'SESSION_REVOKED' });
    await expect.poll(async () => (await b.api.get('/users/@me', other.body.accessToken)).status).toBe(401);
    expect((await b.api.get('/users/@me', dave.token)).status).toBe(200);
  });
});
