import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, errorHandler, toAppError } from './errors';
import { createApiRouter } from './http/api-router';
import { createLogger } from './logger';
import { defineRoute } from '@shared/api/contract';
import { Id } from '@shared/api/common';

describe('toAppError', () => {
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

describe('ApiRouter + error handler', () => {
  const route = defineRoute({ tag: 't', method: 'post', path: '/things/:id', summary: 't', auth: false, params: z.strictObject({ id: Id }), body: z.strictObject({ name: z.string().max(5) }), response: z.object({ id: z.string(), name: z.string() }), status: 201 });
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

  const post = (path: string, body: string) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

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
