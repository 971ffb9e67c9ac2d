/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are checked field by field */
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../../src-shared/permissions/permissions';
import {
  connectGateway,
  guildWithMember,
  nextEvent,
  registerUser,
  startTestServer,
  type TestServer,
  type TestUser,
} from './server-helpers';

const PASSWORD = 'correct horse battery';

/**
 * What an account's bots and personal tokens become when the account is deleted or disabled, and the account's own
 * audit log (GET /users/@me/audit-log), on the real stack.
 */
describe('bots and API tokens of an account that ends', () => {
  let t: TestServer;
  let guildOwner: TestUser;
  const sockets: Socket[] = [];
  const gateway = (token: string) => {
    const s = connectGateway(t.url, token);
    sockets.push(s);
    return s;
  };
  const refusedAtGateway = async (token: string): Promise<string | undefined> => {
    const s = gateway(token);
    const error = await new Promise<any>((resolve) => s.on('connect_error', resolve));
    return error.data?.code;
  };
  const personalToken = async (user: TestUser, name: string): Promise<{ id: string; token: string }> => {
    const res = await t.api.post(
      '/users/@me/api-tokens',
      { name, scopes: ['guilds:read', 'messages:read'], expiresInDays: null },
      user.token,
    );
    expect(res.status).toBe(201);
    return { id: res.body.apiToken.id, token: res.body.token };
  };

  beforeAll(async () => {
    // Connections opened with API tokens are checked again every 200 ms (60 s by default), so a disabled owner's show.
    t = await startTestServer({ GATEWAY_RECHECK_MS: '200' });
    guildOwner = await registerUser(t.api, 'acctowner');
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  it('when a user with a bot in a guild and a personal token deletes the account, then both tokens are refused and the bot leaves the guild', async () => {
    const user = await registerUser(t.api, 'leaver');
    const { guildId } = await guildWithMember({ api: t.api, user: guildOwner }, { api: t.api, user }, 'Leaving');
    // The user may add bots to the guild (MANAGE_GUILD) without owning it: an owner cannot delete their account.
    const role = await t.api.post(
      `/guilds/${guildId}/roles`,
      { name: 'bot admins', permissions: Permission.MANAGE_GUILD },
      guildOwner.token,
    );
    expect((await t.api.put(`/guilds/${guildId}/members/${user.id}/roles/${role.body.id}`, undefined, guildOwner.token)).status).toBe(204);
    const created = await t.api.post('/users/@me/bots', { name: 'Orphaned' }, user.token);
    expect(created.status).toBe(201);
    const { bot, token: botToken } = created.body;
    expect((await t.api.put(`/guilds/${guildId}/bots/${bot.id}`, undefined, user.token)).status).toBe(204);
    const personal = await personalToken(user, 'script');
    expect((await t.api.get('/users/@me', botToken)).status).toBe(200);
    expect((await t.api.get('/users/@me', personal.token)).status).toBe(200);

    const botSocket = gateway(botToken);
    const personalSocket = gateway(personal.token);
    await Promise.all([nextEvent(botSocket, 'READY'), nextEvent(personalSocket, 'READY')]);
    const botClosed = new Promise<void>((resolve) => botSocket.on('disconnect', () => resolve()));
    const personalClosed = new Promise<void>((resolve) => personalSocket.on('disconnect', () => resolve()));

    const deleted = await t.api.request('delete', '/users/@me', { token: user.token, body: { password: PASSWORD } });
    expect(deleted.status).toBe(204);
    // Their gateway connections are closed by the deletion itself, not left to run out their token's day.
    await Promise.all([botClosed, personalClosed]);

    for (const token of [botToken, personal.token]) {
      expect((await t.api.get('/users/@me', token)).status).toBe(401);
      expect(await refusedAtGateway(token)).toBe('UNAUTHENTICATED');
    }
    const members = await t.api.get(`/guilds/${guildId}/members`, guildOwner.token);
    expect(members.body.items.some((m: any) => m.user.id === bot.id)).toBe(false);
    const removed = await t.api.get(`/guilds/${guildId}/audit-log?action=bot.remove`, guildOwner.token);
    expect(removed.body.items).toEqual([expect.objectContaining({ actorId: user.id, targetId: bot.id, details: { ownerId: user.id } })]);
    // Revoked, not merely refused: nothing of the account is left among the tokens, and the bot is a tombstone.
    expect(await t.server.database.db.collection('api_tokens').countDocuments({ ownerId: user.id })).toBe(0);
    expect(await t.server.database.db.collection('api_token_slots').countDocuments({ holder: { $in: [bot.id, personal.id] } })).toBe(0);
    expect((await t.server.repos.users.findById(bot.id))?.deletedAt).toBeInstanceOf(Date);
    const actions = (await t.server.database.db.collection('audit_log').find({ guildId: user.id }).toArray()).map((e) => e.action);
    expect(actions.filter((a) => a === 'token.revoke')).toHaveLength(2);
    expect(actions).toContain('bot.delete');
  });

  it("when an account is disabled, then its personal tokens and its bots' tokens are refused on REST and at the gateway, their open connections close, and they work again once it is enabled", async () => {
    const user = await registerUser(t.api, 'paused');
    const personal = await personalToken(user, 'paused script');
    const { token: botToken } = (await t.api.post('/users/@me/bots', { name: 'Paused bot' }, user.token)).body;
    const open = [gateway(botToken), gateway(personal.token)];
    await Promise.all(open.map((s) => nextEvent(s, 'READY')));
    const closed = open.map((s) => new Promise<any>((resolve) => s.on('SESSION_EXPIRED', resolve)));

    // As the admin CLI's disable-user does it: a write to the record, with no gateway at hand to close anything.
    await t.server.repos.users.update(user.id, { disabledAt: new Date() });
    for (const expired of await Promise.all(closed)) expect(expired.code).toBe('SESSION_REVOKED');
    for (const token of [botToken, personal.token]) {
      expect((await t.api.get('/users/@me', token)).status).toBe(401);
      expect(await refusedAtGateway(token)).toBe('UNAUTHENTICATED');
    }
    // Disabling is undone by enable-user, so the tokens and bots are kept, only refused meanwhile.
    await t.server.repos.users.update(user.id, { disabledAt: null });
    for (const token of [botToken, personal.token]) expect((await t.api.get('/users/@me', token)).status).toBe(200);
  });
});

describe('GET /users/@me/audit-log', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    t = await startTestServer();
    alice = await registerUser(t.api, 'auditalice');
    bob = await registerUser(t.api, 'auditbob');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('when a user manages tokens and bots, then their audit log lists each step newest first, and never another account’s', async () => {
    const bobToken = await t.api.post(
      '/users/@me/api-tokens',
      { name: 'bob script', scopes: ['guilds:read'], expiresInDays: 1 },
      bob.token,
    );
    await t.api.post('/users/@me/bots', { name: 'Bob bot' }, bob.token);

    const created = await t.api.post('/users/@me/api-tokens', { name: 'nightly', scopes: ['guilds:read'], expiresInDays: 7 }, alice.token);
    expect((await t.api.del(`/users/@me/api-tokens/${created.body.apiToken.id}`, alice.token)).status).toBe(204);
    const { bot } = (await t.api.post('/users/@me/bots', { name: 'Greeter' }, alice.token)).body;
    expect((await t.api.post(`/users/@me/bots/${bot.id}/token`, undefined, alice.token)).status).toBe(200);
    expect((await t.api.del(`/users/@me/bots/${bot.id}`, alice.token)).status).toBe(204);

    const res = await t.api.get('/users/@me/audit-log', alice.token);
    expect(res.status).toBe(200);
    const steps = res.body.items.map((e: any) => [e.action, e.details.name]);
    expect(steps).toEqual([
      ['bot.delete', 'Greeter'],
      ['token.revoke', 'Greeter'],
      ['token.create', 'Greeter'],
      ['token.revoke', 'Greeter'],
      ['token.create', 'Greeter'],
      ['bot.create', 'Greeter'],
      ['token.revoke', 'nightly'],
      ['token.create', 'nightly'],
    ]);
    for (const e of res.body.items) expect(e).toMatchObject({ guildId: alice.id, actorId: alice.id });
    expect(res.body.items.find((e: any) => e.action === 'bot.create')).toMatchObject({ targetId: bot.id });
    expect(res.body.nextCursor).toBeNull();
    expect(JSON.stringify(res.body)).not.toContain(bobToken.body.apiToken.id);

    const bobs = await t.api.get('/users/@me/audit-log', bob.token);
    expect(bobs.body.items.map((e: any) => e.details.name)).toEqual(['Bob bot', 'Bob bot', 'bob script']);
  });

  it('when paging, then `before` carries on where the last page ended, and `action` filters', async () => {
    const first = await t.api.get('/users/@me/audit-log?limit=3', alice.token);
    expect(first.body.items).toHaveLength(3);
    expect(first.body.nextCursor).toBe(first.body.items[2].id);
    const rest = await t.api.get(`/users/@me/audit-log?limit=100&before=${first.body.nextCursor}`, alice.token);
    expect(rest.body.items.map((e: any) => e.action)).toEqual([
      'token.revoke',
      'token.create',
      'bot.create',
      'token.revoke',
      'token.create',
    ]);
    const creations = await t.api.get('/users/@me/audit-log?action=bot.create', alice.token);
    expect(creations.body.items.map((e: any) => e.action)).toEqual(['bot.create']);
  });

  it('when unauthenticated, with an API token, or with bad input, then it is refused with a code', async () => {
    const anonymous = await t.api.get('/users/@me/audit-log');
    expect(anonymous.status).toBe(401);
    const script = (await t.api.post('/users/@me/api-tokens', { name: 'reader', scopes: ['guilds:read'], expiresInDays: 1 }, alice.token))
      .body.token;
    const scoped = await t.api.get('/users/@me/audit-log', script);
    expect(scoped.status).toBe(403);
    expect(scoped.body.error.code).toBe('MISSING_SCOPE');
    for (const query of ['limit=0', 'action=member.kick', 'before=nope', 'extra=1']) {
      const bad = await t.api.get(`/users/@me/audit-log?${query}`, alice.token);
      expect(bad.status, query).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    }
  });
});
