import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../support/env';
import { connectGateway, registerUser, startTestServer, type TestServer } from './server-helpers';

describe('accounts and sessions', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ AUTH_RATE_LIMIT_PER_IP: '10000', AUTH_RATE_LIMIT_PER_ACCOUNT: '3' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('when a user registers, then the password is stored as an argon2id hash and /users/@me answers with the account', async () => {
    const res = await t.api.post('/auth/register', { username: 'Alice_1', displayName: 'Alice', password: 'hunter2hunter2' });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ username: 'Alice_1', displayName: 'Alice' });
    expect(Date.parse(res.body.accessTokenExpiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(Date.parse(res.body.accessTokenExpiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const me = await t.api.get('/users/@me', res.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toEqual(res.body.user);
    expect(JSON.stringify(me.body)).not.toContain('hunter2');

    const client = new MongoClient(testEnv().mongoUri);
    try {
      const doc = await client.db(t.config.MONGODB_DB).collection('users').findOne({ usernameLower: 'alice_1' });
      expect(doc?.passwordHash).toMatch(/^\$argon2id\$/);
      const tokens = await client.db(t.config.MONGODB_DB).collection('refresh_tokens').find({ userId: res.body.user.id }).toArray();
      expect(tokens).toHaveLength(1);
      expect(tokens[0]?.tokenHash).not.toBe(res.body.refreshToken);
      expect(JSON.stringify(tokens)).not.toContain(res.body.refreshToken);
    } finally {
      await client.close();
    }
  });

  it('when a username is taken in another case, then registering answers 409 USERNAME_TAKEN', async () => {
    await t.api.post('/auth/register', { username: 'bob', password: 'password123' });
    const dup = await t.api.post('/auth/register', { username: 'BOB', password: 'password123' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('USERNAME_TAKEN');
  });

  it('when registration input is invalid, then it answers 400 with field paths', async () => {
    const res = await t.api.post('/auth/register', { username: 'x', password: 'short' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.password', 'body.username']);
  });

  it('when logging in with the right or wrong password, then it answers 200 or 401 INVALID_CREDENTIALS', async () => {
    const u = await registerUser(t.api, 'login');
    expect((await t.api.post('/auth/login', { username: u.username.toUpperCase(), password: 'correct horse battery' })).status).toBe(200);
    const bad = await t.api.post('/auth/login', { username: u.username, password: 'wrong password' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('INVALID_CREDENTIALS');
    const unknown = await t.api.post('/auth/login', { username: 'nobody_here', password: 'wrong password' });
    expect(unknown.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('when a refresh token is used, then it rotates; reusing the old one revokes the whole family', async () => {
    const u = await registerUser(t.api, 'refresh');
    const first = await t.api.post('/auth/refresh', { refreshToken: u.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(u.refreshToken);
    const second = await t.api.post('/auth/refresh', { refreshToken: first.body.refreshToken });
    expect(second.status).toBe(200);
    // Replay of the first (rotated) token: rejected, and the live descendant dies with it.
    const replay = await t.api.post('/auth/refresh', { refreshToken: u.refreshToken });
    expect(replay.status).toBe(401);
    const descendant = await t.api.post('/auth/refresh', { refreshToken: second.body.refreshToken });
    expect(descendant.status).toBe(401);
    // Another login (another family) is unaffected.
    const login = await t.api.post('/auth/login', { username: u.username, password: 'correct horse battery' });
    expect((await t.api.post('/auth/refresh', { refreshToken: login.body.refreshToken })).status).toBe(200);
  });

  it('when logging out, then that refresh token no longer works', async () => {
    const u = await registerUser(t.api, 'logout');
    expect((await t.api.post('/auth/logout', { refreshToken: u.refreshToken })).status).toBe(204);
    expect((await t.api.post('/auth/refresh', { refreshToken: u.refreshToken })).status).toBe(401);
  });

  it('when the password changes, then the current password is required and old sessions are revoked', async () => {
    const u = await registerUser(t.api, 'pw');
    const noCurrent = await t.api.patch('/users/@me', { password: 'a brand new one' }, u.token);
    expect(noCurrent.status).toBe(400);
    const wrong = await t.api.patch('/users/@me', { password: 'a brand new one', currentPassword: 'nope nope' }, u.token);
    expect(wrong.status).toBe(401);
    const ok = await t.api.patch(
      '/users/@me',
      { password: 'a brand new one', currentPassword: 'correct horse battery', displayName: 'New Name' },
      u.token,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.displayName).toBe('New Name');
    expect((await t.api.post('/auth/refresh', { refreshToken: u.refreshToken })).status).toBe(401);
    expect((await t.api.post('/auth/login', { username: u.username, password: 'a brand new one' })).status).toBe(200);
  });

  it('when there is no or a forged token, then protected routes answer 401 and the gateway refuses the handshake', async () => {
    expect((await t.api.get('/users/@me')).status).toBe(401);
    const forged = await t.api.get('/users/@me', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWEifQ.c2lnbmF0dXJl');
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('UNAUTHENTICATED');
    const socket = connectGateway(t.url, 'not-a-token');
    const err = await new Promise<Error & { data?: { code: string } }>((resolve) => socket.on('connect_error', resolve));
    socket.disconnect();
    expect(err.data?.code).toBe('UNAUTHENTICATED');
  });

  it('when an account fails to log in too often, then its next attempt waits (429 with Retry-After), and then it logs in', async () => {
    const u = await registerUser(t.api, 'locked');
    for (let i = 0; i < 4; i++)
      expect((await t.api.post('/auth/login', { username: u.username, password: 'wrong password' })).status).toBe(401);
    const waiting = await t.api.post('/auth/login', { username: u.username, password: 'correct horse battery' });
    expect(waiting.status).toBe(429);
    expect(waiting.body.error.code).toBe('RATE_LIMITED');
    const seconds = Number(waiting.headers.get('retry-after'));
    expect(seconds).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, seconds * 1000 + 100));
    expect((await t.api.post('/auth/login', { username: u.username, password: 'correct horse battery' })).status).toBe(200);
  });

  it('when one username is registered again and again, then registering it is locked with 429, and its logins are not', async () => {
    const u = await registerUser(t.api, 'claimed');
    for (let i = 0; i < 3; i++) {
      const taken = await t.api.post('/auth/register', { username: u.username.toUpperCase(), password: 'another password' });
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('USERNAME_TAKEN');
    }
    const locked = await t.api.post('/auth/register', { username: u.username, password: 'another password' });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other usernames still register, and the account's owner still logs in.
    expect((await t.api.post('/auth/register', { username: `${u.username}_2`, password: 'another password' })).status).toBe(201);
    expect((await t.api.post('/auth/login', { username: u.username, password: 'correct horse battery' })).status).toBe(200);
  });
});

describe('per-IP rate limit', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ AUTH_RATE_LIMIT_PER_IP: '4' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('when one IP makes too many login/register attempts, then it gets 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.api.post('/auth/login', { username: `ip_${i}`, password: 'whatever123' })).status);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4)).toEqual([429, 429]);
    const res = await t.api.post('/auth/register', { username: 'ip_new', password: 'whatever123' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
