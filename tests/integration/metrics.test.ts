/**
 * /metrics on the real stack (FerretDB, Redis, livekit-server posting its webhooks to this in-process server): a scrape
 * with the token shows exactly the messages and the voice join this test makes, labelled by route template; without
 * the token it is refused, and a server without METRICS_TOKEN does not serve it at all.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceJoinResponse, voiceRoomName } from '@shared/api/voice';
import { checkMetrics, type DoctorEnv } from '../../scripts/doctor';
import { freePort } from '../../scripts/stack/tools';
import { testServerEnv } from '../support/env';
import { connectGateway, nextEvent, startTestServer, type TestServer } from './server-helpers';
import { Bot, createVoiceGuild, env, startServerOn, waitFor, type VoiceGuild } from './voice-support';

const METRICS_TOKEN = 'metrics-test-token-0123456789abcdef';

let server: TestServer;
let g: VoiceGuild;
let textId: string;
const bots: Bot[] = [];
const sockets: Socket[] = [];

/** One scrape, parsed into `name{labels}` → value (label pairs kept in the order the exposition writes them). */
async function scrape(token: string | null = METRICS_TOKEN): Promise<{ status: number; text: string; samples: Map<string, number> }> {
  const res = await fetch(`${server.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  const samples = new Map<string, number>();
  if (res.ok) {
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const at = line.lastIndexOf(' ');
      samples.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
  }
  return { status: res.status, text, samples };
}

/** A sample's value, 0 when the series does not exist (yet). Labels as prom-client writes them: in labelNames order. */
function value(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return samples.get(pairs.length > 0 ? `${name}{${pairs.join(',')}}` : name) ?? 0;
}

/** Sum of every series of a metric whose labels include all of `labels`. */
function sum(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const [key, v] of samples) {
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, val]) => key.includes(`${k}="${val}"`))) total += v;
  }
  return total;
}

const requests = (samples: Map<string, number>, method: string, route: string, status: string) =>
  value(samples, 'parley_http_request_duration_seconds_count', { method, route, status });

beforeAll(async () => {
  // On the webhook port: the voice join is counted when LiveKit's participant_joined webhook reaches this server.
  server = await startServerOn(env.apiPort, { METRICS_TOKEN }, { processMetrics: true });
  g = await createVoiceGuild(server.api);
  const channels = await server.api.get(`/guilds/${g.guildId}/channels`, g.owner.token);
  textId = channels.body.items.find((c: { type: string }) => c.type === 'text').id;
});

afterAll(async () => {
  for (const bot of bots) await bot.close();
  // No rtc-node dispose(): files share one worker (vitest.config.ts), where rtc-node cannot start again once disposed.
  for (const socket of sockets) socket.disconnect();
  await server?.stop();
});

describe('metrics endpoint', () => {
  it('when scraped without the token or with a wrong one, then it answers 401 and shows no metrics', async () => {
    const none = await scrape(null);
    expect(none.status).toBe(401);
    expect(none.text).not.toContain('parley_');
    const wrong = await scrape('metrics-test-token-0123456789abcdeX');
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain('parley_');
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('# TYPE parley_http_request_duration_seconds histogram');
    // The process metrics are there too.
    expect(ok.text).toContain('process_cpu_user_seconds_total');
  });

  it('when the server has no METRICS_TOKEN, then /metrics is not served at all (404)', async () => {
    const other = await startTestServer({ METRICS_TOKEN: '' });
    try {
      const res = await fetch(`${other.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(404);
    } finally {
      await other.stop();
    }
  });
});

describe('what a scrape shows', () => {
  it('when a member sends two messages, then the send route counts exactly two 201s under its template, never under its URL', async () => {
    const gateway = connectGateway(server.url, g.owner.token);
    sockets.push(gateway);
    await nextEvent(gateway, 'READY', () => true, 20_000);
    const before = (await scrape()).samples;
    const route = '/api/v1/channels/:channelId/messages';
    for (const content of ['one', 'two']) {
      const res = await server.api.post(`/channels/${textId}/messages`, { content }, g.member.token);
      expect(res.status).toBe(201);
    }
    const after = await scrape();
    expect(requests(after.samples, 'POST', route, '201') - requests(before, 'POST', route, '201')).toBe(2);
    // A refused send is counted under the same template with its own status.
    const refused = await server.api.post(`/channels/${textId}/messages`, { content: '' }, g.member.token);
    expect(refused.status).toBe(400);
    expect(requests((await scrape()).samples, 'POST', route, '400') - requests(before, 'POST', route, '400')).toBe(1);
    // One MESSAGE_CREATE published per message (not one per recipient).
    expect(
      value(after.samples, 'parley_gateway_events_total', { event: 'MESSAGE_CREATE', direction: 'out' }) -
        value(before, 'parley_gateway_events_total', { event: 'MESSAGE_CREATE', direction: 'out' }),
    ).toBe(2);
    // No label anywhere carries an id from a URL.
    for (const id of [textId, g.guildId]) expect(after.text).not.toContain(id);
    // The messages were stored and published through MongoDB and Redis, whose command latencies are measured.
    expect(sum(after.samples, 'parley_mongodb_command_duration_seconds_count', { command: 'insert', outcome: 'ok' })).toBeGreaterThan(
      sum(before, 'parley_mongodb_command_duration_seconds_count', { command: 'insert', outcome: 'ok' }),
    );
    expect(sum(after.samples, 'parley_redis_command_duration_seconds_count')).toBeGreaterThan(0);
  });

  it('when a gateway session opens, sends events and closes, then the connections gauge and the inbound event counts follow it', async () => {
    const baseline = value((await scrape()).samples, 'parley_gateway_connections');
    const socket = connectGateway(server.url, g.member.token);
    await nextEvent(socket, 'READY', () => true, 20_000);
    const opened = (await scrape()).samples;
    expect(value(opened, 'parley_gateway_connections')).toBe(baseline + 1);
    // Events from the client are counted by name; a name the server does not know is counted as `unknown`, not by itself.
    const ack = await socket.timeout(5_000).emitWithAck('PRESENCE_SET', { status: 'idle' });
    expect(ack).toEqual({ ok: true });
    socket.emit('NOT_AN_EVENT_a1b2c3', {});
    const inbound = (s: Map<string, number>, event: string) => value(s, 'parley_gateway_events_total', { event, direction: 'in' });
    const counted = await waitFor('the unknown event to be counted', async () => {
      const s = (await scrape()).samples;
      return inbound(s, 'unknown') > inbound(opened, 'unknown') ? s : undefined;
    });
    expect(inbound(counted, 'PRESENCE_SET') - inbound(opened, 'PRESENCE_SET')).toBe(1);
    expect(inbound(counted, 'unknown') - inbound(opened, 'unknown')).toBe(1);
    expect([...counted.keys()].some((k) => k.includes('NOT_AN_EVENT'))).toBe(false);
    socket.disconnect();
    await waitFor('the gauge to drop', async () =>
      value((await scrape()).samples, 'parley_gateway_connections') === baseline ? true : undefined,
    );
  });

  it('when a member joins voice, then the join is counted once and the room shows one participant until they leave', async () => {
    const room = voiceRoomName(g.a);
    const before = (await scrape()).samples;
    expect(value(before, 'parley_voice_participants', { room })).toBe(0);
    const res = await server.api.post(`/channels/${g.a}/voice/join`, undefined, g.member.token);
    expect(res.status).toBe(200);
    const join = VoiceJoinResponse.parse(res.body);
    const bot = new Bot();
    bots.push(bot);
    await bot.connect(join.url, join.token);

    const joined = await waitFor(
      'the join to be counted',
      async () => {
        const s = (await scrape()).samples;
        return sum(s, 'parley_voice_joins_total') > sum(before, 'parley_voice_joins_total') ? s : undefined;
      },
      20_000,
    );
    expect(sum(joined, 'parley_voice_joins_total') - sum(before, 'parley_voice_joins_total')).toBe(1);
    expect(value(joined, 'parley_voice_participants', { room })).toBe(1);
    const joinRoute = '/api/v1/channels/:channelId/voice/join';
    expect(requests(joined, 'POST', joinRoute, '200') - requests(before, 'POST', joinRoute, '200')).toBe(1);
    // LiveKit's webhook that reported it is counted under its raw router's path.
    expect(sum(joined, 'parley_http_request_duration_seconds_count', { route: '/api/v1/livekit/webhook' })).toBeGreaterThan(0);

    await bot.close();
    await waitFor(
      'the room to empty',
      async () => (value((await scrape()).samples, 'parley_voice_participants', { room }) === 0 ? true : undefined),
      20_000,
    );
    // Leaving is not a join.
    expect(sum((await scrape()).samples, 'parley_voice_joins_total') - sum(before, 'parley_voice_joins_total')).toBe(1);
  });
});

describe('npm run doctor', () => {
  const doctorEnv = (overrides: Partial<DoctorEnv>): DoctorEnv => ({
    livekitUrl: env.livekitUrl,
    livekitPublicUrl: env.livekitPublicUrl,
    apiKey: env.livekitApiKey,
    apiSecret: env.livekitApiSecret,
    redisUrl: env.redisUrl,
    udpHost: '127.0.0.1',
    turnPort: 3,
    egressHealthUrl: 'http://127.0.0.1:9/',
    serverUrl: server.url,
    metricsToken: METRICS_TOKEN,
    prometheusUrl: undefined,
    ...overrides,
  });

  it("when the doctor has the server's token, then the metrics check passes; with another token it fails and says why", async () => {
    const ok = await checkMetrics(doctorEnv({}));
    expect(ok.status, ok.detail).toBe('ok');
    expect(ok.detail).toMatch(/refused a request without it \(401\)/);
    const wrong = await checkMetrics(doctorEnv({ metricsToken: 'not-the-servers-token-0123456789' }));
    expect(wrong.status).toBe('fail');
    expect(wrong.fix).toMatch(/METRICS_TOKEN/);
    const unset = await checkMetrics(doctorEnv({ metricsToken: undefined }));
    expect(unset.status).toBe('skip');
  });
});

/** Worker pids of the supervisor: its children running main.ts (tsx may also run an esbuild service child). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', 'server/src/main.ts'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

describe('SERVER_WORKERS', () => {
  const MAIN = fileURLToPath(new URL('../../server/src/main.ts', import.meta.url));
  let supervisor: ChildProcess | undefined;
  afterAll(() => {
    if (supervisor?.exitCode === null) supervisor.kill('SIGKILL');
  });

  // Three Node processes compiling TypeScript at once: slow while other test files load the machine.
  it(
    'when 2 workers share the port, then every scrape shows the requests of both, whichever worker answers it',
    { timeout: 240_000 },
    async () => {
      const port = await freePort();
      let output = '';
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
        env: {
          ...process.env,
          ...testServerEnv('parley_test_metrics_workers'),
          LOG_LEVEL: 'warn',
          HOST: '127.0.0.1',
          PORT: String(port),
          SERVER_WORKERS: '2',
          VOICE_RECONCILE_INTERVAL_MS: '0',
          METRICS_TOKEN,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      supervisor = child;
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const base = `http://127.0.0.1:${port}`;
      // A new connection per request, so the primary hands them to both workers in turn.
      const get = (path: string, headers: Record<string, string> = {}) =>
        fetch(`${base}${path}`, { headers: { ...headers, connection: 'close' } });
      const workerScrape = async () => {
        const res = await get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
        if (res.status !== 200) throw new Error(`scrape answered ${res.status}`);
        const samples = new Map<string, number>();
        for (const line of (await res.text()).split('\n')) {
          if (line === '' || line.startsWith('#')) continue;
          const at = line.lastIndexOf(' ');
          samples.set(line.slice(0, at), Number(line.slice(at + 1)));
        }
        return samples;
      };
      // Both workers must be running: the primary collects from every connected worker and fails the whole scrape
      // (after 5 s) while one of them cannot answer yet, so a 200 then means both counted.
      await waitFor(
        'both workers to answer',
        async () => {
          if (childrenOf(child.pid!).length !== 2) return undefined;
          if (!(await get('/health').catch(() => null))?.ok) return undefined;
          return (await workerScrape().catch(() => null)) ?? undefined;
        },
        180_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; server output:\n${output.slice(-3000)}`);
      });

      const route = '/api/v1/openapi.json';
      const before = await workerScrape();
      for (let i = 0; i < 6; i++) expect((await get(route)).status).toBe(200);
      // A request is counted when its response has finished writing, which the worker may learn a moment after the
      // client has read it: the sum reaches 6 (and never more), then every scrape shows exactly 6.
      const counted = (s: Map<string, number>) => requests(s, 'GET', route, '200') - requests(before, 'GET', route, '200');
      await waitFor('both workers to count the six requests', async () => ((await workerScrape().then(counted)) >= 6 ? true : undefined));
      for (let i = 0; i < 4; i++) {
        const s = await workerScrape();
        expect(requests(s, 'GET', route, '200') - requests(before, 'GET', route, '200')).toBe(6);
      }

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
  );
});
