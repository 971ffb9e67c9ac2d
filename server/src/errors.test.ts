import { createServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { Redis } from 'ioredis';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { MongoClient, MongoNetworkError, MongoNetworkTimeoutError, MongoServerError, MongoTopologyClosedError } from 'mongodb';
import { ServerError } from 'livekit-server-sdk';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, DEPENDENCY_RETRY_AFTER_SECONDS, errorHandler, toAppError, unavailableDependency } from './errors';
import { createApiRouter } from './http/api-router';
import { createLogger } from './logger';
import { defineRoute } from '@shared/api/contract';
import { Id } from '@shared/api/common';
import { safeName } from '@shared/api/text';

describe('toAppError', () => {
  it('when a name in the input holds a bidi override, then it is 400 INVALID_CHARACTERS with the field path', () => {
    const result = z.strictObject({ name: safeName() }).safeParse({ name: 'a\u202Eb' });
    expect(result.success).toBe(false);
    const err = toAppError(result.error);
    expect(err?.code).toBe('INVALID_CHARACTERS');
    expect(err?.status).toBe(400);
    expect(err?.details).toEqual([{ path: 'name', message: expect.stringContaining('U+202E at 1') as string }]);
  });
  it('when given a zod error, then it is VALIDATION_FAILED with field paths', () => {
    const result = z.strictObject({ a: z.string() }).safeParse({ a: 1, b: 2 });
    const err = toAppError(result.error);
    expect(err?.code).toBe('VALIDATION_FAILED');
    expect(err?.status).toBe(400);
    expect(err?.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'a' })]));
  });

  it('when given body-parser errors, then too large is 413 and bad JSON is 400 MALFORMED_JSON', () => {
    expect(toAppError({ type: 'entity.too.large' })?.status).toBe(413);
    expect(toAppError({ type: 'entity.parse.failed' })?.code).toBe('MALFORMED_JSON');
  });

  it('when given anything else, then it is not translated (the handler answers 500)', () => {
    expect(toAppError(new Error('boom'))).toBeNull();
  });
});

/** A TCP server that accepts connections and never answers: what a stalled (SIGSTOPped) dependency looks like. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The rejection of `promise` (fails the test when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('toAppError: a dependency that does not answer', () => {
  const expect503 = (err: unknown, dependency: string) => {
    expect(unavailableDependency(err)).toBe(dependency);
    const appError = toAppError(err);
    expect(appError?.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(appError?.status).toBe(503);
    expect(appError?.headers).toEqual({ 'Retry-After': String(DEPENDENCY_RETRY_AFTER_SECONDS) });
  };

  it('when the MongoDB driver times out on a socket or loses a connection, then it is 503 with Retry-After', () => {
    expect503(new MongoNetworkTimeoutError('connection 3 to 127.0.0.1:27017 timed out'), 'mongodb');
    expect503(new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed'), 'mongodb');
    expect503(new MongoTopologyClosedError(), 'mongodb');
  });

  it('when no MongoDB server can be selected in time, then it is 503', async () => {
    const silent = await silentServer();
    const client = new MongoClient(`mongodb://127.0.0.1:${silent.port}`, { serverSelectionTimeoutMS: 200, connectTimeoutMS: 100 });
    try {
      const err = await rejectionOf(client.db('x').command({ ping: 1 }));
      expect((err as Error).name).toBe('MongoServerSelectionError');
      expect503(err, 'mongodb');
    } finally {
      await client.close();
      await silent.close();
    }
  });

  it('when the LiveKit API answers 503 (no response from servers), then it is 503; a 404 from it is not a dependency failure', () => {
    expect503(new ServerError('unavailable', 'no response from servers', 503), 'livekit');
    expect(unavailableDependency(new ServerError('not_found', 'participant not found', 404))).toBeNull();
  });

  it('when a MongoDB server answers with an error (a duplicate key), then it is not a dependency failure', () => {
    const duplicate = new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key error' });
    expect(unavailableDependency(duplicate)).toBeNull();
    expect(toAppError(duplicate)).toBeNull();
  });

  it('when a Redis command gets no reply within commandTimeout, then it is 503', async () => {
    const silent = await silentServer();
    const redis = new Redis(silent.port, '127.0.0.1', { commandTimeout: 50, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    try {
      const err = await rejectionOf(redis.get('k'));
      expect((err as Error).message).toBe('Command timed out');
      expect503(err, 'redis');
    } finally {
      redis.disconnect();
      await silent.close();
    }
  });

  it('when Redis is disconnected and the client has no offline queue, or retries ran out, then it is 503', async () => {
    const redis = new Redis(1, '127.0.0.1', { enableOfflineQueue: false, lazyConnect: true });
    const err = await rejectionOf(redis.get('k'));
    redis.disconnect();
    expect503(err, 'redis');
    expect503(new MaxRetriesPerRequestError(1), 'redis');
  });

  it('when an error only looks like a timeout, then it is not translated', () => {
    expect(toAppError(new Error('Command timed out!'))).toBeNull();
    expect(toAppError(new TypeError('Cannot read properties of undefined'))).toBeNull();
  });
});

describe('error handler: a dependency that does not answer', () => {
  it('when a handler throws a driver timeout, then it answers 503 with Retry-After and logs one warning without a stack', async () => {
    const lines: { level: number; msg: string; stack?: unknown; err?: unknown; dependency?: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const app = express();
    app.get('/stalled', () => {
      throw new MongoNetworkTimeoutError('connection 3 to 127.0.0.1:27017 timed out');
    });
    app.use(errorHandler(pino({ level: 'info' }, sink)));
    const server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/stalled`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe(String(DEPENDENCY_RETRY_AFTER_SECONDS));
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 40, dependency: 'mongodb' });
      expect(lines[0]?.err).toBeUndefined();
      expect(lines[0]?.stack).toBeUndefined();
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('ApiRouter + error handler', () => {
  const route = defineRoute({
    tag: 't',
    method: 'post',
    path: '/things/:id',
    summary: 't',
    auth: false,
    params: z.strictObject({ id: Id }),
    body: z.strictObject({ name: z.string().max(5) }),
    response: z.object({ id: z.string(), name: z.string() }),
    status: 201,
  });
  const boom = defineRoute({ tag: 't', method: 'get', path: '/boom', summary: 'b', auth: false });
  let url = '';
  const server = createServer();
  beforeAll(async () => {
    const app = express();
    app.use((req, _res, next) => {
      (req as unknown as { id: string }).id = 'rid-1';
      next();
    });
    app.use(express.json({ limit: '1kb' }));
    const api = createApiRouter((_req, _res, next) => next(new AppError('UNAUTHENTICATED', 'no')), true);
    api.handle(route, async ({ params, body }) => ({ id: params.id, name: body.name }));
    api.handle(boom, async () => {
      throw new Error('secret stack detail');
    });
    app.use(api.router);
    app.use(errorHandler(createLogger('silent')));
    server.on('request', app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const post = (path: string, body: string) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('when input is valid, then the handler result is sent with the contract status', async () => {
    const res = await post(`/things/${'a'.repeat(24)}`, '{"name":"ok"}');
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: 'a'.repeat(24), name: 'ok' });
  });

  it.each([
    ['an unknown field', `/things/${'a'.repeat(24)}`, '{"name":"ok","x":1}', 400, 'VALIDATION_FAILED'],
    ['an operator object', `/things/${'a'.repeat(24)}`, '{"name":{"$gt":""}}', 400, 'VALIDATION_FAILED'],
    ['a malformed id', '/things/123', '{"name":"ok"}', 400, 'VALIDATION_FAILED'],
    ['malformed JSON', `/things/${'a'.repeat(24)}`, '{"name":', 400, 'MALFORMED_JSON'],
    ['a body over the limit', `/things/${'a'.repeat(24)}`, JSON.stringify({ name: 'x'.repeat(5000) }), 413, 'PAYLOAD_TOO_LARGE'],
  ])('when the request has %s, then it answers %i %s with the request id', async (_what, path, body, status, code) => {
    const res = await post(path, body);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: { code: string; requestId: string } };
    expect(json.error.code).toBe(code);
    expect(json.error.requestId).toBe('rid-1');
  });

  it('when a handler throws an unknown error, then the client gets 500 INTERNAL without the message or stack', async () => {
    const res = await fetch(`${url}/boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error', requestId: 'rid-1' } });
    expect(text).not.toContain('secret');
  });
});
