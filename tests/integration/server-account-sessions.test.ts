/**
 * My account on the real stack: username changes, the chosen status and how others see it, and sessions (list, log
 * out one, log out all others) — with what other clients receive on their gateway.
 */
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

const PASSWORD = 'correct horse battery';
const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

describe('my account: username, status and sessions', () => {
  let t: TestServer;
  const sockets: { disconnect(): void }[] = [];
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  async function login(user: TestUser, userAgent: string) {
    const res = await t.api.request('post', '/auth/login', {
      body: { username: user.username, password: PASSWORD },
      headers: { 'user-agent': userAgent },
    });
    expect(res.status).toBe(200);
    return { token: res.body.accessToken as string, refreshToken: res.body.refreshToken as string };
  }
  function gateway(token: string) {
    const s = connectGateway(t.url, token);
    sockets.push(s);
    return s;
  }

  it('when a user changes their username, then it needs the current password, a taken name is 409 USERNAME_TAKEN, and a guild member sees the new name live', async () => {
    const a = await registerUser(t.api, 'ren');
    const b = await registerUser(t.api, 'watch');
    const taken = await registerUser(t.api, 'taken');
    const { guildId } = await guildWithMember({ api: t.api, user: b }, { api: t.api, user: a }, 'Rename lab');
    const bSocket = gateway(b.token);
    await nextEvent(bSocket, 'READY');

    expect((await t.api.patch('/users/@me', { username: `new_${a.username}` }, a.token)).status).toBe(400);
    const wrong = await t.api.patch('/users/@me', { username: `new_${a.username}`, currentPassword: 'not the password' }, a.token);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    const dup = await t.api.patch('/users/@me', { username: taken.username.toUpperCase(), currentPassword: PASSWORD }, a.token);
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('USERNAME_TAKEN');
    expect((await t.api.patch('/users/@me', { username: 'x!', currentPassword: PASSWORD }, a.token)).status).toBe(400);

    const fresh = `Renamed_${a.username}`.slice(0, 32);
    const update = nextEvent(bSocket, 'MEMBER_UPDATE', (m) => m.user.id === a.id && m.guildId === guildId);
    const ok = await t.api.patch('/users/@me', { username: fresh, currentPassword: PASSWORD }, a.token);
    expect(ok.status).toBe(200);
    expect(ok.body.username).toBe(fresh);
    expect((await update).user.username).toBe(fresh);

    // Case rules as at registration: one's own name in another case is fine; the old name is free, the new one is not.
    expect((await t.api.patch('/users/@me', { username: fresh.toLowerCase(), currentPassword: PASSWORD }, a.token)).status).toBe(200);
    expect((await t.api.post('/auth/login', { username: fresh, password: PASSWORD })).status).toBe(200);
    expect((await t.api.post('/auth/login', { username: a.username, password: PASSWORD })).status).toBe(401);
    expect((await t.api.post('/auth/register', { username: a.username, password: PASSWORD })).status).toBe(201);
    expect((await t.api.post('/auth/register', { username: fresh.toUpperCase(), password: PASSWORD })).status).toBe(409);
  });

  it('when a user has two sessions, then others see idle only once both are idle, dnd as dnd, and invisible as offline while the user sees invisible', async () => {
    const a = await registerUser(t.api, 'pres');
    const b = await registerUser(t.api, 'peer');
    const { guildId } = await guildWithMember({ api: t.api, user: b }, { api: t.api, user: a }, 'Presence lab');
    const bSocket = gateway(b.token);
    await nextEvent(bSocket, 'READY');
    // Each wait is set up before the action: the server may deliver the event before the action's reply arrives.
    const presenceOfA = (status?: string) =>
      nextEvent(bSocket, 'PRESENCE_UPDATE', (p) => p.userId === a.id && (status === undefined || p.status === status));

    const second = await login(a, CHROME_LINUX);
    let seen = presenceOfA('online');
    const a1 = gateway(a.token);
    await seen;
    seen = presenceOfA('online');
    const a2 = gateway(second.token);
    await nextEvent(a2, 'READY');
    await seen;

    const ack = (s: ReturnType<typeof gateway>, status: 'online' | 'idle') => new Promise((r) => s.emit('PRESENCE_SET', { status }, r));
    let next = presenceOfA();
    expect(await ack(a1, 'idle')).toEqual({ ok: true });
    expect((await next).status).toBe('online');
    next = presenceOfA();
    await ack(a2, 'idle');
    expect((await next).status).toBe('idle');

    // DND wins over the sessions' activity; others see it, and A's own sessions are told their account changed.
    const selfUpdate = nextEvent(a2, 'USER_UPDATE', (u) => u.status === 'dnd');
    next = presenceOfA();
    const dnd = await t.api.patch('/users/@me', { status: 'dnd' }, a.token);
    expect(dnd.status).toBe(200);
    expect(dnd.body.status).toBe('dnd');
    expect((await next).status).toBe('dnd');
    await selfUpdate;

    // Invisible: offline to others, in live events and in a fresh snapshot; the account itself says invisible.
    next = presenceOfA();
    expect((await t.api.patch('/users/@me', { status: 'invisible' }, second.token)).body).toMatchObject({ status: 'invisible' });
    expect((await next).status).toBe('offline');
    const bAgain = gateway(b.token);
    const ready = await nextEvent(bAgain, 'READY');
    const snap = ready.guilds.find((g: { guild: { id: string } }) => g.guild.id === guildId);
    expect(snap.presences.map((p: { userId: string }) => p.userId)).not.toContain(a.id);
    expect(snap.onlineMembers.map((m: { user: { id: string } }) => m.user.id)).not.toContain(a.id);
    expect((await t.api.get('/users/@me', a.token)).body.status).toBe('invisible');
    // Persisted on the account: a new login starts invisible too.
    const third = await t.api.post('/auth/login', { username: a.username, password: PASSWORD });
    expect(third.body.user.status).toBe('invisible');

    seen = presenceOfA('online');
    await t.api.patch('/users/@me', { status: 'online' }, a.token);
    await ack(a1, 'online');
    await seen;
    expect((await t.api.patch('/users/@me', { status: 'away' }, a.token)).status).toBe(400);
  });

  it('when a user logs out all other sessions, then the other session cannot refresh, its access token is refused and its gateway closes with the reason, while the caller keeps working', async () => {
    const u = await registerUser(t.api, 'devices');
    const here = await login(u, CHROME_LINUX);
    const there = await login(u, FIREFOX_WINDOWS);
    const thereSocket = gateway(there.token);
    await nextEvent(thereSocket, 'READY');

    const list = await t.api.get('/users/@me/sessions', here.token);
    expect(list.status).toBe(200);
    // Registration (Node's fetch says "node"), and the two logins.
    expect(list.body.items.map((s: { clientLabel: string }) => s.clientLabel).sort()).toEqual([
      'API client',
      'Chrome on Linux',
      'Firefox on Windows',
    ]);
    const current = list.body.items.filter((s: { current: boolean }) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0].clientLabel).toBe('Chrome on Linux');

    const expired = nextEvent(thereSocket, 'SESSION_EXPIRED');
    const closed = new Promise<string>((r) => thereSocket.on('disconnect', r));
    expect((await t.api.del('/users/@me/sessions', here.token)).status).toBe(204);
    expect(await expired).toMatchObject({ code: 'SESSION_REVOKED', message: 'You were logged out from another device' });
    expect(await closed).toBe('io server disconnect');

    expect((await t.api.post('/auth/refresh', { refreshToken: there.refreshToken })).status).toBe(401);
    const refused = await t.api.get('/users/@me', there.token);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('UNAUTHENTICATED');
    const again = connectGateway(t.url, there.token);
    sockets.push(again);
    const err = await new Promise<Error & { data?: { code: string } }>((r) => again.on('connect_error', r));
    expect(err.data?.code).toBe('UNAUTHENTICATED');
    expect((await t.api.post('/auth/refresh', { refreshToken: u.refreshToken })).status).toBe(401);

    // The caller's session is untouched.
    expect((await t.api.get('/users/@me', here.token)).status).toBe(200);
    const after = await t.api.get('/users/@me/sessions', here.token);
    expect(after.body.items).toHaveLength(1);
    expect(after.body.items[0].current).toBe(true);
    const rotated = await t.api.post('/auth/refresh', { refreshToken: here.refreshToken });
    expect(rotated.status).toBe(200);
    expect((await t.api.get('/users/@me', rotated.body.accessToken)).status).toBe(200);
  });

  it("when a user logs out one session, then only that session ends, and another user's session cannot be named", async () => {
    const u = await registerUser(t.api, 'one');
    const other = await registerUser(t.api, 'stranger');
    const kept = await login(u, CHROME_LINUX);
    const ended = await login(u, FIREFOX_WINDOWS);
    const endedId = (await t.api.get('/users/@me/sessions', ended.token)).body.items.find((s: { current: boolean }) => s.current).id;
    const otherId = (await t.api.get('/users/@me/sessions', other.token)).body.items[0].id;

    expect((await t.api.del(`/users/@me/sessions/${otherId}`, kept.token)).status).toBe(404);
    expect((await t.api.get('/users/@me', other.token)).status).toBe(200);

    expect((await t.api.del(`/users/@me/sessions/${endedId}`, kept.token)).status).toBe(204);
    expect((await t.api.get('/users/@me', ended.token)).status).toBe(401);
    expect((await t.api.del(`/users/@me/sessions/${endedId}`, kept.token)).status).toBe(404);
    expect((await t.api.get('/users/@me', kept.token)).status).toBe(200);
    expect((await t.api.get('/users/@me', u.token)).status).toBe(200);
  });
});
