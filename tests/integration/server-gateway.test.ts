import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_TTL_SECONDS } from '../../server/src/modules/auth/tokens';
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

/** While `shortLived`, the server's clock runs 3 s short of a token lifetime behind: tokens it signs expire in ~3 s. */
let shortLived = false;
const shortLivedClock = { now: () => new Date(Date.now() - (shortLived ? (ACCESS_TOKEN_TTL_SECONDS - 3) * 1000 : 0)) };

describe('gateway sessions', () => {
  let t: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let guildId: string;
  let textId: string;
  const sockets: Socket[] = [];
  const connect = (token: string) => {
    const s = connectGateway(t.url, token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    t = await startTestServer({}, { clock: shortLivedClock });
    alice = await registerUser(t.api, 'gw_alice');
    bob = await registerUser(t.api, 'gw_bob');
    ({ guildId, textId } = await guildWithMember({ api: t.api, user: alice }, { api: t.api, user: bob }, 'Gateway'));
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.stop();
  });

  it('when the access token expires and is not refreshed, then the server sends SESSION_EXPIRED and disconnects', async () => {
    shortLived = true;
    const login = await t.api.post('/auth/login', { username: bob.username, password: 'correct horse battery' });
    shortLived = false;
    const socket = connect(login.body.accessToken);
    await nextEvent(socket, 'READY');
    const expired = nextEvent(socket, 'SESSION_EXPIRED', () => true, 8_000);
    const disconnected = new Promise<string>((resolve) => socket.on('disconnect', resolve));
    expect((await expired).code).toBe('TOKEN_EXPIRED');
    expect(await disconnected).toBe('io server disconnect');
  });

  it('when the client sends AUTH_REFRESH with a fresh token, then the session outlives the first token', async () => {
    shortLived = true;
    const first = await t.api.post('/auth/login', { username: bob.username, password: 'correct horse battery' });
    shortLived = false;
    const socket = connect(first.body.accessToken);
    await nextEvent(socket, 'READY');
    const expired = collect(socket, 'SESSION_EXPIRED');
    // A token for someone else is refused.
    const wrongUser = await new Promise<{ ok: boolean; code?: string }>((resolve) =>
      socket.emit('AUTH_REFRESH', { token: alice.token }, resolve),
    );
    expect(wrongUser).toEqual({ ok: false, code: 'FORBIDDEN' });
    // The next token is signed by a normal clock: it lives the full 15 minutes.
    const next = await t.api.post('/auth/refresh', { refreshToken: first.body.refreshToken });
    const ack = await new Promise<{ ok: boolean }>((resolve) => socket.emit('AUTH_REFRESH', { token: next.body.accessToken }, resolve));
    expect(ack).toEqual({ ok: true });
    // Well past the first token's expiry.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(expired).toEqual([]);
    expect(socket.connected).toBe(true);
    socket.disconnect();
  });

  it('when a session goes idle, then members see idle; with a second online session the user stays online', async () => {
    const watcher = connect(
      (await t.api.post('/auth/login', { username: alice.username, password: 'correct horse battery' })).body.accessToken,
    );
    await nextEvent(watcher, 'READY');
    const bobToken = (await t.api.post('/auth/login', { username: bob.username, password: 'correct horse battery' })).body.accessToken;
    const first = connect(bobToken);
    await nextEvent(first, 'READY');
    const idle = nextEvent(
      watcher,
      'PRESENCE_UPDATE',
      (p: { userId: string; status: string }) => p.userId === bob.id && p.status === 'idle',
    );
    first.emit('PRESENCE_SET', { status: 'idle' });
    await idle;
    const online = nextEvent(
      watcher,
      'PRESENCE_UPDATE',
      (p: { userId: string; status: string }) => p.userId === bob.id && p.status === 'online',
    );
    const second = connect(bobToken);
    await nextEvent(second, 'READY');
    await online;
    const bad = await new Promise<{ ok: boolean; code?: string }>((resolve) =>
      first.emit('PRESENCE_SET', { status: 'invisible' }, resolve),
    );
    expect(bad).toEqual({ ok: false, code: 'VALIDATION_FAILED' });
  });

  it('when a member starts typing, then other viewers get TYPING_START with who and where', async () => {
    const watcher = connect(
      (await t.api.post('/auth/login', { username: alice.username, password: 'correct horse battery' })).body.accessToken,
    );
    await nextEvent(watcher, 'READY');
    const typing = nextEvent(watcher, 'TYPING_START', (e: { channelId: string }) => e.channelId === textId);
    const res = await t.api.post(
      `/channels/${textId}/typing`,
      undefined,
      (await t.api.post('/auth/login', { username: bob.username, password: 'correct horse battery' })).body.accessToken,
    );
    expect(res.status).toBe(204);
    const event = await typing;
    expect(event.user.id).toBe(bob.id);
    expect(event.guildId).toBe(guildId);
  });

  it('when a message is edited and deleted, then viewers receive MESSAGE_UPDATE and MESSAGE_DELETE; only the author may edit', async () => {
    const aliceToken = (await t.api.post('/auth/login', { username: alice.username, password: 'correct horse battery' })).body.accessToken;
    const bobToken = (await t.api.post('/auth/login', { username: bob.username, password: 'correct horse battery' })).body.accessToken;
    const watcher = connect(aliceToken);
    await nextEvent(watcher, 'READY');
    const sent = (await t.api.post(`/channels/${textId}/messages`, { content: 'first draft' }, bobToken)).body;
    expect((await t.api.patch(`/channels/${textId}/messages/${sent.id}`, { content: 'hijack' }, aliceToken)).status).toBe(403);
    const updated = nextEvent(watcher, 'MESSAGE_UPDATE', (m: { id: string }) => m.id === sent.id);
    expect((await t.api.patch(`/channels/${textId}/messages/${sent.id}`, { content: 'final' }, bobToken)).status).toBe(200);
    expect((await updated).content).toBe('final');
    expect((await updated).editedAt).not.toBeNull();
    const deleted = nextEvent(watcher, 'MESSAGE_DELETE', (m: { id: string }) => m.id === sent.id);
    // The owner has MANAGE_MESSAGES (owners have everything) and may delete someone else's message.
    expect((await t.api.del(`/channels/${textId}/messages/${sent.id}`, aliceToken)).status).toBe(204);
    expect(await deleted).toEqual({ id: sent.id, channelId: textId, guildId });
    expect((await t.api.get(`/channels/${textId}/messages/${sent.id}`, bobToken)).status).toBe(404);
  });
});
