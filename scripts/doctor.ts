/**
 * Voice doctor: `npm run doctor` (also inside the server image: `docker compose exec parley npm run doctor`).
 *
 * Checks, from where it runs, what voice needs and explains every failure with the fix:
 * LiveKit reachable with our keys, clock skew to LiveKit, Redis, LiveKit's webhooks reaching the server, Egress
 * workers, TURN, and a WebRTC connection over the media ports; and that the server's /metrics can be scraped (with
 * METRICS_TOKEN, and not without it) and, given DOCTOR_PROMETHEUS_URL, that Prometheus scrapes Parley and LiveKit.
 * Exit code 1 when any check fails (warnings don't).
 *
 * Reads the server's env keys (LIVEKIT_URL, LIVEKIT_PUBLIC_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, REDIS_URL, PORT,
 * METRICS_TOKEN) plus DOCTOR_UDP_HOST, DOCTOR_TURN_PORT, DOCTOR_EGRESS_HEALTH_URL, DOCTOR_SERVER_URL and
 * DOCTOR_PROMETHEUS_URL. For local development, missing keys come from
 * .stack/dev.env (written by `npm start`). `--json` prints one JSON object instead of text.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as RtcNode from '@livekit/rtc-node';
import { Redis } from 'ioredis';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import { DOCTOR_WEBHOOK_KEY_PREFIX } from '../src-shared/api/recordings';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';
export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about it (for warn / fail / skip). */
  fix?: string;
}

export interface DoctorEnv {
  livekitUrl: string;
  livekitPublicUrl: string;
  apiKey: string;
  apiSecret: string;
  redisUrl: string | undefined;
  udpHost: string;
  turnPort: number;
  egressHealthUrl: string;
  /** The Parley server as seen from here (default http://127.0.0.1:PORT): where /metrics is fetched. */
  serverUrl: string;
  metricsToken: string | undefined;
  /** Prometheus of the monitoring profile (http://prometheus:9090 inside compose); unset = not checked. */
  prometheusUrl: string | undefined;
}

function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] && match[2] !== undefined) out[match[1]] = match[2];
  }
  return out;
}

export function doctorEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): DoctorEnv {
  const devFile = join(cwd, '.stack', 'dev.env');
  const dev = existsSync(devFile) ? parseEnvFile(readFileSync(devFile, 'utf8')) : {};
  const pick = (key: string, fallback = ''): string => env[key] || dev[key] || fallback;
  const livekitPublicUrl = pick('LIVEKIT_PUBLIC_URL', 'ws://127.0.0.1:7880');
  return {
    livekitUrl: pick('LIVEKIT_URL', 'http://127.0.0.1:7880'),
    livekitPublicUrl,
    apiKey: pick('LIVEKIT_API_KEY'),
    apiSecret: pick('LIVEKIT_API_SECRET'),
    redisUrl: pick('REDIS_URL', existsSync(devFile) ? 'redis://127.0.0.1:6379' : '') || undefined,
    udpHost: pick('DOCTOR_UDP_HOST') || new URL(livekitPublicUrl).hostname,
    turnPort: Number(pick('DOCTOR_TURN_PORT', '3478')),
    egressHealthUrl: pick('DOCTOR_EGRESS_HEALTH_URL', 'http://127.0.0.1:7890/'),
    serverUrl: pick('DOCTOR_SERVER_URL') || `http://127.0.0.1:${pick('PORT', '8080')}`,
    metricsToken: pick('METRICS_TOKEN') || undefined,
    prometheusUrl: pick('DOCTOR_PROMETHEUS_URL') || undefined,
  };
}

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms).unref()),
  ]);

const errText = (err: unknown): string => {
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
};

export async function checkKeys(env: DoctorEnv): Promise<CheckResult> {
  const name = 'LiveKit API keys configured';
  if (!env.apiKey || !env.apiSecret) {
    return {
      name,
      status: 'fail',
      detail: 'LIVEKIT_API_KEY or LIVEKIT_API_SECRET is empty',
      fix: 'Set both in .env (the same pair LiveKit has under `keys:` / LIVEKIT_KEYS); the secret must be ≥ 32 characters (openssl rand -hex 32).',
    };
  }
  if (env.apiSecret.length < 32) {
    return {
      name,
      status: 'fail',
      detail: `LIVEKIT_API_SECRET has ${env.apiSecret.length} characters`,
      fix: "Use a secret of at least 32 characters (openssl rand -hex 32) in .env and in LiveKit's keys, then restart both.",
    };
  }
  return { name, status: 'ok', detail: `key ${env.apiKey}` };
}

/** LiveKit answers the room API only to requests signed with a key it knows: listRooms proves URL and keys at once. */
export async function checkLivekit(env: DoctorEnv, rooms: RoomServiceClient): Promise<CheckResult> {
  const name = 'LiveKit reachable with our keys';
  try {
    const list = await withTimeout(rooms.listRooms(), 5_000, 'LiveKit');
    return { name, status: 'ok', detail: `${env.livekitUrl} answered (${list.length} active rooms)` };
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 401 || status === 403) {
      return {
        name,
        status: 'fail',
        detail: `${env.livekitUrl} rejected our key (${status})`,
        fix: "LIVEKIT_API_KEY / LIVEKIT_API_SECRET must be exactly a key pair from LiveKit's config (keys: or LIVEKIT_KEYS). Fix .env and restart the server and LiveKit.",
      };
    }
    return {
      name,
      status: 'fail',
      detail: `${env.livekitUrl}: ${errText(err)}`,
      fix: 'Start LiveKit (docker compose up -d livekit / npm start) and make LIVEKIT_URL point at its HTTP port (7880) as seen from the server, e.g. http://livekit:7880 in docker-compose.',
    };
  }
}

/** Short-lived tokens (≈60 s) and webhook signatures (±10 s) break when clocks disagree; HTTP Date has 1 s resolution. */
export async function checkClockSkew(env: DoctorEnv, now: () => number = Date.now): Promise<CheckResult> {
  const name = 'Clock skew server ↔ LiveKit';
  try {
    const before = now();
    const res = await fetch(env.livekitUrl, { signal: AbortSignal.timeout(5_000) });
    const after = now();
    const date = res.headers.get('date');
    if (!date) return { name, status: 'skip', detail: 'LiveKit sent no Date header', fix: 'Compare `date -u` on both hosts by hand.' };
    const skewMs = Date.parse(date) - (before + after) / 2;
    const seconds = Math.abs(skewMs) / 1000;
    const detail = `LiveKit's clock is ${skewMs >= 0 ? 'ahead' : 'behind'} by ~${seconds.toFixed(1)} s (±1 s)`;
    const fix =
      'Run NTP on both hosts (timedatectl set-ntp true, or chrony); tokens live ~60 s and webhooks are rejected beyond 10 s of skew.';
    if (seconds > 10) return { name, status: 'fail', detail, fix };
    if (seconds > 3) return { name, status: 'warn', detail, fix };
    return { name, status: 'ok', detail };
  } catch (err) {
    return { name, status: 'skip', detail: `could not read LiveKit's time: ${errText(err)}`, fix: 'Fix "LiveKit reachable" first.' };
  }
}

export async function checkRedis(env: DoctorEnv): Promise<CheckResult> {
  const name = 'Redis';
  if (!env.redisUrl) {
    return {
      name,
      status: 'fail',
      detail: 'REDIS_URL is not set',
      fix: 'LiveKit needs Redis to hand recording jobs to Egress, and several server instances need it to share events: set REDIS_URL (redis://redis:6379 in docker-compose) and `redis:` in livekit.yaml.',
    };
  }
  const client = new Redis(env.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 3_000 });
  client.on('error', () => undefined);
  try {
    await withTimeout(client.connect(), 4_000, 'Redis');
    const pong = await client.ping();
    return { name, status: pong === 'PONG' ? 'ok' : 'fail', detail: `${new URL(env.redisUrl).host} answered ${pong}` };
  } catch (err) {
    return {
      name,
      status: 'fail',
      detail: `${new URL(env.redisUrl).host}: ${errText(err)}`,
      fix: 'Start Redis (docker compose up -d redis) and check REDIS_URL; LiveKit and Egress must use the same Redis.',
    };
  } finally {
    client.disconnect();
  }
}

/**
 * Creates a throwaway room; LiveKit sends `room_started` to the server's webhook URL, and the server marks it in Redis
 * (recordings module). Seeing the mark proves LiveKit → server webhooks work, signature check included.
 */
export async function checkWebhooks(env: DoctorEnv, rooms: RoomServiceClient): Promise<CheckResult> {
  const name = 'LiveKit webhooks reach the server';
  if (!env.redisUrl)
    return {
      name,
      status: 'skip',
      detail: 'needs Redis to see what the server received',
      fix: 'Set REDIS_URL, then run the doctor again.',
    };
  const room = `parley-doctor-${randomBytes(6).toString('hex')}`;
  const redis = new Redis(env.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 3_000 });
  redis.on('error', () => undefined);
  try {
    await withTimeout(redis.connect(), 4_000, 'Redis');
    await withTimeout(rooms.createRoom({ name: room, emptyTimeout: 5 }), 5_000, 'LiveKit createRoom');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const event = await redis.get(`${DOCTOR_WEBHOOK_KEY_PREFIX}${room}`);
      if (event) return { name, status: 'ok', detail: `the server verified LiveKit's ${event} webhook for ${room}` };
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return {
      name,
      status: 'fail',
      detail: `no webhook for ${room} reached the server within 10 s`,
      fix: 'In livekit.yaml, webhook.urls must reach the server (docker-compose: http://parley:8080/api/v1/livekit/webhook; npm start: http://127.0.0.1:8080/…) and webhook.api_key must be the server\'s LIVEKIT_API_KEY. The server logs "livekit webhook rejected" when the signature does not match.',
    };
  } catch (err) {
    return { name, status: 'fail', detail: errText(err), fix: 'Fix "LiveKit reachable" and "Redis" first.' };
  } finally {
    await rooms.deleteRoom(room).catch(() => undefined);
    redis.disconnect();
  }
}

/** Egress's health endpoint answers 200 while the worker is connected and accepting jobs. */
export async function checkEgress(env: DoctorEnv): Promise<CheckResult> {
  const name = 'Egress workers available (recordings)';
  try {
    const res = await fetch(env.egressHealthUrl, { signal: AbortSignal.timeout(3_000) });
    const body = (await res.text()).trim().slice(0, 120);
    if (res.ok) return { name, status: 'ok', detail: `${env.egressHealthUrl} answered ${res.status}${body ? ` (${body})` : ''}` };
    return {
      name,
      status: 'fail',
      detail: `${env.egressHealthUrl} answered ${res.status} ${body}`,
      fix: 'Egress is up but unhealthy: check `docker compose logs egress` (Redis address, API key/secret, ws_url).',
    };
  } catch (err) {
    return {
      name,
      status: 'warn',
      detail: `no Egress at ${env.egressHealthUrl} (${errText(err)}); recording is unavailable`,
      fix: 'Start the egress service (docker compose up -d egress; locally bash scripts/egress/build.sh then npm start). Set DOCTOR_EGRESS_HEALTH_URL if its health_port differs.',
    };
  }
}

/**
 * The server's /metrics, fetched the way Prometheus does (bearer METRICS_TOKEN), and refused without the token. This
 * says the endpoint is scrapable from here, not that anything scrapes it: that is checkPrometheus.
 */
export async function checkMetrics(env: DoctorEnv): Promise<CheckResult> {
  const name = 'Metrics served at /metrics';
  const url = `${env.serverUrl.replace(/\/$/, '')}/metrics`;
  if (!env.metricsToken) {
    return {
      name,
      status: 'skip',
      detail: 'METRICS_TOKEN is not set here, so the server does not serve /metrics (404)',
      fix: 'To enable metrics set METRICS_TOKEN (openssl rand -hex 32) for the server and restart it (docs/self-hosting.md → Monitoring).',
    };
  }
  try {
    const anonymous = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    await anonymous.body?.cancel();
    if (anonymous.ok) {
      return {
        name,
        status: 'fail',
        detail: `${url} answered ${anonymous.status} without a token`,
        fix: 'Upgrade the server: /metrics must require METRICS_TOKEN.',
      };
    }
    const res = await fetch(url, { headers: { authorization: `Bearer ${env.metricsToken}` }, signal: AbortSignal.timeout(5_000) });
    const body = await res.text();
    if (res.status === 404) {
      return {
        name,
        status: 'fail',
        detail: `${url} answered 404: the server runs without METRICS_TOKEN`,
        fix: 'Give the server the same METRICS_TOKEN (docker-compose passes it from .env) and restart it.',
      };
    }
    if (res.status === 401) {
      return {
        name,
        status: 'fail',
        detail: `${url} refused this METRICS_TOKEN (401)`,
        fix: "The doctor's METRICS_TOKEN differs from the server's: use the same value.",
      };
    }
    if (!res.ok || !body.includes('parley_http_request_duration_seconds')) {
      return {
        name,
        status: 'fail',
        detail: `${url} answered ${res.status} without Parley's metrics`,
        fix: 'Check DOCTOR_SERVER_URL points at the Parley server.',
      };
    }
    const series = body.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
    return {
      name,
      status: 'ok',
      detail: `${url} served ${series} samples with the token and refused a request without it (${anonymous.status})`,
    };
  } catch (err) {
    return {
      name,
      status: 'fail',
      detail: `${url}: ${errText(err)}`,
      fix: 'Is the server running? Set DOCTOR_SERVER_URL when it is not at http://127.0.0.1:PORT from here.',
    };
  }
}

interface PrometheusTarget {
  labels?: Record<string, string>;
  health?: string;
  lastError?: string;
  lastScrape?: string;
}

/** With the monitoring profile: Prometheus has the Parley and LiveKit targets, and its last scrape of each succeeded. */
export async function checkPrometheus(env: DoctorEnv): Promise<CheckResult> {
  const name = 'Prometheus scrapes Parley and LiveKit';
  if (!env.prometheusUrl) {
    return {
      name,
      status: 'skip',
      detail: 'DOCTOR_PROMETHEUS_URL is not set (the monitoring profile is not checked)',
      fix: 'With `docker compose --profile monitoring`, set DOCTOR_PROMETHEUS_URL=http://prometheus:9090 in .env.',
    };
  }
  const url = `${env.prometheusUrl.replace(/\/$/, '')}/api/v1/targets?state=active`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) return { name, status: 'fail', detail: `${url} answered ${res.status}`, fix: 'Check `docker compose logs prometheus`.' };
    const targets = ((await res.json()) as { data?: { activeTargets?: PrometheusTarget[] } }).data?.activeTargets ?? [];
    const problems: string[] = [];
    const seen: string[] = [];
    for (const job of ['parley', 'livekit']) {
      const mine = targets.filter((t) => t.labels?.job === job);
      if (mine.length === 0) problems.push(`no ${job} target`);
      for (const t of mine) {
        if (t.health === 'up') seen.push(`${job} up`);
        else problems.push(`${job} ${t.health ?? 'unknown'}${t.lastError ? ` (${t.lastError})` : ''}`);
      }
    }
    if (problems.length > 0) {
      return {
        name,
        status: 'fail',
        detail: problems.join('; '),
        fix: 'A 401/404 from parley: METRICS_TOKEN in .env must be set and the same for parley and prometheus (recreate both). No target: monitoring/prometheus.yml is not the mounted config. A "pending"/"unknown" target right after start: wait one scrape interval (15 s).',
      };
    }
    return { name, status: 'ok', detail: `${seen.join(', ')} at ${env.prometheusUrl}` };
  } catch (err) {
    return {
      name,
      status: 'fail',
      detail: `${url}: ${errText(err)}`,
      fix: 'Is the monitoring profile running (docker compose --profile monitoring up -d)?',
    };
  }
}

/** RFC 5389 Binding request; LiveKit's embedded TURN server answers it without credentials. */
export function stunBindingRequest(): { packet: Buffer; transactionId: Buffer } {
  const transactionId = randomBytes(12);
  const packet = Buffer.alloc(20);
  packet.writeUInt16BE(0x0001, 0);
  packet.writeUInt16BE(0, 2);
  packet.writeUInt32BE(0x2112a442, 4);
  transactionId.copy(packet, 8);
  return { packet, transactionId };
}

/** The XOR-MAPPED-ADDRESS of a Binding success response for our transaction, or null. */
export function parseStunResponse(message: Buffer, transactionId: Buffer): string | null {
  if (message.length < 20 || message.readUInt16BE(0) !== 0x0101 || !message.subarray(8, 20).equals(transactionId)) return null;
  let offset = 20;
  while (offset + 4 <= message.length) {
    const type = message.readUInt16BE(offset);
    const length = message.readUInt16BE(offset + 2);
    if (type === 0x0020 && length >= 8 && message[offset + 5] === 0x01) {
      const port = message.readUInt16BE(offset + 6) ^ 0x2112;
      const ip = [0, 1, 2, 3].map((i) => (message[offset + 8 + i] ?? 0) ^ [0x21, 0x12, 0xa4, 0x42][i]!).join('.');
      return `${ip}:${port}`;
    }
    offset += 4 + length + ((4 - (length % 4)) % 4);
  }
  return 'unknown';
}

export function stunProbe(host: string, port: number, timeoutMs = 3_000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const { packet, transactionId } = stunBindingRequest();
    const done = (value: string | null) => {
      clearTimeout(timer);
      socket.close();
      resolve(value);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on('message', (message) => {
      const mapped = parseStunResponse(message, transactionId);
      if (mapped) done(mapped);
    });
    socket.on('error', () => done(null));
    socket.send(packet, port, host);
  });
}

export async function checkTurn(env: DoctorEnv): Promise<CheckResult> {
  const name = 'TURN configured and reachable (UDP)';
  const mapped = await stunProbe(env.udpHost, env.turnPort);
  if (mapped) return { name, status: 'ok', detail: `${env.udpHost}:${env.turnPort}/udp answered; we appear as ${mapped}` };
  return {
    name,
    status: 'warn',
    detail: `no STUN/TURN answer from ${env.udpHost}:${env.turnPort}/udp`,
    fix: 'Enable `turn:` in livekit.yaml (udp_port 3478, and a domain + TLS for TURN/TLS on 443/5349), publish 3478/udp and the relay range, and open them in the firewall. Users behind strict NATs cannot connect without it. (The local dev stack runs without TURN.)',
  };
}

/**
 * Joins a throwaway room over WebRTC from here and publishes a silent track: proves the media ports (UDP range, or
 * the ICE/TCP fallback) are reachable from this host. Needs @livekit/rtc-node, which is a dev dependency: inside the
 * production image the check is skipped.
 */
export async function checkMedia(env: DoctorEnv): Promise<CheckResult> {
  const name = 'WebRTC media ports reachable (UDP range)';
  let rtc: typeof RtcNode;
  try {
    rtc = await import('@livekit/rtc-node');
  } catch {
    return {
      name,
      status: 'skip',
      detail: '@livekit/rtc-node is not installed here (production image)',
      fix: `Run the doctor from a checkout with dev dependencies, or check from a browser that ${env.livekitPublicUrl} connects; open UDP 50000-50100 (docker-compose) on the firewall.`,
    };
  }
  const roomName = `parley-doctor-${randomBytes(6).toString('hex')}`;
  const token = new AccessToken(env.apiKey, env.apiSecret, { identity: 'parley-doctor', ttl: '2m' });
  token.addGrant({ roomJoin: true, room: roomName, canPublish: true, canSubscribe: false });
  const room = new rtc.Room();
  try {
    await withTimeout(
      room.connect(env.livekitPublicUrl, await token.toJwt(), { autoSubscribe: false, dynacast: false }),
      15_000,
      'WebRTC connect',
    );
    const source = new rtc.AudioSource(48_000, 1);
    const track = rtc.LocalAudioTrack.createAudioTrack('doctor', source);
    await withTimeout(
      room.localParticipant!.publishTrack(track, new rtc.TrackPublishOptions({ source: rtc.TrackSource.SOURCE_MICROPHONE })),
      10_000,
      'publish',
    );
    return { name, status: 'ok', detail: `connected to ${env.livekitPublicUrl} and published audio from this host` };
  } catch (err) {
    return {
      name,
      status: 'fail',
      detail: `${env.livekitPublicUrl}: ${errText(err)}`,
      fix: "Open LiveKit's rtc ports: tcp 7881 and the UDP range (50000-50100 in docker-compose) on the firewall / cloud security group, and keep rtc.use_external_ip: true (or set rtc.node_ip to the public IP). LIVEKIT_PUBLIC_URL must be the wss:// address clients use.",
    };
  } finally {
    await room.disconnect().catch(() => undefined);
    await rtc.dispose().catch(() => undefined);
  }
}

export async function runDoctor(env: DoctorEnv): Promise<CheckResult[]> {
  const results: CheckResult[] = [await checkKeys(env)];
  const rooms = new RoomServiceClient(env.livekitUrl, env.apiKey || 'missing', env.apiSecret || 'missing'.repeat(8), { requestTimeout: 5 });
  const livekit = await checkLivekit(env, rooms);
  results.push(livekit, await checkClockSkew(env), await checkRedis(env));
  results.push(
    livekit.status === 'ok'
      ? await checkWebhooks(env, rooms)
      : {
          name: 'LiveKit webhooks reach the server',
          status: 'skip',
          detail: 'LiveKit is not reachable',
          fix: 'Fix "LiveKit reachable" first.',
        },
  );
  results.push(await checkEgress(env), await checkTurn(env));
  results.push(
    livekit.status === 'ok'
      ? await checkMedia(env)
      : {
          name: 'WebRTC media ports reachable (UDP range)',
          status: 'skip',
          detail: 'LiveKit is not reachable',
          fix: 'Fix "LiveKit reachable" first.',
        },
  );
  results.push(await checkMetrics(env), await checkPrometheus(env));
  return results;
}

const MARK: Record<CheckStatus, string> = { ok: '✔', warn: '!', fail: '✘', skip: '–' };

export function formatReport(results: readonly CheckResult[]): string {
  const lines = results.map((r) => `${MARK[r.status]} ${r.name}: ${r.detail}${r.fix && r.status !== 'ok' ? `\n    fix: ${r.fix}` : ''}`);
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  lines.push(
    '',
    failed ? `${failed} check(s) failed, ${warned} warning(s).` : `All required checks passed${warned ? `, ${warned} warning(s)` : ''}.`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const results = await runDoctor(doctorEnv());
  if (process.argv.includes('--json')) console.log(JSON.stringify({ ok: !results.some((r) => r.status === 'fail'), checks: results }));
  else console.log(formatReport(results));
  process.exitCode = results.some((r) => r.status === 'fail') ? 1 : 0;
}

// Run only as the entry point, so tests can import the checks.
const entry = process.argv[1] ?? '';
if (/doctor\.(ts|mjs|js)$/.test(entry)) {
  main().then(
    () => setTimeout(() => process.exit(), 100).unref(),
    (err: unknown) => {
      console.error(err);
      process.exit(2);
    },
  );
}
