/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are checked field by field */
import { ObjectId } from 'mongodb';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectGateway,
  guildWithMember,
  nextEvent,
  registerUser,
  startTestServer,
  type TestServer,
  type TestUser,
} from './server-helpers';

/**
 * Bot accounts and personal API tokens on the real stack: a bot's token sends a message that a member receives over the
 * gateway, a reset or revoked token is refused at once (REST 401, its gateway connection closed), a personal token
 * reaches only the routes its scopes name, an expired one is refused, and only the owner manages a bot while adding one
 * to a guild takes MANAGE_GUILD there.
 */
describe('bots and API tokens', () => {
  let t: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let stranger: TestUser;
  let guildId: string;
  let textId: string;
  const sockets: Socket[] = [];
  const gateway = (token: string) => {
    const s = connectGateway(t.url, token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    t = await startTestServer();
    owner = await registerUser(t.api, 'botowner');
    member = await registerUser(t.api, 'botmember');
    stranger = await registerUser(t.api, 'botstranger');
    ({ guildId, textId } = await guildWithMember({ api: t.api, user: owner }, { api: t.api, user: member }, 'Bots'));
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  async function createBot(name: string, by: TestUser = owner): Promise<{ bot: any; token: string }> {
    const res = await t.api.post('/users/@me/bots', { name }, by.token);
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^pbt_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/);
    return res.body;
  }

  it('when a bot added to a guild sends a message with its token, then a member receives it over the gateway, tagged as a bot', async () => {
    const { bot, token } = await createBot('Helper');
    expect((await t.api.put(`/guilds/${guildId}/bots/${bot.id}`, undefined, owner.token)).status).toBe(204);

    const me = await t.api.get('/users/@me', token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: bot.id, bot: true, displayName: 'Helper' });

    const memberSocket = gateway(member.token);
    await nextEvent(memberSocket, 'READY');
    const arrived = nextEvent(memberSocket, 'MESSAGE_CREATE', (m) => m.content === 'beep from a bot');
    const sent = await t.api.post(`/channels/${textId}/messages`, { content: 'beep from a bot' }, token);
    expect(sent.status).toBe(201);
    const message = await arrived;
    expect(message.author).toMatchObject({ id: bot.id, bot: true });

    const members = await t.api.get(`/guilds/${guildId}/members`, owner.token);
    expect(members.body.items.find((m: any) => m.user.id === bot.id)?.user.bot).toBe(true);
    const audit = await t.api.get(`/guilds/${guildId}/audit-log?action=bot.add`, owner.token);
    expect(audit.body.items[0]).toMatchObject({ action: 'bot.add', actorId: owner.id, targetId: bot.id });
    // It is a member like any other: it gets roles.
    const role = await t.api.post(`/guilds/${guildId}/roles`, { name: 'bots' }, owner.token);
    expect((await t.api.put(`/guilds/${guildId}/members/${bot.id}/roles/${role.body.id}`, undefined, owner.token)).status).toBe(204);
  });

  it('when a bot token is reset or the bot deleted, then the old token is refused at once on REST and its gateway connection closes', async () => {
    const { bot, token } = await createBot('Revokee');
    await t.api.put(`/guilds/${guildId}/bots/${bot.id}`, undefined, owner.token);
    const botSocket = gateway(token);
    await nextEvent(botSocket, 'READY');
    const expired = nextEvent(botSocket, 'SESSION_EXPIRED');
    const closed = new Promise<void>((resolve) => botSocket.on('disconnect', () => resolve()));

    const reset = await t.api.post(`/users/@me/bots/${bot.id}/token`, undefined, owner.token);
    expect(reset.status).toBe(200);
    expect((await expired).code).toBe('SESSION_REVOKED');
    await closed;
    expect((await t.api.get('/users/@me', token)).status).toBe(401);
    expect((await t.api.post(`/channels/${textId}/messages`, { content: 'old token' }, token)).status).toBe(401);
    const refused = connectGateway(t.url, token);
    sockets.push(refused);
    const error = await new Promise<any>((resolve) => refused.on('connect_error', resolve));
    expect(error.data?.code).toBe('UNAUTHENTICATED');

    const fresh: string = reset.body.token;
    expect((await t.api.get('/users/@me', fresh)).status).toBe(200);
    const freshSocket = gateway(fresh);
    await nextEvent(freshSocket, 'READY');
    const freshClosed = new Promise<void>((resolve) => freshSocket.on('disconnect', () => resolve()));
    expect((await t.api.del(`/users/@me/bots/${bot.id}`, owner.token)).status).toBe(204);
    await freshClosed;
    expect((await t.api.get('/users/@me', fresh)).status).toBe(401);
    const members = await t.api.get(`/guilds/${guildId}/members`, owner.token);
    expect(members.body.items.some((m: any) => m.user.id === bot.id)).toBe(false);
    expect((await t.api.get('/users/@me/bots', owner.token)).body.items.some((b: any) => b.id === bot.id)).toBe(false);
  });

  it('when someone other than the owner manages a bot, then it is not found for them', async () => {
    const { bot } = await createBot('Mine');
    expect((await t.api.patch(`/users/@me/bots/${bot.id}`, { name: 'Theirs' }, stranger.token)).status).toBe(404);
    expect((await t.api.post(`/users/@me/bots/${bot.id}/token`, undefined, stranger.token)).status).toBe(404);
    expect((await t.api.del(`/users/@me/bots/${bot.id}`, stranger.token)).status).toBe(404);
    expect((await t.api.get('/users/@me/bots', stranger.token)).body.items).toEqual([]);
    const renamed = await t.api.patch(`/users/@me/bots/${bot.id}`, { name: 'Renamed' }, owner.token);
    expect(renamed.body).toMatchObject({ id: bot.id, displayName: 'Renamed' });
  });

  it('when adding a bot, then MANAGE_GUILD in that guild is needed, and only its owner adds it', async () => {
    const { bot } = await createBot('Member-made', member);
    // The member owns the bot but lacks MANAGE_GUILD in the owner's guild.
    expect((await t.api.put(`/guilds/${guildId}/bots/${bot.id}`, undefined, member.token)).status).toBe(403);
    // The guild owner has MANAGE_GUILD but does not own this bot.
    expect((await t.api.put(`/guilds/${guildId}/bots/${bot.id}`, undefined, owner.token)).status).toBe(404);
    const members = await t.api.get(`/guilds/${guildId}/members`, owner.token);
    expect(members.body.items.some((m: any) => m.user.id === bot.id)).toBe(false);
  });

  it('when a bot token calls account routes, then it gets 403 MISSING_SCOPE; a bot cannot log in with a password', async () => {
    const { bot, token } = await createBot('Limited');
    const res = await t.api.post('/users/@me/bots', { name: 'Bot of a bot' }, token);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('MISSING_SCOPE');
    expect((await t.api.get('/users/@me/sessions', token)).body.error.code).toBe('MISSING_SCOPE');
    const login = await t.api.post('/auth/login', { username: bot.username, password: 'anything at all' });
    expect(login.status).toBe(401);
  });

  it('when a personal token lacks messages:write, then sending is 403 MISSING_SCOPE while reading works; revoked, it is refused', async () => {
    const created = await t.api.post(
      '/users/@me/api-tokens',
      { name: 'reader', scopes: ['messages:read'], expiresInDays: 30 },
      member.token,
    );
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    expect(token).toMatch(/^ppt_/);
    expect(created.body.apiToken).toMatchObject({ name: 'reader', scopes: ['messages:read'] });

    const send = await t.api.post(`/channels/${textId}/messages`, { content: 'from a script' }, token);
    expect(send.status).toBe(403);
    expect(send.body.error.code).toBe('MISSING_SCOPE');
    const read = await t.api.get(`/channels/${textId}/messages`, token);
    expect(read.status).toBe(200);
    expect(read.body.items.some((m: any) => m.content === 'beep from a bot')).toBe(true);
    expect((await t.api.get(`/guilds/${guildId}/members`, token)).body.error.code).toBe('MISSING_SCOPE');

    // Listed without its secret.
    const listed = await t.api.get('/users/@me/api-tokens', member.token);
    expect(listed.body.items.map((i: any) => i.id)).toContain(created.body.apiToken.id);
    expect(JSON.stringify(listed.body)).not.toContain(token.slice(-43));

    const socket = gateway(token);
    await nextEvent(socket, 'READY');
    const closed = new Promise<void>((resolve) => socket.on('disconnect', () => resolve()));
    expect((await t.api.del(`/users/@me/api-tokens/${created.body.apiToken.id}`, member.token)).status).toBe(204);
    await closed;
    expect((await t.api.get(`/channels/${textId}/messages`, token)).status).toBe(401);
    expect((await t.api.del(`/users/@me/api-tokens/${created.body.apiToken.id}`, member.token)).status).toBe(404);
  });

  it('when a personal token has messages:write, then it sends as its owner; without messages:read the gateway refuses it', async () => {
    const created = await t.api.post(
      '/users/@me/api-tokens',
      { name: 'writer', scopes: ['messages:write'], expiresInDays: null },
      member.token,
    );
    const sent = await t.api.post(`/channels/${textId}/messages`, { content: 'scripted' }, created.body.token);
    expect(sent.status).toBe(201);
    expect(sent.body.author.id).toBe(member.id);
    const refused = connectGateway(t.url, created.body.token);
    sockets.push(refused);
    const error = await new Promise<any>((resolve) => refused.on('connect_error', resolve));
    expect(error.data?.code).toBe('MISSING_SCOPE');
  });

  it('when a personal token has expired, then it is refused', async () => {
    const created = await t.api.post('/users/@me/api-tokens', { name: 'short', scopes: ['messages:read'], expiresInDays: 1 }, member.token);
    expect((await t.api.get(`/channels/${textId}/messages`, created.body.token)).status).toBe(200);
    await t.server.database.db
      .collection('api_tokens')
      .updateOne({ _id: new ObjectId(created.body.apiToken.id as string) }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await t.api.get(`/channels/${textId}/messages`, created.body.token);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('TOKEN_EXPIRED');
  });

  it("when a bot's owner is disabled, then the bot's token is refused too", async () => {
    const owner2 = await registerUser(t.api, 'botowner2');
    const { token } = await createBot('Orphan', owner2);
    expect((await t.api.get('/users/@me', token)).status).toBe(200);
    await t.server.repos.users.update(owner2.id, { disabledAt: new Date() });
    expect((await t.api.get('/users/@me', token)).status).toBe(401);
  });

  it('when a token is altered, then it is refused like an unknown one', async () => {
    const created = await t.api.post('/users/@me/api-tokens', { name: 'alter', scopes: ['guilds:read'], expiresInDays: 1 }, member.token);
    const token: string = created.body.token;
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect((await t.api.get('/users/@me', altered)).status).toBe(401);
    expect((await t.api.get('/users/@me', token)).status).toBe(200);
  });

  it('when a user creates tokens, then each creation and revocation is audited under their account', async () => {
    const entries = await t.server.database.db.collection('audit_log').find({ guildId: member.id }).toArray();
    const actions = entries.map((e) => e.action);
    expect(actions).toContain('token.create');
    expect(actions).toContain('token.revoke');
  });
});

describe('API tokens and rate limits', () => {
  let t: TestServer;
  afterAll(async () => {
    await t?.stop();
  });

  it("when a user's messages are rate limited, then their personal token and their bot still send: each is limited as itself", async () => {
    t = await startTestServer({ RATE_LIMITS: '*=100000/60,message=2/60' });
    const owner = await registerUser(t.api, 'rlowner');
    const guildId: string = (await t.api.post('/guilds', { name: 'Limits' }, owner.token)).body.id;
    const textId: string = (await t.api.get(`/guilds/${guildId}/channels`, owner.token)).body.items.find((c: any) => c.type === 'text').id;
    const send = (token: string) => t.api.post(`/channels/${textId}/messages`, { content: 'tick' }, token);
    expect((await send(owner.token)).status).toBe(201);
    expect((await send(owner.token)).status).toBe(201);
    expect((await send(owner.token)).status).toBe(429);

    const personal = (await t.api.post('/users/@me/api-tokens', { name: 'rl', scopes: ['messages:write'], expiresInDays: 1 }, owner.token))
      .body.token;
    expect((await send(personal)).status).toBe(201);
    expect((await send(personal)).status).toBe(201);
    expect((await send(personal)).status).toBe(429);

    const { bot, token } = (await t.api.post('/users/@me/bots', { name: 'Limited bot' }, owner.token)).body;
    await t.api.put(`/guilds/${guildId}/bots/${bot.id}`, undefined, owner.token);
    expect((await send(token)).status).toBe(201);
  });
});
