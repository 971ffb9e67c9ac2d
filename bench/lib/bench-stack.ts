/**
 * The test-profile stack and an in-process Parley server for the benchmarks that need LiveKit (client, media,
 * audio-loss): the stack is started here when needed and shared by lease, and the server listens on the stack's API
 * port, where the stack's LiveKit sends its webhooks (voice presence and the reconciler depend on them). Also a small
 * REST caller for the benches that drive the API.
 */
import { createContext, stackEnv } from '../../scripts/stack/profiles';
import { acquireLease, allHealthy, down, installAll, otherLiveLeases, releaseLease, status, up } from '../../scripts/stack/stack';
import { parseConfig } from '../../server/src/config';
import { createLogger } from '../../server/src/logger';
import { start } from '../../server/src/server';
import { waitForFreePort, WEB_DIR } from '../../tests/e2e/web-stack';

export interface BenchServer {
  server: Awaited<ReturnType<typeof start>>;
  /** The REST base, `<server>/api/v1`. */
  base: string;
  /** Stops the server and, when this was the stack's last lease, the stack. */
  close(): Promise<void>;
}

/**
 * Starts the stack (when no other lease holds it) and a production-mode server serving the web client, with a fresh
 * database named after `name`. Sign-up, login and write limits are lifted: a bench registers many accounts and writes
 * fast from one address, and those limits are not what it measures.
 */
export async function startBenchServer(name: string): Promise<BenchServer> {
  const ctx = createContext('test');
  const lease = acquireLease(ctx);
  const shared = otherLiveLeases(ctx, lease) > 0;
  let startedHere: string[] = [];
  const release = async () => {
    const last = releaseLease(ctx, lease);
    if (last && (startedHere.length > 0 || shared)) await down(ctx);
  };
  try {
    await installAll(ctx);
    startedHere = await up(ctx);
    if (!allHealthy(await status(ctx))) throw new Error('test stack not healthy');
    await waitForFreePort(ctx.ports.api.port);
    const server = await start(
      parseConfig({
        ...stackEnv(ctx),
        NODE_ENV: 'production',
        LOG_LEVEL: 'silent',
        HOST: '127.0.0.1',
        PORT: String(ctx.ports.api.port),
        MONGODB_DB: `parley_bench_${name}_${Date.now().toString(36)}`,
        WEB_DIR,
        AUTH_RATE_LIMIT_PER_IP: '100000',
        AUTH_RATE_LIMIT_PER_ACCOUNT: '100000',
        RATE_LIMITS: '*=1000000/1',
      }),
      { log: createLogger('silent') },
    );
    return {
      server,
      base: `${server.url}/api/v1`,
      async close() {
        await server.stop().catch(() => undefined);
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/** The voice join route's answer: where LiveKit is, and the token to connect with. */
export interface JoinReply {
  url: string;
  token: string;
}
export interface ApiCall {
  <T = Record<string, unknown>>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
  /** The REST base, `<server>/api/v1`. */
  base: string;
}

/** Calls the REST API at `base`; an answer other than 2xx throws. */
export function apiCaller(base: string): ApiCall {
  const call = async <T>(method: string, path: string, body?: unknown, token?: string): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return (res.status === 204 ? {} : await res.json()) as T;
  };
  return Object.assign(call, { base });
}
