import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, stopService } from '../support/stack-control';
import { startTestServer, type TestServer } from './server-helpers';

describe('GET /health', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('when every dependency is up, then it answers 200 with each check up', async () => {
    const res = await fetch(`${t.url}/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ok');
    expect(body.checks.mongo.status).toBe('up');
    expect(body.checks.livekit.status).toBe('up');
    expect(body.checks.redis.status).toBe('up');
    expect(body.down).toEqual([]);
  });

  it('when the SFU is stopped, then it answers 503 naming livekit, and 200 again once it is back', async () => {
    await stopService('livekit');
    try {
      const res = await fetch(`${t.url}/health`);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.down).toEqual(['livekit']);
      expect(body.checks.livekit.status).toBe('down');
      expect(body.checks.mongo.status).toBe('up');
    } finally {
      await startService('livekit');
    }
    const again = await fetch(`${t.url}/health`);
    expect(again.status).toBe(200);
  });

  it('when an unknown API route is requested, then the error body carries a code and the request id', async () => {
    const res = await fetch(`${t.url}/api/v1/nope`, { headers: { 'x-request-id': 'req-abc-123' } });
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), requestId: 'req-abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('req-abc-123');
  });
});
