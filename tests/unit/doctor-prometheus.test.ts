/**
 * The doctor's Prometheus check reads Prometheus's targets API. There is no Prometheus in the test stack, so these
 * tests answer that API from a local HTTP server with the JSON shape Prometheus 3 returns (a fake: unit test only).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkPrometheus, doctorEnv } from '../../scripts/doctor';

let server: Server | null = null;

async function prometheus(targets: unknown[]): Promise<string> {
  server = createServer((req, res) => {
    if (!req.url?.startsWith('/api/v1/targets')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { activeTargets: targets } }));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

const env = (prometheusUrl: string | undefined) => ({ ...doctorEnv({}, '/nonexistent'), prometheusUrl });

describe('doctor: Prometheus scrapes Parley and LiveKit', () => {
  it('when both targets are up, then the check passes', async () => {
    const url = await prometheus([
      { labels: { job: 'parley' }, health: 'up' },
      { labels: { job: 'livekit' }, health: 'up' },
    ]);
    const result = await checkPrometheus(env(url));
    expect(result.status, result.detail).toBe('ok');
  });

  it('when the parley target is down with a 401, then the check fails and names the token', async () => {
    const url = await prometheus([
      { labels: { job: 'parley' }, health: 'down', lastError: 'server returned HTTP status 401 Unauthorized' },
      { labels: { job: 'livekit' }, health: 'up' },
    ]);
    const result = await checkPrometheus(env(url));
    expect(result.status).toBe('fail');
    expect(result.detail).toContain('401');
    expect(result.fix).toMatch(/METRICS_TOKEN/);
  });

  it('when Prometheus has no livekit target, then the check fails', async () => {
    const url = await prometheus([{ labels: { job: 'parley' }, health: 'up' }]);
    const result = await checkPrometheus(env(url));
    expect(result.status).toBe('fail');
    expect(result.detail).toContain('no livekit target');
  });

  it('when no Prometheus URL is given, then the check is skipped rather than passed', async () => {
    expect((await checkPrometheus(env(undefined))).status).toBe('skip');
  });
});
