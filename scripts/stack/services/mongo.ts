import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { runningPid, startDaemon, stopDaemon } from '../daemon';
import { buildFerretdb, ferretdbBinary } from '../go-tools';
import { stackEnv, type StackContext } from '../profiles';
import { assertPortFree, which } from '../tools';
import type { Health, StackService } from './service';

type Engine = 'external' | 'mongod' | 'ferretdb';

/** MONGODB_URI (dev) / PARLEY_TEST_MONGODB_URI (test) → use it; else a mongod on PATH; else our FerretDB launcher. */
function engine(ctx: StackContext): Engine {
  if (ctx.externalMongoUri) return 'external';
  return which('mongod') ? 'mongod' : 'ferretdb';
}

/** Hides credentials of an external URI in status output. */
function redact(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

export async function mongoPing(uri: string, timeoutMs = 2_000): Promise<Health> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs, socketTimeoutMS: timeoutMs });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return { healthy: true };
  } catch (error) {
    const message = (error as Error).message;
    return { healthy: false, reason: /ECONNREFUSED/.test(message) ? 'not running (connection refused)' : message };
  } finally {
    await client.close().catch(() => undefined);
  }
}

export const mongoService: StackService = {
  name: 'mongo',
  address: (ctx) => redact(stackEnv(ctx).MONGODB_URI ?? ''),
  describe(ctx) {
    const kind = engine(ctx);
    const pid = runningPid(ctx, 'mongo');
    return pid ? `${kind}, pid ${pid}` : kind;
  },
  async install(ctx) {
    if (engine(ctx) === 'ferretdb') await buildFerretdb();
  },
  async start(ctx) {
    const kind = engine(ctx);
    if (kind === 'external' || runningPid(ctx, 'mongo') !== undefined) return false;
    await assertPortFree('mongo', ctx.ports.mongo);
    const port = String(ctx.ports.mongo.port);
    if (kind === 'mongod') {
      const dbPath = join(ctx.dirs.data, 'mongod');
      mkdirSync(dbPath, { recursive: true });
      await startDaemon(ctx, {
        name: 'mongo',
        command: which('mongod') ?? 'mongod',
        args: ['--bind_ip', '127.0.0.1', '--port', port, '--dbpath', dbPath, '--quiet'],
        health: () => mongoPing(stackEnv(ctx).MONGODB_URI ?? '', 1_000),
        startTimeoutMs: 60_000,
      });
      return true;
    }
    await buildFerretdb();
    await startDaemon(ctx, {
      name: 'mongo',
      command: ferretdbBinary,
      args: ['-listen', `127.0.0.1:${port}`, '-data', join(ctx.dirs.data, 'ferretdb')],
      health: () => mongoPing(stackEnv(ctx).MONGODB_URI ?? '', 1_000),
      startTimeoutMs: 30_000,
    });
    return true;
  },
  stop: (ctx) => stopDaemon(ctx, 'mongo'),
  health: (ctx) => mongoPing(stackEnv(ctx).MONGODB_URI ?? ''),
};
