import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseBudgets } from './http/rate-limit-budgets';

const httpUrl = z.url({ protocol: /^https?$/ });
const wsUrl = z.url({ protocol: /^wss?$/ });
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

/** RATE_LIMITS: each malformed pair is listed as a problem with the rest of the config's. */
const rateLimitBudgets = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const { budgets, problems } = parseBudgets(value);
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
    return budgets;
  });

/**
 * Every environment key the server reads (listed with comments in .env.example). Parsed once at boot; nothing else
 * in the server reads process.env.
 */
const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
    PUBLIC_URL: httpUrl.optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URI')
      .default('mongodb://127.0.0.1:27017'),
    MONGODB_DB: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ and - only')
      .default('parley'),
    REDIS_URL: optionalString.pipe(
      z
        .string()
        .regex(/^rediss?:\/\//, 'must be a redis:// URL')
        .optional(),
    ),
    LIVEKIT_URL: httpUrl.default('http://127.0.0.1:7880'),
    LIVEKIT_PUBLIC_URL: wsUrl.default('ws://127.0.0.1:7880'),
    LIVEKIT_API_KEY: z.string().min(1),
    LIVEKIT_API_SECRET: z.string().min(32, 'must be at least 32 characters'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
    WEB_DIR: z.string().min(1).default('out/web'),
    RECORDINGS_DIR: z.string().min(1).default('.stack/recordings'),
    /** Where attachments are kept when S3 is not configured (with S3 they go to the same bucket under attachments/). */
    ATTACHMENTS_DIR: z.string().min(1).default('.stack/attachments'),
    /** The largest attachment any guild may allow, in bytes (a guild's own limit defaults to 25 MiB, at most this). */
    ATTACHMENT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(2 * 1024 * 1024 * 1024)
      .default(25 * 1024 * 1024),
    S3_ENDPOINT: optionalString,
    S3_REGION: optionalString,
    S3_BUCKET: optionalString,
    S3_ACCESS_KEY: optionalString,
    S3_SECRET_KEY: optionalString,
    S3_FORCE_PATH_STYLE: optionalString,
    /**
     * Attempts per IP per minute on /auth/login and /auth/register; also the failed logins from one IP within 15 minutes
     * before each further attempt from it waits (1 s, doubling per failure, up to AUTH_LOGIN_IP_DELAY_MAX_SECONDS).
     */
    AUTH_RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(30),
    /**
     * Failed logins of one account within 15 minutes before each further attempt waits (1 s, doubling per failure, up
     * to AUTH_LOGIN_DELAY_MAX_SECONDS; a success resets it). Also: failed registrations of one taken username before
     * registering that name is refused for 15 minutes.
     */
    AUTH_RATE_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
    /** The longest an account's login attempts wait after failures (from any IP): the most its owner can be held up. */
    AUTH_LOGIN_DELAY_MAX_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    /** The longest an IP's login attempts wait after its failures (on any account). */
    AUTH_LOGIN_IP_DELAY_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    /**
     * Rate-limit budgets of write routes and gateway events, `name=points/seconds` pairs over the defaults in
     * http/rate-limit-budgets.ts (e.g. `message=5/5,invite=3/60`; `*=n/s` sets every budget first).
     */
    RATE_LIMITS: rateLimitBudgets,
    /** Trust X-Forwarded-For from a reverse proxy (express "trust proxy" value: hop count, e.g. 1). */
    TRUST_PROXY: z.coerce.number().int().min(0).default(0),
    /**
     * Browser origins other than this server's own that may call the API and the gateway: the desktop app's renderer
     * (app://parley, packaged) and electron-vite's dev server. Comma-separated; the web client at /app is same-origin.
     */
    CORS_ORIGINS: z
      .string()
      .default('app://parley,http://localhost:5173')
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      ),
    /** Link previews: the whole fetch of one page (all redirects, headers and body) must finish within this, ms. */
    UNFURL_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5_000),
    /**
     * TESTS ONLY (refused unless NODE_ENV=test): "ip:port" targets the link unfurler may fetch although the address
     * policy refuses them, comma-separated (the integration tests' local page server). Empty in every real deployment.
     */
    UNFURL_ALLOW_TARGETS: z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((target) => target.trim())
          .filter(Boolean),
      ),
    /**
     * Outbound webhooks (need REDIS_URL: deliveries run from a BullMQ queue; without Redis the webhook routes answer
     * 503 WEBHOOKS_DISABLED). Private, loopback, link-local and other non-public targets are refused unless this is
     * true (a self-hosted receiver on the same LAN); decided at creation and again at every delivery.
     */
    WEBHOOK_ALLOW_PRIVATE_TARGETS: optionalString.pipe(z.enum(['true', 'false']).optional()).transform((v) => v === 'true'),
    /** Webhooks: attempts per event (the first plus retries); with the default base, 12 attempts span about 34 h. */
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(12),
    /** Webhooks: the first retry waits this long (ms), each next one twice as long as the one before. */
    WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(60_000),
    /** Webhooks: one delivery request must be answered within this, ms. */
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    /** Webhooks: a webhook is disabled after this many events in a row failed every attempt; 0 = never. */
    WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(0).max(1_000).default(5),
    /**
     * Gateway: how often (ms) a connection opened with a bot or personal API token is checked again; it closes once the
     * token is refused (e.g. its owner was disabled with the admin CLI). 0 = never (it lasts until the token's session
     * cap of 24 h).
     */
    GATEWAY_RECHECK_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
    /**
     * Voice: how often (ms) stored voice states are compared with LiveKit's participant lists, open calls whose room
     * is gone are ended (webhooks' call.ended), and the voice widget's guests are swept (listed, dropped, held to the
     * guild's guest rules); 0 = voice states only at boot, no call sweep, and guests swept only when a guild's embed
     * settings change.
     */
    VOICE_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
    /**
     * Voice: the most people in any one voice channel, on the whole server (a channel's own user limit can only be
     * lower); 0 = no cap. A join past it answers 403 CHANNEL_FULL, whoever joins (MOVE_MEMBERS does not exempt).
     */
    VOICE_MAX_PARTICIPANTS: z.coerce.number().int().min(0).max(10_000).default(0),
    /**
     * Voice: how long a LiveKit join token is accepted for a new connection, in seconds. LiveKit checks it only when
     * connecting (sessions outlive it); a leaked token is useful this long. Also how long a join's seat is held.
     */
    VOICE_TOKEN_TTL_SECONDS: z.coerce.number().int().min(10).max(3_600).default(60),
    /**
     * Server processes sharing PORT (node:cluster), one per core is typical; each is a full instance, coordinated through
     * Redis like separate servers, so more than 1 needs REDIS_URL. `auto` = the number of cores, at most 8 (each worker
     * has its own database and Redis connections; beyond that, run more hosts).
     */
    SERVER_WORKERS: z
      .union([z.literal('auto'), z.coerce.number().int().min(1).max(64)])
      .default(1)
      .transform((v) => (v === 'auto' ? Math.min(8, Math.max(1, availableParallelism())) : v)),
    /**
     * Metrics: GET /metrics (Prometheus text format) answers only with `Authorization: Bearer <METRICS_TOKEN>`; unset,
     * /metrics is not served at all (404). At least 16 characters (openssl rand -hex 32).
     */
    METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  })
  .refine((c) => c.UNFURL_ALLOW_TARGETS.length === 0 || c.NODE_ENV === 'test', {
    path: ['UNFURL_ALLOW_TARGETS'],
    message: 'only for tests (NODE_ENV=test): it lets link previews reach addresses the SSRF guard refuses',
  })
  .refine((c) => c.SERVER_WORKERS === 1 || c.REDIS_URL !== undefined, {
    path: ['SERVER_WORKERS'],
    message: 'more than one worker needs REDIS_URL (workers share gateway events and caches through Redis)',
  });

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse an environment into a frozen config, or throw a ConfigError listing every problem at once. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = ConfigSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return Object.freeze(result.data);
}

/** Boot helper: parse process.env; on failure print every problem and exit(1). */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
