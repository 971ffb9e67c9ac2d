import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

/** The env of the test stack that globalSetup provides to every integration/e2e test file. */
export type StackEnv = Record<
  'MONGODB_URI' | 'REDIS_URL' | 'LIVEKIT_URL' | 'LIVEKIT_PUBLIC_URL' | 'LIVEKIT_API_KEY' | 'LIVEKIT_API_SECRET' | 'JWT_SECRET',
  string
>;

declare module 'vitest' {
  export interface ProvidedContext {
    parleyStack: StackEnv;
  }
}

export interface TestEnv {
  /** mongodb://127.0.0.1:27117/ — pick a database with uniqueDbName(). */
  readonly mongoUri: string;
  /** redis://127.0.0.1:6479 */
  readonly redisUrl: string;
  /** http://127.0.0.1:7980 — server → LiveKit API (RoomServiceClient, EgressClient). */
  readonly livekitUrl: string;
  /** ws://127.0.0.1:7980 — what clients and rtc-node bots connect to. */
  readonly livekitPublicUrl: string;
  readonly livekitApiKey: string;
  readonly livekitApiSecret: string;
  /** A ≥32-char secret for servers started in-process by tests. */
  readonly jwtSecret: string;
  /** Port LiveKit sends the test stack's webhooks to: run an in-process server here to receive them. */
  readonly apiPort: number;
}

function provided(): Partial<StackEnv> {
  try {
    return inject('parleyStack') ?? {};
  } catch {
    // Outside a vitest worker (or a project without the stack's globalSetup): process.env only.
    return {};
  }
}

/**
 * The test stack's addresses and keys, from vitest's inject (set by tests/support/global-setup.ts) or process.env.
 * Also copies them into process.env, so code under test that reads the env contract sees the test stack.
 */
export function testEnv(): TestEnv {
  const source: Partial<StackEnv> = { ...process.env, ...provided() };
  const keys: (keyof StackEnv)[] = [
    'MONGODB_URI',
    'REDIS_URL',
    'LIVEKIT_URL',
    'LIVEKIT_PUBLIC_URL',
    'LIVEKIT_API_KEY',
    'LIVEKIT_API_SECRET',
    'JWT_SECRET',
  ];
  const missing = keys.filter((key) => !source[key]);
  if (missing.length > 0) {
    throw new Error(
      `test stack env missing: ${missing.join(', ')}. Run tests through \`npm test\` or a vitest project with ` +
        'globalSetup tests/support/global-setup.ts (integration, e2e).',
    );
  }
  for (const key of keys) process.env[key] = source[key];
  return {
    mongoUri: source.MONGODB_URI ?? '',
    redisUrl: source.REDIS_URL ?? '',
    livekitUrl: source.LIVEKIT_URL ?? '',
    livekitPublicUrl: source.LIVEKIT_PUBLIC_URL ?? '',
    livekitApiKey: source.LIVEKIT_API_KEY ?? '',
    livekitApiSecret: source.LIVEKIT_API_SECRET ?? '',
    jwtSecret: source.JWT_SECRET ?? '',
    apiPort: Number(process.env.PARLEY_TEST_API_PORT || 8180),
  };
}

/** A database name no other test file uses (FerretDB-safe: lowercase, digits, underscores), e.g. parley_test_3fa9c1d2. */
export function uniqueDbName(prefix = 'parley_test'): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/**
 * The environment a Parley server needs to run against the test stack (database, Redis, LiveKit, secrets), with a fresh
 * database named after `dbPrefix`; callers add HOST, PORT, LOG_LEVEL and what their test is about.
 */
export function testServerEnv(dbPrefix: string): Record<string, string> {
  const env = testEnv();
  return {
    NODE_ENV: 'test',
    MONGODB_URI: env.mongoUri,
    MONGODB_DB: uniqueDbName(dbPrefix),
    REDIS_URL: env.redisUrl,
    LIVEKIT_URL: env.livekitUrl,
    LIVEKIT_PUBLIC_URL: env.livekitPublicUrl,
    LIVEKIT_API_KEY: env.livekitApiKey,
    LIVEKIT_API_SECRET: env.livekitApiSecret,
    JWT_SECRET: env.jwtSecret,
  };
}
