/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field in tests, typing every one adds nothing */
/**
 * Server benchmark (`npm run bench -- server`), one JSON object on stdout:
 * - token_rps / token_p99_ms: POST /channels/:id/voice/join under 50 concurrent connections (autocannon in a child
 *   process), the median of three 10 s runs (all three in token_runs).
 * - fanout_p50_ms / fanout_p99_ms: message send (POST starts) → MESSAGE_CREATE arrives, over every delivery to 500
 *   Socket.IO clients, 40 messages sent one after another.
 * - history_p50_ms / history_p99_ms: GET a page of 50 (random `before` cursor) from a channel holding 100,000 messages,
 *   1,000 requests one after another over one keep-alive connection, against the server in its own process. On the
 *   local FerretDB stand-in the channel holds 5,000 and 200 pages are read (history_seeded_messages, history_requests,
 *   history_engine and history_note say so):
 *   set MONGODB_URI to a real MongoDB for the figure that counts (every figure then runs against it).
 * - send_rps / send_p50_ms / send_p99_ms / send_lost: 50 senders (distinct members, one keep-alive connection each)
 *   POST messages to one text channel for 10 s after a 2 s warm-up, against the server in its own process (one worker
 *   per core); then the channel's whole history is read back through the API and every acknowledged (2xx) message id
 *   it lacks counts in send_lost (must be 0). send_spread repeats it with the senders spread over 5 channels.
 * Uses the TEST profile stack (started here when needed, shared by lease with concurrent test runs). Setup and the
 * fan-out run the real server in-process (NODE_ENV=production, silent logs); the gateway clients run in the same
 * process, so on 2 cores the fan-out figure includes the clients' own decoding. History and token run against
 * `server/src/main.ts` in its own process, as deployed. Targets: token ≥ 1500 rps & p99 < 50 ms; fan-out p99 < 100 ms;
 * history p99 < 20 ms; send ≥ 300 rps & p99 < 300 ms with send_lost = 0.
 * Each figure comes with `*_cpu_steal_pct`: the share of CPU time the hypervisor took while it was measured (see
 * lib/cpu-steal.ts); on this shared VM the tails follow it.
 */
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { io, type Socket } from 'socket.io-client';
import { createContext, stackEnv } from '../scripts/stack/profiles';
import { acquireLease, allHealthy, down, installAll, otherLiveLeases, releaseLease, status, up } from '../scripts/stack/stack';
import { freePort } from '../scripts/stack/tools';
import { parseConfig } from '../server/src/config';
import { createLogger } from '../server/src/logger';
import { createAccessTokens } from '../server/src/modules/auth/tokens';
import { usernameSkeleton } from '../server/src/modules/users/username-skeleton';
import { start } from '../server/src/server';
import { stealMeter } from './lib/cpu-steal';
import { lostIds, median, percentile, ratePerSecond } from './lib/stats';

const CLIENTS = 500;
/** `npm run bench -- server --history-only`: just the history figure (quicker to repeat). */
const HISTORY_ONLY = process.argv.includes('--history-only');
/** `--skip-history`: fan-out and token only. */
const SKIP_HISTORY = process.argv.includes('--skip-history') || process.argv.includes('--token-only');
/** `--token-only`: just the voice-join figures. */
const TOKEN_ONLY = process.argv.includes('--token-only');
/** `--send-only`: just the send figures (send_*). */
const SEND_ONLY = process.argv.includes('--send-only');
/** `--history-messages N`: seed N messages for the history figure instead of the engine's default. */
const HISTORY_MESSAGES_ARG = ((i) => (i >= 0 ? Number(process.argv[i + 1]) : undefined))(process.argv.indexOf('--history-messages'));
const FANOUT_MESSAGES = 40;
const HISTORY_MESSAGES = 100_000;
/**
 * FerretDB 1.24 (SQLite) answers every filter other than `{ _id }` by decoding the whole collection, so a history page
 * there costs in proportion to all messages stored: the stand-in gets a smaller channel, and says so.
 */
const HISTORY_MESSAGES_FERRETDB = 5_000;
const HISTORY_REQUESTS_FERRETDB = 200;
const SENDERS = 50;
const SEND_WARMUP_MS = 2_000;
const SEND_DURATION_MS = 10_000;
const SEND_SPREAD_CHANNELS = 5;
const HISTORY_REQUESTS = 1000;
const now = () => performance.timeOrigin + performance.now();
const log = (...args: unknown[]) => console.error('[bench:server]', ...args);

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

/** autocannon's CLI in a child process; resolves with its --json result. */
function autocannonProcess(opts: {
  url: string;
  method: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  body: string;
}): Promise<AutocannonResult> {
  const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const args = [cli, '--json', '-c', String(opts.connections), '-d', String(opts.duration), '-m', opts.method, '-b', opts.body];
  for (const [k, v] of Object.entries(opts.headers)) args.push('-H', `${k}=${v}`);
  args.push(opts.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err.slice(-500)}`));
      try {
        resolve(JSON.parse(out) as AutocannonResult);
      } catch {
        reject(new Error(`autocannon printed no JSON: ${out.slice(0, 200)} ${err.slice(-300)}`));
      }
    });
  });
}

/** `server/src/main.ts` in a child process on a free port, NODE_ENV=production, waiting until it answers. */
async function startServerProcess(
  env: Record<string, string | undefined>,
  workers: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../server/src/main.ts', import.meta.url))], {
    env: {
      ...process.env,
      ...env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      SERVER_WORKERS: String(workers),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The server logs (warnings and a failed boot's fatal line) go to stdout: keep the tail for the error message.
  let logTail = '';
  child.stdout.on('data', (chunk: Buffer) => (logTail = (logTail + chunk.toString()).slice(-2_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server process exited with ${child.exitCode}; its log ends: ${logTail}`);
    const up = await fetch(`${url}/api/v1/openapi.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server process did not answer within 60 s; its log ends: ${logTail}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  // With several workers, each one listens once it has started: give the last ones a moment.
  if (workers > 1) await new Promise((r) => setTimeout(r, 2_000));
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/**
 * JSON requests over one keep-alive connection (node:http): a lean client, so the figures are the server's latency.
 * `get` resolves with the parsed body; `request` with the status too.
 */
function keepAliveClient(
  baseUrl: string,
  token: string,
): {
  get(path: string): Promise<unknown>;
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): void;
} {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const request = (method: string, path: string, body?: unknown) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (payload !== undefined) headers['content-type'] = 'application/json';
      const req = http.request(`${baseUrl}${path}`, { method, agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  return {
    get: async (path) => (await request('GET', path)).body,
    request,
    close: () => agent.destroy(),
  };
}

/**
 * The database engine behind `db`, e.g. "MongoDB 7.0.14" or "FerretDB 1.24.2": FerretDB answers buildInfo with its
 * own version field (our source-built launcher reports it as "unknown"; then the wire version it emulates is named).
 */
async function engineOf(db: Db): Promise<{ name: string; ferret: boolean }> {
  const info = await db.admin().command({ buildInfo: 1 });
  const ferretVersion: unknown = info.ferretdbVersion;
  if (typeof ferretVersion === 'string') {
    return {
      name:
        ferretVersion && ferretVersion !== 'unknown'
          ? `FerretDB ${ferretVersion.replace(/^v/, '')}`
          : `FerretDB (MongoDB-wire ${String(info.version)})`,
      ferret: true,
    };
  }
  return { name: `MongoDB ${String(info.version)}`, ferret: false };
}

interface SendRun {
  /** Latency of every send started in the measured window. */
  latencies: number[];
  /** Sends started in the measured window and answered 2xx. */
  acknowledgedInWindow: number;
  /** Measured window: from its start to the last answer of a send started in it. */
  windowMs: number;
  /** Every acknowledged message id (warm-up included), by channel. */
  acknowledged: Map<string, string[]>;
  non2xx: number;
  errors: number;
  firstFailure: string | null;
}

/**
 * `senders` each send messages one after another over their own keep-alive connection: `warmupMs` not measured, then
 * `durationMs` measured. Every 2xx answer's message id is kept for the loss check.
 */
async function runSenders(
  baseUrl: string,
  senders: readonly { token: string; channelId: string }[],
  warmupMs: number,
  durationMs: number,
): Promise<SendRun> {
  const run: SendRun = {
    latencies: [],
    acknowledgedInWindow: 0,
    windowMs: 0,
    acknowledged: new Map(),
    non2xx: 0,
    errors: 0,
    firstFailure: null,
  };
  const begin = now();
  const measureFrom = begin + warmupMs;
  const end = measureFrom + durationMs;
  let lastAnswer = measureFrom;
  await Promise.all(
    senders.map(async ({ token, channelId }, i) => {
      const client = keepAliveClient(baseUrl, token);
      const ids = run.acknowledged.get(channelId) ?? [];
      run.acknowledged.set(channelId, ids);
      try {
        for (let n = 0; now() < end; n++) {
          const t0 = now();
          const measured = t0 >= measureFrom;
          try {
            const res = await client.request('POST', `/api/v1/channels/${channelId}/messages`, {
              content: `bench send ${i}.${n}`,
              nonce: `bench-${i}-${n}`,
            });
            const t1 = now();
            if (measured) {
              run.latencies.push(t1 - t0);
              lastAnswer = Math.max(lastAnswer, t1);
            }
            const id = (res.body as { id?: unknown } | undefined)?.id;
            if (res.status >= 200 && res.status < 300 && typeof id === 'string') {
              ids.push(id);
              if (measured) run.acknowledgedInWindow++;
            } else {
              run.non2xx++;
              run.firstFailure ??= `${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
            }
          } catch (err) {
            run.errors++;
            run.firstFailure ??= String(err);
          }
        }
      } finally {
        client.close();
      }
    }),
  );
  run.windowMs = lastAnswer - measureFrom;
  return run;
}

/** Every message id in `channelId`, newest first, read page by page through the API. */
async function readWholeHistory(baseUrl: string, token: string, channelId: string): Promise<string[]> {
  const client = keepAliveClient(baseUrl, token);
  const ids: string[] = [];
  try {
    for (let before: string | undefined; ;) {
      const page = (await client.get(`/api/v1/channels/${channelId}/messages?limit=100${before ? `&before=${before}` : ''}`)) as {
        items?: { id: string }[];
      };
      if (!Array.isArray(page.items)) throw new Error(`history read failed: ${JSON.stringify(page).slice(0, 200)}`);
      ids.push(...page.items.map((m) => m.id));
      if (page.items.length < 100) return ids;
      before = page.items[page.items.length - 1]!.id;
    }
  } finally {
    client.close();
  }
}

async function main(): Promise<void> {
  const ctx = createContext('test');
  const lease = acquireLease(ctx);
  const shared = otherLiveLeases(ctx, lease) > 0;
  let startedHere: string[] = [];
  const result: Record<string, unknown> = {};
  const dbName = `parley_bench_${Date.now().toString(36)}`;
  // A real MongoDB when MONGODB_URI is set (the figures that count); else the test stack's MongoDB-wire server.
  const env = { ...stackEnv(ctx), ...(process.env.MONGODB_URI ? { MONGODB_URI: process.env.MONGODB_URI } : {}) };
  let server: Awaited<ReturnType<typeof start>> | null = null;
  const mongo = new MongoClient(env.MONGODB_URI ?? '');
  const sockets: Socket[] = [];
  try {
    await installAll(ctx);
    startedHere = await up(ctx);
    if (!allHealthy(await status(ctx))) throw new Error('test stack not healthy');
    const config = parseConfig({
      ...env,
      NODE_ENV: 'production',
      // PARLEY_BENCH_LOG_LEVEL=warn shows why a setup step fails; logs go to stdout, which run.ts passes to stderr.
      LOG_LEVEL: process.env.PARLEY_BENCH_LOG_LEVEL ?? 'silent',
      HOST: '127.0.0.1',
      PORT: '0',
      MONGODB_DB: dbName,
      AUTH_RATE_LIMIT_PER_IP: '100000',
      RATE_LIMITS: '*=1000000/1',
    });
    server = await start(config, { log: createLogger(config.LOG_LEVEL) });
    const base = `${server.url}/api/v1`;
    const post = async (path: string, body: unknown, token?: string) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json().catch(() => null)) as any };
    };
    const get = async (path: string, token: string) =>
      (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;

    const owner = (await post('/auth/register', { username: 'bench_owner', password: 'bench password 1' })).body;
    const token: string = owner.accessToken;
    const guild = (await post('/guilds', { name: 'Bench' }, token)).body;
    const channels = (await get(`/guilds/${guild.id}/channels`, token)).items as { id: string; type: string }[];
    const textId = channels.find((c) => c.type === 'text')!.id;
    const voiceId = channels.find((c) => c.type === 'voice')!.id;
    await mongo.connect();
    const db = mongo.db(dbName);
    const engine = await engineOf(db);
    result.targets = {
      token_rps: '>= 1500',
      token_p99_ms: '< 50',
      fanout_p99_ms: '< 100',
      history_p99_ms: '< 20',
      send_rps: '>= 300',
      send_p99_ms: '< 300',
      send_lost: '= 0',
    };

    let t = Date.now();
    // ---- history ----
    if (!SKIP_HISTORY && !SEND_ONLY) {
      const seeded = HISTORY_MESSAGES_ARG ?? (engine.ferret ? HISTORY_MESSAGES_FERRETDB : HISTORY_MESSAGES);
      const requests = engine.ferret ? HISTORY_REQUESTS_FERRETDB : HISTORY_REQUESTS;
      log(`inserting ${seeded} messages (${engine.name})`);
      const historyChannel = (await post(`/guilds/${guild.id}/channels`, { type: 'text', name: 'history' }, token)).body.id as string;
      const startSecs = Math.floor(Date.now() / 1000) - seeded;
      const bulk = Array.from({ length: seeded }, (_, i) => ({
        authorId: owner.user.id as string,
        content: `message ${i} lorem ipsum dolor sit amet`,
        nonce: null,
        mentions: [],
        createdAt: new Date((startSecs + i) * 1000),
        editedAt: null,
      }));
      t = Date.now();
      const ids = await server.repos.messages.importMessages(historyChannel, guild.id, bulk);
      log(`imported in ${Date.now() - t} ms; measuring history`);
      // Measured against the server as deployed (its own process, see the token figures), through one keep-alive
      // connection: the figure is the server's page latency, not this process's (which holds the import's garbage).
      const historyServer = await startServerProcess(
        { ...env, MONGODB_DB: dbName, AUTH_RATE_LIMIT_PER_IP: '100000', RATE_LIMITS: '*=1000000/1' },
        availableParallelism(),
      );
      const historySamples: number[] = [];
      let historyFailures = 0;
      let historyFirstFailure: string | undefined;
      const historySteal = stealMeter();
      try {
        const client = keepAliveClient(historyServer.url, token);
        for (let i = 0; i < requests + 20; i++) {
          // A cursor with at least 50 older messages, so every page is full (and the check below can hold).
          const cursor = ids[50 + Math.floor(Math.random() * (ids.length - 50))]!;
          const t0 = now();
          const page = (await client.get(`/api/v1/channels/${historyChannel}/messages?limit=50&before=${cursor}`)) as { items?: unknown[] };
          const dt = now() - t0;
          if (!Array.isArray(page.items) || page.items.length !== 50) {
            // Counted, not fatal: on the loaded stand-in a page can outlast the server's database time bound (503).
            historyFailures++;
            historyFirstFailure ??= JSON.stringify(page).slice(0, 200);
            if (historyFailures > requests / 10) throw new Error(`history failed ${historyFailures} times, first: ${historyFirstFailure}`);
            continue;
          }
          if (i >= 20) historySamples.push(dt); // the first 20 warm caches and JIT
        }
        client.close();
      } finally {
        await historyServer.stop();
      }
      result.history_p50_ms = percentile(historySamples, 50);
      result.history_p99_ms = percentile(historySamples, 99);
      result.history_cpu_steal_pct = historySteal.stop();
      result.history_channel_messages = seeded;
      result.history_failed_requests = historyFailures;
      if (historyFirstFailure) log(`first failed history page: ${historyFirstFailure}`);
      result.history_seeded_messages = seeded;
      result.history_requests = requests;
      result.history_engine = engine.name;
      if (seeded !== HISTORY_MESSAGES) {
        result.history_note = `channel of ${seeded} messages, not ${HISTORY_MESSAGES}${engine.ferret ? ': FerretDB decodes every stored document for any filter but _id, so set MONGODB_URI to a real MongoDB for the target figure' : ' (--history-messages)'}`;
      }
      log('history', result.history_p50_ms, result.history_p99_ms);
    }

    if (HISTORY_ONLY) {
      console.log(JSON.stringify(result));
      return;
    }
    // ---- fan-out ----
    if (!TOKEN_ONLY && !SEND_ONLY) {
      // A section that fails is reported in the JSON (fanout_error) and the others still run.
      try {
        log(`creating ${CLIENTS} members and gateway sessions`);
        t = Date.now();
        const tokens = createAccessTokens(config.JWT_SECRET);
        const users = Array.from({ length: CLIENTS }, (_, i) => ({
          _id: new ObjectId(),
          username: `fan_${i}`,
          usernameLower: `fan_${i}`,
          usernameSkeleton: usernameSkeleton(`fan_${i}`),
          displayName: `Fan ${i}`,
          passwordHash: 'x',
          createdAt: new Date(),
        }));
        await db.collection('users').insertMany(users);
        // Through the repository (as an invite accept would), 25 at a time.
        for (let i = 0; i < users.length; i += 25) {
          await Promise.all(
            users.slice(i, i + 25).map((u) =>
              server!.repos.guilds.insertMember({
                guildId: guild.id,
                userId: u._id.toHexString(),
                roleIds: [],
                nick: null,
                joinedAt: new Date(),
              }),
            ),
          );
        }
        const arrivals = new Map<string, number[]>();
        let connectRetries = 0;
        const connectClient = async (u: (typeof users)[number], attempt = 1): Promise<void> => {
          const { token: t } = await tokens.sign(u._id.toHexString());
          const socket = io(server!.url, {
            path: '/gateway',
            auth: { token: t },
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
          });
          socket.on('MESSAGE_CREATE', (m: { nonce: string | null }) => {
            const at = now();
            if (m.nonce) arrivals.get(m.nonce)?.push(at);
          });
          try {
            // A session the server refuses or drops must fail the bench, not hang it.
            await new Promise<void>((resolve, reject) => {
              const timer = setTimeout(() => reject(new Error(`gateway client ${u.username}: no READY within 30 s`)), 30_000);
              socket.once('READY', () => {
                clearTimeout(timer);
                resolve();
              });
              socket.once('connect_error', (err) => {
                clearTimeout(timer);
                reject(err);
              });
              socket.once('disconnect', (reason) => {
                clearTimeout(timer);
                reject(new Error(`gateway client ${u.username} disconnected before READY: ${reason}`));
              });
            });
            sockets.push(socket);
          } catch (err) {
            socket.disconnect();
            // 50 sessions starting at once on the FerretDB stand-in can outlast the server's database time bound, and
            // the server drops such a session: try again (counted in gateway_connect_retries) a couple of times.
            if (attempt >= 3) throw err;
            connectRetries++;
            await new Promise((r) => setTimeout(r, 500));
            return connectClient(u, attempt + 1);
          }
        };
        // On the FerretDB stand-in a session start reads the user's memberships by decoding every membership stored, so
        // 50 at once outlast the server's database time bound: connect 10 at a time there.
        const connectConcurrency = engine.ferret ? 10 : 50;
        for (let i = 0; i < CLIENTS; i += connectConcurrency)
          await Promise.all(users.slice(i, i + connectConcurrency).map((u) => connectClient(u)));
        result.gateway_connect_concurrency = connectConcurrency;
        result.gateway_connect_retries = connectRetries;
        result.gateway_connect_500_ms = Date.now() - t;
        log(`clients connected in ${Date.now() - t} ms`);
        const fanout: number[] = [];
        const sendLatency: number[] = [];
        const fanoutSteal = stealMeter();
        for (let i = 0; i < FANOUT_MESSAGES + 3; i++) {
          const nonce = `fan${i}`;
          const got: number[] = [];
          arrivals.set(nonce, got);
          const t0 = now();
          const res = await post(`/channels/${textId}/messages`, { content: `fan-out ${i}`, nonce }, token);
          if (res.status !== 201) throw new Error(`send failed ${res.status}`);
          if (i >= 3) sendLatency.push(now() - t0);
          const deadline = Date.now() + 10_000;
          while (got.length < CLIENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
          if (got.length < CLIENTS) throw new Error(`only ${got.length}/${CLIENTS} clients received message ${i}`);
          if (i >= 3) fanout.push(...got.map((at) => at - t0)); // first 3 warm up
          await new Promise((r) => setTimeout(r, 20));
        }
        result.fanout_clients = CLIENTS;
        result.fanout_messages = FANOUT_MESSAGES;
        result.fanout_p50_ms = percentile(fanout, 50);
        result.fanout_p99_ms = percentile(fanout, 99);
        result.fanout_cpu_steal_pct = fanoutSteal.stop();
        // How much of the fan-out is the send itself (HTTP + permission checks + writes) rather than delivery.
        result.fanout_send_p50_ms = percentile(sendLatency, 50);
        log('fanout', result.fanout_p50_ms, result.fanout_p99_ms);
      } catch (err) {
        result.fanout_p50_ms = null;
        result.fanout_p99_ms = null;
        result.fanout_error = err instanceof Error ? err.message : String(err);
        log('fan-out failed:', result.fanout_error);
      }
      for (const s of sockets.splice(0)) s.disconnect();
      // 500 sessions ending at once set off 500 presence broadcasts (each reads the user's memberships): let them drain
      // before the next section's setup, or its writes queue behind them past the pool's 1.5 s checkout bound.
      await new Promise((r) => setTimeout(r, 5_000));
    }

    // ---- send ----
    if (!TOKEN_ONLY) {
      log(`creating ${SENDERS} senders`);
      const tokens = createAccessTokens(config.JWT_SECRET);
      const senders = Array.from({ length: SENDERS }, (_, i) => ({
        _id: new ObjectId(),
        username: `sender_${i}`,
        usernameLower: `sender_${i}`,
        usernameSkeleton: usernameSkeleton(`sender_${i}`),
        displayName: `Sender ${i}`,
        passwordHash: 'x',
        createdAt: new Date(),
      }));
      await db.collection('users').insertMany(senders);
      for (let i = 0; i < senders.length; i += 25) {
        await Promise.all(
          senders.slice(i, i + 25).map((u) =>
            server!.repos.guilds.insertMember({
              guildId: guild.id,
              userId: u._id.toHexString(),
              roleIds: [],
              nick: null,
              joinedAt: new Date(),
            }),
          ),
        );
      }
      const senderTokens = await Promise.all(senders.map(async (u) => (await tokens.sign(u._id.toHexString())).token));
      const newChannel = async (name: string) =>
        (await post(`/guilds/${guild.id}/channels`, { type: 'text', name }, token)).body.id as string;
      // The server under load runs as deployed: its own process, one worker per core (as the token figures).
      const sendServer = await startServerProcess(
        { ...env, MONGODB_DB: dbName, AUTH_RATE_LIMIT_PER_IP: '100000', RATE_LIMITS: '*=1000000/1' },
        availableParallelism(),
      );
      const measureSends = async (channelIds: string[]) => {
        const steal = stealMeter();
        const run = await runSenders(
          sendServer.url,
          senderTokens.map((tok, i) => ({ token: tok, channelId: channelIds[i % channelIds.length]! })),
          SEND_WARMUP_MS,
          SEND_DURATION_MS,
        );
        const stealPct = steal.stop();
        let lost = 0;
        let acknowledged = 0;
        for (const channelId of channelIds) {
          const acked = run.acknowledged.get(channelId) ?? [];
          acknowledged += new Set(acked).size;
          lost += lostIds(acked, await readWholeHistory(sendServer.url, token, channelId)).length;
        }
        if (run.firstFailure) log(`first failed send: ${run.firstFailure}`);
        return {
          rps: ratePerSecond(run.acknowledgedInWindow, run.windowMs),
          p50_ms: percentile(run.latencies, 50),
          p99_ms: percentile(run.latencies, 99),
          lost,
          acknowledged,
          non2xx: run.non2xx,
          errors: run.errors,
          cpu_steal_pct: stealPct,
        };
      };
      try {
        const one = await measureSends([await newChannel('send')]);
        if (one.lost > 0) log(`LOST ${one.lost} acknowledged messages`);
        result.send_rps = one.rps;
        result.send_p50_ms = one.p50_ms;
        result.send_p99_ms = one.p99_ms;
        result.send_lost = one.lost;
        result.send_acknowledged = one.acknowledged;
        result.send_non2xx = one.non2xx;
        result.send_errors = one.errors;
        result.send_cpu_steal_pct = one.cpu_steal_pct;
        result.send_senders = SENDERS;
        result.send_engine = engine.name;
        result.send_server_workers = availableParallelism();
        result.send_load_generator = `${SENDERS} keep-alive connections (one per sender) in the bench process, ${SEND_WARMUP_MS / 1000} s warm-up + ${SEND_DURATION_MS / 1000} s measured`;
        log('send', one);
        const spread = await measureSends(
          await Promise.all(Array.from({ length: SEND_SPREAD_CHANNELS }, (_, i) => newChannel(`send-${i}`))),
        );
        result.send_spread = { channels: SEND_SPREAD_CHANNELS, ...spread };
        log('send spread', spread);
      } finally {
        await sendServer.stop();
      }
    }
    if (SEND_ONLY) {
      console.log(JSON.stringify(result));
      return;
    }

    // ---- voice token ----
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    if (!doc.paths['/channels/{channelId}/voice/join']?.post) {
      result.token_rps = null;
      result.token_p99_ms = null;
      result.token_note = 'POST /channels/:id/voice/join is not served (voice module absent)';
    } else {
      const probe = await post(`/channels/${voiceId}/voice/join`, {}, token);
      if (probe.status !== 200) {
        result.token_rps = null;
        result.token_p99_ms = null;
        result.token_note = `voice join answered ${probe.status}: ${JSON.stringify(probe.body).slice(0, 200)}`;
      } else {
        // The server under load runs as it is deployed: its own process (`server/src/main.ts`), with one worker per
        // core (SERVER_WORKERS, coordinated through Redis) and then with a single process for comparison. The load
        // generator runs in its own process too, as it would on another machine.
        const measure = async (workers: number, runs: number) => {
          const serverProcess = await startServerProcess(
            { ...env, MONGODB_DB: dbName, AUTH_RATE_LIMIT_PER_IP: '100000', RATE_LIMITS: '*=1000000/1' },
            workers,
          );
          const load = (duration: number) =>
            autocannonProcess({
              url: `${serverProcess.url}/api/v1/channels/${voiceId}/voice/join`,
              method: 'POST',
              connections: 50,
              duration,
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body: '{}',
            });
          try {
            // Warm-up (JIT, connection pools, caches), not measured, like the first requests of the other figures.
            await load(3);
            const results: (AutocannonResult & { steal: number | null })[] = [];
            for (let i = 0; i < runs; i++) {
              const steal = stealMeter();
              const r = await load(10);
              results.push({ ...r, steal: steal.stop() });
            }
            return results;
          } finally {
            await serverProcess.stop();
          }
        };
        const workers = availableParallelism();
        // Three 10 s runs, each figure the median of the three: one run on this shared VM swings by ±20 %.
        const runs = await measure(workers, 3);
        result.token_rps = Math.round(median(runs.map((r) => r.requests.average))!);
        result.token_p99_ms = median(runs.map((r) => r.latency.p99))!;
        result.token_runs = runs.map((r) => ({
          rps: Math.round(r.requests.average),
          p50_ms: r.latency.p50,
          p99_ms: r.latency.p99,
          cpu_steal_pct: r.steal,
        }));
        const steals = runs.flatMap((r) => (r.steal === null ? [] : [r.steal]));
        result.token_cpu_steal_pct = steals.length === runs.length ? median(steals)! : null;
        result.token_non2xx = runs.reduce((n, r) => n + r.non2xx, 0);
        result.token_errors = runs.reduce((n, r) => n + r.errors, 0);
        result.token_server_workers = workers;
        const [single] = await measure(1, 1);
        result.token_rps_single_process = Math.round(single!.requests.average);
        result.token_p99_ms_single_process = single!.latency.p99;
        result.token_load_generator = 'autocannon, 50 connections, separate process';
      }
    }
  } finally {
    for (const s of sockets) s.disconnect();
    await server?.stop().catch(() => undefined);
    await mongo
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await mongo.close().catch(() => undefined);
    const last = releaseLease(ctx, lease);
    if (last && (startedHere.length > 0 || shared)) await down(ctx).catch(() => undefined);
  }
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
