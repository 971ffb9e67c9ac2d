/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field */
/**
 * A dependency that stops answering (the process is SIGSTOPped: its TCP connections stay open, nothing replies) must
 * give a fast 503 DEPENDENCY_UNAVAILABLE, never a hang or a 500; the gateway stays up, and everything recovers by
 * itself once the process is resumed.
 *
 * Stopping the shared test stack's processes would break the other test files, so this file runs its own FerretDB and
 * redis-server on free ports and stops them in afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFerretdb, ferretdbBinary } from '../../scripts/stack/go-tools';
import { mongoPing } from '../../scripts/stack/services/mongo';
import { redisPing } from '../../scripts/stack/services/redis';
import { freePort, which } from '../../scripts/stack/tools';
import { uniqueDbName } from '../support/env';
import { sleep, waitFor } from '../support/wait';
import {
  connectGateway,
  guildWithMember,
  nextEvent,
  registerUser,
  startTestServer,
  type ApiResponse,
  type TestServer,
  type TestUser,
} from './server-helpers';

/** The deadline: with a dependency unresponsive, every route answers within this. */
const DEADLINE_MS = 2_000;
const STALL_MS = 10_000;
const RECOVERY_TIMEOUT_MS = 30_000;

interface PrivateService {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Spawns a service on a free port (in its own data dir) and resolves once `healthy` says so. */
async function spawnService(
  name: string,
  command: string,
  args: (port: number, dir: string) => string[],
  url: (port: number) => string,
  healthy: (port: number) => Promise<boolean>,
): Promise<PrivateService> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `parley-stall-${name}-`));
  const child: ChildProcess = spawn(command, args(port, dir), { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = async () => {
    if (!exited && child.pid !== undefined) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(child.pid, 'SIGCONT');
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      `private ${name} on port ${port}`,
      async () => {
        if (exited) throw new Error(`private ${name} exited at start`);
        return (await healthy(port)) ? true : undefined;
      },
      30_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: url(port), pid: child.pid!, stop };
}

function startFerretdb(): Promise<PrivateService> {
  return spawnService(
    'ferretdb',
    ferretdbBinary,
    (port, dir) => ['-listen', `127.0.0.1:${port}`, '-data', dir],
    (port) => `mongodb://127.0.0.1:${port}/`,
    async (port) => (await mongoPing(`mongodb://127.0.0.1:${port}/`, 1_000)).healthy,
  );
}

function startRedis(): Promise<PrivateService> {
  return spawnService(
    'redis',
    which('redis-server') ?? 'redis-server',
    (port, dir) => [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--loglevel',
      'warning',
    ],
    (port) => `redis://127.0.0.1:${port}`,
    async (port) => (await redisPing(port)).healthy,
  );
}

/** Runs `run` and measures it; a request still unanswered after 5 s fails the test as hung (and the stall ends). */
async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer within 5 s: the request hangs')), 5_000);
  });
  try {
    const result = await Promise.race([run(), hung]);
    return { result, ms: performance.now() - start };
  } finally {
    clearTimeout(timer);
  }
}

/** SIGSTOPs `service`, runs `during`, then resumes it once `STALL_MS` have passed since the stop. */
async function stalled(service: PrivateService, during: () => Promise<void>): Promise<void> {
  process.kill(service.pid, 'SIGSTOP');
  const resumeAt = Date.now() + STALL_MS;
  try {
    await during();
    await sleep(Math.max(0, resumeAt - Date.now()));
  } finally {
    process.kill(service.pid, 'SIGCONT');
  }
}

function expectDependencyUnavailable(res: ApiResponse<any>, ms: number, what: string): void {
  expect({ what, status: res.status, code: res.body?.error?.code }).toEqual({ what, status: 503, code: 'DEPENDENCY_UNAVAILABLE' });
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(ms, `${what} answered after ${Math.round(ms)} ms`).toBeLessThan(DEADLINE_MS);
}

describe('a stalled dependency (private FerretDB and Redis, each SIGSTOPped for 10 s)', () => {
  let mongo: PrivateService | undefined;
  let redis: PrivateService | undefined;
  let a: TestServer | undefined;
  let alice: TestUser;
  let bob: TestUser;
  let guildId: string;
  let textId: string;
  let aliceSocket: Socket;
  /** Listens to the gateway's Redis channels: what other server instances would receive. */
  let redisListener: Redis | undefined;
  const overRedis: string[] = [];
  const disconnects: string[] = [];
  const timings: Record<string, number[]> = {};
  const note = (what: string, ms: number) => (timings[what] ??= []).push(Math.round(ms));

  const send = (content: string) => a!.api.post(`/channels/${textId}/messages`, { content }, bob.token);
  const login = () => a!.api.post('/auth/login', { username: bob.username, password: 'correct horse battery' });
  /** The image to upload, made once: encoding it is the test's work, not the server's, so it stays out of the timings. */
  const stallPng = sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366ff' } })
    .png()
    .toBuffer();
  /** An image upload, the raw body as the client sends it. */
  const upload = async (): Promise<ApiResponse<any>> => {
    const png = await stallPng;
    const res = await fetch(`${a!.url}/api/v1/channels/${textId}/attachments?filename=stall.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob.token}`, 'content-type': 'image/png' },
      body: new Uint8Array(png),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined } as ApiResponse<any>;
  };

  /**
   * Polls until a message send and a login succeed again, then checks that a new message reaches the connected socket
   * and is published over Redis (to the other instances) again.
   */
  async function expectRecovery(label: string): Promise<void> {
    await waitFor(
      `message send after ${label}`,
      async () => ((await send(`probe after ${label}`)).status === 201 ? true : undefined),
      RECOVERY_TIMEOUT_MS,
    );
    await waitFor(`login after ${label}`, async () => ((await login()).status === 200 ? true : undefined), RECOVERY_TIMEOUT_MS);
    const content = `event after ${label}`;
    const received = nextEvent(aliceSocket, 'MESSAGE_CREATE', (m: { content: string }) => m.content === content, 10_000);
    expect((await send(content)).status).toBe(201);
    expect((await received).content).toBe(content);
    await waitFor(`${content} published over Redis`, async () => (overRedis.some((m) => m.includes(content)) ? true : undefined));
  }

  beforeAll(async () => {
    await buildFerretdb();
    [mongo, redis] = await Promise.all([startFerretdb(), startRedis()]);
    const db = uniqueDbName('parley_test_stall');
    a = await startTestServer({ MONGODB_URI: mongo.url, REDIS_URL: redis.url, MONGODB_DB: db });
    redisListener = new Redis(redis.url, { commandTimeout: 1_000 });
    redisListener.on('error', () => undefined);
    redisListener.on('pmessageBuffer', (_pattern: Buffer, _channel: Buffer, message: Buffer) => overRedis.push(message.toString('latin1')));
    await redisListener.psubscribe(`parley:${db}:gateway#*`);
    alice = await registerUser(a.api, 'alice');
    bob = await registerUser(a.api, 'bob');
    ({ guildId, textId } = await guildWithMember({ api: a.api, user: alice }, { api: a.api, user: bob }, 'Stall'));
    aliceSocket = connectGateway(a.url, alice.token);
    aliceSocket.on('disconnect', (reason) => disconnects.push(reason));
    await nextEvent(aliceSocket, 'READY');
  });

  afterAll(async () => {
    aliceSocket?.disconnect();
    redisListener?.disconnect();
    await a?.stop();
    await Promise.all([mongo?.stop(), redis?.stop()]);
    console.info('stall response times (ms):', JSON.stringify(timings));
  });

  it('when the MongoDB-wire server is stalled, then a message send, a login, a search, an upload, a reaction, a read ack, a DM, a friend request, a call and video moderation answer 503 within 2 s, the gateway stays connected, and all work again after it resumes', async () => {
    const before = await send('before the stall');
    expect(before.status).toBe(201);
    const messageId: string = before.body.id;
    const dm = await a!.api.post('/users/@me/channels', { recipientIds: [alice.id] }, bob.token);
    expect(dm.status).toBe(200);
    const dmId: string = dm.body.id;
    // Chat's later routes: each goes to the database, and must fail as fast as a send.
    const chatRoutes: [string, () => Promise<ApiResponse<any>>][] = [
      ['search', () => a!.api.get(`/guilds/${guildId}/messages/search?q=stall`, bob.token)],
      ['upload', upload],
      [
        'reaction',
        () => a!.api.put(`/channels/${textId}/messages/${messageId}/reactions/${encodeURIComponent('👍')}/@me`, undefined, bob.token),
      ],
      ['read ack', () => a!.api.post(`/channels/${textId}/messages/${messageId}/ack`, {}, bob.token)],
      // DMs and calls (issue 16): the same fast answer.
      ['open DM', () => a!.api.post('/users/@me/channels', { recipientIds: [alice.id] }, bob.token)],
      ['DM send', () => a!.api.post(`/channels/${dmId}/messages`, { content: 'a DM during the stall' }, bob.token)],
      ['friend request', () => a!.api.post('/users/@me/relationships', { userId: alice.id }, bob.token)],
      ['call history', () => a!.api.get('/users/@me/call-history', bob.token)],
      ['start call', () => a!.api.post(`/channels/${dmId}/call`, {}, bob.token)],
      // Video moderation (issue 17): the flags go through the voice moderation route and its stored state.
      ['video moderation', () => a!.api.patch(`/guilds/${guildId}/voice-states/${bob.id}`, { serverVideoOff: true }, alice.token)],
      ['stream moderation', () => a!.api.patch(`/guilds/${guildId}/voice-states/${bob.id}`, { serverStreamOff: true }, alice.token)],
    ];
    await stalled(mongo!, async () => {
      // Several rounds: the first meets pooled connections that stop answering, later ones new connections and server
      // selection with the server marked unknown.
      for (let round = 0; round < 3; round++) {
        const sent = await timed(() => send(`during the stall ${round}`));
        note('mongo stall: message send', sent.ms);
        expectDependencyUnavailable(sent.result, sent.ms, `message send, round ${round}`);
        const loggedIn = await timed(login);
        note('mongo stall: login', loggedIn.ms);
        expectDependencyUnavailable(loggedIn.result, loggedIn.ms, `login, round ${round}`);
      }
      for (const [what, call] of chatRoutes) {
        const answered = await timed(call);
        note(`mongo stall: ${what}`, answered.ms);
        expectDependencyUnavailable(answered.result, answered.ms, what);
      }
      expect(aliceSocket.connected).toBe(true);
    });
    await expectRecovery('the database stall');
    for (const [what, call] of chatRoutes) {
      await waitFor(`${what} after the database stall`, async () => ((await call()).status < 300 ? true : undefined), RECOVERY_TIMEOUT_MS);
    }
    expect(aliceSocket.connected).toBe(true);
    expect(disconnects).toEqual([]);
  });

  it('when Redis is stalled, then a login and a message send answer 503 within 2 s (the send stores nothing), other writes too, the gateway stays connected, and events reach sockets and Redis again after it resumes', async () => {
    await stalled(redis!, async () => {
      for (let round = 0; round < 3; round++) {
        const loggedIn = await timed(login);
        note('redis stall: login', loggedIn.ms);
        expectDependencyUnavailable(loggedIn.result, loggedIn.ms, `login, round ${round}`);
        // A message send needs Redis to reach the other instances' members: refused fast, and nothing stored.
        const sent = await timed(() => send(`during the redis stall ${round}`));
        note('redis stall: message send', sent.ms);
        expectDependencyUnavailable(sent.result, sent.ms, `message send, round ${round}`);
      }
      // Any other write must not wait for Redis either: its rate limit lives there (as login's), so it is refused fast.
      const renamed = await timed(() => a!.api.patch(`/channels/${textId}`, { name: 'renamed-during-stall' }, alice.token));
      note('redis stall: channel rename', renamed.ms);
      expectDependencyUnavailable(renamed.result, renamed.ms, 'channel rename');
      expect(aliceSocket.connected).toBe(true);
    });
    await expectRecovery('the redis stall');
    expect(aliceSocket.connected).toBe(true);
    expect(disconnects).toEqual([]);
    const history = await a!.api.get(`/channels/${textId}/messages?limit=100`, alice.token);
    expect(history.body.items.filter((m: { content: string }) => m.content.startsWith('during the redis stall'))).toEqual([]);
  });
});
