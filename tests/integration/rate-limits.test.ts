/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field */
/**
 * Rate limits on the real stack (Redis-backed): every write route of the route table answers 429 with Retry-After and
 * X-RateLimit-* past its budget (budgets lowered through RATE_LIMITS), gateway events are dropped past theirs, and
 * failed logins make the account wait progressively — capped, so the owner still logs in from another IP.
 */
import { buildPath, type RouteRef } from '@shared/api/contract';
import * as table from '@shared/api/route-table';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectGateway,
  nextEvent,
  registerUser,
  startTestServer,
  type ApiResponse,
  type TestServer,
  type TestUser,
} from './server-helpers';

const BUDGET = 2;

/** Every route of the route table (the renderer's list of what the API serves), by key. */
function allRoutes(): [string, RouteRef][] {
  const groups: unknown[] = Object.values(table);
  return groups
    .filter((group): group is Record<string, RouteRef> => typeof group === 'object' && group !== null)
    .flatMap((group) => Object.entries(group));
}

/** Any value for a path parameter: the limit is checked before the input is validated. */
const paramValue = (name: string): string => (name === 'emoji' ? '👍' : name === 'code' ? 'abcdefgh' : 'a'.repeat(24));

function pathOf(ref: RouteRef): string {
  const names = [...ref.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] ?? '');
  return buildPath(ref.path, Object.fromEntries(names.map((n) => [n, paramValue(n)])));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectLimitHeaders(res: ApiResponse<any>, what: string): void {
  expect(res.headers.get('x-ratelimit-limit'), `${what}: X-RateLimit-Limit`).toMatch(/^\d+$/);
  expect(res.headers.get('x-ratelimit-remaining'), `${what}: X-RateLimit-Remaining`).toMatch(/^\d+$/);
  expect(Number(res.headers.get('x-ratelimit-reset')), `${what}: X-RateLimit-Reset`).toBeGreaterThan(Date.now() / 1000 - 1);
}

describe('write routes and gateway events past their budgets', () => {
  let t: TestServer;
  let user: TestUser;
  beforeAll(async () => {
    t = await startTestServer({
      // Each route's budget (and every class's) is 2 per minute; the user's and the IP's totals stay out of the way.
      RATE_LIMITS: `*=${BUDGET}/60,user=100000/60,ip=100000/60,gateway=3/60`,
      TRUST_PROXY: '1',
    });
    // Registered from another address, so this registration does not spend the register route's budget below.
    const res = await t.api.request('post', '/auth/register', {
      body: { username: `limits_${Date.now().toString(36)}`, password: 'correct horse battery' },
      headers: { 'x-forwarded-for': '10.20.30.40' },
    });
    expect(res.status).toBe(201);
    user = { id: res.body.user.id, username: res.body.user.username, token: res.body.accessToken, refreshToken: res.body.refreshToken };
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('when any write route of the route table is called past its budget, then it answers 429 RATE_LIMITED with Retry-After and X-RateLimit-* headers', async () => {
    const writes = allRoutes().filter(([, ref]) => ref.method !== 'get');
    expect(writes.length).toBeGreaterThan(50);
    const missing: string[] = [];
    for (const [name, ref] of writes) {
      const answers: ApiResponse<any>[] = [];
      // Routes sharing a class budget (invites, …) may be spent by an earlier route already: at most BUDGET + 1 calls.
      for (let i = 0; i <= BUDGET; i++) {
        const res = await t.api.request(ref.method, pathOf(ref), { token: user.token, body: {} });
        answers.push(res);
        expectLimitHeaders(res, `${name} call ${i + 1} (${res.status})`);
        if (res.status === 429) break;
      }
      const last = answers[answers.length - 1];
      if (last?.status !== 429) {
        missing.push(`${name}: ${answers.map((a) => a.status).join(', ')}`);
        continue;
      }
      expect(last.body.error.code, name).toBe('RATE_LIMITED');
      expect(Number(last.headers.get('retry-after')), name).toBeGreaterThan(0);
      expect(last.headers.get('x-ratelimit-remaining'), name).toBe('0');
      expect(last.headers.get('x-ratelimit-limit'), name).toBe(String(BUDGET));
    }
    expect(missing).toEqual([]);
  });

  it('when the OpenAPI document is read, then every write operation declares 429 with Retry-After, and it lists every write route of the table', async () => {
    const doc = (await t.api.get('/openapi.json')).body as { paths: Record<string, Record<string, { responses: Record<string, any> }>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => method !== 'get')
        .map(([method, op]) => ({ route: `${method} ${path}`, op })),
    );
    const tableWrites = allRoutes()
      .filter(([, ref]) => ref.method !== 'get')
      .map(([, ref]) => `${ref.method} ${ref.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    expect(documented.map((d) => d.route).sort()).toEqual([...new Set(tableWrites)].sort());
    for (const { route, op } of documented) {
      expect(op.responses['429']?.headers?.['Retry-After'], route).toBeDefined();
      expect(op.responses['429']?.content?.['application/json']?.schema, route).toBeDefined();
    }
  });

  it('when a user sends gateway events past the budget, then they are dropped with RATE_LIMITED, and a flood closes the connection', async () => {
    const other = await t.api.request('post', '/auth/register', {
      body: { username: `gw_${Date.now().toString(36)}`, password: 'correct horse battery' },
      headers: { 'x-forwarded-for': '10.20.30.41' },
    });
    const socket = connectGateway(t.url, other.body.accessToken);
    try {
      await nextEvent(socket, 'READY');
      const send = () => socket.timeout(5_000).emitWithAck('PRESENCE_SET', { status: 'idle' }) as Promise<any>;
      for (let i = 0; i < 3; i++) expect(await send()).toEqual({ ok: true });
      const refused = await send();
      expect(refused).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
      expect(refused.retryAfterSeconds).toBeGreaterThan(0);
      // Without an ack, the refusal comes as GATEWAY_ERROR.
      const error = nextEvent(socket, 'GATEWAY_ERROR');
      socket.emit('PRESENCE_SET', { status: 'online' });
      expect(await error).toMatchObject({ event: 'PRESENCE_SET', ok: false, code: 'RATE_LIMITED' });
      // Twice the budget dropped (6): the server closes the connection.
      const closed = new Promise<string>((resolve) => socket.on('disconnect', resolve));
      for (let i = 0; i < 4; i++) socket.emit('PRESENCE_SET', { status: 'online' });
      expect(await closed).toBe('io server disconnect');
    } finally {
      socket.disconnect();
    }
  });
});

describe('failed logins', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      TRUST_PROXY: '1',
      AUTH_RATE_LIMIT_PER_IP: '50',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '2',
      AUTH_LOGIN_DELAY_MAX_SECONDS: '2',
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const login = (username: string, password: string, ip: string) =>
    t.api.request('post', '/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': ip } });

  it("when an attacker keeps failing on the owner's account, then each wait grows up to the cap, and the owner logs in from another IP after at most the cap", async () => {
    const owner = await registerUser(t.api, 'owner');
    const attacker = '10.66.0.1';
    const waits: number[] = [];
    for (let i = 0; i < 2; i++) expect((await login(owner.username, 'wrong password', attacker)).status).toBe(401);
    for (let round = 0; round < 3; round++) {
      expect((await login(owner.username, 'wrong password', attacker)).status).toBe(401);
      const refused = await login(owner.username, 'wrong password', attacker);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('RATE_LIMITED');
      const seconds = Number(refused.headers.get('retry-after'));
      waits.push(seconds);
      await sleep(seconds * 1000 + 100);
    }
    // 1 s, 2 s, then the 2 s cap.
    expect(waits).toEqual([1, 2, 2]);

    // The attacker fails again; the owner, from another address, waits at most the cap, then the right password works.
    expect((await login(owner.username, 'wrong password', attacker)).status).toBe(401);
    let answer = await login(owner.username, 'correct horse battery', '10.1.0.1');
    if (answer.status === 429) {
      const seconds = Number(answer.headers.get('retry-after'));
      expect(seconds).toBeLessThanOrEqual(2);
      await sleep(seconds * 1000 + 100);
      answer = await login(owner.username, 'correct horse battery', '10.1.0.1');
    }
    expect(answer.status).toBe(200);
    // The success cleared the account's failures: the next wrong password is a plain 401, not a wait.
    expect((await login(owner.username, 'wrong password', '10.1.0.1')).status).toBe(401);
    expect((await login(owner.username, 'correct horse battery', '10.1.0.1')).status).toBe(200);
  });
});
