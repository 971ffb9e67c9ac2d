import type { RouteContract } from '@shared/api/contract';
import { routes } from '@shared/api/routes';
import type { Request, RequestHandler, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { buildOpenApi } from './openapi';
import { parseBudgets } from './rate-limit-budgets';
import { createRouteRateLimits, rateLimitDocs, type RouteGates } from './route-rate-limits';

/** A request/response pair with what the gates read and write. */
function exchange(opts: { ip?: string; userId?: string; params?: Record<string, string> } = {}) {
  const headers = new Map<string, string>();
  const req = {
    ip: opts.ip ?? '10.0.0.1',
    params: opts.params ?? {},
    auth: opts.userId ? { userId: opts.userId, sessionId: null } : undefined,
  };
  const res = { setHeader: (k: string, v: string) => headers.set(k, v) };
  return { req: req as unknown as Request, res: res as unknown as Response, headers };
}

async function run(handler: RequestHandler, ex: ReturnType<typeof exchange>): Promise<AppError | null> {
  try {
    let called = false;
    await handler(ex.req, ex.res, () => {
      called = true;
    });
    expect(called).toBe(true);
    return null;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}

/** Both gates in order, as the ApiRouter chains them around requireAuth. */
async function pass(gates: RouteGates, ex: ReturnType<typeof exchange>): Promise<AppError | null> {
  return (await run(gates.beforeAuth, ex)) ?? (await run(gates.afterAuth, ex));
}

const limits = (spec: string) => {
  const { budgets, problems } = parseBudgets(spec);
  expect(problems).toEqual([]);
  return createRouteRateLimits({ redis: null, namespace: `unit-${Math.random()}`, budgets });
};

const gatesOf = (l: ReturnType<typeof limits>, c: RouteContract): RouteGates => {
  const g = l.gatesFor(c);
  if (!g) throw new Error(`${c.method} ${c.path} is not limited`);
  return g;
};

describe('route rate limits', () => {
  it('when a route is a read, then it has no gates; every write has', () => {
    const l = limits('');
    expect(l.gatesFor(routes.getGuild)).toBeNull();
    for (const c of Object.values(routes) as RouteContract[]) if (c.method !== 'get') expect(l.gatesFor(c)).not.toBeNull();
  });

  it('when a write route passes its budget, then it is 429 with Retry-After and X-RateLimit-* headers, and other routes keep theirs', async () => {
    const l = limits('*=1000/60,write=2/60');
    const update = gatesOf(l, routes.updateGuild);
    const first = exchange({ userId: 'u1' });
    expect(await pass(update, first)).toBeNull();
    expect(first.headers.get('X-RateLimit-Limit')).toBe('2');
    expect(first.headers.get('X-RateLimit-Remaining')).toBe('1');
    expect(Number(first.headers.get('X-RateLimit-Reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(await pass(update, exchange({ userId: 'u1' }))).toBeNull();
    const third = exchange({ userId: 'u1' });
    const refused = await pass(update, third);
    expect(refused?.code).toBe('RATE_LIMITED');
    expect(Number(refused?.headers?.['Retry-After'])).toBeGreaterThan(0);
    expect(third.headers.get('X-RateLimit-Remaining')).toBe('0');
    // Another user, and another route of the same user, have budgets of their own.
    expect(await pass(update, exchange({ userId: 'u2' }))).toBeNull();
    expect(await pass(gatesOf(l, routes.createChannel), exchange({ userId: 'u1' }))).toBeNull();
  });

  it('when messages are sent, then the budget is per channel, and the user budget spans every write', async () => {
    const l = limits('*=1000/60,message=1/60,user=3/60');
    const send = gatesOf(l, routes.sendMessage);
    const inChannel = (channelId: string) => exchange({ userId: 'u1', params: { channelId } });
    expect(await pass(send, inChannel('a'))).toBeNull();
    expect((await pass(send, inChannel('a')))?.code).toBe('RATE_LIMITED');
    expect(await pass(send, inChannel('b'))).toBeNull();
    // Three writes spent (two passed, one refused by the channel budget after the user budget took its point).
    expect((await pass(gatesOf(l, routes.createGuild), exchange({ userId: 'u1' })))?.code).toBe('RATE_LIMITED');
  });

  it('when a public route is called, then its budget is per IP, and every write counts against the IP', async () => {
    const l = limits('*=1000/60,write=1/60,ip=3/60');
    const login = gatesOf(l, routes.login);
    expect(await pass(login, exchange({ ip: '10.0.0.5' }))).toBeNull();
    expect((await pass(login, exchange({ ip: '10.0.0.5' })))?.code).toBe('RATE_LIMITED');
    expect(await pass(login, exchange({ ip: '10.0.0.6' }))).toBeNull();
    const create = gatesOf(l, routes.createGuild).beforeAuth;
    expect(await run(create, exchange({ ip: '10.0.0.5' }))).toBeNull();
    expect((await run(create, exchange({ ip: '10.0.0.5' })))?.code).toBe('RATE_LIMITED');
  });
});

describe('rate limits in the OpenAPI document', () => {
  it('when a route is limited, then its 429 and the X-RateLimit-* headers are documented; a read has no 429 unless it declares one', () => {
    const doc = buildOpenApi(Object.values(routes), { version: '1', serverUrl: '/api/v1' });
    const op = (path: string, method: string) =>
      (doc.paths[path] as Record<string, { responses: Record<string, { headers?: Record<string, unknown>; content?: unknown }> }>)[method];
    const send = op('/channels/{channelId}/messages', 'post');
    expect(send?.responses['429']?.headers).toHaveProperty('Retry-After');
    expect(send?.responses['429']?.headers).toHaveProperty('X-RateLimit-Reset');
    expect(send?.responses['429']?.content).toBeDefined();
    expect(send?.responses['201']?.headers).toHaveProperty('X-RateLimit-Remaining');
    expect(op('/guilds/{guildId}', 'get')?.responses['429']).toBeUndefined();
    expect(rateLimitDocs(routes.getGuild, {})).toBeNull();
  });
});
