import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressHttpClasses } from './express-http-classes';

describe('expressHttpClasses', () => {
  const app = express();
  const server = createServer(expressHttpClasses(app), app);
  /** The prototype of each request as node handed it over, before Express saw it. */
  const arrivedWith: object[] = [];
  let url = '';

  beforeAll(async () => {
    server.prependListener('request', (req: IncomingMessage) => {
      arrivedWith.push(Object.getPrototypeOf(req) as object);
    });
    app.use(express.json());
    app.post('/echo/:id', (req, res) => {
      res
        .set('X-Seen', String(req.get('x-probe')))
        .json({ id: req.params.id, body: req.body as unknown, sameApp: req.app === app, isJson: req.is('application/json') });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("when node constructs a request, then it already has the app's request prototype, so Express has nothing to swap", async () => {
    const res = await fetch(`${url}/echo/42`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-probe': 'p1' },
      body: '{"a":1}',
    });
    expect(res.status).toBe(200);
    expect(arrivedWith.at(-1)).toBe(app.request);
  });

  it('when a handler uses Express request and response methods, then they all still work', async () => {
    const res = await fetch(`${url}/echo/7`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-probe': 'p2' },
      body: '{"b":[2]}',
    });
    expect(res.headers.get('x-seen')).toBe('p2');
    expect(await res.json()).toEqual({ id: '7', body: { b: [2] }, sameApp: true, isJson: 'application/json' });
  });
});
