import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './server-helpers';

/** The packaged desktop renderer runs at app://parley, so the API must answer its preflights — and only its. */
describe('cross-origin API access', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.stop();
  });

  const preflight = (origin: string): Promise<Response> =>
    fetch(`${t.url}/api/v1/auth/login`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,authorization' },
    });

  it('when the desktop renderer (app://parley) preflights a login, then the API allows its origin and headers', async () => {
    const res = await preflight('app://parley');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('app://parley');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('when a foreign web page preflights the API, then no allow-origin header is sent', async () => {
    const res = await preflight('https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('when the desktop renderer opens the gateway with long-polling, then its origin is allowed', async () => {
    const res = await fetch(`${t.url}/gateway/?EIO=4&transport=polling`, { headers: { Origin: 'app://parley' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('app://parley');
    const foreign = await fetch(`${t.url}/gateway/?EIO=4&transport=polling`, { headers: { Origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});
