/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted field by field in tests, typing every one adds nothing */
/**
 * Helpers for the server integration tests (server-*.test.ts): run the real server in-process against the test stack.
 */
import { MongoClient } from 'mongodb';
import { io, type Socket } from 'socket.io-client';
import type { Clock } from '../../server/src/clock';
import { parseConfig, type Config } from '../../server/src/config';
import { createLogger } from '../../server/src/logger';
import { createMetrics } from '../../server/src/metrics/metrics';
import { start, type RunningServer } from '../../server/src/server';
import { testServerEnv } from '../support/env';

export interface TestServer {
  server: RunningServer;
  config: Config;
  url: string;
  api: ApiClient;
  stop(): Promise<void>;
}

/**
 * `processMetrics`: the server's registry also collects Node's process metrics (CPU, event loop lag, GC), as in
 * production. Off by default: their event-loop and GC observers are never removed, and the test files share one
 * worker (vitest.config.ts), so every server started would leave its observers running for the rest of the run.
 */
export interface TestServerOptions {
  clock?: Clock;
  processMetrics?: boolean;
}

export async function startTestServer(overrides: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const config = parseConfig({
    ...testServerEnv('parley_test_srv'),
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.PARLEY_TEST_LOG_LEVEL ?? 'silent',
    AUTH_RATE_LIMIT_PER_IP: '10000',
    // Tests that loop over writes are not what the write budgets are sized for; rate-limits.test.ts lowers them.
    RATE_LIMITS: '*=100000/60',
    ...overrides,
  });
  const log = createLogger(config.LOG_LEVEL);
  const metrics = createMetrics({ defaultMetrics: options.processMetrics ?? false, log });
  const server = await start(config, { log, clock: options.clock, metrics });
  return {
    server,
    config,
    url: server.url,
    api: new ApiClient(server.url),
    async stop() {
      await server.stop();
      const client = new MongoClient(config.MONGODB_URI);
      try {
        await client.db(config.MONGODB_DB).dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined) {
      body = opts.rawBody;
      headers['content-type'] = opts.contentType ?? 'application/json';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.baseUrl}/api/v1${path}`, { method: method.toUpperCase(), headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get = <T = any>(path: string, token?: string) => this.request<T>('get', path, { token });
  post = <T = any>(path: string, body?: unknown, token?: string) => this.request<T>('post', path, { body, token });
  patch = <T = any>(path: string, body?: unknown, token?: string) => this.request<T>('patch', path, { body, token });
  put = <T = any>(path: string, body?: unknown, token?: string) => this.request<T>('put', path, { body, token });
  del = <T = any>(path: string, token?: string) => this.request<T>('delete', path, { token });
}

let counter = 0;
export interface TestUser {
  id: string;
  username: string;
  token: string;
  refreshToken: string;
}

export async function registerUser(api: ApiClient, prefix = 'user'): Promise<TestUser> {
  counter += 1;
  const username = `${prefix}${counter}_${Math.random().toString(36).slice(2, 8)}`;
  const res = await api.post('/auth/register', { username, password: 'correct horse battery' });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.user.id, username, token: res.body.accessToken, refreshToken: res.body.refreshToken };
}

/**
 * The owner creates a guild and the member joins it through an invite (possibly through another server instance's
 * API). Returns the guild and its default text channel; throws if the member could not join.
 */
export async function guildWithMember(
  owner: { api: ApiClient; user: TestUser },
  member: { api: ApiClient; user: TestUser },
  name: string,
): Promise<{ guildId: string; textId: string }> {
  const guildId: string = (await owner.api.post('/guilds', { name }, owner.user.token)).body.id;
  const textId: string = (await owner.api.get(`/guilds/${guildId}/channels`, owner.user.token)).body.items.find(
    (c: { type: string }) => c.type === 'text',
  ).id;
  const invite = (await owner.api.post(`/guilds/${guildId}/invites`, {}, owner.user.token)).body;
  const accepted = await member.api.post(`/invites/${invite.code}`, undefined, member.user.token);
  if (accepted.status !== 200) throw new Error(`invite accept failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { guildId, textId };
}

export function connectGateway(url: string, token: string): Socket {
  return io(url, { path: '/gateway', auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
}

/** Resolves with the first payload of `event` matching `predicate`, or rejects after `timeoutMs`. */
export function nextEvent<T = any>(
  socket: Socket,
  event: string,
  predicate: (p: any) => boolean = () => true,
  timeoutMs = 5_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (payload: T) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(payload);
    };
    socket.on(event, handler);
  });
}

/** Collects every payload of `event` (to assert that something was NOT delivered). */
export function collect<T = any>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (p: T) => seen.push(p));
  return seen;
}
