import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { runningPid, startDaemon, stopDaemon } from '../daemon';
import { assertPortFree, isRoot, MissingPrerequisiteError, run, which } from '../tools';
import type { Health, StackService } from './service';

/** RESP PING over a raw socket: the cheapest possible liveness check, no client library needed. */
export function redisPing(port: number, timeoutMs = 1_500): Promise<Health> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (health: Health): void => {
      socket.destroy();
      resolvePromise(health);
    };
    socket.setTimeout(timeoutMs, () => finish({ healthy: false, reason: `no PING reply within ${timeoutMs} ms` }));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        finish(reply.startsWith('+PONG') ? { healthy: true } : { healthy: false, reason: `PING answered ${reply.trim()}` });
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish({ healthy: false, reason: error.code === 'ECONNREFUSED' ? 'not running (connection refused)' : error.message }),
    );
  });
}

async function installRedis(): Promise<void> {
  if (which('redis-server')) return;
  const apt = which('apt-get');
  if (!apt || !isRoot()) {
    throw new MissingPrerequisiteError(
      'redis-server is not installed. Install the Debian/Ubuntu package: sudo apt-get install -y redis-server ' +
        '(or put a redis-server binary on PATH).',
    );
  }
  console.log('[stack] redis: installing Debian package redis-server with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = (): ReturnType<typeof run> =>
    run(apt, ['install', '-y', '--no-install-recommends', 'redis-server'], { env, timeoutMs: 600_000, echo: '[apt] ' });
  let result = await install();
  if (result.code !== 0) {
    // A fresh machine often has no package lists yet.
    await run(apt, ['update'], { env, timeoutMs: 600_000, echo: '[apt] ' });
    result = await install();
  }
  if (result.code !== 0 || !which('redis-server')) {
    throw new MissingPrerequisiteError(
      `apt-get could not install redis-server (exit ${result.code}). Install it by hand: apt-get install -y redis-server`,
    );
  }
}

export const redisService: StackService = {
  name: 'redis',
  address: (ctx) => `127.0.0.1:${ctx.ports.redis.port}`,
  install: installRedis,
  describe: (ctx) => {
    const pid = runningPid(ctx, 'redis');
    return pid ? `redis-server, pid ${pid}` : 'redis-server';
  },
  async start(ctx) {
    if (runningPid(ctx, 'redis') !== undefined) return false;
    await installRedis();
    await assertPortFree('redis', ctx.ports.redis);
    const dir = join(ctx.dirs.data, 'redis');
    mkdirSync(dir, { recursive: true });
    // Stack Redis is a cache and a job queue for LiveKit: no persistence, loopback only.
    await startDaemon(ctx, {
      name: 'redis',
      command: which('redis-server') ?? 'redis-server',
      args: [
        '--bind',
        '127.0.0.1',
        '--port',
        String(ctx.ports.redis.port),
        '--protected-mode',
        'yes',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      health: () => redisPing(ctx.ports.redis.port),
      startTimeoutMs: 15_000,
    });
    return true;
  },
  stop: (ctx) => stopDaemon(ctx, 'redis'),
  health: (ctx) => redisPing(ctx.ports.redis.port),
};
