import { Redis } from 'ioredis';
import { newId } from '../db/ids';
import type { Logger } from '../logger';
import type { PermissionCache } from './permission-cache';

/**
 * Keeps the record caches of several server instances coherent: a write on one instance drops the same entries on
 * every other instance before the writer answers (the publish is awaited, bounded so a write never hangs on Redis; the
 * cache TTL covers a lost message or a Redis outage, and the cache is cleared on every (re)subscription because
 * messages sent while disconnected are lost).
 *
 * Message: `<instance id>\n*` (drop everything) or `<instance id>\n<key>\n<key>…` (drop these keys).
 */
export interface CacheSync {
  /** Drops `keys` ('*' = everything) here and on the other instances. */
  invalidate(keys: readonly string[] | '*'): Promise<void>;
  close(): Promise<void>;
}

const PUBLISH_TIMEOUT_MS = 250;
const SUBSCRIBE_TIMEOUT_MS = 2_000;
const RESUBSCRIBE_SETTLE_MS = 1_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function applyLocally(cache: PermissionCache, keys: readonly string[] | '*'): void {
  if (keys === '*') cache.invalidateAll();
  else cache.invalidate(keys);
}

/** Without Redis (a single instance) invalidation is local only. */
export function localCacheSync(cache: PermissionCache): CacheSync {
  return {
    invalidate: async (keys) => applyLocally(cache, keys),
    close: async () => undefined,
  };
}

export async function redisCacheSync(opts: { cache: PermissionCache; redisUrl: string; publisher: Redis; channel: string; log: Logger }): Promise<CacheSync> {
  const { cache, publisher, channel, log } = opts;
  const instanceId = newId();
  const sub = new Redis(opts.redisUrl, { connectionName: 'parley-cache-sub' });
  sub.on('error', (err: Error) => log.warn({ err: err.message }, 'redis cache-sub error'));
  sub.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const [sender, ...keys] = message.split('\n');
    if (sender === instanceId) return;
    applyLocally(cache, keys.length === 1 && keys[0] === '*' ? '*' : keys);
  });
  // Messages sent while disconnected are lost. ioredis reports `ready` before it has re-subscribed, so clear again a
  // moment later too: an invalidation published in that gap must not linger until the TTL.
  sub.on('ready', () => {
    cache.invalidateAll();
    setTimeout(() => cache.invalidateAll(), RESUBSCRIBE_SETTLE_MS).unref();
  });
  await withTimeout(sub.subscribe(channel), SUBSCRIBE_TIMEOUT_MS).catch((err: unknown) =>
    log.warn({ err }, 'record cache: not subscribed at boot; relying on its TTL'),
  );
  return {
    async invalidate(keys) {
      applyLocally(cache, keys);
      if (keys !== '*' && keys.length === 0) return;
      const message = [instanceId, ...(keys === '*' ? ['*'] : keys)].join('\n');
      await withTimeout(publisher.publish(channel, message), PUBLISH_TIMEOUT_MS).then(
        () => undefined,
        (err: unknown) => log.warn({ err }, 'record cache invalidation not broadcast'),
      );
    },
    async close() {
      await sub.quit().catch(() => sub.disconnect());
    },
  };
}
