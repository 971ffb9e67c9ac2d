/**
 * `npm run doctor` against the real test stack, with the server running in-process on the port LiveKit sends its
 * webhooks to — so "webhooks arrive" is proven end to end (LiveKit → verified by the server → marked in Redis).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport, runDoctor, type DoctorEnv } from '../../scripts/doctor';
import { testEnv } from '../support/env';
import { startTestServer, type TestServer } from './server-helpers';

const env = testEnv();
let t: TestServer;

const doctorEnv = (overrides: Partial<DoctorEnv> = {}): DoctorEnv => ({
  livekitUrl: env.livekitUrl,
  livekitPublicUrl: env.livekitPublicUrl,
  apiKey: env.livekitApiKey,
  apiSecret: env.livekitApiSecret,
  redisUrl: env.redisUrl,
  udpHost: '127.0.0.1',
  // The test stack runs no TURN server: probe a port nobody answers on.
  turnPort: 3,
  egressHealthUrl: 'http://127.0.0.1:9/',
  serverUrl: `http://127.0.0.1:${env.apiPort}`,
  metricsToken: undefined,
  prometheusUrl: undefined,
  ...overrides,
});

beforeAll(async () => {
  t = await startTestServer({ PORT: String(env.apiPort) });
});

afterAll(async () => {
  await t?.stop();
});

describe('voice doctor', () => {
  it('when the stack is healthy, then LiveKit, keys, clock, Redis, webhooks and media pass, and missing TURN/Egress only warn', async () => {
    const results = await runDoctor(doctorEnv());
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    const report = formatReport(results);
    expect(byName['LiveKit reachable with our keys']?.status, report).toBe('ok');
    expect(byName['LiveKit API keys configured']?.status).toBe('ok');
    expect(byName['Clock skew server ↔ LiveKit']?.status).toBe('ok');
    expect(byName['Redis']?.status).toBe('ok');
    expect(byName['LiveKit webhooks reach the server']?.status, report).toBe('ok');
    expect(byName['WebRTC media ports reachable (UDP range)']?.status, report).toBe('ok');
    expect(byName['TURN configured and reachable (UDP)']?.status).toBe('warn');
    expect(byName['Egress workers available (recordings)']?.status).toBe('warn');
    expect(report).toMatch(/All required checks passed/);
  }, 60_000);

  it('when the API secret is wrong, then the LiveKit check fails and says how to fix the keys', async () => {
    const results = await runDoctor(doctorEnv({ apiSecret: 'y'.repeat(40), redisUrl: 'redis://127.0.0.1:9' }));
    const livekit = results.find((r) => r.name === 'LiveKit reachable with our keys');
    expect(livekit?.status).toBe('fail');
    expect(livekit?.fix).toMatch(/LIVEKIT_API_KEY/);
    expect(results.find((r) => r.name === 'Redis')?.status).toBe('fail');
    expect(formatReport(results)).toMatch(/check\(s\) failed/);
  }, 60_000);
});
